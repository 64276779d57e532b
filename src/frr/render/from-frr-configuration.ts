// One FRRConfiguration (frrk8s.metallb.io/v1beta1) as FRR-K8s reads it: its routers, their
// prefixes (network statements) and neighbours, what each neighbour may be sent (toAdvertise:
// all of the router's prefixes or a list, with local preferences and communities per prefix) and
// may send (toReceive: all, or prefixes with optional ge/le), its BFD profiles and raw config.
import type { FrrConfiguration } from '../../core/config/frr-configuration.js';
import type { FrrNeighborSpec, FrrRouterSpec } from '../../core/config/schema/frrk8s.js';
import { parseDuration } from '../../core/duration.js';
import { formatPrefix, parseIp, parsePrefix, type IpFamily } from '../../core/net/ip.js';
import { bfdProfileOf, checkedPassword, type SecretPassword } from './from-plan.js';
import { sortedCommunities, sortIncoming, type FrrModelBuilder, type NeighborContribution } from './merge.js';
import type { Incoming, IncomingPrefix, OutgoingPrefix } from './model.js';

export function addFrrConfiguration(
  builder: FrrModelBuilder,
  cfg: FrrConfiguration,
  secretPassword: SecretPassword,
): void {
  const source = `FRRConfiguration ${cfg.namespace}/${cfg.name}`;
  for (const profile of cfg.bfdProfiles) builder.bfdProfile(bfdProfileOf(profile, source));
  for (const spec of cfg.routers) {
    const router = builder.router(source, {
      asn: spec.asn,
      vrf: spec.vrf ?? '',
      routerId: spec.id,
      importVrfs: (spec.imports ?? []).map((i) => i.vrf),
    });
    if (!router) continue;
    const prefixes = routerPrefixes(spec);
    for (const p of prefixes) builder.network(router, p.text, source);
    for (const n of spec.neighbors ?? []) {
      const neighbor = neighborOf(n, prefixes, cfg, secretPassword);
      if (typeof neighbor === 'string') builder.error(source, neighbor);
      else builder.neighbor(router, source, neighbor);
    }
  }
  if (cfg.rawConfig !== undefined && cfg.rawConfig.trim() !== '')
    builder.raw({ source, priority: cfg.rawPriority, text: cfg.rawConfig });
}

interface RouterPrefix {
  readonly text: string;
  readonly family: IpFamily;
}

/** The router's prefixes in canonical text (parse() has checked that they parse). */
function routerPrefixes(spec: FrrRouterSpec): RouterPrefix[] {
  return (spec.prefixes ?? []).flatMap((p) => {
    const parsed = parsePrefix(p);
    return parsed ? [{ text: formatPrefix(parsed), family: parsed.family }] : [];
  });
}

const canonical = (p: string): string | undefined => {
  const parsed = parsePrefix(p);
  return parsed ? formatPrefix(parsed) : undefined;
};

function neighborOf(
  n: FrrNeighborSpec,
  prefixes: readonly RouterPrefix[],
  cfg: FrrConfiguration,
  secretPassword: SecretPassword,
): NeighborContribution | string {
  const target = n.address ?? n.interface ?? '';
  const unnumbered = n.address === undefined;
  const family = unnumbered ? undefined : parseIp(target)?.family;
  const label = `neighbor ${target}`;

  let password: string | undefined;
  if (n.password !== undefined && n.password !== '') password = n.password;
  else if (n.passwordSecret?.name) {
    const namespace = n.passwordSecret.namespace ?? cfg.namespace;
    password = secretPassword(namespace, n.passwordSecret.name);
    if (password === undefined)
      return `${label}: password Secret ${namespace}/${n.passwordSecret.name} not found (or it has no "password" key)`;
  }
  if (password !== undefined) {
    const checked = checkedPassword(password);
    if (typeof checked === 'object') return `${label}: ${checked.error}`;
  }

  const outgoing = outgoingOf(n, prefixes);
  if (typeof outgoing === 'string') return `${label}: ${outgoing}`;
  const seconds = (text: string | undefined): number | undefined => {
    const ms = text === undefined ? undefined : parseDuration(text);
    return ms === undefined ? undefined : Math.floor(ms / 1000);
  };
  return {
    target,
    unnumbered,
    family,
    remoteAs: n.asn ?? n.dynamicASN ?? 'external',
    localAs: n.localASN,
    port: n.port === undefined || n.port === 179 ? undefined : n.port,
    sourceAddress: n.sourceaddress,
    password,
    holdTime: seconds(n.holdTime),
    keepaliveTime: seconds(n.keepaliveTime),
    connectTime: seconds(n.connectTime),
    ebgpMultiHop: n.ebgpMultiHop ?? false,
    gracefulRestart: n.enableGracefulRestart ?? false,
    bfdProfile: n.bfdProfile,
    // One session carries both families (MP-BGP) unless disableMP limits it to the address's own.
    families: n.disableMP === true && family !== undefined ? [family] : [4, 6],
    outgoing,
    incoming: incomingOf(n),
  };
}

function outgoingOf(
  n: FrrNeighborSpec,
  prefixes: readonly RouterPrefix[],
): Map<string, OutgoingPrefix> | string {
  const allowed = n.toAdvertise?.allowed;
  const out = new Map<string, OutgoingPrefix>();
  const chosen =
    allowed?.mode === 'all'
      ? prefixes
      : (allowed?.prefixes ?? []).flatMap((p) => prefixes.filter((r) => r.text === canonical(p)));
  for (const p of chosen)
    out.set(p.text, {
      prefix: p.text,
      family: p.family,
      localPref: undefined,
      communities: [],
      largeCommunities: [],
    });
  for (const group of n.toAdvertise?.withLocalPref ?? []) {
    for (const p of group.prefixes) {
      const key = canonical(p) ?? p;
      const current = out.get(key);
      if (!current) return `local preference for prefix ${p}, which is not advertised to it`;
      if (current.localPref !== undefined && current.localPref !== group.localPref)
        return `multiple local preferences (${current.localPref}, ${group.localPref}) for prefix ${p}`;
      out.set(key, { ...current, localPref: group.localPref });
    }
  }
  for (const group of n.toAdvertise?.withCommunity ?? []) {
    const community = parseCommunity(group.community);
    if (!community) return `invalid community "${group.community}"`;
    for (const p of group.prefixes) {
      const key = canonical(p) ?? p;
      const current = out.get(key);
      if (!current) return `community for prefix ${p}, which is not advertised to it`;
      out.set(
        key,
        community.large
          ? { ...current, largeCommunities: sortedCommunities([...current.largeCommunities, community.text]) }
          : { ...current, communities: sortedCommunities([...current.communities, community.text]) },
      );
    }
  }
  return out;
}

const UINT16 = /^(\d{1,5})$/;
const UINT32 = /^(\d{1,10})$/;

/** `AA:NN` (two 16-bit values) or `large:G:L1:L2` / `G:L1:L2` (three 32-bit values). */
export function parseCommunity(text: string): { large: boolean; text: string } | undefined {
  const body = text.startsWith('large:') ? text.slice('large:'.length) : text;
  const parts = body.split(':');
  if (parts.length === 2 && !text.startsWith('large:')) {
    if (!parts.every((p) => UINT16.test(p) && Number(p) <= 0xffff)) return undefined;
    return { large: false, text: parts.map(Number).join(':') };
  }
  if (parts.length === 3) {
    if (!parts.every((p) => UINT32.test(p) && Number(p) <= 0xffffffff)) return undefined;
    return { large: true, text: parts.map(Number).join(':') };
  }
  return undefined;
}

function incomingOf(n: FrrNeighborSpec): Incoming {
  const allowed = n.toReceive?.allowed;
  if (allowed?.mode === 'all') return { all: true, prefixes: [] };
  const prefixes: IncomingPrefix[] = (allowed?.prefixes ?? []).flatMap((s) => {
    const parsed = parsePrefix(s.prefix);
    if (!parsed) return [];
    return [{ prefix: formatPrefix(parsed), family: parsed.family, ge: s.ge, le: s.le }];
  });
  return { all: false, prefixes: sortIncoming(prefixes) };
}
