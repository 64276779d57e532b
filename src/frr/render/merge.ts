// Merging what several sources say about one node's FRR, as FRR-K8s merges FRRConfigurations:
// one router per VRF (the same ASN, at most one router ID), neighbours keyed by address or
// interface and unioned, prefixes unioned, filters merged so that the less restrictive wins
// (accept-all beats a list; lists are unioned), communities unioned, and a conflict — two
// different values for something only one can hold — refused with both sources named.
//
// Herald rule, where FRR-K8s compares a field left unset with its default: a field one source
// leaves unset takes the other source's value, so a BGPPeer (whose timers Herald always
// resolves) and an FRRConfiguration naming the same neighbour without timers merge.
import { comparePrefixTexts } from '../../core/bgp-plan/index.js';
import type { IpFamily } from '../../core/net/ip.js';
import type {
  BlockedPrefix,
  FrrBfdProfile,
  FrrModel,
  FrrNeighbor,
  FrrRenderError,
  FrrRouter,
  Incoming,
  IncomingPrefix,
  OutgoingPrefix,
  RawSnippet,
  RemoteAs,
} from './model.js';

/** What one source says about a neighbour. */
export type NeighborContribution = Omit<FrrNeighbor, 'sources'>;

export interface RouterContribution {
  readonly asn: number;
  readonly vrf: string;
  readonly routerId: string | undefined;
  readonly importVrfs: readonly string[];
}

interface MutableRouter {
  asn: number;
  vrf: string;
  routerId: string | undefined;
  routerIdSource: string | undefined;
  asnSource: string;
  neighbors: Map<string, FrrNeighbor>;
  networks: Map<string, Set<string>>;
  importVrfs: Set<string>;
  sources: Set<string>;
}

const vrfText = (vrf: string): string => (vrf === '' ? 'the default VRF' : `VRF "${vrf}"`);

export class FrrModelBuilder {
  readonly errors: FrrRenderError[] = [];
  readonly #routers = new Map<string, MutableRouter>();
  readonly #bfd = new Map<string, FrrBfdProfile>();
  readonly #raw: RawSnippet[] = [];
  #alwaysBlock: BlockedPrefix[] = [];

  constructor(private readonly hostname: string) {}

  error(source: string, message: string): void {
    this.errors.push({ source, message });
  }

  /** The router of this VRF, created or merged; undefined after a conflict (reported). */
  router(source: string, r: RouterContribution): MutableRouter | undefined {
    const existing = this.#routers.get(r.vrf);
    if (!existing) {
      const created: MutableRouter = {
        asn: r.asn,
        vrf: r.vrf,
        routerId: r.routerId,
        routerIdSource: r.routerId === undefined ? undefined : source,
        asnSource: source,
        neighbors: new Map(),
        networks: new Map(),
        importVrfs: new Set(r.importVrfs),
        sources: new Set([source]),
      };
      this.#routers.set(r.vrf, created);
      return created;
    }
    if (existing.asn !== r.asn) {
      this.error(
        source,
        `different ASNs (${r.asn} != ${existing.asn}) for the router of ${vrfText(r.vrf)} (with ${existing.asnSource})`,
      );
      return undefined;
    }
    if (r.routerId !== undefined) {
      if (existing.routerId === undefined) {
        existing.routerId = r.routerId;
        existing.routerIdSource = source;
      } else if (existing.routerId !== r.routerId) {
        this.error(
          source,
          `different router IDs (${r.routerId} != ${existing.routerId}) for the router of ${vrfText(r.vrf)} (with ${existing.routerIdSource ?? ''})`,
        );
        return undefined;
      }
    }
    for (const vrf of r.importVrfs) existing.importVrfs.add(vrf);
    existing.sources.add(source);
    return existing;
  }

  network(router: MutableRouter, prefix: string, reason: string): void {
    const reasons = router.networks.get(prefix);
    if (reasons) reasons.add(reason);
    else router.networks.set(prefix, new Set([reason]));
  }

  neighbor(router: MutableRouter, source: string, n: NeighborContribution): void {
    const existing = router.neighbors.get(n.target);
    if (!existing) {
      router.neighbors.set(n.target, { ...n, sources: [source] });
      return;
    }
    const merged = mergeNeighbor(existing, n, source, router.vrf);
    if (typeof merged === 'string') this.error(source, merged);
    else router.neighbors.set(n.target, merged);
  }

  bfdProfile(profile: FrrBfdProfile): void {
    const existing = this.#bfd.get(profile.name);
    if (!existing) {
      this.#bfd.set(profile.name, profile);
      return;
    }
    const { sources: a, ...left } = existing;
    const { sources: b, ...right } = profile;
    if (JSON.stringify(left) !== JSON.stringify(right)) {
      this.error(
        b.join(', '),
        `BFD profile "${profile.name}" is defined with different values by ${a.join(', ')}`,
      );
      return;
    }
    this.#bfd.set(profile.name, { ...existing, sources: [...new Set([...a, ...b])].sort() });
  }

  raw(snippet: RawSnippet): void {
    this.#raw.push(snippet);
  }

  alwaysBlock(prefixes: readonly BlockedPrefix[]): void {
    this.#alwaysBlock = [...prefixes];
  }

  build(): FrrModel {
    const routers = new Map<string, FrrRouter>();
    for (const vrf of [...this.#routers.keys()].sort()) {
      const r = this.#routers.get(vrf);
      if (!r) continue;
      routers.set(vrf, {
        asn: r.asn,
        vrf: r.vrf,
        routerId: r.routerId,
        neighbors: new Map(
          [...r.neighbors.values()].sort((a, b) => compareTargets(a, b)).map((n) => [n.target, n]),
        ),
        networks: new Map(
          [...r.networks.keys()]
            .sort(comparePrefixTexts)
            .map((p) => [p, [...(r.networks.get(p) ?? [])].sort()]),
        ),
        importVrfs: [...r.importVrfs].sort(),
        sources: [...r.sources].sort(),
      });
    }
    return {
      hostname: this.hostname,
      routers,
      bfdProfiles: new Map([...this.#bfd.keys()].sort().map((k) => [k, this.#bfd.get(k) as FrrBfdProfile])),
      raw: [...this.#raw].sort(
        (a, b) => a.priority - b.priority || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0),
      ),
      alwaysBlock: [...this.#alwaysBlock].sort((a, b) => comparePrefixTexts(a.prefix, b.prefix)),
    };
  }
}

/** Addresses first (IPv4, then IPv6, in address order), then interfaces by name. */
function compareTargets(a: FrrNeighbor, b: FrrNeighbor): number {
  if (a.unnumbered !== b.unnumbered) return a.unnumbered ? 1 : -1;
  if (a.unnumbered) return a.target < b.target ? -1 : a.target > b.target ? 1 : 0;
  return comparePrefixTexts(`${a.target}/0`, `${b.target}/0`) || (a.target < b.target ? -1 : 1);
}

/** Two sources' views of one neighbour, or why they cannot be one. */
function mergeNeighbor(
  a: FrrNeighbor,
  b: NeighborContribution,
  source: string,
  vrf: string,
): FrrNeighbor | string {
  const who = `neighbor ${a.target} in ${vrfText(vrf)} (with ${a.sources.join(', ')})`;
  if (a.remoteAs !== b.remoteAs)
    return `different remote ASNs (${remoteAsText(b.remoteAs)} != ${remoteAsText(a.remoteAs)}) for ${who}`;
  const fields = [
    'localAs',
    'port',
    'sourceAddress',
    'password',
    'holdTime',
    'keepaliveTime',
    'connectTime',
    'bfdProfile',
  ] as const;
  for (const field of fields) {
    const left = a[field];
    const right = b[field];
    if (left !== undefined && right !== undefined && left !== right) {
      const shown = field === 'password' ? 'different passwords' : `different ${field} (${right} != ${left})`;
      return `${shown} for ${who}`;
    }
  }
  const outgoing = mergeOutgoing(a.outgoing, b.outgoing);
  if (typeof outgoing === 'string') return `${outgoing} for ${who}`;
  return {
    ...a,
    localAs: a.localAs ?? b.localAs,
    port: a.port ?? b.port,
    sourceAddress: a.sourceAddress ?? b.sourceAddress,
    password: a.password ?? b.password,
    holdTime: a.holdTime ?? b.holdTime,
    keepaliveTime: a.keepaliveTime ?? b.keepaliveTime,
    connectTime: a.connectTime ?? b.connectTime,
    bfdProfile: a.bfdProfile ?? b.bfdProfile,
    ebgpMultiHop: a.ebgpMultiHop || b.ebgpMultiHop,
    gracefulRestart: a.gracefulRestart || b.gracefulRestart,
    families: [...new Set<IpFamily>([...a.families, ...b.families])].sort(),
    outgoing,
    incoming: mergeIncoming(a.incoming, b.incoming),
    sources: [...new Set([...a.sources, source])].sort(),
  };
}

const remoteAsText = (r: RemoteAs): string => String(r);

function mergeOutgoing(
  a: ReadonlyMap<string, OutgoingPrefix>,
  b: ReadonlyMap<string, OutgoingPrefix>,
): ReadonlyMap<string, OutgoingPrefix> | string {
  const merged = new Map(a);
  for (const [prefix, right] of b) {
    const left = merged.get(prefix);
    if (!left) {
      merged.set(prefix, right);
      continue;
    }
    if (left.localPref !== undefined && right.localPref !== undefined && left.localPref !== right.localPref)
      return `different local preferences (${right.localPref} != ${left.localPref}) for prefix ${prefix}`;
    merged.set(prefix, {
      ...left,
      localPref: left.localPref ?? right.localPref,
      communities: sortedCommunities([...left.communities, ...right.communities]),
      largeCommunities: sortedCommunities([...left.largeCommunities, ...right.largeCommunities]),
    });
  }
  return merged;
}

/** Accept-all wins; otherwise the union of the selectors, each once. */
function mergeIncoming(a: Incoming, b: Incoming): Incoming {
  if (a.all || b.all) return { all: true, prefixes: [] };
  const byKey = new Map<string, IncomingPrefix>();
  for (const p of [...a.prefixes, ...b.prefixes]) byKey.set(incomingKey(p), p);
  return { all: false, prefixes: sortIncoming([...byKey.values()]) };
}

const incomingKey = (p: IncomingPrefix): string => `${p.prefix} ${p.ge ?? ''} ${p.le ?? ''}`;

export function sortIncoming(prefixes: readonly IncomingPrefix[]): IncomingPrefix[] {
  return [...prefixes].sort(
    (x, y) =>
      comparePrefixTexts(x.prefix, y.prefix) || (x.ge ?? 0) - (y.ge ?? 0) || (x.le ?? 0) - (y.le ?? 0),
  );
}

/** Communities (`a:b` or `a:b:c`) each once, in numeric order. */
export function sortedCommunities(values: readonly string[]): string[] {
  return [...new Set(values)].sort((x, y) => {
    const xs = x.split(':').map(Number);
    const ys = y.split(':').map(Number);
    for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
      const d = (xs[i] ?? 0) - (ys[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
}
