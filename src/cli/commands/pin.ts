/**
 * `slipway pin --env E --release N [--ttl 1h]`: a pin signed by the daemon, for trying one release by
 * hand whatever its traffic weight (a weight-0 candidate before it gets users). Only where slipway.yaml
 * sets `proxy.pinning.enabled: true`; pinned requests are never evidence for or against the release.
 */
import type { Command } from 'commander';
import { parseDuration } from '../../config/index.ts';
import { type CommonOptions, guard, openWith, wholeNumber, withCommonOptions } from '../context.ts';
import { CliError, ExitCode } from '../exit.ts';

interface PinOptions extends CommonOptions {
  release: number;
  ttl?: string;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('pin')
      .description('a signed pin that sends your requests to one release (proxy.pinning.enabled)')
      .requiredOption('--release <n>', 'release number to pin to', wholeNumber('--release', 1))
      .option('--ttl <duration>', 'how long the pin stays valid (default: proxy.pinning.ttl, 1h)'),
  ).action(async (options: PinOptions) => {
    let ttlMs: number | undefined;
    if (options.ttl !== undefined) {
      ttlMs = parseDuration(options.ttl);
      if (ttlMs === undefined || ttlMs < 1000) {
        throw new CliError(
          `--ttl must be a duration of at least 1s such as 30m or 2h, got ${JSON.stringify(options.ttl)}`,
          ExitCode.invalidInput,
        );
      }
    }
    const ctx = await openWith(options, 'pin', 'slipway pin signs pins for the local proxy');
    const grant = await guard(() => ctx.can.pin(options.release, ttlMs));
    if (options.json) {
      process.stdout.write(`${JSON.stringify(grant)}\n`);
      return;
    }
    const until = new Date(grant.expiresAt).toISOString();
    process.stdout.write(
      `pin to release ${grant.release} of ${ctx.environment}, valid until ${until}:\n` +
        `  header: ${grant.header}: ${grant.pin}\n` +
        `  cookie: ${grant.cookie}=${grant.pin}\n` +
        'pinned requests are never retried and never count as evidence for or against the release\n',
    );
  });
}
