// `herald plan`'s text for BGP: under each service, what every node sends to each peer (or why
// not); after the services, every node's sessions. Passwords are shown as "password", never.
import { formatDuration } from '../duration.js';
import type { PlanBgp, PlanBgpRoute, PlanBgpSession } from './bgp.js';

const ARROW = ' → ';

/** The lines of one service's bgp section, indented under the service. */
export function formatBgpServiceLines(section: PlanBgp): string[] {
  const rows: { label: string; text: string[] }[] = [];
  const routes = Object.values(section.nodes).flatMap((n) =>
    'peers' in n ? Object.values(n.peers).flatMap((p) => ('routes' in p ? p.routes : [])) : [],
  );
  const prefixWidth = Math.max(0, ...routes.map((r) => r.prefix.length));
  for (const [node, outcome] of Object.entries(section.nodes)) {
    if ('reason' in outcome) {
      rows.push({ label: node, text: [outcome.reason] });
      continue;
    }
    for (const [peer, result] of Object.entries(outcome.peers)) {
      const text =
        'reason' in result ? [result.reason] : result.routes.map((r) => formatRoute(r, prefixWidth));
      rows.push({ label: `${node}${ARROW}${peer}`, text });
    }
  }
  const header = section.reason === undefined ? '  bgp:' : `  bgp: not advertised (${section.reason})`;
  // A reason every node shares is the header's: listing each node would only repeat it.
  if (rows.every((r) => r.text.length === 1 && r.text[0] === section.reason)) return [header];
  const width = Math.max(0, ...rows.map((r) => r.label.length));
  const lines = [header];
  for (const { label, text } of rows) {
    text.forEach((t, i) => lines.push(`    ${(i === 0 ? label : '').padEnd(width)}  ${t}`.trimEnd()));
  }
  return lines;
}

function formatRoute(route: PlanBgpRoute, prefixWidth: number): string {
  const parts = [route.prefix.padEnd(prefixWidth)];
  if (route.localPref !== undefined) parts.push(`localPref ${route.localPref}`);
  if (route.communities.length > 0) parts.push(`communities ${route.communities.join(',')}`);
  if (route.largeCommunities.length > 0) parts.push(`large ${route.largeCommunities.join(',')}`);
  if (route.nextHop !== 'self') parts.push(`next hop ${route.nextHop}`);
  return parts.join('  ');
}

/** "bgp sessions:" and one line per node and peer. */
export function formatBgpSessionLines(sessions: Record<string, PlanBgpSession[]>): string[] {
  const rows = Object.entries(sessions).flatMap(([node, list]) =>
    list.length === 0
      ? [{ label: node, text: 'no BGP peers' }]
      : list.map((s) => ({ label: `${node}${ARROW}${s.peer}`, text: formatSession(s) })),
  );
  if (rows.length === 0) return [];
  const width = Math.max(...rows.map((r) => r.label.length));
  return ['bgp sessions:', ...rows.map((r) => `  ${r.label.padEnd(width)}  ${r.text}`)];
}

function formatSession(s: PlanBgpSession): string {
  const target = s.interface !== undefined ? `interface ${s.interface}` : hostPort(s.address ?? '?', s.port);
  const remote = s.peerASN !== undefined ? String(s.peerASN) : `${s.dynamicASN ?? '?'} (dynamic)`;
  const local = s.localASN !== undefined ? `${s.localASN} (myASN ${s.myASN})` : String(s.myASN);
  const parts = [
    target,
    s.type === 'ibgp'
      ? `iBGP AS ${local}${s.peerASN === undefined ? ` peer ${remote}` : ''}`
      : `eBGP AS ${local} → ${remote}`,
    s.families.join('+'),
    `hold ${formatDuration(s.holdTimeMs)} keepalive ${formatDuration(s.keepaliveTimeMs)} connect ${formatDuration(s.connectTimeMs)}`,
  ];
  if (s.sourceAddress !== undefined) parts.push(`source ${s.sourceAddress}`);
  if (s.vrf !== undefined) parts.push(`vrf ${s.vrf}`);
  if (s.routerID !== undefined) parts.push(`router-id ${s.routerID}`);
  if (s.ebgpMultiHop) parts.push('multihop');
  if (s.gracefulRestart) parts.push('graceful restart');
  if (s.auth === 'password') parts.push('password set');
  else if (s.auth !== 'none') parts.push(`password from ${s.auth}`);
  if (s.bfd) parts.push(formatBfd(s.bfd));
  return parts.join('  ');
}

function formatBfd(bfd: NonNullable<PlanBgpSession['bfd']>): string {
  if (bfd.missing) return `bfd ${bfd.profile} (profile missing)`;
  const echo = bfd.echoMode ? ` echo ${bfd.echoIntervalMs ?? '?'}ms` : '';
  const passive = bfd.passiveMode ? ' passive' : '';
  return `bfd ${bfd.profile} (rx ${bfd.receiveIntervalMs ?? '?'}ms tx ${bfd.transmitIntervalMs ?? '?'}ms ×${bfd.detectMultiplier ?? '?'}${echo}${passive})`;
}

const hostPort = (address: string, port: number): string =>
  address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
