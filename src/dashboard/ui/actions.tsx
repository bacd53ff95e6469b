/**
 * Actions with a confirmation: the page first asks the server for the action's plan (what will
 * change, in words), shows it, and only a click on Confirm sends the action.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ActionKind, ActionPlan, ActionResult } from '../protocol.ts';

export interface PendingAction {
  environment: string;
  kind: ActionKind;
  to?: number;
  full?: boolean;
}

export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

export function ConfirmDialog(props: {
  action: PendingAction;
  csrf: string;
  onClose: (result?: ActionResult) => void;
}) {
  const { action } = props;
  const [plan, setPlan] = useState<ActionPlan | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const q = new URLSearchParams({ kind: action.kind });
    if (action.to !== undefined) q.set('to', String(action.to));
    if (action.full) q.set('full', 'true');
    api<ActionPlan>(`/dashboard/api/envs/${action.environment}/plan?${q}`).then(setPlan, (e: Error) =>
      setError(e.message),
    );
  }, [action.environment, action.kind, action.to, action.full]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && props.onClose();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [props.onClose]);

  const confirm = async () => {
    if (!plan) return;
    setBusy(true);
    try {
      const body = {
        kind: action.kind,
        ...(action.to !== undefined ? { to: action.to } : {}),
        ...(action.full ? { full: true } : {}),
        ...(plan.release !== undefined ? { release: plan.release } : {}),
      };
      const result = await api<ActionResult>(`/dashboard/api/envs/${action.environment}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-slipway-csrf': props.csrf },
        body: JSON.stringify(body),
      });
      props.onClose(result);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <div class="backdrop">
      <div
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        data-testid="confirm"
      >
        <h2 id="confirm-title">Confirm {action.kind}</h2>
        {!plan && !error && <p>Working out what would change…</p>}
        {plan && (
          <>
            <p class="plan-summary" data-testid="plan-summary">
              {plan.summary}
            </p>
            {plan.changes.length > 0 && (
              <ul class="plan-changes">
                {plan.changes.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            )}
            {plan.blocked && <p class="blocked">Not possible now: {plan.blocked}</p>}
          </>
        )}
        {error && (
          <p class="blocked" data-testid="action-error">
            {error}
          </p>
        )}
        <div class="buttons">
          <button type="button" onClick={() => props.onClose()}>
            Cancel
          </button>
          <button
            type="button"
            class={action.kind === 'abort' || action.kind === 'rollback' ? 'danger' : 'primary'}
            disabled={!plan || !!plan.blocked || busy}
            onClick={confirm}
            data-testid="confirm-button"
          >
            {busy ? 'Sending…' : `Confirm ${action.kind}`}
          </button>
        </div>
      </div>
    </div>
  );
}
