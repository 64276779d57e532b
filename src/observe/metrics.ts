// Prometheus metrics of the speaker, under MetalLB's names (behaviour.md §5) so existing
// dashboards work. Values are read from the components at scrape time.
import { Counter, Gauge, Registry } from 'prom-client';
import type { ResponderCounters } from '../announce/layer2-responder.js';
import type { Layer2Announcement } from '../ports/announcer.js';

export interface SpeakerMetricSources {
  readonly node: string;
  readonly responder: () => ResponderCounters | undefined;
  readonly announcements: () => ReadonlyMap<string, Layer2Announcement>;
  readonly members: () => ReadonlyMap<string, { state: string }>;
}

function fromMap(metric: Counter<'ip'>, values: ReadonlyMap<string, number> | undefined): void {
  metric.reset();
  for (const [ip, n] of values ?? []) metric.inc({ ip }, n);
}

export function createSpeakerMetrics(sources: SpeakerMetricSources): Registry {
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
  return registry;
}
