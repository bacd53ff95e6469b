/**
 * The one place Slipway talks to the API server: a thin wrapper over `@kubernetes/client-node`'s
 * generic object API (any kind, CRDs included) with server-side apply as field manager `slipway`,
 * 404 as `undefined`, and API errors turned into messages that quote the server's reason.
 */
import {
  type Configuration,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { SlipwayError } from '../../core/fault.ts';
import type { KubeObject } from './objects.ts';

export const FIELD_MANAGER = 'slipway';

/** An API call that failed: the HTTP status and the server's own message. */
export class KubeApiError extends SlipwayError {
  readonly status: number | undefined;
  readonly reason: string | undefined;
  constructor(what: string, status: number | undefined, message: string, reason?: string, cause?: unknown) {
    super(
      `${what}: ${message}${status ? ` (HTTP ${status})` : ''}`,
      'failed',
      cause === undefined ? {} : { cause },
    );
    this.name = 'KubeApiError';
    this.status = status;
    this.reason = reason;
  }

  /** One line, with a hint at the kubeconfig when the server was never reached. */
  override get summary(): string {
    if (!unreachableCause(this)) return `Kubernetes API: ${this.message}`;
    return `cannot reach the Kubernetes API server: ${this.message}; check KUBECONFIG, the current context and that the cluster is up`;
  }
}

/** The HTTP status of a client-node error, if it has one. */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

function serverMessage(err: unknown): { message: string; reason?: string } {
  const body = (err as { body?: unknown })?.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return { message: body.trim() || String((err as Error)?.message ?? err) };
    }
  }
  const status = parsed as { message?: string; reason?: string } | undefined;
  if (status && typeof status.message === 'string') return { message: status.message, reason: status.reason };
  return { message: String((err as Error)?.message ?? err) };
}

/** Network-level failures: the API server was not reached at all (nothing answered). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/**
 * The connection error under `err` (fetch wraps it as `cause`: "fetch failed" ← "connect
 * ECONNREFUSED 127.0.0.1:6443"), or undefined when the server did answer.
 */
export function unreachableCause(err: unknown): { code: string; message: string } | undefined {
  for (let e = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE.has(code)) return { code, message: (e as Error).message };
  }
  return undefined;
}

export function apiError(what: string, err: unknown): KubeApiError {
  if (err instanceof KubeApiError) return err;
  const down = unreachableCause(err);
  if (down)
    return new KubeApiError(
      what,
      undefined,
      `the API server is unreachable (${down.message})`,
      down.code,
      err,
    );
  const { message, reason } = serverMessage(err);
  return new KubeApiError(what, statusOf(err), message, reason, err);
}

const ref = (o: { kind?: string; metadata?: { name?: string; namespace?: string } }) =>
  `${o.kind}/${o.metadata?.name}${o.metadata?.namespace ? ` in namespace ${o.metadata.namespace}` : ''}`;

export interface ApplyOptions {
  /** Server-side dry run: the API server validates and defaults, nothing is stored. */
  dryRun?: boolean;
}

/** Attempts at a request the API server throttles (429) before its error is the answer. */
const THROTTLE_ATTEMPTS = 6;

/**
 * The wait a 429 asks for: its `Retry-After` (header or `details.retryAfterSeconds`), at most 5 s,
 * 1 s when it names none.
 */
export function retryAfterMs(err: unknown): number {
  const e = err as { headers?: Record<string, string>; body?: unknown };
  let seconds = Number(e.headers?.['retry-after']);
  if (!Number.isFinite(seconds)) {
    try {
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      seconds = Number((body as { details?: { retryAfterSeconds?: unknown } })?.details?.retryAfterSeconds);
    } catch {
      seconds = Number.NaN;
    }
  }
  return Math.min(5000, Math.max(100, Number.isFinite(seconds) ? seconds * 1000 : 1000));
}

/**
 * Runs an idempotent request again while the API server answers 429 ("storage is (re)initializing"
 * right after a CRD is installed, priority-and-fairness throttling), waiting as it asks — what
 * client-go does. Anything else, or a 429 that outlasts the attempts, is thrown as it came.
 */
export async function throttled<T>(
  request: () => Promise<T>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      if (statusOf(err) !== 429 || attempt >= THROTTLE_ATTEMPTS) throw err;
      await sleep(retryAfterMs(err));
    }
  }
}

export class KubeClient {
  readonly kubeConfig: KubeConfig;
  readonly api: KubernetesObjectApi;

  constructor(kubeConfig: KubeConfig) {
    this.kubeConfig = kubeConfig;
    this.api = KubernetesObjectApi.makeApiClient(kubeConfig);
  }

  /**
   * The API client's configuration for one strict apply of `obj`. Two things the generic object API
   * cannot be told: `fieldValidation=Strict` (apply patches otherwise only warn about unknown
   * fields), and sending the object as given — its typed serializer silently drops fields a
   * built-in kind does not have, which would hide exactly the mistakes strict validation is for.
   */
  #strict(obj: KubeObject): Configuration {
    const base = (this.api as unknown as { configuration: Configuration }).configuration;
    type Method = Parameters<Configuration['baseServer']['makeRequestContext']>[1];
    return {
      ...base,
      baseServer: {
        makeRequestContext(path: string, method: Method) {
          const ctx = base.baseServer.makeRequestContext(path, method);
          ctx.setQueryParam('fieldValidation', 'Strict');
          const setBody = ctx.setBody.bind(ctx);
          ctx.setBody = () => setBody(JSON.stringify(obj));
          return ctx;
        },
      },
    } as Configuration;
  }

  /**
   * Server-side apply, `force: true` (Slipway owns the fields it renders), with strict field
   * validation: an unknown or duplicate field is an error naming its path, not a dropped warning.
   */
  async apply<T extends KubernetesObject = KubeObject>(obj: KubeObject, opts: ApplyOptions = {}): Promise<T> {
    try {
      return (await throttled(() =>
        this.api.patch(
          obj as KubernetesObject,
          undefined,
          opts.dryRun ? 'All' : undefined,
          FIELD_MANAGER,
          true,
          PatchStrategy.ServerSideApply,
          this.#strict(obj),
        ),
      )) as T;
    } catch (err) {
      const what = `apply ${ref(obj)}${opts.dryRun ? ' (dry run)' : ''}`;
      if (statusOf(err) === 404) {
        throw new KubeApiError(
          what,
          404,
          `the API server does not serve ${obj.kind} in ${obj.apiVersion}; install the CRD that defines it (or stop using what renders it), or create namespace ${obj.metadata.namespace ?? '(none)'} if it is missing`,
        );
      }
      throw apiError(what, err);
    }
  }

  async read<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    try {
      return (await throttled(() => this.api.read({ apiVersion, kind, metadata: { name, namespace } }))) as T;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw apiError(`read ${kind}/${name} in namespace ${namespace}`, err);
    }
  }

  async list<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    namespace: string,
    opts: { labelSelector?: string; fieldSelector?: string } = {},
  ): Promise<T[]> {
    try {
      const list = await throttled(() =>
        this.api.list<T>(
          apiVersion,
          kind,
          namespace,
          undefined,
          undefined,
          undefined,
          opts.fieldSelector,
          opts.labelSelector,
        ),
      );
      return list.items.map((item) => ({ apiVersion, kind, ...item }));
    } catch (err) {
      if (statusOf(err) === 404 && kind !== 'Namespace') return []; // e.g. a CRD that is not installed
      throw apiError(`list ${kind} in namespace ${namespace}`, err);
    }
  }

  async create<T extends KubernetesObject>(obj: T): Promise<T> {
    try {
      return (await this.api.create(obj, undefined, undefined, FIELD_MANAGER)) as T;
    } catch (err) {
      throw apiError(`create ${ref(obj)}`, err);
    }
  }

  /** Replace with the object's `resourceVersion`: fails with status 409 if someone wrote in between. */
  async replace<T extends KubernetesObject>(obj: T): Promise<T> {
    try {
      return (await this.api.replace(obj, undefined, undefined, FIELD_MANAGER)) as T;
    } catch (err) {
      throw apiError(`replace ${ref(obj)}`, err);
    }
  }

  /** Merge patch (e.g. `spec.replicas`), as field manager `slipway`. */
  async mergePatch<T extends KubernetesObject>(obj: KubernetesObject): Promise<T> {
    try {
      return (await throttled(() =>
        this.api.patch(obj, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch),
      )) as T;
    } catch (err) {
      throw apiError(`patch ${ref(obj)}`, err);
    }
  }

  /** Deletes; an object that is already gone is not an error. */
  async delete(obj: KubernetesObject): Promise<void> {
    try {
      await throttled(() => this.api.delete(obj, undefined, undefined, undefined, undefined, 'Background'));
    } catch (err) {
      if (statusOf(err) === 404) return;
      throw apiError(`delete ${ref(obj)}`, err);
    }
  }
}
