// What a scoring rule hands back; score.ts adds completeness and next steps.
export interface RuleOutcome {
  level?: string;
  severity?: number;
  total?: number;
  subtotals?: Record<string, number>;
  bands: string[];
  ambiguities: string[];
  reasons: string[];
  notes: string[];
}
