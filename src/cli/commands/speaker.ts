// herald speaker: on Kubernetes (the default; configuration, Services, Nodes and EndpointSlices
// from the API) or --standalone (the same from a directory of YAML: a keepalived replacement).
// One speaker, two configuration sources.
import { isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { BGP_BACKENDS, DEFAULT_FRR_K8S_EXTERNAL_NAMESPACE } from '../../app/bgp.js';
import { DEFAULT_FRR_RUN_DIR } from '../../app/frr-backend.js';
import { Speaker } from '../../app/speaker.js';
import { FileConfigSource } from '../../files/file-source.js';
import { FrrConfigurationDir } from '../../files/frr-configuration-dir.js';
import type { FrrConfigurationStore } from '../../ports/frr-configuration-store.js';
import { StateBoard } from '../../observe/state-board.js';
import { DEFAULT_NAMESPACE } from '../../core/config/parse.js';
import { parseListen } from '../../observe/debug-server.js';
import { addGossipOptions, gossipSettings, stopSignal, type GossipCliOptions } from '../gossip-options.js';
import { addLogOptions, eventLogFrom, type LogCliOptions } from '../log-options.js';
import { type CliIo, EXIT, UsageError } from '../output.js';

interface Options extends GossipCliOptions, LogCliOptions {
  standalone?: boolean;
  metricsListen: string[];
  config?: string;
  namespace: string;
  kubeconfig?: string;
  ignoreExcludeLb?: boolean;
  bgpBackend: string;
  frrRunDir: string;
  frrK8sNamespace?: string;
  frrK8sOutputDir?: string;
}

const isInside = (path: string, dir: string): boolean => {
  const from = relative(resolve(dir), resolve(path));
  return from === '' || (!from.startsWith('..') && !isAbsolute(from));
};

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerSpeaker(program: Command, _io: CliIo, setExit: (code: number) => void): void {
  addLogOptions(
    addGossipOptions(
      program
        .command('speaker')
        .description(
          'Run the speaker: gossip membership, layer-2 election, ARP/NDP answers and BGP, configured from Kubernetes (default) or --standalone files',
        ),
    ),
  )
    .option(
      '--kubeconfig <path>',
      'kubeconfig file (default: $KUBECONFIG, else the in-cluster ServiceAccount)',
    )
    .option('--standalone', 'without Kubernetes: read configuration and Services from --config')
    .option(
      '--config <dir>',
      'directory of YAML (config objects, Services, optional Nodes and EndpointSlices); re-read on change',
    )
    .option('-n, --namespace <ns>', "the agent's namespace", DEFAULT_NAMESPACE)
    .option(
      '--ignore-exclude-lb',
      'announce from Nodes labelled node.kubernetes.io/exclude-from-external-load-balancers too (as MetalLB)',
    )
    .option(
      '--bgp-backend <backend>',
      "who carries the BGP plan: native (Herald's own BGP and BFD), frr (FRR daemons it supervises), frr-k8s or frr-k8s-external (an FRR-K8s daemon, fed one FRRConfiguration per node); the MetalLB object's spec.bgpBackend wins when set",
      'native',
    )
    .option(
      '--frr-run-dir <dir>',
      'with the frr backend: pid files, sockets, logs and frr.conf',
      DEFAULT_FRR_RUN_DIR,
    )
    .option(
      '--frr-k8s-namespace <ns>',
      `with frr-k8s / frr-k8s-external: where FRR-K8s reads FRRConfigurations (default: the speaker's namespace / ${DEFAULT_FRR_K8S_EXTERNAL_NAMESPACE})`,
    )
    .option(
      '--frr-k8s-output-dir <dir>',
      "standalone with frr-k8s / frr-k8s-external: write the node's FRRConfiguration here as <name>.yaml (atomically)",
    )
    .option(
      '--metrics-listen <addr:port|unix:path>',
      'serve /metrics, /healthz, /readyz and /debug/* (the live visualizer) here; repeatable',
      collect,
      [],
    )
    .addHelpText(
      'after',
      "\nOn Kubernetes the gossip peers are every Node's InternalIP at the --gossip-listen port\n" +
        '(--gossip-peers overrides), and each announced Service gets a ServiceL2Status (layer 2) or\n' +
        'ServiceBGPStatus (BGP, per node) object. Nodes with NetworkUnavailable=True or the label\n' +
        'node.kubernetes.io/exclude-from-external-load-balancers (unless --ignore-exclude-lb) do not announce.\n' +
        'SIGTERM: withdraw every address, leave the gossip cluster, exit 0.\n' +
        'The visualizer: http://<metrics-listen>/debug/statecharts.',
    )
    .action(async (opts: Options) => {
      if (opts.standalone && !opts.config) throw new UsageError('--standalone needs --config DIR');
      if (!opts.standalone && opts.config) throw new UsageError('--config is for --standalone');
      const backend = BGP_BACKENDS.find((b) => b === opts.bgpBackend);
      if (!backend) throw new UsageError(`--bgp-backend must be one of ${BGP_BACKENDS.join(', ')}`);
      if (!opts.standalone && opts.frrK8sOutputDir)
        throw new UsageError(
          '--frr-k8s-output-dir is for --standalone (on Kubernetes the object is written to the API)',
        );
      const frrK8s = (store: FrrConfigurationStore | undefined) => ({
        store,
        namespace: opts.frrK8sNamespace ?? opts.namespace,
        externalNamespace: opts.frrK8sNamespace ?? DEFAULT_FRR_K8S_EXTERNAL_NAMESPACE,
      });
      const bgpSettings = (store: FrrConfigurationStore | undefined) => ({
        backend,
        frrRunDir: opts.frrRunDir,
        frrK8s: frrK8s(store),
      });
      let httpListen;
      try {
        httpListen = opts.metricsListen.map(parseListen);
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      const gossip = gossipSettings(opts);
      const log = eventLogFrom(opts, opts.nodeName);
      const board = new StateBoard();
      const ignoreExcludeLb = opts.ignoreExcludeLb === true;
      let speaker: Speaker;
      if (opts.standalone && opts.config) {
        if ((backend === 'frr-k8s' || backend === 'frr-k8s-external') && !opts.frrK8sOutputDir)
          throw new UsageError(`--bgp-backend ${backend} standalone needs --frr-k8s-output-dir`);
        // The speaker re-reads --config on change: its own output there would be read back as input.
        if (opts.frrK8sOutputDir && isInside(opts.frrK8sOutputDir, opts.config))
          throw new UsageError('--frr-k8s-output-dir must not be inside --config');
        const bgp = bgpSettings(
          opts.frrK8sOutputDir ? new FrrConfigurationDir(opts.frrK8sOutputDir) : undefined,
        );
        speaker = new Speaker({
          bgp,
          ...gossip,
          source: new FileConfigSource(opts.config, opts.namespace),
          namespace: opts.namespace,
          ignoreExcludeLb,
          httpListen,
          log,
          board,
        });
      } else {
        // Loaded only here: @kubernetes/client-node costs ~60 MiB of memory, which a standalone
        // speaker has no use for.
        const [{ KubeConfigSource }, { KubeRest }, { kubeConfigFor }] = await Promise.all([
          import('../../app/kube-source.js'),
          import('../../k8s/rest.js'),
          import('../kube-options.js'),
        ]);
        const kubeConfig = kubeConfigFor(opts.kubeconfig);
        const rest = new KubeRest(kubeConfig);
        const { KubeFrrConfigurationStore } = await import('../../k8s/frr-configuration-store.js');
        const bgp = bgpSettings(new KubeFrrConfigurationStore(rest));
        const source = new KubeConfigSource({
          kubeConfig,
          rest,
          namespace: opts.namespace,
          log,
          inspect: board.inspect,
        });
        const port = gossip.listen.replace(/^.*:/, '');
        speaker = new Speaker({
          bgp,
          ...gossip,
          source,
          discoverSeeds: () =>
            source
              .nodeAddresses()
              .filter(({ node }) => node !== gossip.node)
              .map(({ address }) => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`)),
          kube: { rest },
          namespace: opts.namespace,
          ignoreExcludeLb,
          httpListen,
          log,
          board,
        });
      }
      await speaker.start();
      await stopSignal();
      await speaker.stop();
      setExit(EXIT.ok);
    });
}
