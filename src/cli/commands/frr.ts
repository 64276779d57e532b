// herald frr render --node N [--namespace NS] PATH...
// The frr.conf the FRR backend gives node N: its BGP plan (what `herald plan` shows it
// advertising), the BFD profiles and the FRRConfigurations selecting it, merged as FRR-K8s
// merges them. Nothing is started and nothing is written: the file goes to stdout.
import type { Command } from 'commander';
import { renderFrrFromObjects } from '../../frr/render/from-objects.js';
import { addNamespaceOption, readConfigInputs } from '../config-inputs.js';
import { type CliIo, EXIT } from '../output.js';

export function registerFrr(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const frr = program.command('frr').description("Herald's FRR backend: what it would give FRR");
  const render = frr
    .command('render')
    .description("Print node N's frr.conf: its BGP plan, BFD profiles and FRRConfigurations, merged")
    .argument(
      '<paths...>',
      'YAML files or folders: metallb.io and frrk8s.metallb.io objects, Nodes, Services, ...',
    )
    .requiredOption('--node <name>', 'the node to render for (its labels come from the Node object given)');
  addNamespaceOption(render)
    .addHelpText(
      'after',
      '\nServices keep the addresses in status.loadBalancer.ingress; the others get what `herald allocate`\n' +
        'would assign. Without a Node object named N, the node has no labels (a warning says so).\n' +
        'The output contains BGP passwords (as frr.conf must).\n' +
        'Exit status: 0 printed; 1 the sources conflict (each conflict on stderr, nothing printed);\n' +
        '2 usage error, unreadable input or invalid configuration.',
    )
    .action(async (paths: string[], opts: { node: string; namespace: string }) => {
      const inputs = await readConfigInputs(paths, opts.namespace, io, setExit, 'nothing rendered');
      if (!inputs) return;
      const { result, nodeKnown } = renderFrrFromObjects(inputs.config, inputs.objects, opts.node);
      if (!nodeKnown && inputs.objects.some((o) => (o as { kind?: unknown } | null)?.kind === 'Node'))
        io.err(`herald: node "${opts.node}" is not a Node given; rendered without labels`);
      if (!result.ok) {
        for (const e of result.errors) io.err(`${e.source}: ${e.message}`);
        io.err(`herald: ${result.errors.length} conflict(s); no frr.conf for node ${opts.node}`);
        setExit(EXIT.findings);
        return;
      }
      io.out(result.text);
      setExit(EXIT.ok);
    });
}
