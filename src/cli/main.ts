// Command-line entry to the engine: `npm run cse -- <command>`.
//   instruments          print the catalogue as JSON
//   score FILE [--on YYYY-MM-DD]
//                        score {"instrument": id, "answers": {...}} and print the result
//                        (answers may hold the case facts: "fact-dob", "fact-sexual-assault", ...);
//                        --on is the day of the screening, for the age from a date of birth when
//                        the answers hold no date of assessment (default: today)
//   pathways             print the pathway rules: condition, steps and the seed lines they come from
// Exits 2 with a message naming the problem on bad input.
import { readFileSync } from 'node:fs';
import { catalogueEntry } from '../domain/index.ts';
import { InvalidAnswersError, score } from '../domain/index.ts';
import { localDate, parseDate } from '../domain/index.ts';
import { INSTRUMENTS, getInstrument } from '../domain/index.ts';
import type { Instrument } from '../domain/index.ts';
import { PATHWAY_RULES } from '../domain/index.ts';
import { FACTS, itemsOf } from '../domain/index.ts';

export function run(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'instruments':
      out(JSON.stringify(INSTRUMENTS.map(catalogueEntry), null, 2));
      return 0;
    case 'pathways':
      out(JSON.stringify(PATHWAY_RULES, null, 2));
      return 0;
    case 'score': {
      const onAt = rest.indexOf('--on');
      const on = onAt >= 0 ? rest[onAt + 1] : localDate(new Date());
      const file = rest.filter((_, i) => onAt < 0 || (i !== onAt && i !== onAt + 1))[0];
      if (!file) {
        err(
          'usage: npm run cse -- score FILE [--on YYYY-MM-DD]   (FILE holds {"instrument": "<id>", "answers": {...}}; "-" reads standard input)',
        );
        return 2;
      }
      if (!on || !parseDate(on) || !/^\d{4}-\d{2}-\d{2}$/.test(on)) {
        err(`--on needs a date as YYYY-MM-DD (the day of the screening), not "${on ?? ''}"`);
        return 2;
      }
      let input: unknown;
      try {
        input = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
      } catch (e) {
        err(`cannot read ${file} as JSON: ${(e as Error).message}`);
        return 2;
      }
      if (
        typeof input !== 'object' ||
        input === null ||
        typeof (input as { instrument?: unknown }).instrument !== 'string'
      ) {
        err('the input must be an object with "instrument" (an instrument id) and "answers"');
        return 2;
      }
      const { instrument: id, answers = {} } = input as { instrument: string; answers?: unknown };
      const inst = getInstrument(id);
      if (!inst) {
        err(`unknown instrument "${id}"; known: ${INSTRUMENTS.map((i) => i.id).join(', ')}`);
        return 2;
      }
      try {
        out(JSON.stringify(score(inst, answers, { on }), null, 2));
        return 0;
      } catch (e) {
        if (e instanceof InvalidAnswersError) {
          for (const p of e.problems) err(p.message + askedItself(inst, p.itemId));
          return 2;
        }
        throw e;
      }
    }
    default:
      err('usage: npm run cse -- instruments | pathways | score FILE [--on YYYY-MM-DD]');
      return 2;
  }
}

/**
 * Where a tool asks a case fact itself (the NSCB and West Midlands forms' own "DOB", "Date of assessment")
 * the fact is not asked twice: a message naming the fact names the tool's item to use instead.
 */
function askedItself(inst: Instrument, itemId: string | undefined): string {
  const fact = FACTS.find((f) => f.item.id === itemId);
  if (!fact) return '';
  const own = new Set(itemsOf(inst).map((i) => i.id));
  const alias = fact.aliases.find((a) => own.has(a));
  return alias ? `: this tool asks it itself, as "${alias}"` : '';
}

// Run only when executed directly (the tests import `run`).
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = run(
    process.argv.slice(2),
    (s) => process.stdout.write(`${s}\n`),
    (s) => process.stderr.write(`cse: ${s}\n`),
  );
}
