// herald lab chaos [--faults N] [--seed S] [--duration D] [--mode l2|bgp|both] [--output json]
import type { Command } from 'commander';
import { type CliIo, UsageError } from '../output.js';

const positive = (value: string, name: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${name} must be a positive integer, got "${value}"`);
  return n;
};

export function registerLabChaos(lab: Command, io: CliIo, setExit: (code: number) => void): void {
  lab
    .command('chaos')
    .description(
      'build a lab and run a seeded schedule of overlapping faults (kill, stop, term, cut, partitions, ' +
        'one-way and random loss, CPU starvation, restart storms, config churn, router restarts), checking ' +
        'invariants from the client, a monitor host and the router; writes JSON and an SVG timeline',
    )
    .option('--id <id>', 'lab name, so several labs can coexist', 'chaos')
    .option('--nodes <n>', 'nodes in the lab', '3')
    .option('--faults <n>', 'faults to inject', '20')
    .option('--seed <s>', 'schedule seed (default: random; printed, so a failure replays)')
    .option('--duration <seconds>', 'start no new fault after this long', '3600')
    .option('--mode <mode>', 'l2 | bgp | both (bgp, both: FRR on the router)', 'l2')
    .option('--output <format>', 'text | json', 'text')
    .option('--out <dir>', 'where to write the JSON report and SVG timeline', 'bench/results')
    .action(
      async (opts: {
        id: string;
        nodes: string;
        faults: string;
        seed?: string;
        duration: string;
        mode: string;
        output: string;
        out: string;
      }) => {
        if (opts.mode !== 'l2' && opts.mode !== 'bgp' && opts.mode !== 'both')
          throw new UsageError('--mode must be l2, bgp or both');
        if (opts.output !== 'text' && opts.output !== 'json')
          throw new UsageError('--output must be text or json');
        const seed =
          opts.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number.parseInt(opts.seed, 10);
        if (!Number.isInteger(seed) || seed < 0)
          throw new UsageError('--seed must be a non-negative integer');
        const { chaos } = await import('../../lab/chaos/run.js');
        setExit(
          await chaos(
            {
              id: opts.id,
              nodes: positive(opts.nodes, '--nodes'),
              faults: positive(opts.faults, '--faults'),
              seed,
              mode: opts.mode,
              durationMs: positive(opts.duration, '--duration') * 1000,
              out: opts.out,
              json: opts.output === 'json',
            },
            io,
          ),
        );
      },
    );
}
