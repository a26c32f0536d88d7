// The catalogue as plain JSON: what `npm run cse -- instruments` prints and
// what the endpoint can publish. Items are flattened from their sections.
import { itemsOf } from './answers.ts';
import type { Instrument, Item } from './types.ts';

export interface CatalogueItem {
  id: string;
  section: string;
  text: string;
  kind: Item['kind'];
  required: boolean;
  options?: { value: string; label: string; score?: number }[];
  min?: number;
  max?: number;
  source: { file: string; line: number; endLine?: number };
  /** Why the app asks an item the paper form lacks (every case fact says so). */
  appAdded?: string;
}

export function catalogueEntry(inst: Instrument) {
  return {
    id: inst.id,
    version: inst.version,
    title: inst.title,
    source: inst.source,
    region: inst.region,
    kind: inst.kind,
    rule: inst.scoring.rule,
    items: inst.sections.flatMap((section) =>
      section.items.map((item): CatalogueItem => {
        const entry: CatalogueItem = {
          id: item.id,
          section: section.id,
          text: item.text,
          kind: item.kind,
          required: item.required,
          source: item.src,
        };
        if (item.appAdded) entry.appAdded = item.appAdded;
        if (item.kind === 'choice' || item.kind === 'multi')
          entry.options = item.options.map((o) =>
            o.score !== undefined
              ? { value: o.value, label: o.label, score: o.score }
              : { value: o.value, label: o.label },
          );
        if (item.kind === 'number') {
          entry.min = item.min;
          entry.max = item.max;
        }
        return entry;
      }),
    ),
    itemCount: itemsOf(inst).length,
  };
}
