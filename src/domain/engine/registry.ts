// The data the engine works over, handed to it once. The engine holds the
// rules of scoring and of ordering what to do next; the tables (regions and
// their standing routes, the pathway rules) are data beside it, so a local
// authority can change its contacts or rules without touching the engine, and
// the engine's modules never import them. `src/domain/index.ts`, the domain's
// one door, sets the registry up before anything can score.
import type { CaseFacts } from './case-facts.ts';
import type { Answers, Instrument, NextStep, Region, RegionId, Result } from './types.ts';

/** What a pathway rule's condition is read against. */
export interface PathwayContext {
  inst: Instrument;
  answers: Answers;
  facts: CaseFacts;
  result: Omit<Result, 'nextSteps'>;
}

export interface DomainRegistry {
  /** Each region's emergency route and standing routes. */
  regions: Readonly<Record<RegionId, Region>>;
  /**
   * The steps of the pathway rules whose condition holds: safety rules apart from the rest, and the ids of
   * standing routes a fired step says the same as (shown once, in the rule's narrower words).
   */
  pathwaySteps(ctx: PathwayContext): { safety: NextStep[]; other: NextStep[]; replaces?: string[] };
}

let current: DomainRegistry | undefined;

export function setRegistry(registry: DomainRegistry): void {
  current = registry;
}

export function registry(): DomainRegistry {
  // A missing registry is a wiring fault, never a reason to score without the safety routes.
  if (!current) throw new Error('The domain registry is not set up: import the domain through src/domain/index.ts.');
  return current;
}
