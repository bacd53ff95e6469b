/** The environment's releases, newest first: digest, config, outcome and its reason; config diffs; rollback to N. */
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { EnvironmentState, ReleaseSummary } from '../protocol.ts';
import { api, type PendingAction } from './actions.tsx';
import { dateTime, shortDigest } from './format.ts';

export function History(props: { env: EnvironmentState; onAction: (a: PendingAction) => void }) {
  const { env } = props;
  const [open, setOpen] = useState<number | undefined>();
  const [diff, setDiff] = useState<{ release: number; text: string } | undefined>();
  const inFlight = env.operation !== undefined;

  const showDiff = async (r: ReleaseSummary, previous: ReleaseSummary | undefined) => {
    if (!previous) return;
    try {
      const { diff: text } = await api<{ diff: string }>(
        `/dashboard/api/envs/${env.name}/diff?from=${previous.release}&to=${r.release}`,
      );
      setDiff({ release: r.release, text });
    } catch (e) {
      setDiff({ release: r.release, text: (e as Error).message });
    }
  };

  return (
    <section class="panel" data-testid="history">
      <h3>History</h3>
      <table class="history">
        <thead>
          <tr>
            <th>#</th>
            <th>digest</th>
            <th>config</th>
            <th>strategy</th>
            <th>started</th>
            <th>outcome</th>
            <th>reason</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {env.history.map((r, i) => {
            const previous = env.history[i + 1];
            const serving = env.serving === r.release;
            return (
              <Fragment key={r.release}>
                <tr data-testid={`history-${r.release}`} class={`outcome-${r.outcome.replace(/\s/g, '-')}`}>
                  <td>{r.release}</td>
                  <td title={r.digest}>
                    <code>{shortDigest(r.digest)}</code>
                  </td>
                  <td>
                    <code>{r.configHash.slice(0, 8)}</code>
                  </td>
                  <td>{r.strategy}</td>
                  <td>{dateTime(r.startedAt)}</td>
                  <td class="outcome">{r.outcome}</td>
                  <td class="reason">
                    <button
                      type="button"
                      class="link"
                      onClick={() => setOpen(open === r.release ? undefined : r.release)}
                    >
                      {r.summary || '–'}
                    </button>
                  </td>
                  <td class="row-actions">
                    {previous && (
                      <button
                        type="button"
                        onClick={() => showDiff(r, previous)}
                        data-testid={`diff-${r.release}`}
                      >
                        diff vs #{previous.release}
                      </button>
                    )}
                    {r.outcome === 'promoted' && !serving && !inFlight && (
                      <button
                        type="button"
                        class="danger"
                        data-testid={`rollback-${r.release}`}
                        onClick={() =>
                          props.onAction({ environment: env.name, kind: 'rollback', to: r.release })
                        }
                      >
                        roll back to #{r.release}
                      </button>
                    )}
                  </td>
                </tr>
                {open === r.release && (
                  <tr class="detail">
                    <td colSpan={8}>
                      {r.reasons.map((line) => (
                        <p key={line}>{line}</p>
                      ))}
                    </td>
                  </tr>
                )}
                {diff?.release === r.release && (
                  <tr class="detail">
                    <td colSpan={8}>
                      <pre class="diff" data-testid="config-diff">
                        {diff.text.split('\n').map((line, n) => (
                          <span
                            key={n}
                            class={
                              /^(\+\+\+|---|===)/.test(line)
                                ? 'head'
                                : line.startsWith('+')
                                  ? 'add'
                                  : line.startsWith('-')
                                    ? 'del'
                                    : ''
                            }
                          >
                            {line}
                            {'\n'}
                          </span>
                        ))}
                      </pre>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {env.history.length === 0 && <p class="muted">No releases yet.</p>}
    </section>
  );
}
