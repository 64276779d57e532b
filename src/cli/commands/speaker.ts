// herald speaker --standalone: the speaker without Kubernetes (a keepalived replacement).
import type { Command } from 'commander';
import { StandaloneSpeaker } from '../../app/speaker.js';
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
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerSpeaker(program: Command, _io: CliIo, setExit: (code: number) => void): void {
  addLogOptions(
    addGossipOptions(
      program
        .command('speaker')
        .description('Run the speaker: gossip membership, layer-2 election and ARP/NDP answers'),
    ),
  )
    .option('--standalone', 'without Kubernetes: read configuration and Services from --config')
    .option(
      '--config <dir>',
      'directory of YAML (config objects, Services, optional Nodes and EndpointSlices); re-read on change',
    )
    .option('-n, --namespace <ns>', "the agent's namespace", DEFAULT_NAMESPACE)
    .option(
      '--metrics-listen <addr:port|unix:path>',
      'serve /metrics, /healthz, /readyz and /debug/* (the live visualizer) here; repeatable',
      collect,
      [],
    )
    .addHelpText(
      'after',
      '\nSIGTERM: withdraw every address, leave the gossip cluster, exit 0.\n' +
        'The visualizer: http://<metrics-listen>/debug/statecharts.\n' +
        'Only --standalone exists so far; the Kubernetes mode follows.',
    )
    .action(async (opts: Options) => {
      if (!opts.standalone || !opts.config)
        throw new UsageError('only --standalone --config DIR is supported so far');
      let httpListen;
      try {
        httpListen = opts.metricsListen.map(parseListen);
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      const speaker = new StandaloneSpeaker({
        ...gossipSettings(opts),
        configDir: opts.config,
        namespace: opts.namespace,
        httpListen,
        log: eventLogFrom(opts, opts.nodeName),
      });
      await speaker.start();
      await stopSignal();
      await speaker.stop();
      setExit(EXIT.ok);
    });
}
