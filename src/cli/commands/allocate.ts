// herald allocate [--output text|json] [--namespace NS] PATH...
// Runs the controller's allocator once over configuration, Namespaces and Services read from
// YAML, as a restarted controller would: services already holding addresses (status) first.
import type { Command } from 'commander';
import { Allocator, fullPass, type Decision, type PoolStats } from '../../core/allocator/index.js';
import { readService, type ServiceModel } from '../../core/service/model.js';
import { namespaceLabelsOf } from '../../core/service/namespaces.js';
import { addNamespaceOption, readConfigInputs } from '../config-inputs.js';
import { type CliIo, EXIT, parseOutputFormat } from '../output.js';

export function registerAllocate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('allocate')
    .description(
      'Allocate LoadBalancer addresses for the Services in YAML files, from the pools configured there',
    )
    .argument('<paths...>', 'YAML files or folders: metallb.io objects, Namespaces and Services')
    .option('-o, --output <format>', 'text or json', 'text');
  addNamespaceOption(command)
    .addHelpText(
      'after',
      '\nOne pass as a restarted controller makes it: Services whose status.loadBalancer.ingress holds\n' +
        'addresses keep them when they still fit, then the others are allocated in file order.\n' +
        'Exit status: 0 the pass ran (even if some Services got no address), 2 usage error,\n' +
        'unreadable input or invalid configuration.\n' +
        'JSON output: {services: [{namespace, name, ips, pool, events: [{type, reason, message}]}],\n' +
        '  pools: [{name, assignedIPv4, assignedIPv6, availableIPv4, availableIPv6, total, inUse}],\n' +
        '  skipped: [{namespace, name, reason}]}; counts above 2^53 are strings.',
    )
    .action(async (paths: string[], opts: { output: string; namespace: string }) => {
      const format = parseOutputFormat(opts.output);
      const inputs = await readConfigInputs(paths, opts.namespace, io, setExit, 'nothing allocated');
      if (!inputs) return;
      const services = inputs.objects.flatMap((value) => readService(value) ?? []);
      const allocator = new Allocator(inputs.config);
      const decisions = fullPass(allocator, services, namespaceLabelsOf(inputs.objects));
      const report = toReport(services, decisions, allocator.stats());
      if (format === 'json') io.out(JSON.stringify(report, null, 2));
      else io.out(toText(report));
      setExit(EXIT.ok);
    });
}

interface Report {
  services: {
    namespace: string;
    name: string;
    ips: readonly string[];
    pool: string | null;
    events: { type: string; reason: string; message: string }[];
  }[];
  pools: {
    name: string;
    assignedIPv4: number;
    assignedIPv6: number;
    availableIPv4: number | string;
    availableIPv6: number | string;
    total: number | string;
    inUse: number;
  }[];
  skipped: { namespace: string; name: string; reason: string }[];
}

const count = (n: bigint): number | string =>
  n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();

function toReport(
  services: readonly ServiceModel[],
  decisions: readonly Decision[],
  stats: readonly PoolStats[],
): Report {
  const report: Report = { services: [], pools: [], skipped: [] };
  decisions.forEach((d, i) => {
    const service = services[i];
    if (!service || service.type !== 'LoadBalancer') return;
    const { namespace, name } = service;
    if (d.ignored !== undefined) report.skipped.push({ namespace, name, reason: d.ignored });
    else
      report.services.push({
        namespace,
        name,
        ips: d.ips,
        pool: d.pool ?? null,
        events: d.events.map((e) => ({ ...e })),
      });
  });
  for (const s of stats) {
    report.pools.push({
      name: s.pool,
      assignedIPv4: s.ipv4.inUse,
      assignedIPv6: s.ipv6.inUse,
      availableIPv4: count(s.ipv4.available),
      availableIPv6: count(s.ipv6.available),
      total: count(s.total),
      inUse: s.inUse,
    });
  }
  return report;
}

function toText(report: Report): string {
  const lines: string[] = [];
  for (const s of report.services) {
    const where = s.pool !== null ? ` (pool ${s.pool})` : '';
    lines.push(`${s.namespace}/${s.name}: ${s.ips.length > 0 ? s.ips.join(', ') : '<pending>'}${where}`);
    for (const e of s.events) lines.push(`  ${e.type} ${e.reason}: ${e.message}`);
  }
  for (const s of report.skipped) lines.push(`${s.namespace}/${s.name}: skipped (${s.reason})`);
  for (const p of report.pools) {
    lines.push(
      `pool ${p.name}: IPv4 ${p.assignedIPv4} assigned, ${p.availableIPv4} available; ` +
        `IPv6 ${p.assignedIPv6} assigned, ${p.availableIPv6} available`,
    );
  }
  return lines.join('\n');
}
