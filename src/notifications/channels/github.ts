/**
 * GitHub Deployments: one deployment per release (`POST /repos/{owner}/{repo}/deployments`, with the
 * commit being deployed and `payload.slipway` naming the release) and a status for each event
 * (`POST …/deployments/{id}/statuses`): in_progress while it runs, queued while it waits for
 * approval, success when promoted, failure when rolled back, error when it failed. The release then
 * shows on the repository's Deployments page and on the pull request of that commit.
 *
 * A process that did not create the deployment (a resumed release) finds it again by listing the
 * environment's deployments and matching `payload.slipway`.
 */
import { type DeliveryOptions, send } from '../deliver.ts';
import type { ReleaseNotice } from '../notice.ts';
import { render } from '../template.ts';
import { type Channel, USER_AGENT } from './channel.ts';

export interface GitHubOptions {
  apiUrl: string;
  repository: string;
  token: string;
  /** The commit (or ref) the artifact was built from: GITHUB_SHA in Actions. */
  ref: string;
  template: string;
  environmentUrl?: string;
}

const STATE: Record<ReleaseNotice['event'], string> = {
  started: 'in_progress',
  step: 'in_progress',
  paused: 'queued',
  promoted: 'success',
  'rolled-back': 'failure',
  failed: 'error',
};

/** GitHub refuses longer status descriptions. */
const MAX_DESCRIPTION = 140;

interface Deployment {
  id: number;
  payload?: { slipway?: { service?: string; release?: number } } | string;
}

export function githubChannel(opts: GitHubOptions, delivery: DeliveryOptions = {}): Channel {
  const base = `${opts.apiUrl.replace(/\/+$/, '')}/repos/${opts.repository}`;
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${opts.token}`,
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'x-github-api-version': '2022-11-28',
  };
  const ids = new Map<string, number>();

  async function find(n: ReleaseNotice): Promise<number | undefined> {
    const q = new URLSearchParams({ environment: n.environment, per_page: '100' });
    const list = JSON.parse(
      (await send(`${base}/deployments?${q}`, { headers }, delivery)).body,
    ) as Deployment[];
    const hit = list.find((d) => {
      const p = typeof d.payload === 'string' ? safeJson(d.payload) : d.payload;
      return p?.slipway?.service === n.service && p?.slipway?.release === n.release;
    });
    return hit?.id;
  }

  async function create(n: ReleaseNotice): Promise<number> {
    const body = JSON.stringify({
      ref: opts.ref,
      task: 'deploy',
      environment: n.environment,
      description: truncate(`${n.service} release ${n.release} (${n.strategy}), ${n.digest}`),
      auto_merge: false,
      // Slipway's own analysis gates the release; commit statuses are not re-checked here.
      required_contexts: [],
      payload: { slipway: { service: n.service, release: n.release, digest: n.digest } },
      production_environment: /prod/.test(n.environment),
    });
    const answer = await send(`${base}/deployments`, { method: 'POST', headers, body }, delivery);
    const created = JSON.parse(answer.body) as { id?: number; message?: string };
    if (typeof created.id !== 'number') {
      throw new Error(
        `GitHub did not create the deployment: ${created.message ?? answer.body.slice(0, 200)}`,
      );
    }
    return created.id;
  }

  return {
    label: `github ${opts.repository}`,
    async deliver(n) {
      const key = `${n.environment}/${n.release}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = (n.event === 'started' ? undefined : await find(n)) ?? (await create(n));
        ids.set(key, id);
      }
      const body = JSON.stringify({
        state: STATE[n.event],
        description: truncate(render(opts.template, n)),
        environment: n.environment,
        ...(opts.environmentUrl ? { environment_url: opts.environmentUrl } : {}),
        auto_inactive: true,
      });
      await send(`${base}/deployments/${id}/statuses`, { method: 'POST', headers, body }, delivery);
    },
  };
}

function truncate(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

function safeJson(text: string): { slipway?: { service?: string; release?: number } } | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
