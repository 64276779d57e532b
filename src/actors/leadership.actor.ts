// The leadership actor: one leadership machine per LoadBalancer service on this node. Each time
// the cluster view (config, nodes, services, endpoints) or the membership changes it re-runs the
// election (core/plan) and feeds the results to the machines; their announce/withdraw actions
// maintain the desired announcements, which the layer-2 announcer converges to.
import { createActor, type Actor, type InspectionEvent } from 'xstate';
import type { L2Reason } from '../core/election/layer2.js';
import { planLayer2Each, type ServiceL2Plan } from '../core/plan/layer2.js';
import type { ClusterView } from '../core/plan/view.js';
import { serviceKey } from '../core/service/model.js';
import { leadershipMachine, type LeadershipTransition } from '../machines/leadership.machine.js';
import type { Layer2Announcement, Layer2Announcer, Layer2Standby } from '../ports/announcer.js';
import type { Clock } from '../ports/clock.js';

export type { ClusterView };

export interface LeadershipDeps {
  readonly self: string;
  readonly clock: Clock;
  readonly announcer: Layer2Announcer;
  /** Live members now; undefined = no gossip (every node counts as alive). */
  readonly alive: () => ReadonlySet<string> | undefined;
  readonly onTransition?: (service: string, transition: LeadershipTransition) => void;
  /** Inspection of every machine this actor runs (the state board of observe/). */
  readonly inspect?: (event: InspectionEvent) => void;
}

type LeadershipActorRef = Actor<typeof leadershipMachine>;

/**
 * A pass over many services runs in turns of the event loop with a pause between them: one pass
 * over 10,000 services took seconds of one turn (machines, log lines, ARP rounds), and timers
 * (gossip probes, ARP answers, BGP keepalives) could not run meanwhile. A view of at most
 * SERVICES_PER_TURN services (most clusters') is elected in one turn, as before; a bigger one in
 * turns that end once TURN_MS have passed (not after a minimum count: on a cold, loaded speaker
 * the first 50 services' actors took ~50 ms).
 */
export const SERVICES_PER_TURN = 50;
const TURN_MS = 10;
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Election reasons of nodes that announce a service, or would if they ranked first. */
const ATTRACTING: ReadonlySet<L2Reason> = new Set(['announcing', 'notOwner']);

export class LeadershipActor {
  private readonly machines = new Map<string, LeadershipActorRef>();
  private readonly desired = new Map<string, Layer2Announcement>();
  /** Services whose announcement was set or deleted since the last flush (the announcer's delta). */
  private changed = new Set<string>();
  /** Services this node ranks behind the leader for: where it may have to take over. */
  private readonly standbyFor = new Map<string, Layer2Standby>();
  /** Per service: the nodes that could announce it (and so draw clients to it) if alive. */
  private readonly candidates = new Map<string, ReadonlySet<string>>();
  private view: ClusterView | undefined;
  private stopped = false;
  /** A sliced pass in progress; news that arrives meanwhile (`again`) gets a pass after it. */
  private pass: Promise<void> | undefined;
  private again = false;

  constructor(private readonly deps: LeadershipDeps) {}

  /** A new view of the cluster (a config that passed parse(), services with addresses, ...). */
  update(view: ClusterView): void {
    this.view = view;
    this.reconcile();
  }

  /** The membership changed: elect again with the new live set. */
  membershipChanged(): void {
    this.reconcile();
  }

  /** Resolves once the elections asked for so far have all reached the machines. */
  async settled(): Promise<void> {
    while (this.pass) await this.pass;
  }

  /** Services this node announces now. */
  announcements(): ReadonlyMap<string, Layer2Announcement> {
    return this.desired;
  }

  /**
   * Addresses this node announces that `member` could have drawn clients to: those of services
   * it is a candidate for (it won or lost the ranking; when it is not alive, as it was last seen
   * alive, or as a candidate when this node never saw it alive). When such a member
   * dies or returns, their leaders re-announce, so no client keeps a neighbour entry on it.
   */
  attractableBy(member: string): Set<string> {
    const ips = new Set<string>();
    for (const [service, announcement] of this.desired)
      if (this.candidates.get(service)?.has(member)) for (const ip of announcement.ips) ips.add(ip);
    return ips;
  }

  /** Leadership state of every service, for status pages and tests. */
  states(): Map<string, string> {
    return new Map([...this.machines].map(([key, actor]) => [key, actor.getSnapshot().value]));
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const actor of this.machines.values()) {
      actor.send({ type: 'speaker.stopping' });
      actor.stop();
    }
    this.machines.clear();
    this.flush();
  }

  private reconcile(): void {
    const view = this.view;
    if (!view || this.stopped) return;
    if (this.pass) {
      this.again = true;
      return;
    }
    const plans = planLayer2Each({ ...view, alive: this.deps.alive() });
    const seen = new Set<string>();
    const whole = view.services.length <= SERVICES_PER_TURN;
    if (this.feedTurn(plans, seen, whole)) {
      this.removeUnseen(seen);
      this.flush();
      return;
    }
    // Applying the desired announcements walks all of them (the responder's tables, the log), so
    // it gets a turn of its own: a turn that fed 10 ms of services and then applied 10,000
    // announcements blocked the loop for 30-60 ms.
    this.pass = (async () => {
      do {
        if (!(await this.resumed())) return;
        this.flush();
        if (!(await this.resumed())) return;
      } while (!this.feedTurn(plans, seen, whole));
      this.removeUnseen(seen);
      this.flush();
    })().finally(() => {
      this.pass = undefined;
      if (this.again) {
        this.again = false;
        this.reconcile();
      }
    });
  }

  /** After a pause: false when the actor was stopped meanwhile. */
  private async resumed(): Promise<boolean> {
    await pause();
    return !this.stopped;
  }

  /** Feeds the plans of one turn (all of them when `whole`); true when there are no more. */
  private feedTurn(plans: Iterator<ServiceL2Plan>, seen: Set<string>, whole: boolean): boolean {
    const start = performance.now();
    do {
      const next = plans.next();
      if (next.done) return true;
      this.feed(next.value, seen);
    } while (whole || performance.now() - start < TURN_MS);
    return false;
  }

  /** An election result to the service's machine (made at the service's first plan). */
  private feed(plan: ServiceL2Plan, seen: Set<string>): void {
    // Not a layer-2 service at all (a BGP-only pool): no machine, no log lines, no memory.
    if (plan.idle === 'noMatchingL2Advertisement') return;
    const key = serviceKey(plan.service);
    seen.add(key);
    // A member not alive now keeps what it was (a candidate then may still hold clients);
    // at a service's first plan it counts as one.
    const before = this.candidates.get(key);
    this.candidates.set(
      key,
      new Set(
        [...plan.election.reasons]
          .filter(
            ([node, reason]) =>
              ATTRACTING.has(reason) ||
              (reason === 'memberNotAlive' && (before === undefined || before.has(node))),
          )
          .map(([node]) => node),
      ),
    );
    if (plan.election.reasons.get(this.deps.self) === 'notOwner')
      this.standbyFor.set(key, {
        interfaces: plan.election.interfaces,
        v4: plan.ips.some((ip) => !ip.includes(':')),
        v6: plan.ips.some((ip) => ip.includes(':')),
      });
    else this.standbyFor.delete(key);
    const actor = this.machineFor(key, plan.ips);
    actor.send({ type: 'service.updated', ips: plan.ips });
    actor.send({ type: 'config.loaded' });
    actor.send({
      type: 'election.result',
      winner: plan.election.winner,
      reason: plan.election.reasons.get(this.deps.self) ?? plan.idle ?? 'notACandidate',
      interfaces: plan.election.interfaces,
    });
  }

  /** Services gone from the view (or now outside layer 2): withdrawn, machine stopped. */
  private removeUnseen(seen: ReadonlySet<string>): void {
    for (const [key, actor] of this.machines) {
      if (seen.has(key)) continue;
      actor.send({ type: 'service.deleted' });
      actor.stop();
      this.machines.delete(key);
      this.candidates.delete(key);
      this.standbyFor.delete(key);
    }
  }

  /**
   * The machine with this actor's effects, made once: its actions take the service from their
   * params, so every service's actor can share it (a machine per service cost ~1 KiB of state
   * nodes and closures each, 10 MiB at 10,000 services).
   */
  private readonly machine = leadershipMachine.provide({
    actions: {
      announce: (_, params) => {
        this.desired.set(params.service, {
          service: params.service,
          ips: params.ips,
          interfaces: params.interfaces,
        });
        this.changed.add(params.service);
      },
      withdraw: (_, params) => {
        if (this.desired.delete(params.service)) this.changed.add(params.service);
      },
      notifyTransition: (_, params) => {
        const { service, ...transition } = params;
        this.deps.onTransition?.(service, transition);
      },
    },
  });

  private machineFor(key: string, ips: readonly string[]): LeadershipActorRef {
    const existing = this.machines.get(key);
    if (existing) return existing;
    const actor = createActor(this.machine, {
      id: `leadership:${key}`,
      clock: this.deps.clock,
      ...(this.deps.inspect ? { inspect: this.deps.inspect } : {}),
      input: { service: key, self: this.deps.self, ips },
    });
    actor.subscribe({
      error: (err) =>
        this.deps.onTransition?.(key, { from: 'none', to: 'stopped', reason: `machineError:${String(err)}` }),
    });
    actor.start();
    this.machines.set(key, actor);
    return actor;
  }

  /**
   * The whole desired set (a copy: the announcer may keep it), with the services changed since
   * the last flush, so the announcer's work is proportional to the change, not to the set.
   */
  private flush(): void {
    const changed = this.changed;
    this.changed = new Set();
    this.deps.announcer.apply(new Map(this.desired), this.stopped ? [] : this.standby(), changed);
  }

  /**
   * The standby of every service merged per interface selection (a handful at most). The
   * leader's interfaces stand for ours: nodes whose L2Advertisements select other interfaces
   * open theirs at takeover, as before.
   */
  private standby(): Layer2Standby[] {
    const merged = new Map<string, { interfaces: readonly string[]; v4: boolean; v6: boolean }>();
    for (const ready of this.standbyFor.values()) {
      const key = ready.interfaces.join('\n');
      const entry = merged.get(key) ?? { interfaces: ready.interfaces, v4: false, v6: false };
      entry.v4 ||= ready.v4;
      entry.v6 ||= ready.v6;
      merged.set(key, entry);
    }
    return [...merged.values()];
  }
}
