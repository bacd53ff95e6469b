/**
 * The page: one EventSource on /dashboard/api/stream (the server pushes `hello`, then `state` and
 * `sample` messages; the browser reconnects by itself), the environment tabs, and the action
 * dialog. No polling: everything on screen comes from the stream.
 */
import { useEffect, useState } from 'preact/hooks';
import type {
  ActionResult,
  EnvironmentState,
  HelloMessage,
  SampleMessage,
  SamplePoint,
} from '../protocol.ts';
import { ConfirmDialog, type PendingAction } from './actions.tsx';
import { Environment } from './environment.tsx';

const MAX_POINTS = 3600;

interface Model {
  envs: Record<string, EnvironmentState>;
  series: Record<string, SamplePoint[]>;
  csrf: string;
}

export function App() {
  const [model, setModel] = useState<Model | undefined>();
  const [connected, setConnected] = useState(false);
  const [selected, setSelected] = useState<string | undefined>(() => location.hash.slice(1) || undefined);
  const [pending, setPending] = useState<PendingAction | undefined>();
  const [notice, setNotice] = useState<ActionResult | undefined>();
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    const source = new EventSource('/dashboard/api/stream');
    source.addEventListener('open', () => setConnected(true));
    source.addEventListener('error', () => setConnected(false));
    source.addEventListener('hello', (e) => {
      const hello = JSON.parse((e as MessageEvent).data) as HelloMessage;
      setModel({
        envs: Object.fromEntries(hello.environments.map((s) => [s.name, s])),
        series: hello.series,
        csrf: hello.csrf,
      });
    });
    source.addEventListener('state', (e) => {
      const state = JSON.parse((e as MessageEvent).data) as EnvironmentState;
      setModel((m) => m && { ...m, envs: { ...m.envs, [state.name]: state } });
    });
    source.addEventListener('sample', (e) => {
      const { environment, point } = JSON.parse((e as MessageEvent).data) as SampleMessage;
      setNow(point.t * 1000);
      setModel((m) => {
        if (!m) return m;
        const list = [...(m.series[environment] ?? []), point].slice(-MAX_POINTS);
        return { ...m, series: { ...m.series, [environment]: list } };
      });
    });
    return () => source.close();
  }, []);

  useEffect(() => {
    if (selected) history.replaceState(null, '', `#${selected}`);
  }, [selected]);

  if (!model) return <p class="boot">Connecting to Slipway…</p>;
  const names = Object.keys(model.envs).sort();
  const current = selected && model.envs[selected] ? selected : names[0];
  const env = current ? model.envs[current] : undefined;
  return (
    <div class="app">
      <nav class="top">
        <span class="brand">Slipway</span>
        {names.map((n) => {
          const e = model.envs[n] as EnvironmentState;
          return (
            <button
              type="button"
              key={n}
              class={`tab ${n === current ? 'active' : ''}`}
              onClick={() => setSelected(n)}
              data-testid={`tab-${n}`}
            >
              {n}
              {e.operation && <span class="live" title="release in flight" />}
            </button>
          );
        })}
        <span class={`conn ${connected ? 'ok' : 'lost'}`} data-testid="connection">
          {connected ? 'live' : 'reconnecting…'}
        </span>
      </nav>
      {notice && (
        <div class={`notice ${notice.ok ? 'ok' : 'bad'}`} data-testid="notice">
          {notice.message}
          <button type="button" class="link" onClick={() => setNotice(undefined)}>
            dismiss
          </button>
        </div>
      )}
      {env ? (
        <Environment env={env} series={model.series[env.name] ?? []} onAction={setPending} now={now} />
      ) : (
        <p class="boot">No environments yet: deploy one with slipway deploy.</p>
      )}
      {pending && (
        <ConfirmDialog
          action={pending}
          csrf={model.csrf}
          onClose={(result) => {
            setPending(undefined);
            if (result) setNotice(result);
          }}
        />
      )}
    </div>
  );
}
