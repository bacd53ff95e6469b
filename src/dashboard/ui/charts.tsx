/**
 * Charts with uPlot: one small component that owns a uPlot instance and feeds it new data, and the
 * builders that turn the sampled series into uPlot's column arrays (x = seconds, one y per revision).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RevisionPoint, SamplePoint } from '../protocol.ts';
import { colourOf } from './format.ts';

export interface ChartSpec {
  title: string;
  testId: string;
  series: { label: string; stroke: string; dash?: number[] }[];
  data: uPlot.AlignedData;
  /** y axis formatting, e.g. a percentage. */
  yFormat?: (v: number) => string;
  yLog?: boolean;
  /** Clip the y axis here (values above run off the top), so a small maximum stays readable. */
  yMax?: number;
  height?: number;
}

export function Chart({ spec }: { spec: ChartSpec }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = spec.series.map((s) => s.label).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const fmt = spec.yFormat;
    const opts: uPlot.Options = {
      width: Math.max(280, el.clientWidth),
      height: spec.height ?? 170,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: timeRange },
        y: spec.yLog
          ? { distr: 3, log: 10, range: logRange }
          : { range: (_u, _min, max) => linearRange(max, spec.yMax) },
      },
      axes: [
        {},
        {
          size: 60,
          // uPlot hands null for ticks it leaves unlabelled (log scales).
          ...(fmt
            ? { values: (_u: uPlot, vals: (number | null)[]) => vals.map((v) => (v == null ? '' : fmt(v))) }
            : {}),
        },
      ],
      series: [
        {},
        ...spec.series.map((s) => ({
          label: s.label,
          stroke: s.stroke,
          width: 2,
          ...(s.dash ? { dash: s.dash } : {}),
          spanGaps: false,
          ...(fmt ? { value: (_u: uPlot, v: number | null) => (v == null ? '–' : fmt(v)) } : {}),
        })),
      ],
    };
    plot.current = new uPlot(opts, spec.data, el);
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(280, el.clientWidth), height: opts.height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // A new set of lines needs a new plot; new points only need setData below.
  }, [shape, spec.yLog]);

  useEffect(() => {
    plot.current?.setData(spec.data);
  }, [spec.data]);

  const points = spec.data[0]?.length ?? 0;
  return (
    <figure class="chart" data-testid={spec.testId} data-points={points}>
      <figcaption>{spec.title}</figcaption>
      {points < 3 && (
        <p class="chart-empty muted">
          {points === 0 ? 'No samples yet.' : `Only ${points} sample${points === 1 ? '' : 's'} so far.`}
        </p>
      )}
      <div ref={box} class={points < 3 ? 'chart-hidden' : ''} />
    </figure>
  );
}

/** At least a minute wide, so a short release's few points do not stretch the axis into years. */
function timeRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  const hi = Number.isFinite(max) ? (max as number) : Date.now() / 1000;
  const lo = Number.isFinite(min) ? (min as number) : hi - 60;
  return hi - lo < 60 ? [hi - 60, hi] : [lo, hi];
}

/** Whole powers of ten around the data (an empty chart still gets a valid range). */
function logRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  const lo = Number.isFinite(min) && (min as number) > 0 ? (min as number) : 1;
  const hi = Number.isFinite(max) && (max as number) > 0 ? (max as number) : 10;
  return [10 ** Math.floor(Math.log10(Math.min(lo, 0.1))), 10 ** Math.ceil(Math.log10(Math.max(hi * 2, 10)))];
}

function linearRange(max: number | null, clip: number | undefined): uPlot.Range.MinMax {
  const top = Number.isFinite(max) && (max as number) > 0 ? (max as number) * 1.1 : 1;
  return [0, clip !== undefined ? Math.min(top, clip) : top];
}

/** Revisions that appear in the window, in release order. */
export function revisionsIn(points: SamplePoint[]): string[] {
  const seen = new Set<string>();
  for (const p of points) for (const r of Object.keys(p.revisions)) seen.add(r);
  return [...seen].sort((a, b) => Number(a) - Number(b));
}

/** One chart of a per-revision metric: columns x, then one y column per revision (null where absent). */
export function revisionChart(
  points: SamplePoint[],
  metric: keyof RevisionPoint,
  base: Omit<ChartSpec, 'series' | 'data'>,
): ChartSpec {
  const revs = revisionsIn(points);
  const x = points.map((p) => p.t);
  const ys = revs.map((r) => points.map((p) => p.revisions[r]?.[metric] ?? null));
  return {
    ...base,
    series: revs.map((r) => ({ label: `#${r}`, stroke: colourOf(r) })),
    data: [x, ...ys] as uPlot.AlignedData,
  };
}

/** Latency: p50 solid and p99 dashed per revision. */
export function latencyChart(points: SamplePoint[]): ChartSpec {
  const revs = revisionsIn(points);
  const x = points.map((p) => p.t);
  const series: ChartSpec['series'] = [];
  const ys: (number | null)[][] = [];
  for (const r of revs) {
    series.push({ label: `#${r} p50`, stroke: colourOf(r) });
    ys.push(points.map((p) => p.revisions[r]?.p50Ms ?? null));
    series.push({ label: `#${r} p99`, stroke: colourOf(r), dash: [6, 4] });
    ys.push(points.map((p) => p.revisions[r]?.p99Ms ?? null));
  }
  return {
    title: 'Latency (ms, p50 solid, p99 dashed)',
    testId: 'chart-latency',
    series,
    data: [x, ...ys] as uPlot.AlignedData,
    yFormat: (v) => `${Math.round(v)} ms`,
  };
}

/** The evidence over time: the e-value against its threshold (log scale). */
export function evidenceChart(points: SamplePoint[], release: number): ChartSpec {
  const mine = points.filter((p) => p.evidence?.release === release);
  const x = mine.map((p) => p.t);
  return {
    title: 'Relative test: e-value (candidate worse than stable?) vs threshold',
    testId: 'chart-evalue',
    yLog: true,
    series: [
      { label: 'e-value', stroke: '#dc2626' },
      { label: 'threshold', stroke: '#111827', dash: [4, 4] },
    ],
    data: [
      x,
      mine.map((p) => Math.max(p.evidence?.eValue ?? 1, 1e-3)),
      mine.map((p) => p.evidence?.threshold ?? null),
    ] as uPlot.AlignedData,
    yFormat: (v) => (v >= 1000 ? v.toExponential(0) : String(Number(v.toPrecision(2)))),
  };
}

/** The absolute guard: the upper confidence bound on the candidate's failure rate against the maximum. */
export function boundChart(points: SamplePoint[], release: number): ChartSpec {
  const mine = points.filter((p) => p.evidence?.release === release);
  const maxRate = mine.at(-1)?.evidence?.maxErrorRate;
  return {
    title: 'Candidate failure rate: upper confidence bound vs maximum',
    testId: 'chart-bound',
    // The bound starts at 100% with no requests; four times the maximum keeps the crossing visible.
    ...(maxRate !== undefined ? { yMax: maxRate * 4 } : {}),
    series: [
      { label: 'upper bound', stroke: '#2563eb' },
      { label: 'maximum', stroke: '#111827', dash: [4, 4] },
    ],
    data: [
      mine.map((p) => p.t),
      mine.map((p) => p.evidence?.upperBound ?? null),
      mine.map((p) => p.evidence?.maxErrorRate ?? null),
    ] as uPlot.AlignedData,
    yFormat: (v) => `${Number((v * 100).toPrecision(2))}%`,
  };
}
