import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDuration, parseDuration } from '../../src/config/duration.ts';

describe('parseDuration', () => {
  const valid: [string, number][] = [
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1h2m3s4ms', 3_723_004],
    ['90s', 90_000],
    ['0s', 0],
  ];
  for (const [text, ms] of valid)
    it(`reads ${text} as ${ms} ms`, () => assert.equal(parseDuration(text), ms));

  const invalid = ['', '30', '1.5h', '5 m', 'm5', '30S', '1m1h', '1s1s', '-5s', '5sec', 'ms', 'h'];
  for (const text of invalid)
    it(`rejects ${JSON.stringify(text)}`, () => assert.equal(parseDuration(text), undefined));

  it('rejects non-strings without throwing', () => {
    assert.equal(parseDuration(30 as unknown as string), undefined);
    assert.equal(parseDuration(null as unknown as string), undefined);
  });

  it('formats back to the same duration', () => {
    for (const [text, ms] of valid) assert.equal(parseDuration(formatDuration(ms)), ms, text);
    assert.equal(formatDuration(5_400_000), '1h30m');
  });
});
