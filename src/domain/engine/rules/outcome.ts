// What a scoring rule hands back; score.ts adds completeness and next steps.
export interface RuleOutcome {
  /**
   * True when the answers given already fix the outcome, whatever the
   * unanswered items turn out to be; `level` is then the one a complete form
   * would get. Always true for a complete form.
   */
  decided: boolean;
  level?: string;
  /** Whose words `level` is when not the tool's own: the app's (a tool that prints none, or a suggestion) or the practitioner's decision. */
  levelBy?: 'app' | 'practitioner';
  severity?: number;
  total?: number;
  subtotals?: Record<string, number>;
  bands: string[];
  ambiguities: string[];
  reasons: string[];
  notes: string[];
}
