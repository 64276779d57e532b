// The model as frr.conf text. Everything is printed in a fixed order (VRFs by name with the
// default first, neighbours by address then interface, prefixes in address order, tags in
// ascending order, profiles by name, raw snippets by priority), so equal models give byte-equal
// files and a reload can be skipped by comparing text. Comments name the Herald object each block
// comes from.
//
// Which neighbour is sent which prefix travels as a route tag (tags.ts): each `network` sets the
// tag of its signature (the neighbours it goes to, with their attributes), and per neighbour
// `<name>-out` has one `match tag` entry per signature it is part of, setting that neighbour's
// attributes (LOCAL_PREF, communities). A prefix a neighbour is sent that this router does not
// originate (leaked by `import vrf`) is matched by a prefix-list as before. Anything else meets
// FRR's implicit deny. `<name>-in` refuses alwaysBlock, then accepts what toReceive allows
// (nothing by default).
import { comparePrefixTexts } from '../../core/bgp-plan/index.js';
import type { IpFamily } from '../../core/net/ip.js';
import type {
  FrrBfdProfile,
  FrrModel,
  FrrNeighbor,
  FrrRouter,
  IncomingPrefix,
  OutgoingPrefix,
} from './model.js';
import { filterName, tagRouteMap } from './naming.js';
import { assignTags, type TagPlan } from './tags.js';

const BLOCK_LIST = { 4: 'herald-always-block-v4', 6: 'herald-always-block-v6' } as const;
const FAMILIES: readonly IpFamily[] = [4, 6];
const ipWord = (family: IpFamily): string => (family === 4 ? 'ip' : 'ipv6');
const suffix = (family: IpFamily): string => `v${family}`;

export function frrText(model: FrrModel): string {
  const out: string[] = [
    `! frr.conf for node ${model.hostname}, rendered by Herald (herald frr render --node ${model.hostname}).`,
    '! Herald rewrites this file when its configuration changes: edits made here are lost.',
    `hostname ${model.hostname}`,
    'ip nht resolve-via-default',
    'ipv6 nht resolve-via-default',
    '!',
  ];
  if (model.alwaysBlock.length > 0) {
    out.push('! MetalLB frrk8sConfig.alwaysBlock: never accepted from any neighbor, nor anything inside');
    for (const family of FAMILIES) {
      let seq = 0;
      for (const b of model.alwaysBlock.filter((p) => p.family === family))
        out.push(
          `${ipWord(family)} prefix-list ${BLOCK_LIST[family]} seq ${(seq += 5)} permit ${b.prefix} le ${family === 4 ? 32 : 128}`,
        );
    }
    out.push('!');
  }
  const tags = assignTags(model);
  out.push(...tagRouteMaps(tags));
  for (const router of model.routers.values())
    for (const neighbor of router.neighbors.values())
      out.push(...neighborFilters(model, tags, router, neighbor));
  for (const router of model.routers.values()) out.push(...routerBlock(router, tags));
  if (model.bfdProfiles.size > 0) out.push(...bfdBlock(model.bfdProfiles.values()));
  for (const raw of model.raw) {
    out.push(`! raw config of ${raw.source} (priority ${raw.priority})`);
    out.push(...raw.text.replace(/\s+$/, '').split('\n'));
    out.push('!');
  }
  return `${out.join('\n')}\n`;
}

function describe(router: FrrRouter, neighbor: FrrNeighbor): string {
  const where = router.vrf === '' ? '' : ` in vrf ${router.vrf}`;
  return `neighbor ${neighbor.target}${where} (${neighbor.sources.join(', ')})`;
}

/** `route-map herald-tag-T`: what a `network` names to set tag T, with who is sent its prefixes. */
function tagRouteMaps(tags: TagPlan): string[] {
  const out: string[] = [];
  for (const [tag, names] of tags.tags)
    out.push(
      `! tag ${tag}: sent to ${names.join(', ')}`,
      `route-map ${tagRouteMap(tag)} permit 10`,
      ` set tag ${tag}`,
      'exit',
    );
  if (out.length > 0) out.push('!');
  return out;
}

function neighborFilters(model: FrrModel, tags: TagPlan, router: FrrRouter, neighbor: FrrNeighbor): string[] {
  const name = filterName(router, neighbor);
  const out: string[] = [];
  const routes = [...neighbor.outgoing.values()].sort((a, b) => comparePrefixTexts(a.prefix, b.prefix));
  out.push(`! ${describe(router, neighbor)}: ${routes.length} prefix(es) sent`);
  let seq = 0;
  const tagged = tags.byNeighbor.get(name) ?? [];
  for (const { tag, route } of tagged) {
    out.push(`route-map ${name}-out permit ${(seq += 10)}`, ` match tag ${tag}`);
    out.push(...setStatements(route), 'exit');
  }
  // Prefixes this router has no `network` for (leaked from another VRF): by prefix-list.
  const untagged = routes.filter((r) => !router.networks.has(r.prefix));
  groupByAttributes(untagged).forEach((group, g) => {
    for (const family of FAMILIES) {
      const members = group.filter((r) => r.family === family);
      if (members.length === 0) continue;
      const list = `${name}-out-${g + 1}-${suffix(family)}`;
      let listSeq = 0;
      for (const r of members)
        out.push(`${ipWord(family)} prefix-list ${list} seq ${(listSeq += 5)} permit ${r.prefix}`);
      out.push(`route-map ${name}-out permit ${(seq += 10)}`);
      out.push(` match ${ipWord(family)} address prefix-list ${list}`);
      out.push(...setStatements(members[0]));
      out.push('exit');
    }
  });
  if (seq === 0) out.push(`route-map ${name}-out deny ${(seq += 10)}`, 'exit');
  out.push(...incomingFilters(model, name, neighbor));
  out.push('!');
  return out;
}

/** Routes with the same attributes, in the order of their first prefix. */
function groupByAttributes(routes: readonly OutgoingPrefix[]): OutgoingPrefix[][] {
  const groups = new Map<string, OutgoingPrefix[]>();
  for (const r of routes) {
    const key = JSON.stringify([r.localPref ?? null, r.communities, r.largeCommunities]);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()];
}

function setStatements(route: OutgoingPrefix | undefined): string[] {
  if (!route) return [];
  const out: string[] = [];
  if (route.localPref !== undefined) out.push(` set local-preference ${route.localPref}`);
  if (route.communities.length > 0) out.push(` set community ${route.communities.join(' ')} additive`);
  if (route.largeCommunities.length > 0)
    out.push(` set large-community ${route.largeCommunities.join(' ')} additive`);
  return out;
}

function incomingFilters(model: FrrModel, name: string, neighbor: FrrNeighbor): string[] {
  const { incoming } = neighbor;
  if (!incoming.all && incoming.prefixes.length === 0) return [`route-map ${name}-in deny 10`, 'exit'];
  const out: string[] = [];
  let seq = 0;
  const lists = new Map<IpFamily, string>();
  if (!incoming.all) {
    for (const family of FAMILIES) {
      const selectors = incoming.prefixes.filter((p) => p.family === family);
      if (selectors.length === 0) continue;
      const list = `${name}-in-${suffix(family)}`;
      lists.set(family, list);
      let listSeq = 0;
      for (const s of selectors)
        out.push(`${ipWord(family)} prefix-list ${list} seq ${(listSeq += 5)} permit ${selectorText(s)}`);
    }
  }
  for (const family of FAMILIES) {
    if (!model.alwaysBlock.some((b) => b.family === family)) continue;
    out.push(`route-map ${name}-in deny ${(seq += 10)}`);
    out.push(` match ${ipWord(family)} address prefix-list ${BLOCK_LIST[family]}`, 'exit');
  }
  if (incoming.all) {
    out.push(`route-map ${name}-in permit ${seq + 10}`, 'exit');
    return out;
  }
  for (const [family, list] of lists) {
    out.push(`route-map ${name}-in permit ${(seq += 10)}`);
    out.push(` match ${ipWord(family)} address prefix-list ${list}`, 'exit');
  }
  return out;
}

function selectorText(s: IncomingPrefix): string {
  return `${s.prefix}${s.ge !== undefined ? ` ge ${s.ge}` : ''}${s.le !== undefined ? ` le ${s.le}` : ''}`;
}

const isEbgp = (router: FrrRouter, n: FrrNeighbor): boolean =>
  n.remoteAs === 'external' || (typeof n.remoteAs === 'number' && n.remoteAs !== (n.localAs ?? router.asn));

function routerBlock(router: FrrRouter, tags: TagPlan): string[] {
  const networkTags = tags.networkTags.get(router.vrf);
  const out: string[] = [`router bgp ${router.asn}${router.vrf === '' ? '' : ` vrf ${router.vrf}`}`];
  out.push(` ! from ${router.sources.join(', ')}`);
  if (router.routerId !== undefined) out.push(` bgp router-id ${router.routerId}`);
  out.push(' no bgp ebgp-requires-policy', ' no bgp default ipv4-unicast', ' no bgp network import-check');
  // As MetalLB's FRR mode, on every router: a session with graceful-restart tells the router that
  // forwarding survived a bgpd restart (the F bit), so the router keeps the stale routes until the
  // new bgpd's End-of-RIB instead of dropping them when the session comes back.
  out.push(' bgp graceful-restart preserve-fw-state');
  for (const n of router.neighbors.values()) {
    const t = n.target;
    out.push(' !', ` ! ${n.sources.join(', ')}`);
    out.push(` neighbor ${t}${n.unnumbered ? ' interface' : ''} remote-as ${n.remoteAs}`);
    if (n.localAs !== undefined) out.push(` neighbor ${t} local-as ${n.localAs} no-prepend replace-as`);
    if (n.port !== undefined) out.push(` neighbor ${t} port ${n.port}`);
    if (n.sourceAddress !== undefined) out.push(` neighbor ${t} update-source ${n.sourceAddress}`);
    if (n.ebgpMultiHop) out.push(` neighbor ${t} ebgp-multihop`);
    // As MetalLB's FRR mode: a single-hop eBGP session to an IPv6 address skips the connected check.
    else if (n.family === 6 && !n.unnumbered && isEbgp(router, n))
      out.push(` neighbor ${t} disable-connected-check`);
    if (n.password !== undefined) out.push(` neighbor ${t} password ${n.password}`);
    if (n.holdTime !== undefined || n.keepaliveTime !== undefined) {
      const hold = n.holdTime ?? (n.keepaliveTime ?? 0) * 3;
      const keepalive = n.keepaliveTime ?? Math.floor(hold / 3);
      out.push(` neighbor ${t} timers ${keepalive} ${hold}`);
    }
    if (n.connectTime !== undefined) out.push(` neighbor ${t} timers connect ${n.connectTime}`);
    if (n.gracefulRestart) out.push(` neighbor ${t} graceful-restart`);
    if (n.bfdProfile !== undefined)
      out.push(` neighbor ${t} bfd`, ` neighbor ${t} bfd profile ${n.bfdProfile}`);
  }
  for (const family of FAMILIES) {
    const networks = [...router.networks].filter(([p]) => familyOf(p) === family);
    const neighbors = [...router.neighbors.values()].filter((n) => n.families.includes(family));
    if (networks.length === 0 && neighbors.length === 0 && router.importVrfs.length === 0) continue;
    out.push(' !', ` address-family ${family === 4 ? 'ipv4' : 'ipv6'} unicast`);
    for (const [prefix, reasons] of networks) {
      const tag = networkTags?.get(prefix);
      const routeMap = tag === undefined ? '' : ` route-map ${tagRouteMap(tag)}`;
      out.push(`  ! ${reasons.join(', ')}`, `  network ${prefix}${routeMap}`);
    }
    for (const vrf of router.importVrfs) out.push(`  import vrf ${vrf}`);
    for (const n of neighbors) {
      const name = filterName(router, n);
      out.push(
        `  neighbor ${n.target} activate`,
        `  neighbor ${n.target} route-map ${name}-in in`,
        `  neighbor ${n.target} route-map ${name}-out out`,
      );
    }
    out.push(' exit-address-family');
  }
  out.push('exit', '!');
  return out;
}

const familyOf = (prefix: string): IpFamily => (prefix.includes(':') ? 6 : 4);

function bfdBlock(profiles: Iterable<FrrBfdProfile>): string[] {
  const out = ['bfd'];
  for (const p of profiles) {
    out.push(` ! ${p.sources.join(', ')}`, ` profile ${p.name}`);
    out.push(`  receive-interval ${p.receiveIntervalMs}`, `  transmit-interval ${p.transmitIntervalMs}`);
    out.push(`  detect-multiplier ${p.detectMultiplier}`);
    if (p.echoMode)
      out.push(
        '  echo-mode',
        `  echo transmit-interval ${p.echoIntervalMs}`,
        `  echo receive-interval ${p.echoIntervalMs}`,
      );
    if (p.passiveMode) out.push('  passive-mode');
    out.push(`  minimum-ttl ${p.minimumTtl}`, ' exit');
  }
  out.push('exit', '!');
  return out;
}
