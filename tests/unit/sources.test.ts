// Source citations in plain words (src/shared-ui/sources.ts): the engine's "(L1280)"
// and "(000 L424)" become "Northamptonshire toolkit, line 1280" and leave the sentence.
import { describe, expect, it } from 'vitest';
import { plainRef, splitRefs } from '../../src/shared-ui/sources.ts';

const NN = '003_7eb0d314b11c5981.txt';

describe('plain source references', () => {
  it('names the document and the line, or the lines', () => {
    expect(plainRef({ file: NN, line: 1280 })).toBe('Northamptonshire toolkit, line 1280');
    expect(plainRef({ file: '000_c46dad1176f597fe.txt', line: 635, endLine: 645 })).toBe(
      'Greater Manchester Project Phoenix handbook, lines 635–645',
    );
  });

  it('takes citations out of a sentence and lists them', () => {
    expect(splitRefs('under-16s with a history of sexual assault are referred (L1280).', NN)).toEqual({
      text: 'under-16s with a history of sexual assault are referred.',
      refs: ['Northamptonshire toolkit, line 1280'],
    });
    expect(splitRefs('July 2014 (000 L424)', NN)).toEqual({
      text: 'July 2014',
      refs: ['Greater Manchester Project Phoenix handbook, line 424'],
    });
    expect(splitRefs('fields the handbook lists (L621–L631; L707)', NN).refs).toEqual([
      'Northamptonshire toolkit, lines 621–631',
      'Northamptonshire toolkit, line 707',
    ]);
  });
});
