/** Small formatting helpers for the page (numbers as the CLI prints them). */

export const shortDigest = (d: string | undefined): string =>
  d ? d.replace(/^sha256:/, '').slice(0, 12) : '–';

export function percent(rate: number | undefined, digits = 2): string {
  if (rate === undefined || Number.isNaN(rate)) return '–';
  if (rate === 0) return '0%';
  return `${Number((rate * 100).toPrecision(digits + 1))}%`;
}

export function eValue(v: number | undefined): string {
  if (v === undefined) return '–';
  if (v >= 1e4 || (v > 0 && v < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(3)));
}

export function clock(ms: number | undefined): string {
  if (ms === undefined) return '';
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

export function dateTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export function duration(from: number, to: number): string {
  const s = Math.max(0, Math.round((to - from) / 1000));
  return s < 120 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

/** A stable colour per revision, so one revision keeps its colour in every chart and the split. */
const PALETTE = ['#2563eb', '#16a34a', '#ea580c', '#9333ea', '#0891b2', '#ca8a04', '#db2777', '#4b5563'];
export const colourOf = (release: number | string): string =>
  PALETTE[Number(release) % PALETTE.length] as string;
