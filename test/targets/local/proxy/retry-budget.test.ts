import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RetryBudget } from '../../../../src/targets/local/proxy/retry-budget.ts';

describe('retry budget', () => {
  it('allows retries up to the percent of recent requests, plus the per-second floor', () => {
    let now = 0;
    const budget = new RetryBudget({ budgetPercent: 20, minPerSecond: 0, now: () => now });
    for (let i = 0; i < 50; i++) budget.request();
    const granted = Array.from({ length: 20 }, () => budget.tryRetry()).filter(Boolean).length;
    assert.equal(granted, 10);
    now += 1000;
    budget.request();
    assert.equal(budget.tryRetry(), false, '10 retries for 51 requests is the limit');
  });

  it('forgets requests and retries older than the window', () => {
    let now = 0;
    const budget = new RetryBudget({ budgetPercent: 50, minPerSecond: 0, windowMs: 3000, now: () => now });
    for (let i = 0; i < 10; i++) budget.request();
    for (let i = 0; i < 5; i++) assert.equal(budget.tryRetry(), true);
    assert.equal(budget.tryRetry(), false);
    now += 3000; // everything above has left the window
    assert.equal(budget.tryRetry(), false, 'no requests in the window: no room');
    budget.request();
    budget.request();
    assert.equal(budget.tryRetry(), true);
  });

  it('lets a quiet service retry thanks to the floor', () => {
    const budget = new RetryBudget({ budgetPercent: 20, minPerSecond: 1, windowMs: 2000, now: () => 0 });
    budget.request();
    assert.equal(budget.tryRetry(), true);
    assert.equal(budget.tryRetry(), true);
    assert.equal(budget.tryRetry(), false);
  });

  it('rejects a percent out of range', () => {
    assert.throws(() => new RetryBudget({ budgetPercent: 120 }), /budgetPercent is 120/);
  });
});
