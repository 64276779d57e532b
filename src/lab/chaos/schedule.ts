// The chaos schedule, as data: a seeded sequence of episodes, each one to three overlapping
// faults that all end before the episode is over; the runner waits for the cluster to settle
// (and checks the invariants) between episodes. Pure: the same options give the same schedule,
// so a failing run replays from its seed.
import { prng, type Prng } from './prng.js';

export type ChaosMode = 'l2' | 'bgp' | 'both';

interface FaultBase {
  /** 1-based, in schedule order. */
  readonly id: number;
  readonly episode: number;
  /** From the start of its episode. */
  readonly startMs: number;
  /** How long the fault lasts before it is reverted (0: a one-off change). */
  readonly durationMs: number;
}

export type Fault = FaultBase &
  (
    | { readonly kind: 'kill' | 'stop' | 'term' | 'cut'; readonly node: string }
    | { readonly kind: 'loss'; readonly node: string; readonly percent: number }
    | { readonly kind: 'cpu'; readonly node: string; readonly quotaPercent: number }
    | { readonly kind: 'storm'; readonly node: string; readonly restarts: number; readonly gapMs: number }
    | { readonly kind: 'partition'; readonly sides: readonly [readonly string[], readonly string[]] }
    /** `to` hears nothing from `from`; `from` still hears `to`. */
    | { readonly kind: 'oneWay'; readonly from: readonly string[]; readonly to: string }
    | { readonly kind: 'churn'; readonly op: 'add' | 'remove'; readonly service: string; readonly ip: string }
    | { readonly kind: 'routerRestart' }
  );

export type FaultKind = Fault['kind'];

export const FAULT_KINDS: readonly FaultKind[] = [
  'kill',
  'stop',
  'term',
  'cut',
  'loss',
  'cpu',
  'storm',
  'partition',
  'oneWay',
  'churn',
  'routerRestart',
];

export interface Episode {
  readonly index: number;
  readonly faults: readonly Fault[];
  /** When its last fault is reverted, from the episode's start. */
  readonly lengthMs: number;
}

/** A Service the schedule adds and removes (its address is on every node's lo). */
export interface ChurnSlot {
  readonly service: string;
  readonly ip: string;
}

export interface ScheduleOptions {
  readonly seed: number;
  readonly faults: number;
  readonly nodes: readonly string[];
  readonly mode: ChaosMode;
  readonly churnSlots: readonly ChurnSlot[];
}

export interface Schedule {
  readonly seed: number;
  readonly mode: ChaosMode;
  readonly episodes: readonly Episode[];
}

/** Relative weights: node failures most often, the rest for variety. */
const WEIGHTS: Record<FaultKind, number> = {
  kill: 4,
  stop: 3,
  term: 2,
  cut: 3,
  loss: 2,
  cpu: 2,
  storm: 1,
  partition: 2,
  oneWay: 2,
  churn: 2,
  routerRestart: 1,
};

const CLUSTER_WIDE: ReadonlySet<FaultKind> = new Set(['partition', 'oneWay']);

export function chaosSchedule(options: ScheduleOptions): Schedule {
  const { faults, nodes, mode } = options;
  if (!Number.isInteger(faults) || faults < 1)
    throw new Error(`faults must be a positive integer, got ${faults}`);
  if (nodes.length < 2) throw new Error('chaos needs at least 2 nodes');
  const random = prng(options.seed);
  const present = new Set<string>();
  const episodes: Episode[] = [];
  let id = 0;
  while (id < faults) {
    const index = episodes.length + 1;
    const size = Math.min(faults - id, random.int(1, 3));
    const list: Fault[] = [];
    // At least one node stays untouched by node faults, so someone can serve.
    const touched = new Set<string>();
    let clusterWide = false;
    for (let k = 0; k < size; k++) {
      const kind = pickKind(random, mode, { clusterWide, touched, nodes, first: k === 0 });
      if (!kind) break;
      const startMs = k === 0 ? 0 : random.int(200, 1500);
      const fault = makeFault(
        random,
        kind,
        { id: ++id, episode: index, startMs },
        nodes,
        touched,
        present,
        options,
      );
      if (CLUSTER_WIDE.has(kind)) clusterWide = true;
      list.push(fault);
    }
    const lengthMs = Math.max(...list.map((f) => f.startMs + f.durationMs));
    episodes.push({ index, faults: list, lengthMs });
  }
  return { seed: options.seed, mode, episodes };
}

function pickKind(
  random: Prng,
  mode: ChaosMode,
  at: { clusterWide: boolean; touched: ReadonlySet<string>; nodes: readonly string[]; first: boolean },
): FaultKind | undefined {
  const free = at.nodes.length - at.touched.size;
  const allowed = FAULT_KINDS.filter((kind) => {
    if (kind === 'routerRestart') return mode !== 'l2';
    // A partition splits every node: it comes first in its episode, and only loss, CPU and churn join it.
    if (CLUSTER_WIDE.has(kind)) return at.first;
    if (kind === 'churn') return true;
    if (at.clusterWide) return kind === 'loss' || kind === 'cpu';
    return free > 1;
  });
  if (allowed.length === 0) return undefined;
  const total = allowed.reduce((sum, kind) => sum + WEIGHTS[kind], 0);
  let roll = random.next() * total;
  for (const kind of allowed) {
    roll -= WEIGHTS[kind];
    if (roll < 0) return kind;
  }
  return allowed.at(-1);
}

function makeFault(
  random: Prng,
  kind: FaultKind,
  base: { id: number; episode: number; startMs: number },
  nodes: readonly string[],
  touched: Set<string>,
  present: Set<string>,
  options: ScheduleOptions,
): Fault {
  const untouched = nodes.filter((n) => !touched.has(n));
  const node = (): string => {
    const pick = random.pick(untouched.length > 0 ? untouched : nodes);
    touched.add(pick);
    return pick;
  };
  switch (kind) {
    case 'kill':
    case 'term':
      return { ...base, kind, node: node(), durationMs: random.int(500, 2500) };
    case 'stop':
      return { ...base, kind, node: node(), durationMs: random.int(300, 2500) };
    case 'cut':
      return { ...base, kind, node: node(), durationMs: random.int(500, 3000) };
    case 'loss':
      return { ...base, kind, node: node(), percent: random.int(5, 30), durationMs: random.int(2000, 5000) };
    case 'cpu':
      return {
        ...base,
        kind,
        node: node(),
        quotaPercent: random.int(5, 20),
        durationMs: random.int(2000, 5000),
      };
    case 'storm': {
      const restarts = random.int(3, 5);
      const gapMs = random.int(300, 900);
      return { ...base, kind, node: node(), restarts, gapMs, durationMs: restarts * gapMs };
    }
    case 'partition': {
      const shuffled = random.sample(nodes, nodes.length);
      const cut = random.int(1, nodes.length - 1);
      return {
        ...base,
        kind,
        sides: [shuffled.slice(0, cut).sort(), shuffled.slice(cut).sort()],
        durationMs: random.int(1500, 4000),
      };
    }
    case 'oneWay': {
      const to = random.pick(nodes);
      const others = nodes.filter((n) => n !== to);
      const from = random.sample(others, random.int(1, others.length)).sort();
      return { ...base, kind, from, to, durationMs: random.int(1500, 4000) };
    }
    case 'churn': {
      const absent = options.churnSlots.filter((s) => !present.has(s.service));
      const add = present.size === 0 || (absent.length > 0 && random.next() < 0.6);
      const slot = add
        ? random.pick(absent)
        : random.pick(options.churnSlots.filter((s) => present.has(s.service)));
      if (add) present.add(slot.service);
      else present.delete(slot.service);
      return { ...base, kind, op: add ? 'add' : 'remove', service: slot.service, ip: slot.ip, durationMs: 0 };
    }
    case 'routerRestart':
      return { ...base, kind, durationMs: random.int(1000, 3000) };
  }
}

/** Nodes a fault acts on (for the timeline and reports). */
export function faultNodes(fault: Fault): string[] {
  switch (fault.kind) {
    case 'partition':
      return [...fault.sides[0], ...fault.sides[1]];
    case 'oneWay':
      return [...fault.from, fault.to];
    case 'churn':
    case 'routerRestart':
      return [];
    case 'kill':
    case 'stop':
    case 'term':
    case 'cut':
    case 'loss':
    case 'cpu':
    case 'storm':
      return [fault.node];
  }
}

/** One line naming a fault, e.g. `#3 kill node2 (1200 ms)`. */
export function describeFault(fault: Fault): string {
  const what = ((): string => {
    switch (fault.kind) {
      case 'partition':
        return `partition ${fault.sides[0].join(',')} | ${fault.sides[1].join(',')}`;
      case 'oneWay':
        return `oneWay ${fault.from.join(',')} -> ${fault.to} dropped`;
      case 'loss':
        return `loss ${fault.percent}% ${fault.node}`;
      case 'cpu':
        return `cpu ${fault.quotaPercent}% ${fault.node}`;
      case 'storm':
        return `storm ${fault.node} x${fault.restarts}`;
      case 'churn':
        return `churn ${fault.op} ${fault.service} ${fault.ip}`;
      case 'routerRestart':
        return 'routerRestart';
      case 'kill':
      case 'stop':
      case 'term':
      case 'cut':
        return `${fault.kind} ${fault.node}`;
    }
  })();
  return `#${fault.id} ${what}${fault.durationMs > 0 ? ` (${fault.durationMs} ms)` : ''}`;
}

/**
 * Schedules name nodes by role (`slotNames`): the first is whichever node leads when the
 * episode starts, the others the remaining nodes in name order. Binding them at run time
 * keeps a seed's schedule fixed while faults still hit the leader as often as any other node.
 */
export function slotNames(nodes: number): string[] {
  return Array.from({ length: nodes }, (_, i) => (i === 0 ? 'leader' : `peer${i}`));
}

/** The slots bound to nodes: `leader` first, then the rest in name order. */
export function bindSlots(nodes: readonly string[], leader: string | undefined): Map<string, string> {
  const first = leader !== undefined && nodes.includes(leader) ? leader : [...nodes].sort()[0];
  const order = [first, ...[...nodes].sort().filter((n) => n !== first)];
  return new Map(slotNames(nodes.length).map((slot, i) => [slot, order[i] ?? slot]));
}

/** The fault with its slots replaced by node names. */
export function bindFault(fault: Fault, slots: ReadonlyMap<string, string>): Fault {
  const n = (slot: string) => slots.get(slot) ?? slot;
  switch (fault.kind) {
    case 'partition':
      return { ...fault, sides: [fault.sides[0].map(n).sort(), fault.sides[1].map(n).sort()] };
    case 'oneWay':
      return { ...fault, from: fault.from.map(n).sort(), to: n(fault.to) };
    case 'churn':
    case 'routerRestart':
      return fault;
    case 'kill':
    case 'stop':
    case 'term':
    case 'cut':
    case 'loss':
    case 'cpu':
    case 'storm':
      return { ...fault, node: n(fault.node) };
  }
}
