// herald controller: allocates addresses to LoadBalancer Services on a Kubernetes cluster
// (MetalLB's controller, same API), optionally as one of several replicas with leader election.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { Controller } from '../../app/controller.js';
import { DEFAULT_NAMESPACE } from '../../core/config/parse.js';
import { KubeConfigError, loadKubeConfig } from '../../k8s/client.js';
import { parseListen } from '../../observe/debug-server.js';
import { stopSignal } from '../gossip-options.js';
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
}

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
      let kubeConfig;
      try {
        kubeConfig = loadKubeConfig(opts.kubeconfig);
      } catch (error) {
        if (error instanceof KubeConfigError) throw new UsageError(error.message);
        throw error;
      }
      const writeConcurrency = Number(opts.writeConcurrency);
      if (!Number.isInteger(writeConcurrency) || writeConcurrency < 1 || writeConcurrency > 1024)
        throw new UsageError(
          `--write-concurrency must be an integer 1..1024, not "${opts.writeConcurrency}"`,
        );
      const identity = opts.identity ?? process.env.POD_NAME ?? hostname();
      const log = eventLogFrom(opts, identity);
      const controller = new Controller({
        kubeConfig,
        namespace: opts.namespace,
        identity,
        ...(opts.lbClass !== undefined ? { loadBalancerClass: opts.lbClass } : {}),
        httpListen,
        log,
        writeConcurrency,
      });
      await controller.start();
      controller.startLeading();
      await stopSignal();
      controller.stopLeading();
      await controller.stop();
      setExit(EXIT.ok);
    });
}
