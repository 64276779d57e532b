// herald membership: join a gossip cluster and print every membership change as a JSON line.
// A debugging and benchmarking tool: the speaker runs the same membership actor.
import type { Command } from 'commander';
import { createMembershipWithLiveness } from '../../app/membership.js';
import { addGossipOptions, gossipSettings, stopSignal, type GossipCliOptions } from '../gossip-options.js';
import { UsageError, type CliIo } from '../output.js';

export function registerMembership(program: Command, io: CliIo): void {
  addGossipOptions(
    program
      .command('membership')
      .description(
        'Join a gossip cluster and print membership changes as JSON lines (debugging, benchmarks)',
      ),
  )
    .option('--duration-ms <ms>', 'leave and exit after this long (default: run until SIGTERM/SIGINT)')
    .option(
      '--stall <ms>/<every-ms>',
      'block the main thread for <ms> every <every-ms> (tests: a busy event loop, the worker runs on)',
    )
    .option(
      '--busy-after-join <ms>',
      "block the main thread once for <ms> right after the join (tests: a speaker's start-up work)",
    )
    .action(
      async (opts: GossipCliOptions & { durationMs?: string; stall?: string; busyAfterJoin?: string }) => {
        const settings = gossipSettings(opts);
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
        const { actor: membership } = await createMembershipWithLiveness({
          ...settings,
          onLiveness: (report) => {
            if (report.type === 'lost' || report.type === 'refused' || report.type === 'stalled')
              print({
                event: 'liveness',
                member: report.node,
                verdict: report.type,
                ...('silentMs' in report ? { silentMs: Math.round(report.silentMs) } : {}),
              });
          },
        });
        membership.onChange(({ node, ...change }) => print({ event: 'member', member: node, ...change }));
        if (opts.stall !== undefined) stallMainThread(opts.stall, print);
        await membership.start();
        print({ event: 'ready' });
        if (opts.busyAfterJoin !== undefined) busyWait(Number(opts.busyAfterJoin), print);
        await stopSignal(opts.durationMs !== undefined ? Number(opts.durationMs) : undefined);
        await membership.stop();
        print({ event: 'left' });
      },
    );
}

/** `300/2000`: busy-waits 300 ms every 2 s on the main thread, printing each stall. */
function stallMainThread(spec: string, print: (event: Record<string, unknown>) => void): void {
  const [ms, every] = spec.split('/').map(Number);
  if (!ms || !every || ms <= 0 || every <= ms)
    throw new UsageError(`--stall: expected <ms>/<every-ms>, got "${spec}"`);
  setInterval(() => busyWait(ms, print), every).unref();
}

function busyWait(ms: number, print: (event: Record<string, unknown>) => void): void {
  if (!(ms > 0)) throw new UsageError(`expected a positive number of milliseconds, got "${ms}"`);
  print({ event: 'stall', ms });
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: timers, sockets and messages from the liveness worker all wait
  }
}
