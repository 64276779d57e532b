// herald plan [--output text|json] [--members n1,n2,...] [--namespace NS] PATH...
// Which node announces each LoadBalancer service in layer 2, and why every other node does not,
// and with BGP configured, the routes every node sends to each of its peers (or why not), from
// configuration, Nodes, Services and EndpointSlices read from YAML.
import type { Command } from 'commander';
import { bgpPlanFromObjects, formatPlanText, planFromObjects, planJson } from '../../core/plan/index.js';
import { addNamespaceOption, readConfigInputs } from '../config-inputs.js';
import { type CliIo, EXIT, parseOutputFormat } from '../output.js';

interface PlanCliOptions {
  output: string;
  namespace: string;
  members?: string;
  ignoreExcludeLb?: boolean;
}

export function registerPlan(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('plan')
    .description(
      'Show which node announces each LoadBalancer Service in layer 2 and what every node advertises over BGP, and why not',
    )
    .argument('<paths...>', 'YAML files or folders: metallb.io objects, Nodes, Services, EndpointSlices')
    .option('-o, --output <format>', 'text or json', 'text')
    .option('-m, --members <names>', 'the live members, comma-separated (default: every Node given)')
    .option(
      '--ignore-exclude-lb',
      "as the speaker's flag: Nodes labelled node.kubernetes.io/exclude-from-external-load-balancers may announce",
    );
  addNamespaceOption(command)
    .addHelpText(
      'after',
      '\nServices keep the addresses in status.loadBalancer.ingress; the others get what `herald allocate`\n' +
        'would assign. Without any EndpointSlice, every node hosts a ready endpoint of every Service.\n' +
        'Without Node objects, the --members are the nodes (no labels).\n' +
        'Exit status: 0 the plan ran, 2 usage error, unreadable input or invalid configuration.\n' +
        'JSON output: {services: [{namespace, name, ips, l2: {node, interfaces, reason?}, nodes: {<node>: <reason>}}]};\n' +
        '  interfaces [] = every usable interface; reason says why nobody announces (node null).\n' +
        'With a BGPPeer or BGPAdvertisement, each service also has bgp: {reason?, nodes: {<node>: {reason} or\n' +
        '  {peers: {<peer>: {reason} or {routes: [{prefix, nextHop, localPref?, communities, largeCommunities}]}}}}},\n' +
        '  and bgpSessions: {<node>: [{peer, address, port, type, myASN, peerASN, timers, families, auth, bfd?, ...}]}.\n' +
        '  Every node announces over BGP for itself: --members does not change the bgp section. Passwords are\n' +
        '  never printed (auth: password).',
    )
    .action(async (paths: string[], opts: PlanCliOptions) => {
      const format = parseOutputFormat(opts.output);
      const members = opts.members?.split(',').flatMap((m) => (m.trim() ? [m.trim()] : []));
      const inputs = await readConfigInputs(paths, opts.namespace, io, setExit, 'no plan');
      if (!inputs) return;
      const options = { members, ignoreExcludeLb: opts.ignoreExcludeLb === true };
      const plan = planFromObjects(inputs.config, inputs.objects, options);
      const bgp = bgpPlanFromObjects(inputs.config, inputs.objects, options);
      for (const m of plan.unknownMembers) io.err(`herald: member "${m}" is not a Node given; ignored`);
      if (format === 'json') io.out(JSON.stringify(planJson(plan.services, bgp), null, 2));
      else io.out(formatPlanText(plan, bgp));
      setExit(EXIT.ok);
    });
}
