// The chaos invariants, evaluated over what was observed from outside the speakers: HTTP answers
// in the client namespace, ARP answers seen by a monitor host, the router's RIB, /proc. Pure
// functions of the observations, so a run's verdict can be recomputed and unit-tested.

/** One HTTP GET from the client: `node` is who answered, undefined when it failed. */
export interface HttpSample {
  readonly vip: string;
  readonly sent: number;
  readonly at: number;
  readonly node: string | undefined;
}

/** One ARP request round from the monitor host: the distinct MACs that answered for `vip`. */
export interface ArpRound {
  readonly vip: string;
  readonly at: number;
  readonly macs: readonly string[];
  /** MACs that sent gratuitous ARP for `vip` during the round. */
  readonly gratuitous?: readonly string[];
}

export interface ResourceSample {
  readonly at: number;
  readonly node: string;
  readonly pid: number;
  readonly rssKiB: number;
  readonly fds: number;
}

export interface Bounds {
  /** The longest client-visible outage allowed during a fault (ms). */
  readonly outageMs: number;
  /** After an episode's last fault is reverted, the cluster settles within this (ms). */
  readonly settleMs: number;
  /** A gap between HTTP answers longer than this is an outage (ms). */
  readonly gapMs: number;
  readonly rssKiB: number;
  readonly fds: number;
}

export const DEFAULT_BOUNDS: Bounds = {
  outageMs: 3000,
  settleMs: 10_000,
  gapMs: 150,
  rssKiB: 300 * 1024,
  fds: 256,
};

export interface Gap {
  readonly vip: string;
  readonly from: number;
  readonly to: number;
}

/** Periods within [from, to] with no successful answer for longer than `minMs`. */
export function outageGaps(
  samples: readonly HttpSample[],
  vip: string,
  from: number,
  to: number,
  minMs: number,
): Gap[] {
  const ok = samples
    .filter((s) => s.vip === vip && s.node !== undefined && s.at >= from && s.at <= to)
    .map((s) => s.at)
    .sort((a, b) => a - b);
  const gaps: Gap[] = [];
  let previous = from;
  for (const at of [...ok, to]) {
    if (at - previous > minMs) gaps.push({ vip, from: previous, to: at });
    previous = at;
  }
  return gaps;
}

/** Milliseconds within [from, to] during which two or more MACs answered ARP for `vip`. */
export function splitBrainMs(rounds: readonly ArpRound[], vip: string, from: number, to: number): number {
  const mine = rounds.filter((r) => r.vip === vip && r.at >= from && r.at <= to).sort((a, b) => a.at - b.at);
  let total = 0;
  mine.forEach((round, i) => {
    if (round.macs.length < 2) return;
    const next = mine[i + 1]?.at ?? Math.min(to, round.at + 200);
    total += Math.min(500, next - round.at);
  });
  return total;
}

export interface SettleInput {
  readonly http: readonly HttpSample[];
  readonly arp: readonly ArpRound[];
  readonly now: number;
  readonly windowMs: number;
  /** VIPs that must answer HTTP (and, for IPv4, exactly one MAC answers ARP). */
  readonly serving: readonly string[];
  /** VIPs routed to several nodes (BGP, ECMP): they must answer, from any node. */
  readonly anycast?: readonly string[];
  /** IPv4 VIPs nobody may answer ARP for (Services removed). */
  readonly withdrawn: readonly string[];
  readonly gapMs: number;
  /** Node name → its MAC: the node answering HTTP must be the one answering ARP. */
  readonly macOf?: Readonly<Record<string, string>>;
}

/** Whether the cluster looks settled from outside over the last `windowMs`; else why not. */
export function settleProblems(input: SettleInput): string[] {
  const from = input.now - input.windowMs;
  const problems: string[] = [];
  for (const vip of input.serving) {
    const gaps = outageGaps(input.http, vip, from, input.now, input.gapMs);
    if (gaps.length > 0)
      problems.push(`${vip}: no HTTP answer for ${Math.max(...gaps.map((g) => g.to - g.from))} ms`);
    const nodes = new Set(
      input.http.filter((s) => s.vip === vip && s.at >= from && s.node !== undefined).map((s) => s.node),
    );
    if (nodes.size > 1) problems.push(`${vip}: answered by ${[...nodes].sort().join(' and ')}`);
  }
  for (const vip of input.anycast ?? []) {
    const gaps = outageGaps(input.http, vip, from, input.now, input.gapMs);
    if (gaps.length > 0)
      problems.push(`${vip}: no HTTP answer for ${Math.max(...gaps.map((g) => g.to - g.from))} ms`);
  }
  const v4 = (vip: string) => !vip.includes(':');
  for (const vip of input.serving.filter(v4)) {
    const rounds = input.arp.filter((r) => r.vip === vip && r.at >= from);
    if (rounds.length < 2) problems.push(`${vip}: too few ARP rounds (${rounds.length})`);
    const bad = rounds.find((r) => r.macs.length !== 1);
    if (bad) problems.push(`${vip}: ${bad.macs.length} MACs answer ARP (${bad.macs.join(', ')})`);
    // A node that stopped announcing must not send gratuitous ARP for the address any more.
    // The client's neighbour entry must point at the node that answers ARP now (the leader);
    // a node serving the VIP from lo without answering ARP means a stale entry nobody corrected.
    const answering = rounds.at(-1)?.macs;
    const client = input.http
      .filter((h) => h.vip === vip && h.at >= from && h.node !== undefined)
      .at(-1)?.node;
    const clientMac = client === undefined ? undefined : input.macOf?.[client];
    if (answering?.length === 1 && clientMac !== undefined && clientMac !== answering[0])
      problems.push(
        `${vip}: the client is served by ${client} (${clientMac}), ARP is answered by ${answering[0]}`,
      );
    const stale = rounds.find((r) =>
      (r.gratuitous ?? []).some((mac) => r.macs.length === 1 && mac !== r.macs[0]),
    );
    if (stale)
      problems.push(
        `${vip}: gratuitous ARP from ${stale.gratuitous?.join(', ')} while ${stale.macs[0]} answers`,
      );
  }
  for (const vip of input.withdrawn.filter(v4)) {
    const bad = input.arp.find(
      (r) => r.vip === vip && r.at >= from && (r.macs.length > 0 || (r.gratuitous ?? []).length > 0),
    );
    if (bad)
      problems.push(
        `${vip}: withdrawn, but ${[...bad.macs, ...(bad.gratuitous ?? [])].join(', ')} still announce it`,
      );
  }
  return problems;
}

export type ViolationKind =
  'outageTooLong' | 'notSettled' | 'crash' | 'rss' | 'fds' | 'reallocated' | 'ribMismatch';

export interface Violation {
  readonly kind: ViolationKind;
  readonly at: number;
  readonly episode?: number;
  readonly fault?: number;
  readonly detail: string;
}

/** What the runner recorded of one fault. */
export interface FaultWindow {
  readonly id: number;
  readonly episode: number;
  readonly kind: string;
  readonly startAt: number;
  readonly endAt: number;
  /** It acted on the node serving the VIP when its episode began (node faults only). */
  readonly onLeader?: boolean;
}

export interface EpisodeWindow {
  readonly index: number;
  readonly startAt: number;
  /** Its last fault reverted. */
  readonly endAt: number;
  /** When the outside view was settled again (undefined: never, within the bound). */
  readonly settledAt: number | undefined;
  readonly problems: readonly string[];
}

/** How much earlier than its fault a gap may start (the client's last answer before it). */
const IN_FLIGHT_MS = 100;

/**
 * The longest client-visible outage each fault caused. A gap belongs to the last fault of the
 * overlapping episode that started before the gap began (give or take IN_FLIGHT_MS) or, when
 * none did, to the first one that started during it; it counts from that fault's start at the
 * earliest, as failover-bench measures.
 */
export function outagePerFault(
  faults: readonly FaultWindow[],
  episodes: readonly EpisodeWindow[],
  gaps: readonly Gap[],
  /** BGP VIPs: in an episode that restarts the router, their gaps are the router's recovery. */
  anycast: ReadonlySet<string> = new Set(),
): Map<number, number> {
  const out = new Map<number, number>(faults.map((f) => [f.id, 0]));
  for (const gap of gaps) {
    const episode = episodes.find((e) => gap.to >= e.startAt && gap.from <= (e.settledAt ?? e.endAt));
    if (!episode) continue;
    const mine = faults.filter((f) => f.episode === episode.index).sort((a, b) => a.startAt - b.startAt);
    // Answers in flight end a gap up to a probe interval before the fault that opens it; churn
    // changes other Services, so it takes the blame only when nothing else happened.
    const pick = (list: readonly FaultWindow[]) =>
      list.filter((f) => f.startAt <= gap.from + IN_FLIGHT_MS).at(-1) ??
      list.find((f) => f.startAt <= gap.to);
    const router = anycast.has(gap.vip)
      ? mine.find((f) => f.kind === 'routerRestart' && f.startAt <= gap.to)
      : undefined;
    const cause = router ?? pick(mine.filter((f) => f.kind !== 'churn')) ?? pick(mine);
    if (!cause) continue;
    const ms = gap.to - Math.max(gap.from, cause.startAt);
    out.set(cause.id, Math.max(out.get(cause.id) ?? 0, ms));
  }
  return out;
}

/** Outages over the bound, and episodes that never settled. */
export function serviceViolations(
  faults: readonly FaultWindow[],
  episodes: readonly EpisodeWindow[],
  outages: ReadonlyMap<number, number>,
  bounds: Bounds,
): Violation[] {
  const violations: Violation[] = [];
  for (const f of faults) {
    const ms = outages.get(f.id) ?? 0;
    // A restarted router needs its sessions back: it is held to the settle bound.
    const bound = f.kind === 'routerRestart' ? bounds.settleMs : bounds.outageMs;
    if (ms > bound)
      violations.push({
        kind: 'outageTooLong',
        at: f.startAt,
        episode: f.episode,
        fault: f.id,
        detail: `${f.kind}: client outage ${ms} ms > ${bound} ms`,
      });
  }
  for (const e of episodes)
    if (e.settledAt === undefined)
      violations.push({
        kind: 'notSettled',
        at: e.endAt,
        episode: e.index,
        detail: `not settled ${bounds.settleMs} ms after the last fault: ${e.problems.join('; ')}`,
      });
  return violations;
}

/** RSS and open descriptors over their bounds (first sample over, per node). */
export function resourceViolations(samples: readonly ResourceSample[], bounds: Bounds): Violation[] {
  const violations: Violation[] = [];
  for (const kind of ['rss', 'fds'] as const) {
    const seen = new Set<string>();
    for (const s of samples) {
      const value = kind === 'rss' ? s.rssKiB : s.fds;
      const limit = kind === 'rss' ? bounds.rssKiB : bounds.fds;
      if (value <= limit || seen.has(s.node)) continue;
      seen.add(s.node);
      violations.push({
        kind,
        at: s.at,
        detail: `${s.node} (pid ${s.pid}): ${kind === 'rss' ? `RSS ${Math.round(value / 1024)} MiB` : `${value} open fds`} > ${kind === 'rss' ? `${Math.round(limit / 1024)} MiB` : limit}`,
      });
    }
  }
  return violations;
}

/** A speaker's own report of what it announces (its address per Service), sampled over time. */
export interface AnnounceSample {
  readonly at: number;
  readonly node: string;
  readonly service: string;
  readonly ips: readonly string[];
}

/** A Service seen with different addresses while it existed (removals reset what it had). */
export function reallocations(
  samples: readonly AnnounceSample[],
  removals: readonly { at: number; service: string }[],
): Violation[] {
  const events = [
    ...samples.map((s) => ({ at: s.at, sample: s })),
    ...removals.map((r) => ({ at: r.at, removed: r.service })),
  ].sort((a, b) => a.at - b.at);
  const held = new Map<string, string>();
  const violations: Violation[] = [];
  for (const e of events) {
    if ('removed' in e) {
      held.delete(e.removed);
      continue;
    }
    const ips = [...e.sample.ips].sort().join(',');
    const before = held.get(e.sample.service);
    if (before === undefined) held.set(e.sample.service, ips);
    else if (before !== ips) {
      violations.push({
        kind: 'reallocated',
        at: e.at,
        detail: `${e.sample.service}: ${before} -> ${ips} (reported by ${e.sample.node})`,
      });
      held.set(e.sample.service, ips);
    }
  }
  return violations;
}

/** The router's next hops for a prefix against the plan's (both as sets). */
export function ribProblem(
  prefix: string,
  expected: readonly string[],
  actual: readonly string[],
): string | undefined {
  const a = [...new Set(expected)].sort().join(',');
  const b = [...new Set(actual)].sort().join(',');
  return a === b ? undefined : `${prefix}: router has [${b}], plan says [${a}]`;
}

export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
};
