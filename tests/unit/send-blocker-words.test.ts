// What the result's delivery line and the Outbox say when nothing can be sent, read by practitioners:
// plain words, none of the service's own ("endpoint", "seed", "engine", "definition"). Re-checking
// issue 22, the not-enrolled message still said "not enrolled with a referral endpoint".
import { describe, expect, it } from 'vitest';
import { BLOCKER_WORDS } from '../../src/sync/settings.ts';

describe('why nothing is sent, in words', () => {
  for (const [blocker, words] of Object.entries(BLOCKER_WORDS))
    it(`${blocker}: plain words`, () => {
      expect(words).not.toMatch(/endpoint|\bseed\b|\bengine\b|\bdefinition\b/i);
      expect(words.length).toBeGreaterThan(20);
    });
  it('not enrolled: says what to do', () => {
    expect(BLOCKER_WORDS['not-enrolled']).toMatch(/enrolment link your administrator gave you/);
  });
});
