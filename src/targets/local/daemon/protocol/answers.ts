/** What each route of the control API answers (`routes.ts` has the requests). */
import type {
  LedgerEvent,
  OperatorCommand,
  RevisionCounts,
  TargetObservation,
} from '../../../../core/types.ts';
import type { ReleaseRecord } from '../../../../engine/target.ts';
import type { IssuedPin } from '../../proxy/index.ts';
import type { StateProblem } from '../../state/problems.ts';
import type { RevisionStatus } from '../../supervisor/revision.ts';
import type { RouteName } from './routes.ts';

export interface DaemonInfo {
  pid: number;
  port: number;
  startedAt: number;
  /** The keeper that runs this daemon (and restarts it), when there is one. */
  keeperPid?: number;
}

export type { StateProblem };

export interface EnvironmentStatus {
  name: string;
  proxyPort?: number;
  weights: Record<string, number>;
  stable?: number;
  revisions: RevisionStatus[];
  /** Why routing could not be restored after the daemon started. */
  restoreError?: string;
  /** Problems in this environment's files (corrupt ledger lines, …). */
  problems?: StateProblem[];
}

export interface StatusAnswer extends DaemonInfo {
  stateDir: string;
  environments: EnvironmentStatus[];
}

export interface LeaseAnswer {
  id: string;
  holder: string;
  expiresAt: number;
}

export interface Answers {
  health: DaemonInfo;
  status: StatusAnswer;
  shutdown: { stopping: true };
  allMetrics: string;
  open: { environment: string };
  observe: TargetObservation;
  metrics: string;
  ensure: TargetObservation;
  traffic: TargetObservation;
  retire: TargetObservation;
  changes: { seq: number; startedAt: number };
  counts: Record<string, RevisionCounts>;
  pin: IssuedPin;
  lock: LeaseAnswer;
  renewLock: LeaseAnswer;
  releaseLock: Record<string, never>;
  releases: { releases: ReleaseRecord[]; problems: StateProblem[] };
  begin: Record<string, never>;
  finish: Record<string, never>;
  events: { events: LedgerEvent[] };
  append: Record<string, never>;
  loadProgress: { progress?: unknown };
  saveProgress: Record<string, never>;
  commands: { commands: OperatorCommand[] };
  command: Record<string, never>;
}

export type AnswerOf<N extends RouteName> = Answers[N];
