// Reading a hard-coded port out of an instance's log (src/targets/local/supervisor/port-hint.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressInUseHint, linesOfThisRun } from '../../../src/targets/local/supervisor/port-hint.ts';

const NODE_CRASH = [
  'node:events:497',
  '      throw er; // Unhandled error event',
  'Error: listen EADDRINUSE: address already in use :::3000',
  '    at Server.setupListenHandle [as _listen2] (node:net:1908:16)',
  "  code: 'EADDRINUSE',",
  '  port: 3000',
  '}',
  'Node.js v24.11.0',
];

test('Node EADDRINUSE on another port than the one given: the app ignores PORT, with the whole line', () => {
  assert.equal(
    addressInUseHint(NODE_CRASH, 'PORT', 41234),
    'the app ignores PORT (it listened on 3000, it was given PORT=41234): listen on process.env.PORT, e.g. app.listen(Number(process.env.PORT ?? 3000)); Error: listen EADDRINUSE: address already in use :::3000',
  );
});

test('EADDRINUSE on the port given: another process took it, not a hard-coded port', () => {
  assert.match(
    addressInUseHint(NODE_CRASH, 'PORT', 3000) ?? '',
    /^port 3000 \(given in PORT\) was taken by another process/,
  );
});

test('IPv4 and bracketed addresses, the port field alone, and no EADDRINUSE at all', () => {
  assert.match(
    addressInUseHint(['Error: listen EADDRINUSE 0.0.0.0:8080'], 'HTTP_PORT', 1) ?? '',
    /listened on 8080.*HTTP_PORT=1/,
  );
  assert.match(addressInUseHint(['EADDRINUSE [::1]:9000'], 'PORT', 1) ?? '', /listened on 9000/);
  assert.match(addressInUseHint(["code: 'EADDRINUSE'", 'port: 4000,'], 'PORT', 1) ?? '', /listened on 4000/);
  assert.equal(addressInUseHint(['Error: boom'], 'PORT', 1), undefined);
});

test('only the lines of the latest run count', () => {
  const log = [
    '[slipway] t starting release 1 instance 0 on port 1',
    ...NODE_CRASH,
    '[slipway] t starting release 1 instance 0 on port 2',
    'fine',
  ];
  assert.deepEqual(linesOfThisRun(log), ['fine']);
});
