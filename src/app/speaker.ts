// The standalone speaker: no Kubernetes. It reads the same YAML `herald plan` reads from a
// directory (config objects, Services, optional Nodes and EndpointSlices), allocates exactly as
// the controller would (so every speaker computes the same addresses), elects over its gossip
// view and answers ARP/NDP for what it wins. A bad config is refused and the last good one keeps
// running. Composition root: the only place that wires the real adapters together.
import { LeadershipActor } from '../actors/leadership.actor.js';
import type { MembershipActor } from '../actors/membership.actor.js';
import { listInterfaces } from '../announce/interfaces.js';
import { Layer2Responder } from '../announce/layer2-responder.js';
import { openPacketSocket } from '../announce/packet-socket.js';
import { superviseInterfaces } from '../announce/interface-watch.js';
import { applyInOrder } from '../core/config/apply.js';
import { formatIssue } from '../core/config/issues.js';
import { parse } from '../core/config/parse.js';
import type { MembershipTiming } from '../core/membership/timing.js';
import type { InterfaceInfo } from '../core/net/interfaces.js';
import { viewFromObjects } from '../core/plan/view.js';
import { readYamlInputs } from '../files/yaml-files.js';
import { watchDirectory } from '../files/watch.js';
import { startMetricsServer } from '../observe/http.js';
import { createSpeakerMetrics } from '../observe/metrics.js';
import { createMembership } from './membership.js';
import { systemClock } from './system-clock.js';

export type LogEvent = Record<string, unknown> & { component: string; event: string };

export interface SpeakerOptions {
  readonly node: string;
  readonly configDir: string;
  readonly namespace: string;
  readonly listen: string;
  readonly seeds: readonly string[];
  readonly keyFile: string | undefined;
  readonly timing: MembershipTiming;
  /** `addr:port` for /metrics and /healthz; none when undefined. */
  readonly metricsListen?: string | undefined;
  readonly log: (event: LogEvent) => void;
}

export class StandaloneSpeaker {
  private membership: MembershipActor | undefined;
  private leadership: LeadershipActor | undefined;
  private responder: Layer2Responder | undefined;
  private objects: readonly unknown[] = [];
  private config: ReturnType<typeof parse> | undefined;
  private interfaces: InterfaceInfo[] = [];
  private readonly stops: (() => void)[] = [];

  constructor(private readonly options: SpeakerOptions) {}

  async start(): Promise<void> {
    const { log, node } = this.options;
    this.interfaces = await listInterfaces();

    this.responder = new Layer2Responder({
      clock: systemClock,
      interfaces: () => this.interfaces,
      open: openPacketSocket,
      onError: (iface, error) => log({ component: 'announce', event: 'error', iface, err: String(error) }),
    });
    const responder = this.responder;
    this.stops.push(
      superviseInterfaces(responder, (list) => {
        this.interfaces = list;
      }),
    );
    this.leadership = new LeadershipActor({
      self: node,
      clock: systemClock,
      alive: () => this.membership?.aliveNodes(),
      announcer: {
        apply: (desired) => {
          responder.apply(desired);
          log({
            component: 'announce',
            event: 'converged',
            services: [...desired.keys()],
            ips: [...desired.values()].flatMap((a) => a.ips),
          });
        },
      },
      onTransition: (service, t) =>
        log({
          component: 'leadership',
          event: 'transition',
          service,
          from: t.from,
          to: t.to,
          reason: t.reason,
        }),
    });
    this.membership = await createMembership({
      node,
      listen: this.options.listen,
      seeds: this.options.seeds,
      keyFile: this.options.keyFile,
      timing: this.options.timing,
    });
    this.membership.onChange((change) => {
      log({
        component: 'membership',
        event: 'member',
        peer: change.node,
        from: change.from,
        to: change.to,
        reason: change.reason,
      });
      this.publishView();
      // A member (re)joining or refuting may have drawn clients away while we stayed leader (it
      // announced on its side of a partition, or the others failed over to it): re-assert.
      if (change.to === 'alive' && change.from !== 'unknown') responder.reannounce();
    });
    await this.reload();
    this.stops.push(watchDirectory(this.options.configDir, () => void this.reload()));
    await this.membership.start();
    this.publishView();
    if (this.options.metricsListen) {
      const registry = createSpeakerMetrics({
        node,
        responder: () => this.responder?.counters,
        announcements: () => this.leadership?.announcements() ?? new Map(),
        members: () => this.membership?.memberStates() ?? new Map(),
      });
      const server = await startMetricsServer(this.options.metricsListen, registry);
      this.stops.push(() => server.close());
    }
    log({ component: 'speaker', event: 'started', node });
  }

  /** SIGTERM: withdraw everything, leave the gossip cluster, close sockets. */
  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    this.leadership?.stop();
    this.responder?.stop();
    await this.membership?.stop();
    this.options.log({ component: 'speaker', event: 'stopped', node: this.options.node });
  }

  /** Re-reads the directory; a config with errors is refused and the last good one stays. */
  private async reload(): Promise<void> {
    const { log, namespace } = this.options;
    try {
      const values = await readYamlInputs([this.options.configDir]);
      const objects = applyInOrder(values, namespace).kept.map((k) => k.value);
      const result = parse(objects, { namespace, references: 'require' });
      if (!result.ok) {
        for (const issue of result.issues.filter((i) => i.severity === 'error')) {
          log({ component: 'config', event: 'rejected', err: formatIssue(issue) });
        }
        log({ component: 'config', event: 'keptLastGood', loaded: this.config !== undefined });
        return;
      }
      this.objects = objects;
      this.config = result;
      log({ component: 'config', event: 'loaded', objects: objects.length });
      this.publishView();
    } catch (error) {
      log({
        component: 'config',
        event: 'unreadable',
        err: String(error),
        loaded: this.config !== undefined,
      });
    }
  }

  private publishView(): void {
    const result = this.config;
    if (!result?.ok || !this.leadership || !this.membership) return;
    const members = [...this.membership.memberStates().keys(), this.options.node];
    const { view } = viewFromObjects(result.config, this.objects, members);
    this.leadership.update(view);
  }
}
