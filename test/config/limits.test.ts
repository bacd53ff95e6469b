/**
 * What the config loader refuses before YAML sees the file: more than 1 MiB, and bytes that are
 * not UTF-8 (with the line and column of the first bad byte). Duplicate keys are still reported,
 * now by a linear check.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateConfigFile, validateConfigText } from '../../src/config/index.ts';
import { firstInvalidUtf8, MAX_CONFIG_BYTES } from '../../src/config/source.ts';
import { expectProblem, MINIMAL, problemsOf } from './support/problems.ts';

function withFile(bytes: Uint8Array, fn: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-limits-'));
  const file = join(dir, 'slipway.yaml');
  writeFileSync(file, bytes);
  return fn(file).finally(() => rmSync(dir, { recursive: true, force: true }));
}

describe('config limits', () => {
  it('a file over 1 MiB is refused with its size and the limit, before it is parsed', async () => {
    const padding = `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`;
    await withFile(Buffer.from(MINIMAL + padding), async (file) => {
      const result = await validateConfigFile(file);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.problems.length, 1);
      assert.match(result.problems[0]!.message, /is \d+ bytes, more than the 1048576 bytes \(1 MiB\)/);
      assert.match(result.problems[0]!.message, /slipway\.yaml/);
      assert.equal(result.problems[0]!.line, 1);
    });
    const text = validateConfigText(MINIMAL + padding, 'slipway.yaml');
    assert.equal(text.ok, false);
  });

  it('a file just under the limit is validated', async () => {
    const padding = `# ${'x'.repeat(MAX_CONFIG_BYTES - MINIMAL.length - 10)}\n`;
    await withFile(Buffer.from(MINIMAL + padding), async (file) => {
      const result = await validateConfigFile(file);
      assert.equal(result.ok, true, JSON.stringify(!result.ok && result.problems));
    });
  });

  it('a Latin-1 byte is refused with its line and column, not turned into U+FFFD', async () => {
    const text = MINIMAL.replace('service: hello', 'service: hello\nenv:\n  GREETING: caf\u00e9');
    const bytes = Buffer.from(text, 'latin1');
    await withFile(bytes, async (file) => {
      const result = await validateConfigFile(file);
      assert.equal(result.ok, false);
      if (result.ok) return;
      const [problem] = result.problems;
      assert.match(problem!.message, /is not valid UTF-8: byte 0xe9/);
      assert.equal(problem!.line, 3);
      assert.equal(problem!.column, 16);
      assert.match(problem!.hint ?? '', /iconv/);
    });
  });

  it('well-formed UTF-8 (accents, CJK, emoji, a BOM) is accepted', async () => {
    const text = `\ufeff${MINIMAL.replace('service: hello', 'service: hello\nenv:\n  GREETING: "café 日本 🚀"')}`;
    await withFile(Buffer.from(text, 'utf8'), async (file) => {
      const result = await validateConfigFile(file);
      assert.equal(result.ok, true, JSON.stringify(!result.ok && result.problems));
    });
  });

  const invalid: [string, number[], number][] = [
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an overlong encoding of "/"', [0xc0, 0xaf], 0],
    ['a truncated 3-byte sequence at the end', [0x61, 0xe6, 0x97], 1],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['0xff', [0x61, 0x62, 0xff], 2],
  ];
  for (const [name, bytes, at] of invalid) {
    it(`finds ${name} at byte ${at}`, () => {
      assert.equal(firstInvalidUtf8(Uint8Array.from(bytes)), at);
    });
  }
  it('agrees with Node on valid text', () => {
    assert.equal(firstInvalidUtf8(Buffer.from('aé日🚀\u{10ffff}', 'utf8')), -1);
  });

  it('duplicate keys are still reported at the repeated key, every one of them', () => {
    const yaml = MINIMAL.replace('service: hello', 'service: hello\nenv:\n  A: 1\n  B: 2\n  A: 3\n  B: 4');
    const problems = problemsOf(yaml);
    const a = expectProblem(problems, 'env.A', /is defined twice in the same mapping/);
    assert.equal(a.line, 5);
    expectProblem(problems, 'env.B', /is defined twice/);
  });
});
