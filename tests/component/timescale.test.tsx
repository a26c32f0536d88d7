// @vitest-environment jsdom
// A step's timescale as the practitioner (the result) and the reviewer (the referral's first screen)
// read it. The seeds give "immediately" (003 L2189: "must result in an immediate referral into the
// MASH"), "within the hour" (003 L2207) and "72 hours" (002 L520–L522); the step said
// "When: within immediately" until the words were made in one place.
import { cleanup, render, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { score } from '../../src/domain/index.ts';
import { getInstrument } from '../../src/domain/instruments/catalogue.ts';
import { NowSteps } from '../../src/inbox/now-steps.tsx';
import { StepList } from '../../src/shared-ui/next-steps.tsx';

afterEach(cleanup);

/**
 * A 12-year-old by date of birth (born 1 June 2014, assessed 23 November 2026) who discloses a recent sexual
 * assault, on the Sandwell screening tool: the under-13 referral borrowed from 003 L2189 is "immediately".
 */
const sandwell = getInstrument('sandwell-cse-screening-tool')!;
const steps = score(sandwell, {
  'fact-dob': '2014-06-01',
  'fact-assessment-date': '2026-11-23',
  'fact-sexual-assault': 'recent',
}).nextSteps;
const underThirteen = steps.find((s) => s.id === 'wm-under-13-immediate-referral')!;

const when = (el: Element) =>
  within(el as HTMLElement)
    .getByTestId('within')
    .textContent?.replace(/\s+/g, ' ')
    .trim();

describe("a step's timescale in words", () => {
  it('the result says "When: immediately", not "within immediately"', () => {
    expect(underThirteen.within).toBe('immediately');
    const { container } = render(<StepList steps={[underThirteen]} file={sandwell.source} />);
    expect(when(container)).toBe('When: immediately');
  });

  it("the referral's first screen in the inbox says the same", () => {
    const { container } = render(<NowSteps steps={[underThirteen]} file={sandwell.source} />);
    expect(when(container)).toBe('When: immediately');
  });

  it('a timescale of hours keeps "within", once', () => {
    for (const [within, words] of [
      ['72 hours', 'When: within 72 hours'],
      ['within the hour', 'When: within the hour'],
      ['2 hours', 'When: within 2 hours'],
    ] as const) {
      const step = { ...underThirteen, within };
      const app = render(<StepList steps={[step]} file={sandwell.source} />);
      expect(when(app.container)).toBe(words);
      const inbox = render(<NowSteps steps={[step]} file={sandwell.source} />);
      expect(when(inbox.container)).toBe(words);
      cleanup();
    }
  });
});
