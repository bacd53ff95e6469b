/**
 * Real Chromium for the browser tests: Debian's `chromium` (`npm test` installs it when missing,
 * scripts/prerequisites/list.ts) driven by playwright-core with `executablePath` — never a
 * browser downloaded by `playwright install`. `SLIPWAY_CHROMIUM` names another binary. Without a
 * browser the test is skipped locally and fails under CI=true, where it must run.
 */
import type { TestContext } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { toolPath } from '../../scripts/prerequisites/index.ts';

export function chromiumPath(): string | undefined {
  return process.env.SLIPWAY_CHROMIUM || toolPath('chromium');
}

/** Launches headless Chromium for the test (closed when it ends), or skips it where none is installed. */
export async function launchBrowser(t: TestContext): Promise<Browser | undefined> {
  const path = chromiumPath();
  if (!path) {
    const why = 'no chromium on PATH: apt-get install -y --no-install-recommends chromium';
    if (process.env.CI === 'true') throw new Error(why);
    t.skip(why);
    return undefined;
  }
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const browser = await chromium.launch({
    executablePath: path,
    // As root Chromium refuses to start with its sandbox; the pages are our own, on loopback.
    args: root ? ['--no-sandbox'] : [],
    timeout: 60_000,
  });
  t.after(() => browser.close());
  return browser;
}
