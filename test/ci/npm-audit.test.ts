import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advisories, judge } from '../../scripts/lint/npm-audit.ts';

/** A trimmed `npm audit --json` report (auditReportVersion 2) with three advisories. */
const report = {
  auditReportVersion: 2,
  vulnerabilities: {
    'path-to-regexp': {
      name: 'path-to-regexp',
      severity: 'high',
      via: [
        {
          source: 1101850,
          name: 'path-to-regexp',
          title: 'path-to-regexp outputs backtracking regular expressions',
          url: 'https://github.com/advisories/GHSA-9wv6-86v2-598j',
          severity: 'high',
          range: '<0.1.10',
        },
      ],
    },
    express: { name: 'express', severity: 'high', via: ['path-to-regexp', 'send'] },
    send: {
      name: 'send',
      severity: 'low',
      via: [
        {
          source: 1100526,
          name: 'send',
          title: 'send template injection',
          url: 'https://github.com/advisories/GHSA-m6fv-jmcg-4jfg',
          severity: 'low',
          range: '<0.19.0',
        },
      ],
    },
    cookie: {
      name: 'cookie',
      severity: 'critical',
      via: [
        { source: 1099, name: 'cookie', title: 'no GHSA url', url: '', severity: 'critical', range: '<1' },
      ],
    },
  },
};

describe('npm audit gate', () => {
  it('lists unique advisories, most severe first, by GHSA id (or npm source id)', () => {
    assert.deepEqual(
      advisories(report).map((a) => `${a.severity}:${a.id}:${a.pkg}`),
      ['critical:1099:cookie', 'high:GHSA-9wv6-86v2-598j:path-to-regexp', 'low:GHSA-m6fv-jmcg-4jfg:send'],
    );
  });

  it('fails on unwaived advisories at or above high and reports the rest', () => {
    const verdict = judge(report, []);
    assert.equal(verdict.ok, false);
    assert.deepEqual(
      verdict.failing.map((a) => a.id),
      ['1099', 'GHSA-9wv6-86v2-598j'],
    );
    assert.deepEqual(
      verdict.below.map((a) => a.id),
      ['GHSA-m6fv-jmcg-4jfg'],
    );
  });

  it('passes when the failing advisories are waived, and names waivers that matched nothing', () => {
    const verdict = judge(report, ['1099', 'GHSA-9wv6-86v2-598j', 'GHSA-gone-gone-gone']);
    assert.equal(verdict.ok, true);
    assert.deepEqual(
      verdict.waived.map((a) => a.id),
      ['1099', 'GHSA-9wv6-86v2-598j'],
    );
    assert.deepEqual(verdict.unusedWaivers, ['GHSA-gone-gone-gone']);
  });

  it('honours a stricter threshold', () => {
    assert.deepEqual(
      judge(report, ['1099', 'GHSA-9wv6-86v2-598j'], 'low').failing.map((a) => a.id),
      ['GHSA-m6fv-jmcg-4jfg'],
    );
  });

  it('passes a clean report and refuses npm error output instead of passing it', () => {
    assert.equal(judge({ auditReportVersion: 2, vulnerabilities: {} }, []).ok, true);
    assert.throws(
      () => judge({ error: { code: 'ENOAUDIT', summary: 'endpoint returned 405' } }, []),
      /npm audit failed: ENOAUDIT endpoint returned 405/,
    );
    assert.throws(() => judge({ message: 'x' }, []), /no "vulnerabilities" map/);
  });
});
