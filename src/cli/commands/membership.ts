// herald membership: join a gossip cluster and print every membership change as a JSON line.
// A debugging and benchmarking tool: the speaker runs the same membership actor.
import type { Command } from 'commander';
import { createMembership } from '../../app/membership.js';
import { TIMING_PROFILES } from '../../core/membership/timing.js';
import { type CliIo, UsageError } from '../output.js';

interface Options {
  nodeName: string;
  gossipListen: string;
  gossipPeers: string;
  gossipKeyFile?: string;
  profile: string;
  durationMs?: string;
}

export function registerMembership(program: Command, io: CliIo): void {
  program
    .command('membership')
    .description('Join a gossip cluster and print membership changes as JSON lines (debugging, benchmarks)')
    .requiredOption('--node-name <name>', "this member's node name")
    .requiredOption('--gossip-listen <addr:port>', 'address to listen on, e.g. 127.0.0.1:7946')
    .option('--gossip-peers <list>', 'comma-separated addr:port of members to join through', '')
    .option('--gossip-key-file <file>', 'shared secret file; members without it cannot join')
    .option('--profile <name>', `timing profile: ${Object.keys(TIMING_PROFILES).join(', ')}`, 'fast')
    .option('--duration-ms <ms>', 'leave and exit after this long (default: run until SIGTERM/SIGINT)')
    .action(async (opts: Options) => {
      if (!(opts.profile in TIMING_PROFILES)) throw new UsageError(`unknown --profile "${opts.profile}"`);
      const timing = TIMING_PROFILES[opts.profile as keyof typeof TIMING_PROFILES];
      const membership = await createMembership({
        node: opts.nodeName,
        listen: opts.gossipListen,
        seeds: opts.gossipPeers
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        keyFile: opts.gossipKeyFile,
        timing,
      });
      const started = performance.now();
      const print = (event: Record<string, unknown>): void =>
        io.out(
          JSON.stringify({
            t: Math.round(performance.now() - started),
            wall: Date.now(),
            node: opts.nodeName,
            ...event,
          }),
        );
      membership.onChange(({ node, ...change }) => print({ event: 'member', member: node, ...change }));
      await membership.start();
      print({ event: 'ready' });
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        process.once('SIGTERM', done);
        process.once('SIGINT', done);
        if (opts.durationMs !== undefined) setTimeout(done, Number(opts.durationMs));
      });
      await membership.stop();
      print({ event: 'left' });
    });
}
