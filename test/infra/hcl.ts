/**
 * Just enough HCL reading for the infrastructure tests: the blocks of a Terraform module
 * (`output "name" { … }`, `module "name" { … }`) with their attributes as raw text. No npm HCL
 * parser is installed; Terraform's own syntax rules that matter here are comments (`#`, `//`,
 * `/* … *\/`), strings and brace nesting, which this reader respects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Block {
  type: string;
  label: string;
  body: string;
  file: string;
}

/** Removes comments outside strings, keeping line structure. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const ch = text[i];
    const next = text[i + 1];
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += next ?? '';
        i += 2;
        continue;
      }
      if (ch === '"') inString = false;
      i++;
    } else if (ch === '"') {
      inString = true;
      out += ch;
      i++;
    } else if (ch === '#' || (ch === '/' && next === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const skipped = text.slice(i, end === -1 ? text.length : end + 2);
      out += skipped.replace(/[^\n]/g, '');
      i = end === -1 ? text.length : end + 2;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** Top-level blocks `type "label" {…}` (label '' for `locals {…}`) of one file's text. Throws on unbalanced braces. */
export function topLevelBlocks(text: string, file = '<text>'): Block[] {
  const src = stripComments(text);
  const blocks: Block[] = [];
  const header = /^([a-z_]+)(?:\s+"([^"]+)")?(?:\s+"[^"]+")?\s*\{/gm;
  for (let m = header.exec(src); m !== null; m = header.exec(src)) {
    const start = m.index + m[0].length;
    let depth = 1;
    let inString = false;
    let i = start;
    for (; i < src.length && depth > 0; i++) {
      const ch = src[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === '{') depth++;
      else if (ch === '}') depth--;
    }
    if (depth !== 0) throw new Error(`${file}: unbalanced braces in ${m[1]} "${m[2]}"`);
    blocks.push({ type: m[1] as string, label: m[2] ?? '', body: src.slice(start, i - 1), file });
    header.lastIndex = i;
  }
  return blocks;
}

/** Every top-level block of every `.tf` file in a module folder (not its subfolders). */
export function moduleBlocks(dir: string): Block[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.tf'))
    .sort()
    .flatMap((name) => topLevelBlocks(readFileSync(join(dir, name), 'utf8'), join(dir, name)));
}

/** The value text of `name = …` on one line of a block body, or undefined. */
export function attribute(body: string, name: string): string | undefined {
  const m = new RegExp(`^\\s*${name}\\s*=\\s*(.+?)\\s*$`, 'm').exec(body);
  return m?.[1];
}
