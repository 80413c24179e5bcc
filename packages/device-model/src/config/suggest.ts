/**
 * "Did you mean" for misspelt keys, shared by every file format that refuses unknown keys (device configs here,
 * HIL bench files in hil/): one policy, one wording.
 */

/** Edit distance (insert, delete, substitute, swap of neighbours count 1 each). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known key closest to `key` when it is plausibly a typo of it (case-insensitive; at most 1 edit per 3 characters). */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const limit = Math.max(1, Math.floor(key.length / 3));
  let best: { key: string; distance: number } | undefined;
  for (const k of known) {
    const distance = editDistance(lower, k.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { key: k, distance };
  }
  return best?.key;
}

/** The hint for an unknown key: the likely intended one first, then every key allowed there. */
export function unknownKeyHint(key: string, known: readonly string[]): string {
  const guess = closestKey(key, known);
  const list = `known keys here: ${known.join(', ')}`;
  return guess ? `did you mean '${guess}'? (${list})` : `remove it; ${list}`;
}
