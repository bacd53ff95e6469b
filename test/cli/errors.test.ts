import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exitCodeFor, toCliError, wholeNumber } from '../../src/cli/context.ts';
import { CliError, ExitCode } from '../../src/cli/main.ts';
import { LockHeldError, NothingToResumeError, OperationInFlightError } from '../../src/engine/index.ts';
import { TargetUnavailableError } from '../../src/targets/index.ts';
import { apiError, KubeApiError } from '../../src/targets/kubernetes/client.ts';
import { BuildFailedError, LocalConfigError } from '../../src/targets/local/index.ts';

const code = (err: unknown) => (toCliError(err) as CliError).exitCode;

describe('exit codes', () => {
  test('outcomes', () => {
    const base = { release: 2, phase: 'promoted' as const, reason: '', reasons: [] };
    assert.equal(exitCodeFor({ ...base, kind: 'promoted' }), ExitCode.ok);
    assert.equal(exitCodeFor({ ...base, kind: 'rolled-back' }), ExitCode.rolledBack);
    assert.equal(exitCodeFor({ ...base, kind: 'aborted' }), ExitCode.rolledBack);
    assert.equal(exitCodeFor({ ...base, kind: 'failed' }), ExitCode.failed);
  });

  test('errors users can act on', () => {
    const held = toCliError(new LockHeldError('ci@build-7:4242', Date.UTC(2026, 0, 1))) as CliError;
    assert.equal(held.exitCode, 3);
    assert.match(held.message, /locked by ci@build-7:4242/);
    assert.equal(code(new OperationInFlightError(3, 'development')), 3);
    assert.equal(code(new NothingToResumeError('development')), 2);
    assert.equal(code(new LocalConfigError('proxy.port is not set')), 2);
    assert.equal(code(new TargetUnavailableError('kubernetes')), 2);
    assert.equal(code(new BuildFailedError('npm run build', '/app', 1, null, ['boom'])), 4);
    const denied = toCliError(new KubeApiError('apply Deployment/hello', 403, 'forbidden')) as CliError;
    assert.equal(denied.exitCode, 4);
    assert.match(denied.message, /^Kubernetes API: apply Deployment\/hello: forbidden \(HTTP 403\)$/);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    const down = toCliError(apiError('read Lease/hello', new TypeError('fetch failed', { cause: refused })));
    assert.equal((down as CliError).exitCode, 4, 'an unreachable API server is a user error');
    assert.match(
      (down as CliError).message,
      /^cannot reach the Kubernetes API server: read Lease\/hello: the API server is unreachable \(connect ECONNREFUSED 127\.0\.0\.1:6443\); check KUBECONFIG/,
    );
    const daemonDown = new TypeError('fetch failed', { cause: refused });
    assert.equal(
      toCliError(daemonDown),
      daemonDown,
      'only errors from the Kubernetes client are read as the API server',
    );
    const other = new Error('unexpected');
    assert.equal(toCliError(other), other, 'unknown errors stay internal errors');
  });

  test('whole-number flags reject bad values with the flag named', () => {
    assert.equal(wholeNumber('--tail', 1)('20'), 20);
    assert.throws(() => wholeNumber('--tail', 1)('0'), /--tail must be a whole number >= 1, got "0"/);
    assert.throws(() => wholeNumber('--to', 1)('two'), CliError);
  });
});
