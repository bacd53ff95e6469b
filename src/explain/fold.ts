/**
 * Reasons as one line: a rollback's reason can span several lines (a captured log tail, several
 * verdict reasons), which broke the `history` table. Tables, notifications' titles and the
 * dashboard's history rows show the folded form; `--json`, `why` and the page's detail keep the
 * whole text.
 */

/**
 * The reasons worth saying, each on one line (every run of whitespace, newlines included, becomes
 * one space), without repeats: a reason already said inside another is left out. A rollback is
 * recorded as "analysis failed: <verdict reasons>: rolled back to release 1" followed by the verdict
 * reasons themselves; said once, they are not said again.
 */
export function distinctReasons(reasons: readonly string[]): string[] {
  const lines = reasons.map((r) => r.replace(/\s+/g, ' ').trim()).filter((r) => r.length > 0);
  return lines.filter(
    (r, i) => !lines.some((other, j) => j !== i && (other === r ? j < i : other.includes(r))),
  );
}

/** The reasons on one line, joined with "; " (`distinctReasons`). */
export function foldReasons(reasons: readonly string[]): string {
  return distinctReasons(reasons).join('; ');
}

/**
 * Shortens folded text to `max` characters, cutting at a word boundary and saying how much was
 * left out, so a table cell never wraps and a reader knows there is more (`slipway why`).
 * @example truncate('candidate failed: exit 1 at start', 20) → 'candidate failed: …'
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, Math.max(1, max - 1));
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space + 1) : cut}…`;
}
