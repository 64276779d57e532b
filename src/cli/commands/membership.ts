// herald membership: join a gossip cluster and print every membership change as a JSON line.
// A debugging and benchmarking tool: the speaker runs the same membership actor.
import type { Command } from 'commander';
import { createMembership } from '../../app/membership.js';
import { addGossipOptions, gossipSettings, stopSignal, type GossipCliOptions } from '../gossip-options.js';
import type { CliIo } from '../output.js';

export function registerMembership(program: Command, io: CliIo): void {
  addGossipOptions(
    program
      .command('membership')
      .description(
        'Join a gossip cluster and print membership changes as JSON lines (debugging, benchmarks)',
      ),
  )
    .option('--duration-ms <ms>', 'leave and exit after this long (default: run until SIGTERM/SIGINT)')
    .action(async (opts: GossipCliOptions & { durationMs?: string }) => {
      const settings = gossipSettings(opts);
      const membership = await createMembership(settings);
      const started = performance.now();
      const print = (event: Record<string, unknown>): void =>
        io.out(
          JSON.stringify({
            t: Math.round(performance.now() - started),
            wall: Date.now(),
            node: settings.node,
            ...event,
          }),
        );
      membership.onChange(({ node, ...change }) => print({ event: 'member', member: node, ...change }));
      await membership.start();
      print({ event: 'ready' });
      await stopSignal(opts.durationMs !== undefined ? Number(opts.durationMs) : undefined);
      await membership.stop();
      print({ event: 'left' });
    });
}
