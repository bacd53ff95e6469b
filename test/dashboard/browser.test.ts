/**
 * The dashboard in real Chromium, against real canaries on the local target under live load: a
 * person opens the link `slipway dashboard` prints and sees the split move and the charts fill,
 * promotes a release waiting at its gate from the page, watches a bad release roll back with its
 * reason (the same text `slipway why` and `history` print, and the whole story behind it), and
 * rolls back to an older release from the history table.
 *
 * Screenshots go to $SLIPWAY_DASHBOARD_SCREENSHOTS (docs/dashboard/ when refreshing the docs),
 * else to a temporary folder.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { LoadGenerator } from '../../src/demo/load.ts';
import { workspace } from '../e2e/support/workspace.ts';
import { launchBrowser } from '../support/browser.ts';

const GATED = `canary:
    continuousAnalysis: true
    steps:
      - setWeight: 20
      - pause: { duration: 4s }
      - setWeight: 50
      - pause: {}`;

const LONG = `canary:
    continuousAnalysis: true
    steps:
      - setWeight: 30
      - pause: { duration: 60s }`;

const ANALYSIS =
  '{ maxErrorRate: 0.02, failureBudget: 15, minSample: 30, alpha: 0.01, noData: inconclusive }';
const WAIT = 90_000;

async function screenshotDir(): Promise<string> {
  const dir = process.env.SLIPWAY_DASHBOARD_SCREENSHOTS;
  if (dir) {
    await mkdir(resolve(dir), { recursive: true });
    return resolve(dir);
  }
  return mkdtemp(join(tmpdir(), 'slipway-dashboard-'));
}

/** Polls `read` (in the test, through Playwright) until `ok` holds; fails naming what was awaited and the last value. */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + WAIT;
  let last: T | undefined;
  for (;;) {
    last = await read().catch(() => undefined as T);
    if (last !== undefined && ok(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const attr = (page: Page, id: string, name: string) => () => page.getAttribute(`[data-testid=${id}]`, name);
const text = (page: Page, selector: string) => () => page.textContent(selector, { timeout: 1000 });

/** Waits until the split bar shows exactly `split` (e.g. "1:80,2:20"). */
function waitForSplit(page: Page, split: string) {
  return until(`the split ${split}`, attr(page, 'split', 'data-split'), (v) => v === split);
}

const chartPoints = async (page: Page, id: string) => Number(await attr(page, id, 'data-points')());

test('the dashboard shows a canary live, promotes from the page, shows a rollback and rolls back to an older release', {
  timeout: 420_000,
}, async (t) => {
  const browser = await launchBrowser(t);
  if (!browser) return;
  const shots = await screenshotDir();
  const ws = await workspace(t);

  await ws.write({ env: { APP_VERSION: '1.0.0' }, analysis: ANALYSIS });
  const first = await ws.run(['deploy', '--env', 'development']);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  const load = new LoadGenerator({
    origin: `http://127.0.0.1:${ws.port}`,
    rate: 60,
    putShare: 0,
    maxDurationMs: 400_000,
  });
  load.start();
  t.after(() => load.stop());

  // The link printed by the command signs the browser in once; the same link a second time does not.
  const link = await ws.json<{ url: string; servedBy: string }>(['dashboard']);
  assert.match(link.url, /^http:\/\/127\.0\.0\.1:\d+\/dashboard\/login\?code=/);
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
  await page.goto(link.url);
  await page.waitForSelector('[data-testid=env-development]', { timeout: WAIT });
  await waitForSplit(page, '1:100');
  assert.match((await page.textContent('[data-testid=serving]')) ?? '', /serving release 1/);
  const again = await browser.newPage();
  const replay = await again.goto(link.url);
  assert.equal(replay?.status(), 401, 'a login link works once');
  await again.close();

  // A healthy canary with a manual gate: the split moves 20% → 50%, the charts fill, then the
  // person promotes from the page and the release finishes.
  await ws.write({ env: { APP_VERSION: '2.0.0' }, strategy: GATED, analysis: ANALYSIS });
  const deploy2 = ws.start(['deploy', '--env', 'development']);
  const exit2 = new Promise<number | null>((r) => deploy2.once('close', r));
  await waitForSplit(page, '1:80,2:20');
  await page.waitForSelector('[data-testid=operation]', { timeout: WAIT });
  await waitForSplit(page, '1:50,2:50');
  await until('the gate step', text(page, '.step-current'), (v) => /pause until promoted/.test(v ?? ''));
  await until(
    '8 chart points',
    () => chartPoints(page, 'chart-rps'),
    (n) => n >= 8,
  );
  const before = await chartPoints(page, 'chart-rps');
  await until(
    'the chart to keep filling',
    () => chartPoints(page, 'chart-rps'),
    (n) => n > before + 2,
  );
  await page.waitForSelector('[data-testid=evidence]', { timeout: WAIT });
  await page.screenshot({ path: join(shots, 'canary-gate.png'), fullPage: true });

  await page.click('[data-testid=action-promote]');
  await page.waitForSelector('[data-testid=plan-summary]', { timeout: WAIT });
  const plan = (await page.textContent('[data-testid=confirm]')) ?? '';
  assert.match(plan, /pause gate of release 2/, plan);
  await page.screenshot({ path: join(shots, 'confirm-promote.png') });
  await page.click('[data-testid=confirm-button]');
  await page.waitForSelector('[data-testid=notice]', { timeout: WAIT });
  assert.equal(await exit2, 0, 'the deploy promoted after the page opened its gate');
  await waitForSplit(page, '2:100');
  await until('release 2 promoted', text(page, '[data-testid=last-outcome]'), (v) => v === 'promoted');

  // A bad release: 30% of its answers are 500s. Its rollback appears with the reason.
  await ws.write({ env: { APP_VERSION: '3.0.0', FAIL_RATE: '0.3' }, strategy: LONG, analysis: ANALYSIS });
  const deploy3 = await ws.run(['deploy', '--env', 'development'], { timeoutMs: 120_000 });
  assert.equal(deploy3.code, 1, deploy3.stderr + deploy3.stdout);
  await until('release 3 rolled back', text(page, '[data-testid=last-outcome]'), (v) => v === 'rolled-back');
  const why = (await page.textContent('[data-testid=last-reason]')) ?? '';
  assert.match(why, /analysis failed/, why);
  // The page says what `slipway why`, `history` and the notifications say: one explain function.
  const told = await ws.json<{ headline: string; decidedBy: { rule: string } }>(['why', '--release', '3']);
  assert.equal(((await page.textContent('[data-testid=last-headline]')) ?? '').trim(), told.headline);
  const historyLine = (await ws.run(['history', '--env', 'development'])).stdout
    .split('\n')
    .find((l) => /^3 /.test(l));
  assert.ok(historyLine?.endsWith(told.headline), `history shows the same text: ${historyLine}`);
  await page.click('[data-testid=why] summary');
  const story = (await page.textContent('[data-testid=why] pre')) ?? '';
  assert.match(story, new RegExp(`decided by rule ${told.decidedBy.rule.replace(/\./g, '\\.')}`));
  assert.match(story, /decisions \(\d+\):/);
  assert.match((await page.textContent('[data-testid=history-3]')) ?? '', /rolled-back/);
  await waitForSplit(page, '2:100');
  // The evidence it was decided on stays on the page: the e-value past its threshold.
  const evidence = (await page.textContent('[data-testid=evalue]')) ?? '';
  const [shown, threshold] = (evidence.match(/[\d.e+]+/g) ?? []).map(Number);
  assert.ok((shown ?? 0) >= (threshold ?? Infinity) || /failure budget spent/.test(why), evidence);
  await page.screenshot({ path: join(shots, 'rolled-back.png'), fullPage: true });

  // Rolling back to release 1 from the history table runs the engine's rollback in the daemon.
  await page.click('[data-testid=rollback-1]');
  await page.waitForSelector('[data-testid=plan-summary]', { timeout: WAIT });
  assert.match(
    (await page.textContent('[data-testid=plan-summary]')) ?? '',
    /Roll back development to release 1 .* as new release 4/,
  );
  await page.click('[data-testid=confirm-button]');
  await waitForSplit(page, '4:100');
  await until('release 4 promoted', text(page, '[data-testid=history-4]'), (v) => /promoted/.test(v ?? ''));
  const history = await ws.history();
  assert.deepEqual(
    history.map((r) => [r.release, r.outcome]),
    [
      [1, 'promoted'],
      [2, 'promoted'],
      [3, 'rolled-back'],
      [4, 'promoted'],
    ],
  );
  await page.click('[data-testid=diff-2]');
  await page.waitForSelector('[data-testid=config-diff]', { timeout: WAIT });
  assert.match((await page.textContent('[data-testid=config-diff]')) ?? '', /APP_VERSION/);
  await page.screenshot({ path: join(shots, 'history.png'), fullPage: true });
  assert.deepEqual(pageErrors, [], 'the page logged no errors');
  await load.stop();
  assert.equal(load.counts().errors, 0, `users saw no errors: ${load.counts().samples.join('; ')}`);
  t.diagnostic(`screenshots in ${shots}`);
});
