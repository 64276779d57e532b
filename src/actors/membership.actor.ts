// The membership actor: SWIM failure detection with Lifeguard's refinements, driving one
// member machine per remote speaker. It talks to the network only through a MembershipTransport
// and to time only through a Clock, so tests run it on a fake network and a simulated clock.
import { FirstContactGrace } from '../core/membership/first-contact.js';
import { LocalHealth } from '../core/membership/health.js';
import { ProbeTargets, shuffleWith } from '../core/membership/targets.js';
import { mergeContact } from '../core/membership/contact.js';
import { expectedConfirmations, type MembershipTiming } from '../core/membership/timing.js';
import type { MemberDigest, MemberUpdate, SwimReply, SwimRequest } from '../core/membership/wire.js';
import type { Clock } from '../ports/clock.js';
import type { MemberContact, MembershipTransport } from '../ports/membership-transport.js';

export type MemberState = 'alive' | 'suspect' | 'dead' | 'left';

/** A member machine as the actor sees it (see actors/member-tracker.ts). */
export interface MemberTracker {
  readonly state: MemberState;
  readonly incarnation: number;
  send(event: MemberEvent): void;
  stop(): void;
}

export type MemberEvent =
  | { type: 'member.alive'; incarnation: number; from: string }
  | { type: 'member.suspect'; incarnation: number; from: string }
  | { type: 'member.dead'; incarnation: number; from: string }
  | { type: 'member.left'; incarnation: number }
  | { type: 'member.probe.failed' }
  | { type: 'member.probe.ok' };

export interface MemberChange {
  readonly node: string;
  readonly from: MemberState | 'unknown';
  readonly to: MemberState;
  readonly reason: string;
  readonly incarnation: number;
}

export interface MemberTrackerInit {
  readonly node: string;
  readonly self: string;
  readonly incarnation: number;
  readonly expectedConfirmations: () => number;
  readonly onChange: (to: MemberState, reason: string, incarnation: number) => void;
}

export interface MembershipDeps {
  readonly self: string;
  readonly transport: MembershipTransport;
  readonly clock: Clock;
  readonly timing: MembershipTiming;
  /** `host:port` addresses to join through (and to retry, so partitions heal). */
  readonly seeds: readonly string[];
  readonly createTracker: (init: MemberTrackerInit) => MemberTracker;
  /**
   * This process's first incarnation. A restarted speaker must outbid what the cluster
   * remembers of its previous life (left or dead at some incarnation), so the composition root
   * passes the wall-clock time in milliseconds; tests start at 0.
   */
  readonly initialIncarnation?: number;
  readonly random?: () => number;
  /** Every probe's outcome and round trip (for the probe histogram). */
  readonly onProbe?: (node: string, outcome: ProbeOutcome, rttMs: number) => void;
}

/** How a probe ended: acked directly, acked through a helper (ping-req), or not at all. */
export type ProbeOutcome = 'direct' | 'indirect' | 'failed';

interface Member {
  readonly tracker: MemberTracker;
  contact: MemberContact;
}

/** Extra wait for an indirect probe beyond the helper's own ping timeout (two more hops). */
const INDIRECT_MARGIN_MS = 30;

export class MembershipActor {
  private incarnation = 0;
  private seq = 0;
  private running = false;
  private readonly members = new Map<string, Member>();
  private readonly health: LocalHealth;
  private readonly firstContact: FirstContactGrace;
  private readonly targets: ProbeTargets;
  private readonly listeners = new Set<(change: MemberChange) => void>();
  private readonly timers = new Set<unknown>();
  /** Members with a probe in flight. */
  private readonly probing = new Set<string>();
  private readonly random: () => number;

  constructor(private readonly deps: MembershipDeps) {
    this.health = new LocalHealth(deps.timing.maxLocalHealth);
    this.firstContact = new FirstContactGrace(deps.timing.firstContactGraceMs);
    this.incarnation = deps.initialIncarnation ?? 0;
    this.random = deps.random ?? Math.random;
    this.targets = new ProbeTargets(shuffleWith(this.random));
  }

  /** Nodes that count as alive for election: this one plus every member alive or suspect. */
  aliveNodes(): Set<string> {
    const out = new Set([this.deps.self]);
    for (const [node, m] of this.members)
      if (m.tracker.state === 'alive' || m.tracker.state === 'suspect') out.add(node);
    return out;
  }

  memberStates(): Map<string, { state: MemberState; incarnation: number }> {
    const out = new Map<string, { state: MemberState; incarnation: number }>();
    for (const [node, m] of this.members)
      out.set(node, { state: m.tracker.state, incarnation: m.tracker.incarnation });
    return out;
  }

  private isRunning(): boolean {
    return this.running;
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
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    this.running = true;
    await this.deps.transport.start({
      onRequest: (request, contact) => this.answer(request, contact),
      onUpdate: (update) => this.apply(update),
      onDisconnected: (node) => {
        // A closed connection is no slow start: a killed process is judged at once, grace or not.
        this.firstContact.forget(node);
        this.schedule(0, () => this.probe(node));
      },
    });
    // Join first, then announce: the broadcast then reaches the members the join connected us
    // to. The join may take longer than a probe (a fresh process's first connections); giving
    // up early would leave this speaker alone until the next anti-entropy round.
    await Promise.all(this.deps.seeds.map((seed) => this.pushPullSeed(seed, this.deps.timing.joinTimeoutMs)));
    await this.announceSelf();
    this.schedule(this.health.scale(this.deps.timing.probeIntervalMs), () => this.probeRound());
    this.schedule(this.deps.timing.pushPullIntervalMs, () => this.antiEntropy());
  }

  /** Graceful leave: tell everyone, give the message a moment, close. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) this.deps.clock.clearTimeout(t);
    this.timers.clear();
    await this.deps.transport.broadcast(this.update('left', this.deps.self, this.incarnation));
    await new Promise<void>((resolve) =>
      this.deps.clock.setTimeout(() => resolve(), this.deps.timing.leaveFlushMs),
    );
    for (const m of this.members.values()) m.tracker.stop();
    await this.deps.transport.stop();
  }

  private schedule(delayMs: number, task: () => Promise<void>): void {
    if (!this.running) return;
    const id = this.deps.clock.setTimeout(() => {
      this.timers.delete(id);
      if (this.running) void task();
    }, delayMs);
    this.timers.add(id);
  }

  private async probeRound(): Promise<void> {
    const candidates = [...this.members]
      .filter(([, m]) => m.tracker.state === 'alive' || m.tracker.state === 'suspect')
      .map(([n]) => n);
    const round = this.targets.take(candidates, this.deps.timing.probeFanout);
    this.schedule(this.health.scale(this.deps.timing.probeIntervalMs), () => this.probeRound());
    await Promise.all(round.map((node) => this.probe(node)));
  }

  /** One SWIM probe at a time per member: direct ping, then ping-req through k others. */
  private async probe(node: string): Promise<void> {
    // A failed probe lasts longer than a round (direct + indirect timeouts): without this guard
    // the next round's probe could get an ack, and then the older one's failure would accuse a
    // member we have just heard from.
    if (this.probing.has(node)) return;
    this.probing.add(node);
    try {
      await this.probeOnce(node);
    } finally {
      this.probing.delete(node);
    }
  }

  private async probeOnce(node: string): Promise<void> {
    const member = this.members.get(node);
    if (!member || !this.running || member.tracker.state === 'dead' || member.tracker.state === 'left')
      return;
    const timeout = this.health.scale(this.deps.timing.probeTimeoutMs);
    // Tell a suspect that it is suspected, so a live one refutes in this very exchange.
    const suspect = member.tracker.state === 'suspect' ? { suspect: member.tracker.incarnation } : {};
    const started = this.deps.clock.now();
    const report = (outcome: ProbeOutcome) =>
      this.deps.onProbe?.(node, outcome, this.deps.clock.now() - started);
    const direct = await this.deps.transport.request(
      member.contact,
      { type: 'ping', from: this.deps.self, seq: this.seq++, ...suspect },
      timeout,
    );
    if (direct?.type === 'ack') {
      report('direct');
      this.probeSucceeded(member, direct.incarnation);
      return;
    }
    const helpers = this.pickHelpers(node);
    const indirect = await Promise.all(
      helpers.map((helper) =>
        this.deps.transport.request(
          helper.contact,
          {
            type: 'ping-req',
            from: this.deps.self,
            seq: this.seq++,
            target: node,
            timeoutMs: timeout,
            ...suspect,
          },
          timeout + INDIRECT_MARGIN_MS,
        ),
      ),
    );
    const ack = indirect.find((r) => r?.type === 'ack');
    if (ack?.type === 'ack') {
      report('indirect');
      this.probeSucceeded(member, ack.incarnation);
      return;
    }
    // stop() may have run while we awaited the probes.
    if (!this.isRunning()) return;
    // Met moments ago: still connecting, or still starting up. Probe it again next round
    // instead of accusing it (core/membership/first-contact.ts).
    if (this.firstContact.excuses(node, this.deps.clock.now())) {
      report('failed');
      return;
    }
    // Lifeguard: if helpers could not even answer with a nack, the problem may be ours.
    if (!indirect.some((r) => r?.type === 'nack')) this.health.worsen();
    report('failed');
    member.tracker.send({ type: 'member.probe.failed' });
    // Tell everyone once per incarnation: the first suspicion starts it elsewhere, later ones
    // are the independent confirmations that shorten it (Lifeguard).
    const incarnation = member.tracker.incarnation;
    if (this.suspicionsSent.get(node) !== incarnation) {
      this.suspicionsSent.set(node, incarnation);
      void this.deps.transport.broadcast(this.update('suspect', node, incarnation));
    }
  }

  private probeSucceeded(member: Member, incarnation: number): void {
    this.health.improve();
    member.tracker.send({ type: 'member.alive', incarnation, from: this.deps.self });
    member.tracker.send({ type: 'member.probe.ok' });
  }

  private pickHelpers(target: string): Member[] {
    const others = [...this.members]
      .filter(([n, m]) => n !== target && m.tracker.state === 'alive')
      .map(([, m]) => m);
    return shuffleWith(this.random)(others).slice(0, this.deps.timing.indirectChecks);
  }

  private async answer(request: SwimRequest, contact: MemberContact): Promise<SwimReply> {
    switch (request.type) {
      case 'ping':
        this.learn(contact);
        if (request.suspect !== undefined) this.refuteIfNeeded('suspect', request.suspect);
        return { type: 'ack', from: this.deps.self, seq: request.seq, incarnation: this.incarnation };
      case 'ping-req': {
        const target = this.members.get(request.target);
        const reply = target
          ? await this.deps.transport.request(
              target.contact,
              {
                type: 'ping',
                from: this.deps.self,
                seq: this.seq++,
                ...(request.suspect !== undefined ? { suspect: request.suspect } : {}),
              },
              request.timeoutMs,
            )
          : undefined;
        return reply?.type === 'ack'
          ? { type: 'ack', from: request.target, seq: request.seq, incarnation: reply.incarnation }
          : { type: 'nack', from: this.deps.self, seq: request.seq };
      }
      case 'push-pull':
        this.learn(contact);
        this.merge(request.members);
        return { type: 'push-pull', from: this.deps.self, members: this.digest() };
    }
  }

  /** Contact details from the transport itself (the peer that sent a request): authentic. */
  private learn(contact: MemberContact): void {
    this.deps.transport.remember(contact);
    const member = this.members.get(contact.node);
    if (member) this.updateContact(member, contact);
  }

  /**
   * A member's new contact details. Another peer id under the same name is another process (a
   * restart generates a new key): met for the first time, it gets a first-contact grace.
   */
  private updateContact(member: Member, contact: MemberContact): void {
    const known = member.contact.peerId;
    const node = member.contact.node;
    if (contact.peerId !== undefined && contact.peerId !== known) {
      if (known === undefined) this.firstContact.identify(node, contact.peerId);
      else this.firstContact.met(node, this.deps.clock.now(), contact.peerId);
    }
    member.contact = mergeContact(member.contact, contact);
  }

  /** Applies a disseminated update (or a digest entry treated as one). */
  private apply(update: MemberUpdate): void {
    if (update.node === this.deps.self) {
      this.refuteIfNeeded(update.kind, update.incarnation);
      return;
    }
    const contact = { node: update.node, peerId: update.peerId, addrs: update.addrs };
    let member = this.members.get(update.node);
    if (!member) {
      if (update.kind !== 'alive' && update.kind !== 'suspect') return;
      member = this.addMember(contact, update.incarnation);
    } else if ((update.peerId || update.addrs) && update.incarnation >= member.tracker.incarnation) {
      // Only news as fresh as ours may change how we reach a member: a digest that still lists a
      // restarted member's previous incarnation would point our probes at its dead process.
      this.updateContact(member, contact);
    }
    this.deps.transport.remember(member.contact);
    switch (update.kind) {
      case 'alive':
        member.tracker.send({ type: 'member.alive', incarnation: update.incarnation, from: update.from });
        break;
      case 'suspect':
        member.tracker.send({ type: 'member.suspect', incarnation: update.incarnation, from: update.from });
        break;
      case 'dead':
        member.tracker.send({ type: 'member.dead', incarnation: update.incarnation, from: update.from });
        break;
      case 'left':
        member.tracker.send({ type: 'member.left', incarnation: update.incarnation });
        break;
    }
  }

  /** Someone thinks we are suspect or dead: outbid them with a higher incarnation. */
  private refuteIfNeeded(kind: MemberUpdate['kind'], incarnation: number): void {
    if (kind === 'alive' || incarnation < this.incarnation || !this.running) return;
    this.incarnation = incarnation + 1;
    this.health.worsen();
    void this.announceSelf();
    // Others may have failed over from us meanwhile: listeners (the speaker) re-assert what we hold.
    this.emit({
      node: this.deps.self,
      from: kind,
      to: 'alive',
      reason: 'refutedSuspicionOfSelf',
      incarnation: this.incarnation,
    });
  }

  private addMember(contact: MemberContact, incarnation: number): Member {
    const node = contact.node;
    const tracker = this.deps.createTracker({
      node,
      self: this.deps.self,
      incarnation,
      expectedConfirmations: () => expectedConfirmations(this.deps.timing, this.aliveNodes().size),
      onChange: (to, reason, inc) => this.changed(node, to, reason, inc),
    });
    const member: Member = { tracker, contact };
    this.members.set(node, member);
    this.firstContact.met(node, this.deps.clock.now(), contact.peerId);
    this.emit({ node, from: 'unknown', to: tracker.state, reason: 'discovered', incarnation });
    return member;
  }

  private readonly lastState = new Map<string, MemberState>();
  /** The incarnation of each member we last broadcast a suspicion about. */
  private readonly suspicionsSent = new Map<string, number>();

  private changed(node: string, to: MemberState, reason: string, incarnation: number): void {
    const from = this.lastState.get(node) ?? 'unknown';
    this.lastState.set(node, to);
    if (from === to) return;
    if (to === 'dead' || to === 'left') this.firstContact.forget(node);
    this.emit({ node, from, to, reason, incarnation });
    // Our own verdicts are news for everyone else.
    if (to === 'suspect' && reason === 'probeFailed')
      void this.deps.transport.broadcast(this.update('suspect', node, incarnation));
    if (to === 'dead' && reason === 'suspicionTimeout')
      void this.deps.transport.broadcast(this.update('dead', node, incarnation));
  }

  private emit(change: MemberChange): void {
    if (change.from === 'unknown') this.lastState.set(change.node, change.to);
    for (const listener of this.listeners) listener(change);
  }

  private update(kind: MemberUpdate['kind'], node: string, incarnation: number): MemberUpdate {
    const self = node === this.deps.self ? this.deps.transport.self : undefined;
    return {
      kind,
      node,
      incarnation,
      from: this.deps.self,
      ...(self?.peerId ? { peerId: self.peerId } : {}),
      ...(self?.addrs ? { addrs: [...self.addrs] } : {}),
    };
  }

  private async announceSelf(): Promise<void> {
    await this.deps.transport.broadcast(this.update('alive', this.deps.self, this.incarnation));
  }

  private digest(): MemberDigest[] {
    const self = this.deps.transport.self;
    const out: MemberDigest[] = [
      {
        node: this.deps.self,
        incarnation: this.incarnation,
        state: 'alive',
        ...(self.peerId ? { peerId: self.peerId } : {}),
        ...(self.addrs ? { addrs: [...self.addrs] } : {}),
      },
    ];
    for (const [node, m] of this.members) {
      out.push({
        node,
        incarnation: m.tracker.incarnation,
        state: m.tracker.state,
        ...(m.contact.peerId ? { peerId: m.contact.peerId } : {}),
        ...(m.contact.addrs ? { addrs: [...m.contact.addrs] } : {}),
      });
    }
    return out;
  }

  private merge(digests: readonly MemberDigest[]): void {
    for (const d of digests) {
      this.apply({
        kind: d.state,
        node: d.node,
        incarnation: d.incarnation,
        from: this.deps.self,
        ...(d.peerId ? { peerId: d.peerId } : {}),
        ...(d.addrs ? { addrs: d.addrs } : {}),
      });
    }
  }

  private async pushPullSeed(seed: string, timeoutMs: number): Promise<void> {
    const reply = await this.deps.transport.requestSeed(
      seed,
      { type: 'push-pull', from: this.deps.self, members: this.digest() },
      timeoutMs,
    );
    if (reply?.type === 'push-pull') this.merge(reply.members);
  }

  /** Push-pull with one random live member and one seed: repairs lost updates, heals partitions. */
  private async antiEntropy(): Promise<void> {
    this.schedule(this.deps.timing.pushPullIntervalMs, () => this.antiEntropy());
    const live = [...this.members.values()].filter((m) => m.tracker.state === 'alive');
    const peer = live[Math.floor(this.random() * live.length)];
    const seed = this.deps.seeds[Math.floor(this.random() * this.deps.seeds.length)];
    const tasks: Promise<void>[] = [];
    if (peer) {
      tasks.push(
        this.deps.transport
          .request(
            peer.contact,
            { type: 'push-pull', from: this.deps.self, members: this.digest() },
            this.deps.timing.probeTimeoutMs * 4,
          )
          .then((reply) => {
            if (reply?.type === 'push-pull') this.merge(reply.members);
          }),
      );
    }
    if (seed !== undefined) tasks.push(this.pushPullSeed(seed, this.deps.timing.probeTimeoutMs * 4));
    await Promise.all(tasks);
  }
}
