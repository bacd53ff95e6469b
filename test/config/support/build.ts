/** Builds small configs for the mistake catalogue: a valid skeleton plus the lines under test. */

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => pad + line)
    .join('\n');
}

export interface Parts {
  /** Top-level lines (the base), written after `artifact`. */
  top?: string;
  /** Lines inside `environments.dev` (target local, proxy port 8700). */
  dev?: string;
  /** Lines inside `environments.prod` (target kubernetes). */
  prod?: string;
}

export function build(parts: Parts): string {
  return [
    'service: hello',
    'artifact:',
    '  image: ghcr.io/acme/hello',
    '  local: { path: ., start: node src/server.ts }',
    parts.top ? indent(parts.top, 0) : '',
    'environments:',
    '  dev:',
    '    target: local',
    '    proxy: { port: 8700 }',
    parts.dev ? indent(parts.dev, 4) : '',
    '  prod:',
    '    target: kubernetes',
    parts.prod ? indent(parts.prod, 4) : '',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}
