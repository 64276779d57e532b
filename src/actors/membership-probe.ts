// Probing: SWIM's failure detector. Each round pings a few members (round-robin over a shuffled
// list); a member that does not ack is pinged through `indirectChecks` helpers (ping-req); no ack
// at all makes it suspect, subject to the first-contact grace and Lifeguard's local health. Also
// answers other members' pings and ping-reqs.
import type { FirstContactGrace } from '../core/membership/first-contact.js';
import type { LocalHealth } from '../core/membership/health.js';
import { ProbeTargets, shuffleWith } from '../core/membership/targets.js';
import type { SwimReply, SwimRequest } from '../core/membership/wire.js';
import type { MemberContact } from '../ports/membership-transport.js';
import type { Dissemination } from './membership-dissemination.js';
import type { Member, MemberTable } from './membership-members.js';
import type { LocalMember, MembershipDeps, ProbeOutcome } from './membership-types.js';

/** Extra wait for an indirect probe beyond the helper's own ping timeout (two more hops). */
export const INDIRECT_MARGIN_MS = 30;

export interface ProberParts {
  readonly local: LocalMember;
  readonly members: MemberTable;
  readonly health: LocalHealth;
  readonly firstContact: FirstContactGrace;
  readonly dissemination: Dissemination;
  readonly random: () => number;
}

export class Prober {
  private readonly targets: ProbeTargets;
  /** Members with a probe in flight. */
  private readonly probing = new Set<string>();

  constructor(
    private readonly deps: MembershipDeps,
    private readonly parts: ProberParts,
  ) {
    this.targets = new ProbeTargets(shuffleWith(parts.random));
  }

  /** This round's targets: the next `probeFanout` live members in the shuffled order. */
  nextRound(): string[] {
    const members = this.parts.members;
    const probeable = (m: Member | undefined) =>
      m?.tracker.state === 'alive' || m?.tracker.state === 'suspect';
    return this.targets.take(
      {
        size: members.liveCount() - 1, // without ourselves
        has: (node) => probeable(members.get(node)),
        list: () => [...members.entries()].filter(([, m]) => probeable(m)).map(([node]) => node),
      },
      this.deps.timing.probeFanout,
    );
  }

  /** One SWIM probe at a time per member: direct ping, then ping-req through k others. */
  async probe(node: string): Promise<void> {
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

  /**
   * The member's host refused our connection: its process is gone (killed, crashed, stopped
   * without a leave). That is proof, not silence, so it is declared dead at once — no suspicion
   * to wait out — and the verdict is broadcast. A restarted process rejoins with a higher
   * incarnation.
   */
  refused(node: string): void {
    const member = this.parts.members.get(node);
    const state = member?.tracker.state;
    if (!member || !this.parts.local.running || (state !== 'alive' && state !== 'suspect')) return;
    const incarnation = member.tracker.incarnation;
    member.tracker.send({ type: 'member.probe.failed' });
    member.tracker.send({ type: 'member.dead', incarnation, from: this.deps.self });
    this.parts.dissemination.refusedByUs(node, incarnation);
  }

  /**
   * Our liveness worker stopped hearing the member: suspected at once and told to everyone (the
   * others' own liveness loss, or ours on top of their suspicion, makes it dead at once; see
   * member.machine.ts). Not a verdict: a live member refutes as from any suspicion.
   */
  livenessLost(node: string): void {
    const member = this.parts.members.get(node);
    const state = member?.tracker.state;
    if (!member || !this.parts.local.running || (state !== 'alive' && state !== 'suspect')) return;
    member.tracker.send({ type: 'member.liveness.lost' });
    this.parts.dissemination.suspectedByUs(node, member.tracker.incarnation);
  }

  /** A ping or a ping-req from another member. */
  async answer(
    request: Extract<SwimRequest, { type: 'ping' | 'ping-req' }>,
    contact: MemberContact,
  ): Promise<SwimReply> {
    const { self, transport } = this.deps;
    if (request.type === 'ping') {
      this.parts.members.learn(contact);
      if (request.suspect !== undefined) this.parts.dissemination.refuteIfNeeded('suspect', request.suspect);
      return { type: 'ack', from: self, seq: request.seq, incarnation: this.parts.local.incarnation };
    }
    const target = this.parts.members.get(request.target);
    const reply = target
      ? await transport.request(
          target.contact,
          {
            type: 'ping',
            from: self,
            seq: this.parts.local.nextSeq(),
            ...(request.suspect !== undefined ? { suspect: request.suspect } : {}),
          },
          request.timeoutMs,
        )
      : undefined;
    return reply?.type === 'ack'
      ? { type: 'ack', from: request.target, seq: request.seq, incarnation: reply.incarnation }
      : { type: 'nack', from: self, seq: request.seq };
  }

  private async probeOnce(node: string): Promise<void> {
    const { clock, timing, transport, self } = this.deps;
    const { members, health, local } = this.parts;
    const member = members.get(node);
    if (!member || !local.running || member.tracker.state === 'dead' || member.tracker.state === 'left')
      return;
    const timeout = health.scale(timing.probeTimeoutMs);
    // Tell a suspect that it is suspected, so a live one refutes in this very exchange.
    const suspect = member.tracker.state === 'suspect' ? { suspect: member.tracker.incarnation } : {};
    const started = clock.now();
    const report = (outcome: ProbeOutcome) => this.deps.onProbe?.(node, outcome, clock.now() - started);
    // The direct ack is awaited for the whole probe, helpers' time included: on TCP a lost ping or
    // ack is not gone but retransmitted one RTO (200 ms) later, inside the indirect window. Only
    // the first `timeout` is waited for it alone (memberlist keeps its ack handler as long).
    const direct = transport.request(
      member.contact,
      { type: 'ping', from: self, seq: local.nextSeq(), ...suspect },
      timeout + timeout + INDIRECT_MARGIN_MS,
    );
    const early = await this.within(direct, timeout);
    if (early?.type === 'ack') {
      report('direct');
      this.succeeded(member, early.incarnation);
      return;
    }
    const indirect = this.pickHelpers(node).map((helper) =>
      transport.request(
        helper.contact,
        { type: 'ping-req', from: self, seq: local.nextSeq(), target: node, timeoutMs: timeout, ...suspect },
        timeout + INDIRECT_MARGIN_MS,
      ),
    );
    const acked = await firstAck([direct, ...indirect]);
    if (acked) {
      report(acked.index === 0 ? 'direct' : 'indirect');
      this.succeeded(member, acked.ack.incarnation);
      return;
    }
    const helped = await Promise.all(indirect);
    // stop() may have run while we awaited the probes.
    if (!local.isRunning()) return;
    // Met moments ago: still connecting, or still starting up. Probe it again next round
    // instead of accusing it (core/membership/first-contact.ts).
    if (this.parts.firstContact.excuses(node, clock.now())) {
      report('failed');
      return;
    }
    // Lifeguard: if helpers could not even answer with a nack, the problem may be ours.
    if (!helped.some((r) => r?.type === 'nack')) health.worsen();
    report('failed');
    // Its liveness worker still speaks: the process runs and its main thread ran lately (a long
    // GC or a big reload holds up its answers). Its liveness falling silent will accuse it.
    if (this.deps.liveness?.vouchesFor(node)) return;
    member.tracker.send({ type: 'member.probe.failed' });
    this.parts.dissemination.suspectedByUs(node, member.tracker.incarnation);
  }

  /** The reply if it comes within `ms` on our clock, else undefined (the request runs on). */
  private within(reply: Promise<SwimReply | undefined>, ms: number): Promise<SwimReply | undefined> {
    const { clock } = this.deps;
    return new Promise((resolve) => {
      const timer = clock.setTimeout(() => resolve(undefined), ms);
      void reply.then((r) => {
        clock.clearTimeout(timer);
        resolve(r);
      });
    });
  }

  private succeeded(member: Member, incarnation: number): void {
    this.parts.health.improve();
    member.tracker.send({ type: 'member.alive', incarnation, from: this.deps.self });
    member.tracker.send({ type: 'member.probe.ok' });
  }

  private pickHelpers(target: string): Member[] {
    const others: Member[] = [];
    for (const [n, m] of this.parts.members.entries())
      if (n !== target && m.tracker.state === 'alive') others.push(m);
    return shuffleWith(this.parts.random)(others).slice(0, this.deps.timing.indirectChecks);
  }
}

type Ack = Extract<SwimReply, { type: 'ack' }>;

/** The first ack among `replies` and its index, or undefined once every one is in without an ack. */
function firstAck(
  replies: Promise<SwimReply | undefined>[],
): Promise<{ ack: Ack; index: number } | undefined> {
  return new Promise((resolve) => {
    let pending = replies.length;
    if (pending === 0) resolve(undefined);
    replies.forEach((reply, index) => {
      void reply.then((r) => {
        if (r?.type === 'ack') resolve({ ack: r, index });
        else if (--pending === 0) resolve(undefined);
      });
    });
  });
}
