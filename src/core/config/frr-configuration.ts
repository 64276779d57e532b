// FRR-K8s' FRRConfiguration: per-object rules and the merge of every configuration that selects
// the same node (routers combined per VRF, neighbours and prefixes unioned; conflicts refused).
import { anySelectorMatches, type LabelSelector } from '../labels.js';
import { parseDuration } from '../duration.js';
import { familyBits, parseIp, parsePrefix } from '../net/ip.js';
import type { IssueSink } from './issues.js';
import type { Resource } from './resource.js';
import { parseBfdProfile } from './rules/bfd.js';
import { checkSelectors } from './rules/selectors.js';
import type { FrrConfigurationSpec, FrrNeighborSpec, FrrRouterSpec } from './schema/frrk8s.js';
import type { BfdProfile } from './types.js';
import type { NodeInfo } from './rules/peers.js';

export interface FrrConfiguration {
  readonly name: string;
  readonly namespace: string;
  readonly nodeSelector: LabelSelector;
  readonly routers: readonly FrrRouterSpec[];
  readonly bfdProfiles: readonly BfdProfile[];
  readonly rawConfig: string | undefined;
  /** Where the raw config goes: lower first, appended after everything rendered (FRR-K8s). */
  readonly rawPriority: number;
}

export function parseFrrConfiguration(
  resource: Resource,
  spec: FrrConfigurationSpec,
  sink: IssueSink,
): FrrConfiguration | undefined {
  const before = sink.issues.length;
  const bfdProfiles: BfdProfile[] = [];
  const profileNames = new Set<string>();
  (spec.bgp?.bfdProfiles ?? []).forEach((profile, i) => {
    const field = `spec.bgp.bfdProfiles[${i}]`;
    if (profileNames.has(profile.name))
      sink.error(resource, `${field}.name`, `duplicate BFD profile "${profile.name}"`);
    profileNames.add(profile.name);
    const { name, ...intervals } = profile;
    const parsed = parseBfdProfile(resource, intervals, sink, field, name);
    if (parsed) bfdProfiles.push(parsed);
  });
  const vrfs = new Set<string>();
  (spec.bgp?.routers ?? []).forEach((router, i) => {
    const field = `spec.bgp.routers[${i}]`;
    const vrf = router.vrf ?? '';
    if (vrfs.has(vrf)) sink.error(resource, `${field}.vrf`, `more than one router for vrf "${vrf}"`);
    vrfs.add(vrf);
    if (router.id !== undefined && parseIp(router.id)?.family !== 4)
      sink.error(resource, `${field}.id`, `invalid router ID "${router.id}"`);
    const prefixes = new Set<string>();
    (router.prefixes ?? []).forEach((p, j) => {
      if (!parsePrefix(p)) sink.error(resource, `${field}.prefixes[${j}]`, `invalid prefix "${p}"`);
      prefixes.add(p);
    });
    (router.neighbors ?? []).forEach((neighbor, j) =>
      checkNeighbor(resource, `${field}.neighbors[${j}]`, neighbor, prefixes, profileNames, sink),
    );
  });
  checkSelectors(resource, 'spec.nodeSelector', spec.nodeSelector ? [spec.nodeSelector] : [], sink);
  if (sink.issues.length > before && sink.issues.slice(before).some((i) => i.severity === 'error'))
    return undefined;
  return {
    name: resource.name,
    namespace: resource.namespace,
    nodeSelector: spec.nodeSelector ?? {},
    routers: spec.bgp?.routers ?? [],
    bfdProfiles,
    rawConfig: spec.raw?.rawConfig,
    rawPriority: spec.raw?.priority ?? 0,
  };
}

function checkNeighbor(
  resource: Resource,
  field: string,
  n: FrrNeighborSpec,
  routerPrefixes: ReadonlySet<string>,
  profiles: ReadonlySet<string>,
  sink: IssueSink,
): void {
  const error = (f: string, message: string): void => sink.error(resource, `${field}${f}`, message);
  if ((n.address === undefined) === (n.interface === undefined))
    error('', 'exactly one of address or interface must be set');
  if (n.address !== undefined && !parseIp(n.address))
    error('.address', `invalid neighbor address "${n.address}"`);
  if ((n.asn === undefined) === (n.dynamicASN === undefined))
    error('.asn', 'exactly one of asn or dynamicASN must be set');
  if (n.port !== undefined && (n.port < 1 || n.port > 16384))
    error('.port', `port must be between 1 and 16384, got ${n.port}`);
  if ((n.holdTime === undefined) !== (n.keepaliveTime === undefined)) {
    error('.holdTime', 'holdTime and keepaliveTime must be set together or not at all');
  } else if (n.holdTime !== undefined && n.keepaliveTime !== undefined) {
    const hold = parseDuration(n.holdTime);
    const keepalive = parseDuration(n.keepaliveTime);
    if (hold === undefined || (hold !== 0 && hold < 3000))
      error('.holdTime', `invalid hold time "${n.holdTime}": must be 0 or at least 3s`);
    else if (keepalive === undefined || keepalive > hold)
      error('.keepaliveTime', `keepaliveTime "${n.keepaliveTime}" must not exceed holdTime "${n.holdTime}"`);
  }
  if (n.bfdProfile !== undefined && !profiles.has(n.bfdProfile)) {
    error(
      '.bfdProfile',
      `neighbor ${n.address ?? n.interface ?? ''} referencing non existing BFDProfile ${n.bfdProfile}`,
    );
  }
  const allowed = n.toAdvertise?.allowed;
  const advertised = new Set(allowed?.mode === 'all' ? routerPrefixes : (allowed?.prefixes ?? []));
  (allowed?.prefixes ?? []).forEach((p, i) => {
    if (!routerPrefixes.has(p))
      error(`.toAdvertise.allowed.prefixes[${i}]`, `prefix ${p} is not among the router's prefixes`);
  });
  n.toAdvertise?.withLocalPref?.forEach((group, i) =>
    group.prefixes.forEach((p, j) => {
      if (!advertised.has(p))
        error(
          `.toAdvertise.withLocalPref[${i}].prefixes[${j}]`,
          `prefix ${p} is not in the advertised prefixes`,
        );
    }),
  );
  n.toAdvertise?.withCommunity?.forEach((group, i) =>
    group.prefixes.forEach((p, j) => {
      if (!advertised.has(p))
        error(
          `.toAdvertise.withCommunity[${i}].prefixes[${j}]`,
          `prefix ${p} is not in the advertised prefixes`,
        );
    }),
  );
  (n.toReceive?.allowed?.prefixes ?? []).forEach((selector, i) => {
    const f = `.toReceive.allowed.prefixes[${i}]`;
    const prefix = parsePrefix(selector.prefix);
    if (!prefix) {
      error(`${f}.prefix`, `invalid prefix "${selector.prefix}"`);
      return;
    }
    const max = familyBits(prefix.family);
    const ge = selector.ge ?? prefix.length;
    const le = selector.le ?? max;
    if (selector.ge !== undefined && (ge < prefix.length || ge > max))
      error(`${f}.ge`, `ge ${ge} must be between the prefix length ${prefix.length} and ${max}`);
    if (selector.le !== undefined && (le < prefix.length || le > max))
      error(`${f}.le`, `le ${le} must be between the prefix length ${prefix.length} and ${max}`);
    if (selector.ge !== undefined && selector.le !== undefined && ge > le)
      error(`${f}.ge`, `ge ${ge} must not be greater than le ${le}`);
  });
}

/** A router seen by the merge: who defined it, with which ASN and router ID. */
interface RouterClaim {
  readonly asn: number;
  readonly id: string | undefined;
  readonly owner: string;
}

/**
 * Merge conflicts between configurations that can select a common node, and against the routers
 * MetalLB's own BGPPeers generate (`metallbRouters`, keyed by VRF) when FRR-K8s is the backend.
 */
export function checkFrrMerge(
  configs: readonly { config: FrrConfiguration; resource: Resource }[],
  metallbRouters: ReadonlyMap<string, { asn: number; owner: string }>,
  nodes: readonly NodeInfo[] | undefined,
  sink: IssueSink,
): void {
  configs.forEach(({ config, resource }, i) => {
    const claims = new Map<string, RouterClaim>();
    for (const [vrf, r] of metallbRouters) claims.set(vrf, { asn: r.asn, id: undefined, owner: r.owner });
    for (const { config: earlier } of configs.slice(0, i)) {
      if (!configsShareNode(config, earlier, nodes)) continue;
      for (const r of earlier.routers)
        claims.set(r.vrf ?? '', {
          asn: r.asn,
          id: r.id,
          owner: `FRRConfiguration ${earlier.namespace}/${earlier.name}`,
        });
      for (const p of earlier.bfdProfiles) {
        const mine = config.bfdProfiles.find((q) => q.name === p.name);
        if (mine && JSON.stringify(mine) !== JSON.stringify(p)) {
          sink.error(
            resource,
            'spec.bgp.bfdProfiles',
            `BFD profile "${p.name}" is defined with different values in FRRConfiguration ${earlier.namespace}/${earlier.name}`,
          );
        }
      }
    }
    config.routers.forEach((router, j) => {
      const claim = claims.get(router.vrf ?? '');
      if (!claim) return;
      if (claim.asn !== router.asn) {
        sink.error(
          resource,
          `spec.bgp.routers[${j}].asn`,
          `different asns (${router.asn} != ${claim.asn}) specified for same vrf (with ${claim.owner})`,
        );
      } else if (claim.id !== undefined && router.id !== undefined && claim.id !== router.id) {
        sink.error(
          resource,
          `spec.bgp.routers[${j}].id`,
          `different router ids (${router.id} != ${claim.id}) specified for same vrf (with ${claim.owner})`,
        );
      }
    });
  });
}

function configsShareNode(
  a: FrrConfiguration,
  b: FrrConfiguration,
  nodes: readonly NodeInfo[] | undefined,
): boolean {
  if (!nodes || nodes.length === 0) return true;
  return nodes.some(
    (n) => anySelectorMatches([a.nodeSelector], n.labels) && anySelectorMatches([b.nodeSelector], n.labels),
  );
}
