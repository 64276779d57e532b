// herald controller: allocates addresses to LoadBalancer Services on a Kubernetes cluster
// (MetalLB's controller, same API), optionally as one of several replicas with leader election.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { startLeaderElection, type LeaderElection } from '../../app/leader-election.js';
import { Controller } from '../../app/controller.js';
import { DEFAULT_NAMESPACE } from '../../core/config/parse.js';
import { parseListen } from '../../observe/debug-server.js';
import { stopSignal } from '../gossip-options.js';
import { kubeConfigFor } from '../kube-options.js';
import { addLogOptions, eventLogFrom, type LogCliOptions } from '../log-options.js';
import { type CliIo, EXIT, UsageError } from '../output.js';

interface Options extends LogCliOptions {
  kubeconfig?: string;
  namespace: string;
  metricsListen: string[];
  webhookListen?: string;
  lbClass?: string;
  leaderElect?: boolean;
  identity?: string;
  writeConcurrency: string;
  webhookIpSan: string[];
}

/** The Lease the replicas elect on (in --namespace). */
const LEASE_NAME = 'herald-controller';

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerController(program: Command, _io: CliIo, setExit: (code: number) => void): void {
  addLogOptions(
    program
      .command('controller')
      .description(
        'Run the controller: allocate addresses to LoadBalancer Services, write status and Events',
      ),
  )
    .option(
      '--kubeconfig <path>',
      'kubeconfig file (default: $KUBECONFIG, else the in-cluster ServiceAccount)',
    )
    .option(
      '-n, --namespace <ns>',
      "the agent's namespace (metallb.io objects, the memberlist Secret)",
      DEFAULT_NAMESPACE,
    )
    .option(
      '--metrics-listen <addr:port|unix:path>',
      'serve /metrics, /healthz, /readyz and /debug/* (the live visualizer) here; repeatable',
      collect,
      [],
    )
    .option('--webhook-listen <addr:port>', 'serve the validating and conversion webhooks (TLS) here')
    .option(
      '--lb-class <name>',
      'serve only Services with this spec.loadBalancerClass (default: only those without one)',
    )
    .option('--leader-elect', 'run as one of several replicas: only the holder of the Lease allocates')
    .option('--write-concurrency <n>', 'parallel writes to the API', '32')
    .option(
      '--webhook-ip-san <ip>',
      "also put this IP in the webhook's certificate (for a url: clientConfig); repeatable",
      collect,
      [],
    )
    .option('--identity <name>', 'this replica in the Lease (default: $POD_NAME, else the host name)')
    .addHelpText(
      'after',
      '\nSIGTERM: finish writes in flight, release the Lease (the standby takes over at once), exit 0.',
    )
    .action(async (opts: Options) => {
      let httpListen;
      try {
        httpListen = opts.metricsListen.map(parseListen);
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      const kubeConfig = kubeConfigFor(opts.kubeconfig);
      const writeConcurrency = Number(opts.writeConcurrency);
      if (!Number.isInteger(writeConcurrency) || writeConcurrency < 1 || writeConcurrency > 1024)
        throw new UsageError(
          `--write-concurrency must be an integer 1..1024, not "${opts.writeConcurrency}"`,
        );
      let webhook;
      if (opts.webhookListen !== undefined) {
        const listen = parseListen(opts.webhookListen);
        if (listen.kind !== 'tcp') throw new UsageError('--webhook-listen takes addr:port');
        webhook = { host: listen.host ?? '0.0.0.0', port: listen.port, extraIpSans: opts.webhookIpSan };
      }
      const name = opts.identity ?? process.env.POD_NAME ?? hostname();
      // Unique per process, as client-go does: a restarted container must not be mistaken for the
      // replica that held the Lease before (two live holders of one identity would both lead).
      const identity = opts.leaderElect ? `${name}_${randomBytes(4).toString('hex')}` : name;
      const log = eventLogFrom(opts, identity);
      const controller = new Controller({
        kubeConfig,
        namespace: opts.namespace,
        identity,
        ...(opts.lbClass !== undefined ? { loadBalancerClass: opts.lbClass } : {}),
        httpListen,
        log,
        writeConcurrency,
        ...(webhook ? { webhook } : {}),
      });
      await controller.start();
      let election: LeaderElection | undefined;
      if (opts.leaderElect) {
        const fields = (obj: object, msg: string) => ({ component: 'leaderElection', event: msg, ...obj });
        election = startLeaderElection({
          kubeConfig,
          namespace: opts.namespace,
          leaseName: LEASE_NAME,
          identity,
          inspect: controller.board.inspect,
          log: {
            info: (obj, msg) => log.info(fields(obj, msg)),
            warn: (obj, msg) => log.warn(fields(obj, msg)),
            error: (obj, msg) => log.error(fields(obj, msg)),
          },
          onStartedLeading: () => controller.startLeading(),
          onStoppedLeading: () => controller.stopLeading(),
        });
      } else {
        controller.startLeading();
      }
      await stopSignal();
      // Writes in flight finish first; then the Lease is released so the standby starts at once.
      await controller.flush();
      await election?.stop({ release: true });
      controller.stopLeading();
      await controller.stop();
      setExit(EXIT.ok);
    });
}
