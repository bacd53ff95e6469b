import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { skipArgs, skipFile } from '../../scripts/lint/skip-args.ts';
import { loadWaivers, parseWaivers, WaiverError } from '../../scripts/lint/waivers.ts';

const TODAY = '2026-11-27';
const REASON = 'accepted because the rule does not apply here';

describe('security/waivers.yaml', () => {
  it('is valid, and every waiver has a reason and has not expired', () => {
    const waivers = loadWaivers(join(import.meta.dirname, '../../security/waivers.yaml'));
    for (const list of Object.values(waivers)) {
      for (const w of list) assert.ok(w.reason.length >= 15, `${w.id} needs a reason`);
    }
  });
});

describe('parseWaivers', () => {
  it('reads an empty file as no waivers', () => {
    assert.deepEqual(parseWaivers('', 'w.yaml', TODAY).checkov, []);
  });

  it('collects every problem at once, each with its path', () => {
    const text = [
      'checkov:',
      '  - id: CKV_1',
      '    reason: short',
      'hadolnt: []',
      'trivy:',
      '  - id: CVE-1',
      `    reason: ${REASON}`,
      '    expires: 27-03-2027',
    ].join('\n');
    assert.throws(
      () => parseWaivers(text, 'w.yaml', TODAY),
      (err: Error) =>
        err instanceof WaiverError &&
        /checkov\[0\]\.reason: reason must say why/.test(err.message) &&
        /hadolnt/.test(err.message) &&
        /trivy\[0\]\.expires: expires must be a date/.test(err.message),
    );
  });

  it('rejects an expired waiver and paths for tools that cannot skip per file', () => {
    const text = `trivy:\n  - id: CVE-1\n    reason: ${REASON}\n    expires: 2026-11-26\nhadolint:\n  - id: DL3008\n    reason: ${REASON}\n    paths: [Dockerfile]\n`;
    assert.throws(
      () => parseWaivers(text, 'w.yaml', TODAY),
      /hadolint\[0\] \(DL3008\): hadolint cannot skip[\s\S]*trivy\[0\] \(CVE-1\): expired on 2026-11-26/,
    );
  });

  it('keeps a waiver that expires today', () => {
    const text = `trivy:\n  - id: CVE-1\n    reason: ${REASON}\n    expires: ${TODAY}\n`;
    assert.equal(parseWaivers(text, 'w.yaml', TODAY).trivy.length, 1);
  });
});

describe('skip mechanisms', () => {
  const waivers = parseWaivers(
    [
      `hadolint: [{ id: DL3008, reason: "${REASON}" }, { id: DL3018, reason: "${REASON}" }]`,
      `checkov: [{ id: CKV_GHA_7, reason: "${REASON}" }, { id: CKV_DOCKER_2, reason: "${REASON}" }]`,
      `actionlint: [{ id: "shellcheck reported issue", reason: "${REASON}" }]`,
      'zizmor:',
      `  - { id: self-repository, reason: "${REASON}" }`,
      `  - { id: artipacked, reason: "${REASON}", paths: [ci.yml, "cd.yml:12"] }`,
      `secretlint: [{ id: "@secretlint/secretlint-rule-privatekey", reason: "${REASON}", paths: ["test/fixtures/**"] }]`,
      `npm-audit: [{ id: GHSA-aaaa-bbbb-cccc, reason: "${REASON}", expires: 2027-01-01 }]`,
    ].join('\n'),
    'w.yaml',
    TODAY,
  );

  it('gives hadolint, checkov and actionlint their own flags', () => {
    assert.deepEqual(skipArgs('hadolint', waivers), ['--ignore', 'DL3008', '--ignore', 'DL3018']);
    assert.deepEqual(skipArgs('checkov', waivers), ['--skip-check', 'CKV_GHA_7,CKV_DOCKER_2']);
    assert.deepEqual(skipArgs('actionlint', waivers), ['-ignore', 'shellcheck reported issue']);
    assert.deepEqual(skipArgs('checkov', parseWaivers('', 'w', TODAY)), []);
  });

  it('writes a zizmor config that disables rules without paths and ignores the others per file', () => {
    assert.equal(
      skipFile('zizmor', waivers),
      'rules:\n  self-repository:\n    disable: true\n  artipacked:\n    ignore:\n      - ci.yml\n      - cd.yml:12\n',
    );
  });

  it('writes the secretlint ignore globs and the advisory id lists', () => {
    assert.equal(skipFile('secretlint', waivers), 'test/fixtures/**\n');
    assert.equal(skipFile('npm-audit', waivers), 'GHSA-aaaa-bbbb-cccc\n');
    assert.equal(skipFile('trivy', waivers), '');
  });

  it('refuses the wrong mechanism for a tool', () => {
    assert.throws(() => skipArgs('zizmor', waivers), /skips through a file/);
    assert.throws(() => skipFile('hadolint', waivers), /skips through arguments/);
  });
});
