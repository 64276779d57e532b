// herald speaker --standalone: the speaker without Kubernetes (a keepalived replacement).
import type { Command } from 'commander';
import { StandaloneSpeaker } from '../../app/speaker.js';
import { DEFAULT_NAMESPACE } from '../../core/config/parse.js';
import { addGossipOptions, gossipSettings, stopSignal, type GossipCliOptions } from '../gossip-options.js';
import { type CliIo, EXIT, UsageError } from '../output.js';

interface Options extends GossipCliOptions {
  standalone?: boolean;
  metricsListen?: string;
  config?: string;
  namespace: string;
}

export function registerSpeaker(program: Command, io: CliIo, setExit: (code: number) => void): void {
  addGossipOptions(
    program
      .command('speaker')
      .description('Run the speaker: gossip membership, layer-2 election and ARP/NDP answers'),
  )
    .option('--standalone', 'without Kubernetes: read configuration and Services from --config')
    .option(
      '--config <dir>',
      'directory of YAML (config objects, Services, optional Nodes and EndpointSlices); re-read on change',
    )
    .option('-n, --namespace <ns>', "the agent's namespace", DEFAULT_NAMESPACE)
    .option('--metrics-listen <addr:port>', 'serve Prometheus /metrics and /healthz here (e.g. 0.0.0.0:7472)')
    .addHelpText(
      'after',
      '\nLogs are JSON lines on stdout. SIGTERM: withdraw every address, leave the gossip cluster, exit 0.\n' +
        'Only --standalone exists so far; the Kubernetes mode follows.',
    )
    .action(async (opts: Options) => {
      if (!opts.standalone || !opts.config)
        throw new UsageError('only --standalone --config DIR is supported so far');
      const speaker = new StandaloneSpeaker({
        ...gossipSettings(opts),
        configDir: opts.config,
        namespace: opts.namespace,
        metricsListen: opts.metricsListen,
        log: (event) => io.out(JSON.stringify({ time: Date.now(), node: opts.nodeName, ...event })),
      });
      await speaker.start();
      await stopSignal();
      await speaker.stop();
      setExit(EXIT.ok);
    });
}
