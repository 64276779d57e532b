// herald speaker --standalone: the speaker without Kubernetes (a keepalived replacement).
import type { Command } from 'commander';
import { StandaloneSpeaker } from '../../app/speaker.js';
import { DEFAULT_NAMESPACE } from '../../core/config/parse.js';
import { TIMING_PROFILES } from '../../core/membership/timing.js';
import { type CliIo, EXIT, UsageError } from '../output.js';

interface Options {
  standalone?: boolean;
  config?: string;
  nodeName: string;
  gossipListen: string;
  gossipPeers: string;
  gossipKeyFile?: string;
  namespace: string;
  profile: string;
}

export function registerSpeaker(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('speaker')
    .description('Run the speaker: gossip membership, layer-2 election and ARP/NDP answers')
    .option('--standalone', 'without Kubernetes: read configuration and Services from --config')
    .option(
      '--config <dir>',
      'directory of YAML (config objects, Services, optional Nodes and EndpointSlices); re-read on change',
    )
    .requiredOption('--node-name <name>', "this node's name")
    .requiredOption('--gossip-listen <addr:port>', 'gossip address, e.g. 10.0.0.1:7946')
    .option('--gossip-peers <list>', 'comma-separated addr:port of members to join through', '')
    .option('--gossip-key-file <file>', 'shared secret file; speakers without it cannot join')
    .option('-n, --namespace <ns>', "the agent's namespace", DEFAULT_NAMESPACE)
    .option(
      '--profile <name>',
      `failure-detection timing: ${Object.keys(TIMING_PROFILES).join(', ')}`,
      'fast',
    )
    .addHelpText(
      'after',
      '\nLogs are JSON lines on stdout. SIGTERM: withdraw every address, leave the gossip cluster, exit 0.\n' +
        'Only --standalone exists so far; the Kubernetes mode follows.',
    )
    .action(async (opts: Options) => {
      if (!opts.standalone || !opts.config)
        throw new UsageError('only --standalone --config DIR is supported so far');
      if (!(opts.profile in TIMING_PROFILES)) throw new UsageError(`unknown --profile "${opts.profile}"`);
      const speaker = new StandaloneSpeaker({
        node: opts.nodeName,
        configDir: opts.config,
        namespace: opts.namespace,
        listen: opts.gossipListen,
        seeds: opts.gossipPeers
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        keyFile: opts.gossipKeyFile,
        timing: TIMING_PROFILES[opts.profile as keyof typeof TIMING_PROFILES],
        log: (event) => io.out(JSON.stringify({ time: Date.now(), node: opts.nodeName, ...event })),
      });
      await speaker.start();
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      await speaker.stop();
      setExit(EXIT.ok);
    });
}
