/**
 * The decision journal and `why`: a real engine run (memory target, virtual clock) journals its
 * decisions with their inputs, and the explanation tells a rollback's story with the numbers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Decision } from '../../src/core/decision.ts';
import type { LedgerEvent } from '../../src/core/types.ts';
import { deploy } from '../../src/engine/api.ts';
import { journalOf } from '../../src/engine/journal-decisions.ts';
import { renderExplanation } from '../../src/explain/render.ts';
import { headline } from '../../src/explain/story.ts';
import { NoSuchReleaseError, why } from '../../src/explain/why.ts';
import { harness } from '../support/engine.ts';
import { deployInput, STRATEGIES } from '../support/specs.ts';

test('a rolled-back canary is explained: the rule, the evidence against its thresholds, every decision', async () => {
  const h = harness();
  await deploy(h.deps(), deployInput(STRATEGIES.canary));
  h.target.world.script(2, { errorRate: 0.3 });
  const out = await deploy(h.deps(), deployInput(STRATEGIES.canary));
  assert.equal(out.kind, 'rolled-back', out.reason);

  const ledger = h.target.ledger();
  const journal = journalOf(await ledger.events(2));
  assert.ok(journal.length >= 3, `journal lines: ${journal.length}`);
  const rules = journal.map((e) => e.decision?.rule);
  assert.equal(rules.at(-1), 'rollback.done');
  // Repeats are not journaled: no two neighbouring lines say the same thing.
  for (let i = 1; i < journal.length; i++) {
    assert.notDeepEqual(
      [journal[i]?.decision?.rule, journal[i]?.decision?.actions, journal[i]?.verdict?.kind],
      [journal[i - 1]?.decision?.rule, journal[i - 1]?.decision?.actions, journal[i - 1]?.verdict?.kind],
    );
  }
  // The analysis's failing look and the rollback are one decision: the abort names the rule that fired.
  const failing = journal.find((e) => e.decision?.abort);
  assert.equal(failing?.decision?.abort?.rule, 'canary.analysis.fail');
  assert.equal(failing?.decision?.looked, true);
  assert.equal(failing?.verdict?.kind, 'fail');
  assert.ok((failing?.decision?.counts['2']?.errors ?? 0) > 0, 'the counts it read are kept');
  assert.equal(failing?.decision?.abort?.cause, 'analysis');

  const x = await why(ledger, { environment: 'production', release: 2 });
  assert.equal(x.outcome, 'rolled-back');
  const [record] = (await ledger.releases()).filter((r) => r.release === 2);
  assert.ok(record);
  assert.equal(x.headline, headline(record), 'one headline for every surface');
  assert.doesNotMatch(x.headline, /\n/);
  assert.equal(x.decidedBy?.cause, 'analysis');
  const text = renderExplanation(x).join('\n');
  if (process.env.SHOW_WHY) console.log(text);
  assert.match(text, /release 2 of .* rolled-back/);
  assert.match(text, /decided by rule canary\.analysis\.fail, cause: analysis/);
  assert.match(text, /e-value [\d.e+]+.*rollback at [\d.e+]+/);
  assert.match(text, /failure budget: \d+ of \d+ failed requests used/);
  assert.match(text, /→ traffic 1:100% 2:0%/);

  // The latest release by default; a release that does not exist names the ones that do.
  assert.equal((await why(ledger, { environment: 'production' })).release, 2);
  await assert.rejects(why(ledger, { environment: 'production', release: 9 }), (err: Error) => {
    assert.ok(err instanceof NoSuchReleaseError);
    assert.match(err.message, /no release 9; known releases: 1, 2/);
    return true;
  });
});

test('a promoted canary journals each step it passed with the verdict that let it pass', async () => {
  const h = harness();
  await deploy(h.deps(), deployInput(STRATEGIES.canary));
  const out = await deploy(h.deps(), deployInput(STRATEGIES.canary));
  assert.equal(out.kind, 'promoted', out.reason);
  const x = await why(h.target.ledger(), { environment: 'production', release: 2 });
  const rules = x.decisions.map((d) => d.rule);
  assert.ok(rules.includes('canary.weight.set'), rules.join(', '));
  assert.ok(rules.includes('canary.analysis.pass'), rules.join(', '));
  assert.equal(rules.at(-1), 'promote.done');
  const pass = x.decisions.find((d) => d.rule === 'canary.analysis.pass');
  assert.equal(pass?.verdict?.kind, 'pass');
  assert.ok(pass?.details.some((d) => /minimum sample: \d+ of \d+ candidate requests: reached/.test(d)));
});

test('the journal leaves out repeats and, past its soft limit, keeps only what acts or ends', async () => {
  const { DecisionJournal, JOURNAL_SOFT_LIMIT } = await import('../../src/engine/journal-decisions.ts');
  const lines: LedgerEvent[] = [];
  const ledger = { append: async (e: LedgerEvent) => void lines.push(e), events: async () => lines } as never;
  const journal = new DecisionJournal(ledger, 2);
  const observed = { revisions: [], weights: { '1': 90, '2': 10 }, metrics: {}, commands: [] };
  const look = (kind: 'pass' | 'inconclusive'): Decision => ({
    phase: 'analysing',
    rule: 'canary.analysis.waiting',
    effects: [],
    reason: `analysing: ${kind}`,
    memo: {} as Decision['memo'],
    looked: true,
    awaiting: 'evidence',
    verdict: { kind, reasons: [], evidence: {} },
  });
  assert.equal(await journal.note(look('inconclusive'), observed, 1), true);
  assert.equal(await journal.note(look('inconclusive'), observed, 2), false, 'a repeat is left out');
  for (let i = 0; lines.length < JOURNAL_SOFT_LIMIT; i++) {
    await journal.note(look(i % 2 ? 'inconclusive' : 'pass'), observed, 3 + i);
  }
  assert.equal(await journal.note(look('pass'), observed, 1000), false, 'past the limit a flip is left out');
  const act: Decision = {
    ...look('pass'),
    rule: 'canary.analysis.pass',
    effects: [{ kind: 'set-traffic', weights: { '1': 50, '2': 50 } }],
  };
  assert.equal(await journal.note(act, observed, 1001), true, 'a decision that acts is always written');
  // A resumed run continues from the journal as written: its first look does not repeat the last line.
  const resumed = new DecisionJournal(ledger, 2);
  assert.equal(await resumed.note(act, observed, 1002), true, 'it acts, so it is written');
  assert.equal(await resumed.note({ ...act, effects: [] }, observed, 1003), false);
});
