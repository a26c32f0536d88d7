// The lead sentence the referral's first screen shows for each step under "What must happen now"
// (src/inbox/now-steps.tsx): nothing is cut without an ellipsis (issue 20, item 4).
import { describe, expect, it } from 'vitest';
import { leadSentence } from '../../src/inbox/now-steps.tsx';

describe("a step's lead sentence", () => {
  it('keeps a one-sentence step whole, with no ellipsis', () => {
    const missing =
      'Missing children and young people may be at increased risk of CSE and should be reported as missing to the Police at the earliest opportunity.';
    expect(leadSentence(missing)).toBe(missing);
  });
  it('says with an ellipsis that the rest of the step is further down', () => {
    const u13 =
      'A child under the age of 13 years is judged to be incapable of consenting to sexual activity and there is an automatic presumption of referral to children’s social care because the child is at risk of significant harm. The police must be told.';
    const lead = leadSentence(u13);
    expect(lead.endsWith('…')).toBe(true);
    expect(lead).toContain('automatic presumption of referral');
    expect(lead.length).toBeLessThanOrEqual(176);
    // "i.e." is not the end of a sentence.
    const gm999 =
      'If a child is deemed at immediate risk of significant harm i.e. physical, sexual, emotional harm or neglect, contact the police on 999 and provide as much information as possible so that police can put in place an immediate response.';
    expect(leadSentence(gm999)).toMatch(/^If a child is deemed .* contact the police on 999 .*…$/);
    expect(leadSentence('First sentence. Second sentence.')).toBe('First sentence…');
  });
});
