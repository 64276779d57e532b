// `herald plan`'s text output: one block per service, the announcer first, then every node; with
// BGP configured, each block also says what every node sends to its peers, and the sessions follow.
import type { BgpPlanReport } from './bgp.js';
import { formatBgpServiceLines, formatBgpSessionLines } from './bgp-text.js';
import type { PlanReport } from './objects.js';

export function formatPlanText(report: PlanReport, bgp?: BgpPlanReport): string {
  const lines: string[] = [];
  report.services.forEach((s, i) => {
    const pool = report.pools[i];
    const ips = s.ips.length > 0 ? s.ips.join(', ') : '<no address>';
    lines.push(`${s.namespace}/${s.name}: ${ips}${pool !== undefined ? ` (pool ${pool})` : ''}`);
    if (s.l2.node !== null) {
      const on = s.l2.interfaces.length > 0 ? `interfaces ${s.l2.interfaces.join(', ')}` : 'all interfaces';
      lines.push(`  layer 2: announced by ${s.l2.node} on ${on}`);
    } else lines.push(`  layer 2: not announced (${s.l2.reason ?? 'unknown'})`);
    const entries = Object.entries(s.nodes);
    const width = Math.max(0, ...entries.map(([n]) => n.length));
    for (const [node, reason] of entries) lines.push(`    ${node.padEnd(width)}  ${reason}`);
    const section = bgp?.configured ? bgp.services.get(`${s.namespace}/${s.name}`) : undefined;
    if (section) lines.push(...formatBgpServiceLines(section));
  });
  if (bgp?.configured) lines.push(...formatBgpSessionLines(bgp.sessions));
  for (const s of report.skipped) lines.push(`${s.namespace}/${s.name}: skipped (${s.reason})`);
  if (lines.length === 0) lines.push('no LoadBalancer services');
  return lines.join('\n');
}
