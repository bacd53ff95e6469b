/** One environment: the split and its revisions, the release in flight (steps, evidence, actions), charts, history. */
import { useMemo } from 'preact/hooks';
import type { EnvironmentState, EvidenceNow, OperationState, SamplePoint } from '../protocol.ts';
import type { PendingAction } from './actions.tsx';
import { boundChart, Chart, evidenceChart, latencyChart, revisionChart } from './charts.tsx';
import { clock, colourOf, dateTime, duration, eValue, percent, shortDigest } from './format.ts';
import { History } from './history.tsx';

type Act = (a: PendingAction) => void;

export function Environment(props: {
  env: EnvironmentState;
  series: SamplePoint[];
  onAction: Act;
  now: number;
}) {
  const { env, series } = props;
  const op = env.operation;
  // Charts cover the release in flight (from its start), else the last ten minutes.
  const since = op ? op.startedAt / 1000 - 5 : props.now / 1000 - 600;
  const points = useMemo(() => series.filter((p) => p.t >= since), [series, since]);
  const rps = useMemo(
    () => revisionChart(points, 'rps', { title: 'Requests per second', testId: 'chart-rps' }),
    [points],
  );
  const errors = useMemo(
    () =>
      revisionChart(points, 'errorRate', {
        title: 'Error rate (5xx and connection failures)',
        testId: 'chart-errors',
        yFormat: (v) => `${Number((v * 100).toPrecision(2))}%`,
      }),
    [points],
  );
  const latency = useMemo(() => latencyChart(points), [points]);
  return (
    <main class="environment" data-testid={`env-${env.name}`}>
      <header class="env-head">
        <h2>{env.name}</h2>
        <span class="badge">{env.target}</span>
        {env.endpoint && <code class="endpoint">{env.endpoint}</code>}
        <span class="serving" data-testid="serving">
          {env.serving === undefined ? 'nothing serves users' : `serving release ${env.serving}`}
        </span>
      </header>
      {env.error && (
        <p class="blocked">
          Cannot read {env.name}: {env.error}
        </p>
      )}
      <Split env={env} />
      {op ? (
        <Operation env={env} op={op} onAction={props.onAction} now={props.now} />
      ) : (
        <LastRelease env={env} />
      )}
      {op?.evidence && <Evidence evidence={op.evidence} series={series} release={op.release} />}
      {!op && env.last?.evidence && (
        <Evidence evidence={env.last.evidence} series={series} release={env.last.release} />
      )}
      <section class="charts">
        <Chart spec={rps} />
        <Chart spec={errors} />
        <Chart spec={latency} />
      </section>
      <History env={env} onAction={props.onAction} />
    </main>
  );
}

function Split({ env }: { env: EnvironmentState }) {
  const routed = env.revisions.filter((r) => r.weight > 0);
  return (
    <section class="panel">
      <h3>Traffic split</h3>
      <div
        class="split"
        data-testid="split"
        data-split={routed.map((r) => `${r.release}:${r.weight}`).join(',')}
      >
        {routed.length === 0 && <div class="split-empty">no traffic routed</div>}
        {routed.map((r) => (
          <div
            key={r.release}
            class="split-part"
            style={{ flex: `${r.weight} 1 0`, background: colourOf(r.release) }}
            title={`release ${r.release}: ${r.weight}%`}
          >
            #{r.release} {r.weight}%
          </div>
        ))}
      </div>
      <table class="revisions">
        <thead>
          <tr>
            <th>revision</th>
            <th>role</th>
            <th>weight</th>
            <th>instances</th>
            <th>digest</th>
          </tr>
        </thead>
        <tbody>
          {env.revisions.map((r) => (
            <tr key={r.release} data-testid={`revision-${r.release}`}>
              <td>
                <span class="dot" style={{ background: colourOf(r.release) }} />#{r.release}
              </td>
              <td>{r.role}</td>
              <td>{r.weight}%</td>
              <td class={r.failed ? 'bad' : ''}>
                {r.failed ? `failed: ${r.failed}` : `${r.ready}/${r.desired} ready`}
              </td>
              <td>
                <code>{shortDigest(r.digest)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Operation({
  env,
  op,
  onAction,
  now,
}: {
  env: EnvironmentState;
  op: OperationState;
  onAction: Act;
  now: number;
}) {
  const act =
    (kind: PendingAction['kind'], extra: Partial<PendingAction> = {}) =>
    () =>
      onAction({ environment: env.name, kind, ...extra });
  return (
    <section class="panel operation" data-testid="operation">
      <h3>
        Release {op.release} <span class="badge">{op.strategy}</span>{' '}
        <span class={`phase phase-${op.phase}`}>{op.phase}</span>
        <span class="muted"> for {duration(op.startedAt, now)}</span>
      </h3>
      <p class="reason" data-testid="operation-reason">
        {op.reason}
      </p>
      {!op.lock && (
        <p class="warn">No engine holds the lock: commands wait until someone runs slipway resume.</p>
      )}
      <Steps steps={op.steps} />
      <div class="buttons">
        <button type="button" class="primary" onClick={act('promote')} data-testid="action-promote">
          Promote
        </button>
        {op.paused ? (
          <button type="button" onClick={act('resume')} data-testid="action-resume">
            Resume
          </button>
        ) : (
          <button type="button" onClick={act('pause')} data-testid="action-pause">
            Pause
          </button>
        )}
        <button type="button" class="danger" onClick={act('abort')} data-testid="action-abort">
          Abort
        </button>
      </div>
      <Events events={op.events} />
    </section>
  );
}

function Steps({ steps }: { steps: OperationState['steps'] }) {
  return (
    <ol class="steps" data-testid="steps">
      {steps.map((s) => (
        <li key={s.label} class={`step step-${s.status}`}>
          <span class="label">{s.label}</span>
          {s.at !== undefined && <span class="muted"> {clock(s.at)}</span>}
        </li>
      ))}
    </ol>
  );
}

function Events({ events }: { events: OperationState['events'] }) {
  return (
    <ul class="events" data-testid="events">
      {[...events].reverse().map((e) => (
        <li key={`${e.at}-${e.kind}-${e.reason}`} class={`event event-${e.kind}`}>
          <span class="muted">{clock(e.at)}</span> <b>{e.kind}</b> {e.reason}
        </li>
      ))}
    </ul>
  );
}

function LastRelease({ env }: { env: EnvironmentState }) {
  const last = env.last;
  if (!last) return <section class="panel">No release has finished in {env.name} yet.</section>;
  return (
    <section class={`panel last outcome-${last.outcome}`} data-testid="last-release">
      <h3>
        Release {last.release}{' '}
        <span class={`phase phase-${last.outcome}`} data-testid="last-outcome">
          {last.outcome}
        </span>
        <span class="muted"> {last.finishedAt ? dateTime(last.finishedAt) : ''}</span>
      </h3>
      <Steps steps={last.steps} />
      <div class="why" data-testid="last-reason">
        <p data-testid="last-headline">{last.summary}</p>
      </div>
      <details class="story" data-testid="why">
        <summary>Why: every decision and its evidence (slipway why --release {last.release})</summary>
        <pre>{last.why.join('\n')}</pre>
      </details>
      <Events events={last.events} />
    </section>
  );
}

function Evidence({
  evidence: e,
  series,
  release,
}: {
  evidence: EvidenceNow;
  series: SamplePoint[];
  release: number;
}) {
  const ev = useMemo(() => evidenceChart(series, release), [series, release]);
  const bound = useMemo(() => boundChart(series, release), [series, release]);
  const budget = e.failureBudget ? Math.min(1, e.candidateErrors / e.failureBudget) : undefined;
  return (
    <section class="panel evidence" data-testid="evidence">
      <h3>
        Analysis <span class={`verdict verdict-${e.verdict}`}>{e.verdict}</span>
      </h3>
      <dl class="numbers">
        <dt>candidate</dt>
        <dd>
          {e.candidateErrors} failed of {e.candidateRequests} requests
        </dd>
        <dt>stable</dt>
        <dd>
          {e.stableErrors} failed of {e.stableRequests}
        </dd>
        <dt>e-value</dt>
        <dd data-testid="evalue">
          {eValue(e.eValue)} <span class="muted">rolls back at {eValue(e.threshold)}</span>
        </dd>
        <dt>failure rate bound</dt>
        <dd>
          {percent(e.lowerBound)} – {percent(e.upperBound)}{' '}
          <span class="muted">maximum {percent(e.maxErrorRate)}</span>
        </dd>
        <dt>failure budget</dt>
        <dd>
          <meter min={0} max={1} value={budget ?? 0} data-testid="budget" /> {e.candidateErrors} of{' '}
          {e.failureBudget ?? '–'}
        </dd>
      </dl>
      <ul class="verdict-reasons">
        {e.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      <div class="charts">
        <Chart spec={ev} />
        <Chart spec={bound} />
      </div>
    </section>
  );
}
