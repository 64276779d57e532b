// Prometheus metrics of the speaker, under MetalLB's names (behaviour.md §5) so existing
// dashboards work, plus Herald's own under `herald_`. Gauges and layer-2 counters are read from
// the components at scrape time; transitions, probes, failovers and config loads are recorded as
// they happen through the returned recorder.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ResponderCounters } from '../announce/layer2-responder.js';
import type { Layer2Announcement } from '../ports/announcer.js';
import { registerK8sClientMetrics } from './k8s-client-metrics.js';

export interface SpeakerMetricSources {
  readonly node: string;
  readonly responder: () => ResponderCounters | undefined;
  readonly announcements: () => ReadonlyMap<string, Layer2Announcement>;
  readonly members: () => ReadonlyMap<string, { state: string }>;
  /** BGP sessions (Herald's own speaker), read at scrape time. */
  readonly bgp?: () => readonly BgpSessionMetrics[];
  /** BFD sessions by peer name. */
  readonly bfd?: () => readonly BfdSessionMetrics[];
  /** The membership's liveness worker: its counters and what it last said of each peer. */
  readonly liveness?: () => LivenessMetrics | undefined;
}

export interface LivenessMetrics {
  readonly counters: { sent: number; received: number; refused: number; lost: number };
  readonly peers: ReadonlyMap<string, string>;
}

export interface BgpSessionMetrics {
  /** The peer's address (MetalLB labels sessions by it). */
  readonly peer: string;
  readonly up: boolean;
  readonly prefixes: number;
  readonly counters: {
    readonly opensSent: number;
    readonly opensReceived: number;
    readonly updatesSent: number;
    readonly keepalivesSent: number;
    readonly keepalivesReceived: number;
    readonly notificationsSent: number;
  };
}

export interface BfdSessionMetrics {
  readonly peer: string;
  readonly up: boolean;
  readonly input: number;
  readonly output: number;
  readonly upEvents: number;
  readonly downEvents: number;
}

type PerPeerMetric<T> = readonly [
  kind: 'gauge' | 'counter',
  name: string,
  help: string,
  value: (s: T) => number,
];

// MetalLB's names and help texts, so existing dashboards keep working.
const BGP_METRICS: readonly PerPeerMetric<BgpSessionMetrics>[] = [
  ['gauge', 'metallb_bgp_session_up', 'BGP session state (1 is up, 0 is down)', (s) => (s.up ? 1 : 0)],
  [
    'counter',
    'metallb_bgp_updates_total',
    'Number of BGP UPDATE messages sent',
    (s) => s.counters.updatesSent,
  ],
  [
    'gauge',
    'metallb_bgp_announced_prefixes_total',
    'Number of prefixes currently being advertised on the BGP session',
    (s) => s.prefixes,
  ],
  ['counter', 'metallb_bgp_opens_sent', 'Number of BGP open messages sent', (s) => s.counters.opensSent],
  [
    'counter',
    'metallb_bgp_opens_received',
    'Number of BGP open messages received',
    (s) => s.counters.opensReceived,
  ],
  [
    'counter',
    'metallb_bgp_notifications_sent',
    'Number of BGP notification messages sent',
    (s) => s.counters.notificationsSent,
  ],
  [
    'counter',
    'metallb_bgp_keepalives_sent',
    'Number of BGP keepalive messages sent',
    (s) => s.counters.keepalivesSent,
  ],
  [
    'counter',
    'metallb_bgp_keepalives_received',
    'Number of BGP keepalive messages received',
    (s) => s.counters.keepalivesReceived,
  ],
];

const BFD_METRICS: readonly PerPeerMetric<BfdSessionMetrics>[] = [
  ['gauge', 'metallb_bfd_session_up', 'BFD session state (1 is up, 0 is down)', (s) => (s.up ? 1 : 0)],
  ['counter', 'metallb_bfd_control_packet_input', 'Number of received BFD control packets', (s) => s.input],
  ['counter', 'metallb_bfd_control_packet_output', 'Number of sent BFD control packets', (s) => s.output],
  ['counter', 'metallb_bfd_session_up_events', 'Number of BFD session up events', (s) => s.upEvents],
  ['counter', 'metallb_bfd_session_down_events', 'Number of BFD session down events', (s) => s.downEvents],
];

/** herald_gossip_liveness_*: read from the liveness worker's last counters at scrape time. */
function registerLivenessMetrics(registry: Registry, source: SpeakerMetricSources['liveness']): void {
  new Counter({
    name: 'herald_gossip_liveness_packets_total',
    help: 'Liveness datagrams this speaker sent to and received from members, by direction',
    labelNames: ['direction'],
    registers: [registry],
    collect() {
      this.reset();
      const c = source?.()?.counters;
      if (!c) return;
      this.inc({ direction: 'sent' }, c.sent);
      this.inc({ direction: 'received' }, c.received);
    },
  });
  new Counter({
    name: 'herald_gossip_liveness_verdicts_total',
    help: 'Members whose liveness datagrams stopped (lost) or whose host refused ours (refused)',
    labelNames: ['verdict'],
    registers: [registry],
    collect() {
      this.reset();
      const c = source?.()?.counters;
      if (!c) return;
      this.inc({ verdict: 'lost' }, c.lost);
      this.inc({ verdict: 'refused' }, c.refused);
    },
  });
  new Gauge({
    name: 'herald_gossip_liveness_peers',
    help: 'Members this speaker exchanges liveness with, by what it last heard (up, lost, stalled, refused)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const state of source?.()?.peers.values() ?? []) counts.set(state, (counts.get(state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
}

/** A metric per session whose value is read from the session at scrape time. */
function perPeer<T extends { peer: string }>(
  registry: Registry,
  kind: 'gauge' | 'counter',
  name: string,
  help: string,
  list: (() => readonly T[]) | undefined,
  value: (session: T) => number,
): void {
  const collect = function (this: Gauge<'peer'> | Counter<'peer'>) {
    this.reset();
    for (const session of list?.() ?? []) {
      if (this instanceof Gauge) this.set({ peer: session.peer }, value(session));
      else this.inc({ peer: session.peer }, value(session));
    }
  };
  const config = { name, help, labelNames: ['peer'] as const, registers: [registry], collect };
  if (kind === 'gauge') new Gauge(config);
  else new Counter(config);
}

function fromMap(metric: Counter<'ip'>, values: ReadonlyMap<string, number> | undefined): void {
  metric.reset();
  for (const [ip, n] of values ?? []) metric.inc({ ip }, n);
}

/** Outcome of one attempt to load the configuration. */
export type ConfigLoadResult = 'loaded' | 'rejected' | 'unreadable';

export interface SpeakerMetrics {
  readonly registry: Registry;
  transition(machine: string, from: string, to: string, reason: string): void;
  probe(outcome: string, rttMs: number): void;
  /** Seconds from the old leader's first suspicion to this node announcing in its place. */
  failover(seconds: number): void;
  configLoad(result: ConfigLoadResult): void;
}

export function createSpeakerMetrics(sources: SpeakerMetricSources): SpeakerMetrics {
  const registry = new Registry();
  new Counter({
    name: 'metallb_layer2_requests_received',
    help: 'Number of layer2 requests received for owned IPs',
    labelNames: ['ip'],
    registers: [registry],
    collect() {
      fromMap(this, sources.responder()?.requestsReceived);
    },
  });
  new Counter({
    name: 'metallb_layer2_responses_sent',
    help: 'Number of layer2 responses sent for owned IPs',
    labelNames: ['ip'],
    registers: [registry],
    collect() {
      fromMap(this, sources.responder()?.responsesSent);
    },
  });
  new Counter({
    name: 'metallb_layer2_gratuitous_sent',
    help: 'Number of gratuitous layer2 packets sent for owned IPs',
    labelNames: ['ip'],
    registers: [registry],
    collect() {
      fromMap(this, sources.responder()?.gratuitousSent);
    },
  });
  new Gauge({
    name: 'metallb_speaker_announced',
    help: 'Services being announced from this node. This is desired state, it does not guarantee that the routing protocols have converged.',
    labelNames: ['service', 'protocol', 'node', 'ip'],
    registers: [registry],
    collect() {
      this.reset();
      for (const a of sources.announcements().values()) {
        for (const ip of a.ips)
          this.set({ service: a.service, protocol: 'layer2', node: sources.node, ip }, 1);
      }
    },
  });
  new Gauge({
    name: 'herald_gossip_members',
    help: 'Gossip members as this speaker sees them, by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>([['alive', 1]]); // this speaker
      for (const m of sources.members().values()) counts.set(m.state, (counts.get(m.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });
  registerLivenessMetrics(registry, sources.liveness);
  for (const [kind, name, help, value] of BGP_METRICS)
    perPeer(registry, kind, name, help, sources.bgp, value);
  for (const [kind, name, help, value] of BFD_METRICS)
    perPeer(registry, kind, name, help, sources.bfd, value);

  const transitions = new Counter({
    name: 'herald_machine_transitions_total',
    help: 'State machine transitions on this speaker',
    labelNames: ['machine', 'from', 'to', 'reason'],
    registers: [registry],
  });
  const probes = new Histogram({
    name: 'herald_gossip_probe_rtt_seconds',
    help: 'Round trip of SWIM probes (direct ping, or ping-req through a helper), by outcome',
    labelNames: ['outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const failovers = new Histogram({
    name: 'herald_failover_seconds',
    help: "Time from the old leader's first suspicion to this node announcing the service",
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 5, 10],
    registers: [registry],
  });
  const configLoads = new Counter({
    name: 'herald_config_loads_total',
    help: 'Attempts to load the configuration, by result',
    labelNames: ['result'],
    registers: [registry],
  });
  // Every re-read of the configuration source (files, or the informers' debounced changes) is an update.
  const k8sClient = registerK8sClientMetrics(registry);
  return {
    registry,
    transition: (machine, from, to, reason) => transitions.inc({ machine, from, to, reason }),
    probe: (outcome, rttMs) => probes.observe({ outcome }, rttMs / 1000),
    failover: (seconds) => failovers.observe(seconds),
    configLoad: (result) => {
      configLoads.inc({ result });
      k8sClient.configLoad(result === 'loaded');
    },
  };
}
