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
 *   { kind: 'npm', package, version }      npm install --prefix into the cache; `bin` is in its
 *                                          node_modules/.bin. Found only there (a `node` or `yarn`
 *                                          on PATH is some other version) and never put on the tests'
 *                                          PATH: tests ask for it by `id` with toolPath()
 * Debian packages go where apt puts them; the others into ~/.cache/slipway/prerequisites
 * (SLIPWAY_CACHE moves it), never into the repository.
 */
export type Source =
  | { kind: 'debian'; package: string }
  | { kind: 'pypi'; package: string; version: string }
  | { kind: 'go'; module: string; version: string }
  | { kind: 'npm'; package: string; version: string };

export interface Prerequisite {
  /** The name tests pass to toolPath() when two entries ship the same executable (default: `bin`). */
  id?: string;
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
    bin: 'faketime',
    why: 'the fault campaign jumps the wall clock of the local daemon (libfaketime; test/e2e/faults-campaign-clock.test.ts)',
    source: { kind: 'debian', package: 'faketime' },
  },
  {
    bin: 'chromium',
    why: "the dashboard browser tests drive Debian's Chromium with playwright-core (never `playwright install`)",
    source: { kind: 'debian', package: 'chromium' },
  },
  {
    id: 'node-20',
    bin: 'node',
    why: 'the packaging tests check that the slipway bin refuses an unsupported Node (20) with one line',
    source: { kind: 'npm', package: 'node', version: '20.20.2' },
  },
  {
    id: 'yarn-1',
    bin: 'yarn',
    why: 'the packaging tests install the packed slipway into a Yarn v1 app',
    source: { kind: 'npm', package: 'yarn', version: '1.22.22' },
  },
  {
    id: 'yarn-berry',
    bin: 'yarn',
    why: 'the packaging tests install the packed slipway into a Yarn Berry (v4) app',
    source: { kind: 'npm', package: '@yarnpkg/cli-dist', version: '4.18.1' },
  },
  {
    id: 'pnpm',
    bin: 'pnpm',
    why: 'the packaging tests install the packed slipway into a pnpm app',
    source: { kind: 'npm', package: 'pnpm', version: '12.23.0' },
  },
];
