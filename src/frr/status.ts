// FRR's state as Herald reports it (pure): `show bgp vrf all neighbors json` and
// `show bfd peers json` / `show bfd peers counters json` (FRR 8.4) → one record per BGP neighbour
// and per BFD peer, in the shape of the metallb_bgp_* / metallb_bfd_* metrics and the state board.

export interface FrrBgpNeighborState {
  /** '' = the default VRF. */
  readonly vrf: string;
  /** The neighbour's address, or its interface when unnumbered. */
  readonly peer: string;
  /** FRR's bgpState lower-cased: idle, connect, active, opensent, openconfirm, established. */
  readonly state: string;
  readonly connectionsEstablished: number;
  readonly connectionsDropped: number;
  /** Prefixes sent, summed over address families. */
  readonly prefixesSent: number;
  readonly counters: {
    readonly opensSent: number;
    readonly opensReceived: number;
    readonly updatesSent: number;
    readonly keepalivesSent: number;
    readonly keepalivesReceived: number;
    readonly notificationsSent: number;
  };
}

export interface FrrBfdPeerState {
  readonly vrf: string;
  readonly peer: string;
  readonly up: boolean;
  readonly status: string;
  readonly input: number;
  readonly output: number;
  readonly upEvents: number;
  readonly downEvents: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const vrfOf = (name: unknown): string => (typeof name !== 'string' || name === 'default' ? '' : name);

/** `show bgp vrf all neighbors json`: `{ <vrf>: { vrfName, vrfId, <peer>: {...} } }`. */
export function parseBgpNeighbors(text: string): FrrBgpNeighborState[] {
  const root = JSON.parse(text || '{}') as unknown;
  if (!isObject(root)) return [];
  const out: FrrBgpNeighborState[] = [];
  for (const [vrfKey, vrfBlock] of Object.entries(root)) {
    if (!isObject(vrfBlock)) continue;
    const vrf = vrfOf(vrfBlock.vrfName ?? vrfKey);
    for (const [peer, n] of Object.entries(vrfBlock)) {
      if (!isObject(n) || typeof n.bgpState !== 'string') continue;
      const stats = isObject(n.messageStats) ? n.messageStats : {};
      const families = isObject(n.addressFamilyInfo) ? Object.values(n.addressFamilyInfo) : [];
      out.push({
        vrf,
        peer,
        state: n.bgpState.toLowerCase(),
        connectionsEstablished: num(n.connectionsEstablished),
        connectionsDropped: num(n.connectionsDropped),
        prefixesSent: families.reduce<number>(
          (sum, f) => sum + (isObject(f) ? num(f.sentPrefixCounter) : 0),
          0,
        ),
        counters: {
          opensSent: num(stats.opensSent),
          opensReceived: num(stats.opensRecv),
          updatesSent: num(stats.updatesSent),
          keepalivesSent: num(stats.keepalivesSent),
          keepalivesReceived: num(stats.keepalivesRecv),
          notificationsSent: num(stats.notificationsSent),
        },
      });
    }
  }
  return out.sort((a, b) => (a.vrf + a.peer < b.vrf + b.peer ? -1 : 1));
}

/** `show bfd peers json` (status) joined with `show bfd peers counters json` (counters). */
export function parseBfdPeers(statusText: string, countersText: string): FrrBfdPeerState[] {
  const list = (text: string): Json[] => {
    const v = JSON.parse(text || '[]') as unknown;
    return Array.isArray(v) ? v.filter(isObject) : [];
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const key = (p: Json) => `${str(p.vrf)} ${str(p.peer)} ${str(p.interface)}`;
  const counters = new Map(list(countersText).map((c) => [key(c), c]));
  return list(statusText)
    .filter((p) => typeof p.peer === 'string')
    .map((p) => {
      const c = counters.get(key(p)) ?? {};
      const status = typeof p.status === 'string' ? p.status : 'unknown';
      return {
        vrf: vrfOf(p.vrf),
        peer: String(p.peer),
        up: status === 'up',
        status,
        input: num(c['control-packet-input']),
        output: num(c['control-packet-output']),
        upEvents: num(c['session-up']),
        downEvents: num(c['session-down']),
      };
    });
}
