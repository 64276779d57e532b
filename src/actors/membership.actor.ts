// The membership actor: SWIM failure detection with Lifeguard's refinements, driving one
// member machine per remote speaker. It talks to the network only through a MembershipTransport
// and to time only through a Clock, so tests run it on a fake network and a simulated clock.
// Its parts each do one job: membership-members.ts (the member table and its change feed),
// membership-probe.ts (probing), membership-dissemination.ts (broadcast updates and refutation),
// membership-anti-entropy.ts (push-pull: join and repair). This file wires them and runs the timers.
import { contactAddress } from '../core/membership/contact.js';
import { FirstContactGrace } from '../core/membership/first-contact.js';
import { livenessPeers } from '../core/membership/liveness-detector.js';
import { LocalHealth } from '../core/membership/health.js';
import type { SwimReply, SwimRequest } from '../core/membership/wire.js';
import type { MemberContact } from '../ports/membership-transport.js';
import { AntiEntropy } from './membership-anti-entropy.js';
import { Dissemination } from './membership-dissemination.js';
import { MemberTable } from './membership-members.js';
import { Prober } from './membership-probe.js';
import { LocalMember, type MemberChange, type MembershipDeps, type MemberState } from './membership-types.js';

export type {
  MemberChange,
  MemberEvent,
  MembershipDeps,
  MemberState,
  MemberTracker,
  MemberTrackerInit,
  ProbeOutcome,
} from './membership-types.js';

export class MembershipActor {
  private readonly local: LocalMember;
  private readonly health: LocalHealth;
  private readonly firstContact: FirstContactGrace;
  private readonly members: MemberTable;
  private readonly dissemination: Dissemination;
  private readonly prober: Prober;
  private readonly antiEntropy: AntiEntropy;
  private readonly timers = new Set<unknown>();

  constructor(private readonly deps: MembershipDeps) {
    const random = deps.random ?? Math.random;
    this.local = new LocalMember(deps.initialIncarnation ?? 0);
    this.health = new LocalHealth(deps.timing.maxLocalHealth);
    this.firstContact = new FirstContactGrace(deps.timing.firstContactGraceMs);
    this.members = new MemberTable(deps, this.firstContact, (...verdict) =>
      this.dissemination.verdict(...verdict),
    );
    this.dissemination = new Dissemination(deps, this.local, this.members, this.health);
    this.prober = new Prober(deps, {
      local: this.local,
      members: this.members,
      health: this.health,
      firstContact: this.firstContact,
      dissemination: this.dissemination,
      random,
    });
    this.antiEntropy = new AntiEntropy(deps, this.local, this.members, this.dissemination, random);
  }

  /** Nodes that count as alive for election: this one plus every member alive or suspect. */
  aliveNodes(): Set<string> {
    return this.members.aliveNodes();
  }

  memberStates(): Map<string, { state: MemberState; incarnation: number }> {
    return this.members.memberStates();
  }

  /** One member's state as we see it (memberStates() copies all N of them). */
  memberState(node: string): MemberState | undefined {
    return this.members.get(node)?.tracker.state;
  }

  /** Joined a cluster: some member is known, or there was nobody to join (no seeds). */
  joined(): boolean {
    return this.members.size > 0 || this.deps.seeds.length === 0;
  }

  /**
   * As many members known as there are seeds. Seeds are the other nodes' addresses, one each, so
   * this is the cluster as configured; a speaker that elects before it holds (one seed slower to
   * start than the others) would announce addresses that move the moment the last one arrives.
   */
  knowsEverySeed(): boolean {
    return this.members.size >= this.deps.seeds.length;
  }

  get localHealth(): number {
    return this.health.value;
  }

  onChange(listener: (change: MemberChange) => void): () => void {
    return this.members.onChange(listener);
  }

  async start(): Promise<void> {
    this.local.running = true;
    // Liveness first: once the transport has made us known, our worker must answer.
    await this.deps.liveness?.start({
      lost: (node) => this.prober.livenessLost(node),
      refused: (node) => this.prober.refused(node),
    });
    this.members.onChange(() => this.watchLiveness());
    await this.deps.transport.start({
      onRequest: (request, contact) => this.answer(request, contact),
      onUpdate: (update) => this.dissemination.apply(update),
      onDisconnected: (node) => {
        // A closed connection is no slow start: a killed process is judged at once, grace or not.
        this.firstContact.forget(node);
        this.schedule(0, () => this.prober.probe(node));
      },
      onRefused: (node) => this.prober.refused(node),
    });
    // Join first, then announce: the broadcast then reaches the members the join connected us to.
    await this.antiEntropy.join();
    await this.dissemination.announceSelf();
    this.schedule(this.health.scale(this.deps.timing.probeIntervalMs), () => this.probeRound());
    this.schedule(this.antiEntropy.intervalMs(), () => this.antiEntropyRound());
    this.schedule(this.deps.timing.pushPullIntervalMs, () => this.reconnectRound());
  }

  /** Graceful leave: tell everyone, give the message a moment, close. */
  async stop(): Promise<void> {
    if (!this.local.running) return;
    this.local.running = false;
    for (const t of this.timers) this.deps.clock.clearTimeout(t);
    this.timers.clear();
    await this.dissemination.announceLeave();
    await new Promise<void>((resolve) =>
      this.deps.clock.setTimeout(() => resolve(), this.deps.timing.leaveFlushMs),
    );
    // After the leave has gone out (members that got it stop watching us): silence before it
    // would start suspicions of a member that is only leaving; a member that missed it hears
    // the silence and, once the process is gone, the refusals.
    await this.deps.liveness?.stop();
    this.members.stopAll();
    await this.deps.transport.stop();
  }

  private schedule(delayMs: number, task: () => Promise<void>): void {
    if (!this.local.running) return;
    const id = this.deps.clock.setTimeout(() => {
      this.timers.delete(id);
      if (this.local.running) void task();
    }, delayMs);
    this.timers.add(id);
  }

  /** Tells the liveness layer whom to watch: live members with a known address, ring-bounded. */
  private watchLiveness(): void {
    const { liveness, timing, self } = this.deps;
    if (!liveness || !timing.liveness || !this.local.running) return;
    const addresses = new Map<string, { address: string; port: number }>();
    for (const [node, m] of this.members.entries()) {
      const at = contactAddress(m.contact.addrs);
      if (at && (m.tracker.state === 'alive' || m.tracker.state === 'suspect')) addresses.set(node, at);
    }
    const peers = livenessPeers(self, addresses.keys(), timing.liveness.maxPeers);
    liveness.watch(
      peers.map((node) => ({ node, ...(addresses.get(node) as { address: string; port: number }) })),
    );
  }

  private async probeRound(): Promise<void> {
    // Contacts change without a state change (a restarted member's new address): keep up.
    this.watchLiveness();
    const round = this.prober.nextRound();
    this.schedule(this.health.scale(this.deps.timing.probeIntervalMs), () => this.probeRound());
    await Promise.all(round.map((node) => this.prober.probe(node)));
  }

  private async antiEntropyRound(): Promise<void> {
    this.schedule(this.antiEntropy.intervalMs(), () => this.antiEntropyRound());
    await this.antiEntropy.round();
  }

  private async reconnectRound(): Promise<void> {
    this.schedule(this.deps.timing.pushPullIntervalMs, () => this.reconnectRound());
    await this.antiEntropy.reconnect();
  }

  private async answer(request: SwimRequest, contact: MemberContact): Promise<SwimReply> {
    switch (request.type) {
      case 'ping':
      case 'ping-req':
        return this.prober.answer(request, contact);
      case 'push-pull':
        return this.antiEntropy.answer(request, contact);
    }
  }
}
