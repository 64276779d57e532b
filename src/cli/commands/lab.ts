// herald lab up|down|status|kill NODE|cut NODE|heal NODE|kubectl ARGS|visualize|failover-bench|bgp-bench
import type { Command } from 'commander';
import type { LabRouter } from '../../lab/bgp-topology.js';
import { type CliIo, UsageError } from '../output.js';
import { registerLabChaos } from './lab-chaos.js';

interface LabOptions {
  id: string;
  nodes: string;
}

export function registerLab(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const lab = program
    .command('lab')
    .description(
      'A whole cluster in network namespaces on this machine (root): the demo and the proving ground',
    );
  const common = (c: Command): Command =>
    c.option('--id <id>', 'lab name, so several labs can coexist', 'default');
  const load = () => import('../../lab/commands.js');

  common(
    lab
      .command('up')
      .description('build the lab: bridge, nodes with HTTP servers and speakers, client, router'),
  )
    .option('--nodes <n>', 'how many nodes', '3')
    .option(
      '--bgp <router>',
      'also BGP: the router runs frr or bird, and the nodes advertise a BGP pool to it',
    )
    .option('--bfd-interval <ms>', 'with --bgp: BFD transmit/receive interval (detect multiplier 3)', '300')
    .option('--services <n>', 'with --bgp: Services with a BGP address (1 + bulk ones)', '1')
    .option(
      '--backend <backend>',
      "with --bgp: the nodes' BGP backend, native (Herald's own) or frr (FRR daemons the speaker supervises)",
      'native',
    )
    .option('--k8s', 'Kubernetes mode: a control plane in the lab, herald controller, speakers on the API')
    .action(
      async (
        opts: LabOptions & {
          bgp?: string;
          bfdInterval: string;
          services: string;
          backend: string;
          k8s?: boolean;
        },
      ) => {
        const router: LabRouter | undefined =
          opts.bgp === 'frr' || opts.bgp === 'bird' ? opts.bgp : undefined;
        if (opts.bgp !== undefined && !router) throw new UsageError('--bgp must be frr or bird');
        if (opts.backend !== 'native' && opts.backend !== 'frr')
          throw new UsageError('--backend must be native or frr');
        const { up } = await load();
        const bgp = router
          ? {
              router,
              bfdIntervalMs: Number(opts.bfdInterval),
              services: Number(opts.services),
              backend: opts.backend === 'frr' ? ('frr' as const) : ('native' as const),
            }
          : undefined;
        setExit(await up(Number(opts.nodes), opts.id, io, bgp, opts.k8s === true));
      },
    );
  common(
    lab
      .command('router')
      .description(
        "query the lab router (with --bgp): vtysh commands for frr, e.g. 'show bgp summary'; " +
          "a birdc command for bird, e.g. 'show protocols'",
      )
      .argument('<command...>', 'frr: vtysh commands, one per argument; bird: the words of one command'),
  ).action(async (commands: string[], opts: { id: string }) => {
    const { router } = await load();
    setExit(router(opts.id, commands, io));
  });
  common(
    lab.command('down').description('remove the lab and its processes (and leftovers of interrupted runs)'),
  )
    .option('--all', 'every lab on this machine')
    .action(async (opts: { id: string; all?: boolean }) => {
      const { down } = await load();
      setExit(down(opts.all ? undefined : opts.id, io));
    });
  common(
    lab.command('status').description('namespaces, speakers, cables, and who the client sees announcing'),
  ).action(async (opts: { id: string }) => {
    const { status } = await load();
    setExit(status(opts.id, io));
  });
  for (const [name, description] of [
    ['kill', 'SIGKILL the speaker of NODE'],
    ['cut', "pull NODE's cable at the bridge"],
    ['heal', "plug NODE's cable back and restart its speaker if it is not running"],
  ] as const) {
    common(lab.command(name).description(description).argument('<node>', 'node name, e.g. node1')).action(
      async (node: string, opts: { id: string }) => {
        const { fault } = await load();
        setExit(fault(name, node, opts.id, io));
      },
    );
  }
  common(
    lab
      .command('failover-bench')
      .description('fail the announcing node repeatedly and measure client-side downtime'),
  )
    .option('--nodes <n>', 'nodes in the lab it builds', '3')
    .option('--trials <n>', 'faults to inject', '20')
    .option('--mode <mode>', 'cut | kill | stop | term', 'cut')
    .option('--out <dir>', 'where to write results JSON and the SVG histogram', 'bench/results')
    .option('--compare <peer>', 'then the same trials against keepalived (VRRPv3, 100 ms adverts), same run')
    .option('--k8s', 'Kubernetes mode: a control plane in the lab, herald controller, speakers on the API')
    .action(
      async (opts: {
        id: string;
        nodes: string;
        trials: string;
        mode: string;
        out: string;
        k8s?: boolean;
        compare?: string;
      }) => {
        if (!['cut', 'kill', 'stop', 'term'].includes(opts.mode))
          throw new UsageError(`--mode must be cut, kill, stop or term`);
        if (opts.compare !== undefined && opts.compare !== 'keepalived')
          throw new UsageError('--compare must be keepalived');
        const { failoverBench } = await import('../../lab/failover-bench.js');
        const code = await failoverBench(
          {
            nodes: Number(opts.nodes),
            trials: Number(opts.trials),
            mode: opts.mode as 'cut' | 'kill' | 'stop' | 'term',
            id: opts.id,
            out: opts.out,
            k8s: opts.k8s === true,
            ...(opts.compare === 'keepalived' ? { compare: 'keepalived' as const } : {}),
          },
          io,
        );
        setExit(code);
      },
    );
  common(
    lab
      .command('bgp-bench')
      .description(
        'BGP lab benchmarks: BFD withdrawal after pulled cables, or N prefixes to the router (bench/bgp.md)',
      ),
  )
    .option('--mode <mode>', 'bfd | routes', 'bfd')
    .option('--bfd-interval <ms>', 'bfd: BFD interval (detect multiplier 3)', '300')
    .option('--trials <n>', 'bfd: cables to pull', '20')
    .option('--vips <n>', 'routes: prefixes every speaker advertises', '10000')
    .option('--out <dir>', 'where to write results', 'bench/results')
    .option('--k8s', 'Kubernetes mode: a control plane in the lab, herald controller, speakers on the API')
    .option(
      '--backend <backend>',
      "the nodes' BGP backend: native, frr, or both (one after the other)",
      'native',
    )
    .action(
      async (opts: {
        id: string;
        backend: string;
        mode: string;
        bfdInterval: string;
        trials: string;
        vips: string;
        out: string;
        k8s?: boolean;
      }) => {
        if (opts.mode !== 'bfd' && opts.mode !== 'routes')
          throw new UsageError('--mode must be bfd or routes');
        const numbers = [opts.bfdInterval, opts.trials, opts.vips].map(Number);
        if (numbers.some((n) => !Number.isInteger(n) || n < 1))
          throw new UsageError('numbers must be positive integers');
        if (Number(opts.vips) > 65_000) throw new UsageError('--vips must be at most 65000 (10.79.0.0/16)');
        if (opts.backend !== 'native' && opts.backend !== 'frr' && opts.backend !== 'both')
          throw new UsageError('--backend must be native, frr or both');
        const { bgpBench } = await import('../../lab/bgp-bench.js');
        setExit(
          await bgpBench(
            {
              mode: opts.mode,
              id: opts.id,
              out: opts.out,
              trials: Number(opts.trials),
              bfdIntervalMs: Number(opts.bfdInterval),
              vips: Number(opts.vips),
              k8s: opts.k8s === true,
              backend: opts.backend,
            },
            io,
          ),
        );
      },
    );
  common(
    lab
      .command('kubectl')
      .description("kubectl as the lab's admin, against its control plane (a lab made with up --k8s)")
      .argument('<args...>', 'kubectl arguments, e.g. get services -A (put -- before flags)')
      .allowUnknownOption(),
  ).action(async (args: string[], opts: { id: string }) => {
    const { kubectl } = await load();
    setExit(kubectl(opts.id, args, io));
  });
  common(
    lab
      .command('visualize')
      .description("serve every lab speaker's live statechart visualizer on 127.0.0.1 (until Ctrl-C)"),
  )
    .option('--port <port>', 'local port', '7480')
    .action(async (opts: { id: string; port: string }) => {
      const { visualize } = await load();
      setExit(await visualize(opts.id, Number(opts.port), io));
    });
  registerLabChaos(lab, io, setExit);
  lab.action(() => {
    throw new UsageError(
      'herald lab needs a subcommand: up, down, status, kill, cut, heal, kubectl, visualize, failover-bench, bgp-bench',
    );
  });
}
