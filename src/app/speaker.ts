// The speaker, with one of two configuration sources behind the ConfigSource port: a directory of
// YAML (standalone: the same files `herald plan` reads; every speaker allocates exactly as the
// controller would, so all compute the same addresses) or the Kubernetes API (informers; the
// addresses are those the controller wrote to status, and the speaker reports what it announces
// as ServiceL2Status objects and Events). Either way it elects over its gossip view and answers
// ARP/NDP for what it wins. A bad config is refused and the last good one keeps running.
// Composition root: the only place that wires the real adapters together.
import { LeadershipActor } from '../actors/leadership.actor.js';
import type { MembershipActor } from '../actors/membership.actor.js';
import { listInterfaces } from '../announce/interfaces.js';
import { Layer2Responder } from '../announce/layer2-responder.js';
import { openPacketSocket } from '../announce/packet-socket.js';
import { superviseInterfaces } from '../announce/interface-watch.js';
import { formatIssue } from '../core/config/issues.js';
import { parseSteps, type ParseResult } from '../core/config/parse.js';
import type { MembershipTiming } from '../core/membership/timing.js';
import type { InterfaceInfo } from '../core/net/interfaces.js';
import { viewFromObjectsSteps, type ClusterView } from '../core/plan/view.js';
import type { BgpNodePlan } from '../core/bgp-plan/index.js';
import type { KubeRest } from '../k8s/rest.js';
import type { ConfigSource } from '../ports/config-source.js';
import { startDebugServer, stopDebugServer, type ListenAddress } from '../observe/debug-server.js';
import { FailoverTimer } from '../observe/failover-timer.js';
import { transitionFields, type EventLog } from '../observe/log.js';
import { createSpeakerMetrics, type SpeakerMetrics } from '../observe/metrics.js';
import { StateBoard, type BoardChange } from '../observe/state-board.js';
import { NodeBgp, type BgpSpeakerOptions } from './bgp.js';
import { AnnouncementLog } from './announcement-log.js';
import { lazyMachineCharts } from './charts.js';
import { secretPassword, serviceUid } from './config-objects.js';
import type { LivenessHost } from './liveness.js';
import { createMembershipWithLiveness } from './membership.js';
import { StatusReporting } from './status-reporting.js';
import { systemClock } from './system-clock.js';
import { nextTurn, runInTurns } from './turns.js';

/** How long a speaker whose join did not reach every seed waits for the rest before electing. */
const JOIN_GRACE_MS = 2000;

export interface SpeakerOptions {
  readonly node: string;
  readonly source: ConfigSource;
  readonly namespace: string;
  readonly listen: string;
  readonly seeds: readonly string[];
  /** Seeds when `seeds` is empty, asked once the source has its first view (Kubernetes: Nodes). */
  readonly discoverSeeds?: () => string[];
  /** On Kubernetes: report announcements as ServiceL2Status / ServiceBGPStatus objects and Events. */
  readonly kube?: { readonly rest: KubeRest };
  /** MetalLB's --ignore-exclude-lb: Nodes labelled exclude-from-external-load-balancers announce too. */
  readonly ignoreExcludeLb?: boolean;
  /** The state board; given when the source's own machines (informers) report to it too. */
  readonly board?: StateBoard;
  readonly keyFile: string | undefined;
  readonly timing: MembershipTiming;
  /** Where to serve /metrics, /healthz, /readyz and /debug/* (TCP and/or unix sockets). */
  readonly httpListen: readonly ListenAddress[];
  /** Who carries the BGP plan (`--bgp-backend` and its settings); native when absent. */
  readonly bgp?: Pick<BgpSpeakerOptions, 'backend' | 'frrRunDir' | 'frrK8s'>;
  readonly log: EventLog;
}

export class Speaker {
  private membership: MembershipActor | undefined;
  private liveness: LivenessHost | undefined;
  private leadership: LeadershipActor | undefined;
  private responder: Layer2Responder | undefined;
  /** Herald's own BGP speaker: sessions exist only while some BGPPeer selects this node. */
  private bgp: NodeBgp | undefined;
  private objects: readonly unknown[] = [];
  private config: ParseResult | undefined;
  /**
   * False until the first join attempt (push-pull with every seed) has finished. Before that the
   * speaker knows no members and would elect itself: a restarting node would announce every
   * address for a moment and pull traffic away from the real leaders.
   */
  private joinAttempted = false;
  /** The member names the current view was built with. */
  private viewMembers: string | undefined;
  /**
   * The view being built (in turns, app/turns.ts) or last built, and what from: building one
   * takes 100-200 ms of work with 10,000 Services, and the first publish after the join would
   * build the load's again. Replacing it abandons a build still in progress.
   */
  private building:
    | {
        config: unknown;
        objects: readonly unknown[];
        members: string;
        view: Promise<ClusterView | undefined>;
      }
    | undefined;
  /** This node's BGP plan for the last view published (the join's publish reuses it). */
  private bgpPlanned: { view: ClusterView; plan: BgpNodePlan } | undefined;
  /** Counts publishes: one that finds a newer one started after a pause is stale and stops. */
  private publishes = 0;
  /** Counts reloads: a config read or parsed after a newer reload started is not used. */
  private reloads = 0;
  private stopping = false;
  private interfaces: InterfaceInfo[] = [];
  private readonly stops: (() => void)[] = [];
  /** Every live machine of this speaker: the visualizer's, the metrics' and the log's source. */
  readonly board: StateBoard;
  private readonly metrics: SpeakerMetrics;
  private readonly failovers = new FailoverTimer();
  private readonly announcements: AnnouncementLog;
  /** Kubernetes mode: ServiceL2Status / ServiceBGPStatus objects and Events. */
  private statusReporting: StatusReporting | undefined;

  constructor(private readonly options: SpeakerOptions) {
    this.board = options.board ?? new StateBoard();
    this.announcements = new AnnouncementLog(options.log);
    this.metrics = createSpeakerMetrics({
      node: options.node,
      responder: () => this.responder?.counters,
      announcements: () => this.leadership?.announcements() ?? new Map(),
      members: () => this.membership?.memberStates() ?? new Map(),
      bgp: () => this.bgpMetrics(),
      liveness: () =>
        this.liveness ? { counters: this.liveness.counters, peers: this.liveness.peerStates() } : undefined,
      bfd: () =>
        [...(this.bgp?.bfd ?? new Map<string, never>())].map(([peer, counters]) => ({ peer, ...counters })),
    });
    this.board.subscribe((change) => this.observe(change));
  }

  async start(): Promise<void> {
    const { log, node, source } = this.options;
    this.interfaces = await listInterfaces();
    log.info({ component: 'config', event: 'source', source: source.name });
    // Kubernetes: resolves once every informer has synced (the Nodes give the gossip seeds).
    await source.start(() => void this.reload());
    if (this.options.kube)
      this.statusReporting = new StatusReporting({
        rest: this.options.kube.rest,
        log,
        node,
        namespace: this.options.namespace,
        serviceUid: (ns, name) => serviceUid(this.objects, ns, name),
        interfaces: () => this.interfaces,
        staleCleanupAfterMs: JOIN_GRACE_MS * 2,
      });

    this.responder = new Layer2Responder({
      clock: systemClock,
      interfaces: () => this.interfaces,
      open: openPacketSocket,
      onError: (iface, error) =>
        log.error({ component: 'announce', event: 'socketFailed', iface, err: String(error) }),
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
      inspect: this.board.inspect,
      announcer: {
        apply: (desired, standby, changed) => {
          responder.apply(desired, standby, changed);
          this.announcements.apply(desired, changed);
          this.statusReporting?.layer2(desired, changed);
        },
      },
      onTransition: (service, t) => {
        this.announcements.reason(service, t.reason);
        const fields = { component: 'leadership', event: 'transition', service, ...t };
        // Leadership gained or lost is news; the rest (waitingForConfig → follower, a new
        // reason in the same state) is detail — 10,000 services must not mean 10,000 info lines.
        if (t.from === 'leader' || t.to === 'leader') log.info(fields);
        else log.debug(fields);
      },
    });
    this.bgp = new NodeBgp({
      node,
      routerId: routerIdFrom(this.options.listen),
      log,
      inspect: this.board.inspect,
      board: this.board,
      secretPassword: (namespace, name) => secretPassword(this.objects, namespace, name),
      ...this.options.bgp,
    });
    const { actor: membership, liveness } = await createMembershipWithLiveness({
      node,
      listen: this.options.listen,
      seeds: this.options.seeds.length > 0 ? this.options.seeds : (this.options.discoverSeeds?.() ?? []),
      keyFile: this.options.keyFile,
      timing: this.options.timing,
      board: this.board,
      onProbe: (_peer, outcome, rttMs) => this.metrics.probe(outcome, rttMs),
      onLiveness: (report) => {
        if (report.type === 'lost' || report.type === 'refused' || report.type === 'stalled')
          log.info({ component: 'membership', event: 'liveness', peer: report.node, ...report });
        else if (report.type === 'error')
          log.error({ component: 'membership', event: 'livenessFailed', err: report.err });
        else if (report.type === 'started')
          log.info({
            component: 'membership',
            event: 'livenessStarted',
            threadScheduling: report.scheduling ?? 'default',
          });
      },
    });
    this.membership = membership;
    this.liveness = liveness;
    this.membership.onChange((change) => {
      this.failovers.member(change.node, change.to, Date.now());
      log.info({
        component: 'membership',
        event: 'member',
        peer: change.node,
        from: change.from,
        to: change.to,
        reason: change.reason,
        incarnation: change.incarnation,
      });
      this.membershipChanged();
      // A member that dies, leaves, returns or refutes may hold clients' neighbour entries for
      // addresses we lead: it announced on its side of a partition or on a partial view at
      // start, or the others failed over to it. Its leaders re-assert those addresses (after the
      // election above, so only what we still own).
      if (reannounceOn(change.from, change.to))
        responder.reannounce(this.leadership?.attractableBy(change.node) ?? new Set());
    });
    await this.reload();
    this.stops.push(() => source.stop());
    // Everything slow happens before the join: once others know us, we must answer probes.
    const charts = lazyMachineCharts();
    for (const listen of this.options.httpListen) {
      const server = await startDebugServer(listen, {
        node,
        registry: this.metrics.registry,
        board: this.board,
        readiness: () => this.readiness(),
        status: () => this.status(),
        charts,
      });
      this.stops.push(() => stopDebugServer(server));
    }
    await this.membership.start();
    this.settleJoin();
    log.info({ component: 'speaker', event: 'started' });
  }

  /**
   * Elect once the cluster is known: at once when the join reached a member for every seed (or
   * there was nobody to join), else when the missing ones arrive or after JOIN_GRACE_MS — a seed
   * may be slow to start, down, or this may really be the first node. Electing on a partial view
   * would make a node announce, and clients cache it, only to hand over a moment later.
   */
  private settleJoin(): void {
    const membership = this.membership;
    if (!membership) return;
    const settle = () => {
      if (this.joinAttempted) return;
      this.joinAttempted = true;
      clearTimeout(timer);
      stopWaiting();
      this.republish();
    };
    const timer = setTimeout(settle, JOIN_GRACE_MS);
    const stopWaiting = membership.onChange(() => {
      if (membership.knowsEverySeed()) settle();
    });
    this.stops.push(() => {
      clearTimeout(timer);
      stopWaiting();
    });
    if (membership.knowsEverySeed()) settle();
    else
      this.options.log.info({ component: 'membership', event: 'waitingForMembers', graceMs: JOIN_GRACE_MS });
  }

  /** /readyz: config loaded, gossip joined, every responder socket open. */
  readiness(): Record<string, boolean> {
    return {
      ...this.options.source.readiness(),
      configLoaded: this.config?.ok === true,
      gossipJoined: this.membership?.joined() ?? false,
      respondersUp: (this.responder?.failingInterfaces().length ?? 0) === 0,
    };
  }

  /** What this node does now, for /debug/state and `herald status`. */
  status(): Record<string, unknown> {
    return {
      announcing: [...(this.leadership?.announcements().values() ?? [])],
      leadership: Object.fromEntries(this.leadership?.states() ?? []),
      members: Object.fromEntries(this.membership?.memberStates() ?? []),
      localHealth: this.membership?.localHealth ?? 0,
      bgp: this.bgp?.status() ?? {},
    };
  }

  private bgpMetrics() {
    const actors = this.bgp?.speaker.actors();
    return (this.bgp?.speaker.sessions() ?? []).flatMap(({ peer, state, routes, address }) => {
      const counters = actors?.get(peer)?.context()?.counters;
      return counters ? [{ peer: address, up: state === 'established', prefixes: routes, counters }] : [];
    });
  }

  /** Every machine transition: debug log line, metric, and failover timing. */
  private observe(change: BoardChange): void {
    if (change.type !== 'transition') return;
    const { record, before } = change;
    this.metrics.transition(record.machine, record.from, record.to, record.reason);
    this.options.log.debug(transitionFields(record));
    if (record.machine === 'leadership' && record.to === 'leader') {
      const previous = (before as { winner?: string } | undefined)?.winner;
      const seconds = this.failovers.gained(previous, record.at);
      if (seconds !== undefined) {
        this.metrics.failover(seconds);
        this.options.log.info({
          component: 'leadership',
          event: 'failover',
          service: record.actor.replace(/^leadership:/, ''),
          from: previous,
          reason: record.reason,
          failoverMs: Math.round(seconds * 1000),
        });
      }
    }
  }

  /** SIGTERM: withdraw everything, leave the gossip cluster, close sockets. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const stop of this.stops.splice(0)) stop();
    // Withdraws: the responder stops answering at once, its sockets linger (closing them blocks).
    this.leadership?.stop();
    // The leave broadcast (layer-2 failover) must not wait for BGP's Cease-then-BFD pause, nor
    // for the responder's sockets to close (16-32 ms each): they close once it has gone out.
    await Promise.all([this.bgp?.stop(), this.membership?.stop(), this.statusReporting?.flush()]);
    this.responder?.stop();
    this.statusReporting?.close();
    this.options.log.info({ component: 'speaker', event: 'stopped' });
  }

  /** Re-reads the source; a config with errors is refused and the last good one stays. */
  private async reload(): Promise<void> {
    const { log, namespace } = this.options;
    const reload = ++this.reloads;
    const stale = () => reload !== this.reloads || this.stopping;
    try {
      const objects = await this.options.source.read();
      if (stale()) return;
      // In turns (10,000 Services); a newer reload started meanwhile makes this one stop.
      const result = await runInTurns(parseSteps(objects, { namespace, references: 'require' }), stale);
      if (!result || stale()) return;
      if (!result.ok) {
        for (const issue of result.issues.filter((i) => i.severity === 'error')) {
          log.warn({ component: 'config', event: 'rejected', err: formatIssue(issue) });
        }
        log.warn({ component: 'config', event: 'keptLastGood', loaded: this.config !== undefined });
        this.metrics.configLoad('rejected');
        return;
      }
      this.objects = objects;
      this.config = result;
      this.metrics.configLoad('loaded');
      log.info({ component: 'config', event: 'loaded', objects: objects.length });
      await this.publishView();
    } catch (error) {
      this.metrics.configLoad('unreadable');
      log.error({
        component: 'config',
        event: 'unreadable',
        err: String(error),
        loaded: this.config !== undefined,
      });
    }
  }

  /** Kubernetes: ServiceL2Status objects and `nodeAssigned` Events for what this node announces. */
  /**
   * A member changed state: elect again with the new live set. Only a new or vanished member
   * (the node list, without Node objects) needs the whole view rebuilt — with 10,000 Services
   * that is hundreds of milliseconds the event loop cannot spend on every suspicion.
   */
  private membershipChanged(): void {
    const members = [...(this.membership?.memberStates().keys() ?? [])].sort().join();
    if (members !== this.viewMembers) this.republish();
    else if (this.joinAttempted) this.leadership?.membershipChanged();
  }

  /** publishView, for callers that do not wait for it. */
  private republish(): void {
    this.publishView().catch((error: unknown) =>
      this.options.log.error({ component: 'speaker', event: 'publishFailed', err: String(error) }),
    );
  }

  /**
   * Builds the view of the current config and members and hands it to BGP and leadership. The
   * long parts (the view with the allocator's pass, the BGP plan) run in turns of the event loop;
   * when a newer publish starts meanwhile, this one stops at its next pause and never applies.
   */
  private async publishView(): Promise<void> {
    const result = this.config;
    const leadership = this.leadership;
    if (!result?.ok || !leadership || !this.membership) return;
    const publish = ++this.publishes;
    const stale = () => publish !== this.publishes || this.stopping;
    // A turn of its own: the caller (the end of the join, a member's change) has spent its turn,
    // and the view may be ready, so that leadership's first slice would follow in the same one.
    await nextTurn();
    if (stale()) return;
    const known = [...this.membership.memberStates().keys()];
    const members = [...known].sort().join();
    this.viewMembers = members;
    const view = await this.viewFor(result, members, [...known, this.options.node]);
    if (!view || stale()) return;
    // BGP: every node announces for itself, membership does not matter.
    const bgp = this.bgp;
    if (bgp) {
      const planned = this.bgpPlanned;
      const plan = planned?.view === view ? planned.plan : await runInTurns(bgp.planSteps(view), stale);
      if (!plan || stale()) return;
      this.bgpPlanned = { view, plan };
      bgp.update(view, plan);
      this.statusReporting?.bgpPeers(bgp.advertisedPeers());
    }
    if (this.joinAttempted) leadership.update(view);
  }

  /** The view of this config, objects and members: the one being built for them, or a new build. */
  private viewFor(
    result: ParseResult & { ok: true },
    members: string,
    nodes: readonly string[],
  ): Promise<ClusterView | undefined> {
    const objects = this.objects;
    const current = this.building;
    if (current?.config === result && current.objects === objects && current.members === members)
      return current.view;
    const steps = viewFromObjectsSteps(result.config, objects, nodes, this.options.source.addresses, {
      ignoreExcludeLb: this.options.ignoreExcludeLb === true,
    });
    const build = {
      config: result,
      objects,
      members,
      view: Promise.resolve<ClusterView | undefined>(undefined),
    };
    build.view = runInTurns(steps, () => this.building !== build || this.stopping).then(
      (built) => built?.view,
    );
    this.building = build;
    return build.view;
  }
}

/**
 * Member changes after which leaders re-announce: death, leaving, and every return to alive
 * (first contact included: at start-up a client's entry may point at a node that announced
 * briefly before the views converged). Suspicion alone does not: the member may still be fine.
 */
export function reannounceOn(from: string, to: string): boolean {
  if (from === to) return false;
  return to === 'dead' || to === 'left' || to === 'alive';
}

/** The router ID when a BGPPeer sets none: the node's IPv4 gossip address. */
function routerIdFrom(listen: string): string {
  const host = listen.replace(/:\d+$/, '');
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) ? host : '0.0.0.0';
}
