/**
 * Human durations (`30s`, `5m`, `1h30m`, `250ms`), parsed strictly: units in descending order,
 * each at most once, integers only. A bare number is rejected on purpose, because `timeout: 30`
 * could mean seconds or milliseconds and the wrong guess is a 1000x mistake.
 */

const DURATION = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** The regex published in the JSON Schema (same language as `parseDuration`). */
export const DURATION_PATTERN = '^(?=\\d)(?:\\d+h)?(?:\\d+m(?!s))?(?:\\d+s)?(?:\\d+ms)?$';

/** Thirty days: anything longer is almost certainly a typo (and would overflow timers). */
export const MAX_DURATION_MS = 30 * 24 * 3600 * 1000;

/**
 * @example parseDuration('1h30m') === 5_400_000
 * @example parseDuration('90s') === 90_000
 * @example parseDuration('1.5h') === undefined  // fractions are not accepted; write 1h30m
 */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string' || text.length === 0 || !/^\d/.test(text)) return undefined;
  const m = DURATION.exec(text);
  if (!m) return undefined;
  const [h, min, s, ms] = m.slice(1).map((part) => (part === undefined ? 0 : Number(part)));
  return (h ?? 0) * 3_600_000 + (min ?? 0) * 60_000 + (s ?? 0) * 1000 + (ms ?? 0);
}

/** Inverse of `parseDuration`, for messages and printed defaults. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  const units: [string, number][] = [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ];
  let rest = ms;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}
