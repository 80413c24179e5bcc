/** One line of bench-results/results.json. */
export interface ResultRow {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  /** The same metric for the comparison measured in the same run (null: no baseline for this row). */
  baseline: { name: string; value: number } | null;
  /** value / baseline.value. */
  ratio: number | null;
  /** The bar for this row, in words (null: context only). */
  target: string | null;
  met: boolean | null;
  /** Sample count behind the number. */
  n?: number;
  note?: string;
}

export function row(
  r: Omit<ResultRow, 'ratio' | 'met' | 'baseline' | 'target'> & {
    baseline?: ResultRow['baseline'];
    target?: string | null;
    met?: boolean | null;
  },
): ResultRow {
  const baseline = r.baseline ?? null;
  const ratio = baseline && baseline.value !== 0 ? r.value / baseline.value : null;
  return { ...r, baseline, ratio, target: r.target ?? null, met: r.met ?? null };
}
