// Dissemination: the updates this speaker broadcasts (itself alive or leaving, its suspicions and
// verdicts about others), the updates it receives, and refutation of suspicions about itself.
import type { MemberUpdate } from '../core/membership/wire.js';
import type { LocalHealth } from '../core/membership/health.js';
import type { MemberTable } from './membership-members.js';
import type { LocalMember, MembershipDeps, MemberState } from './membership-types.js';

export class Dissemination {
  /** The incarnation of each member we last broadcast a suspicion about. */
  private readonly suspicionsSent = new Map<string, number>();

  constructor(
    private readonly deps: MembershipDeps,
    private readonly local: LocalMember,
    private readonly members: MemberTable,
    private readonly health: LocalHealth,
  ) {}

  async announceSelf(): Promise<void> {
    await this.deps.transport.broadcast(this.update('alive', this.deps.self, this.local.incarnation));
  }

  async announceLeave(): Promise<void> {
    await this.deps.transport.broadcast(this.update('left', this.deps.self, this.local.incarnation));
  }

  /**
   * Our probes of `node` failed. Tell everyone once per incarnation: the first suspicion starts
   * it elsewhere, later ones are the independent confirmations that shorten it (Lifeguard).
   */
  suspectedByUs(node: string, incarnation: number): void {
    if (this.suspicionsSent.get(node) === incarnation) return;
    this.suspicionsSent.set(node, incarnation);
    void this.deps.transport.broadcast(this.update('suspect', node, incarnation));
  }

  /** A member's host refused our connection: we declared it dead, and everyone should know. */
  refusedByUs(node: string, incarnation: number): void {
    this.suspicionsSent.set(node, incarnation);
    void this.deps.transport.broadcast(this.update('dead', node, incarnation));
  }

  /**
   * A member machine changed state. Our suspicions are broadcast by suspectedByUs(), once per
   * incarnation. A suspicion that timed out is news only from a member whose own probes failed:
   * every member heard the suspicion and runs its own timer, and those timers end within the same
   * millisecond (the same broadcasts started and shortened them), so a verdict from each of them
   * was N broadcasts of N messages each — 38 for one death at 50 members. The probers are a few
   * per round whatever N is, so the verdicts stay a handful.
   */
  verdict(node: string, to: MemberState, reason: string, incarnation: number): void {
    if (to === 'dead' && reason === 'suspicionTimeout' && this.suspicionsSent.get(node) === incarnation)
      void this.deps.transport.broadcast(this.update('dead', node, incarnation));
  }

  /** Applies a disseminated update (or a digest entry treated as one). */
  apply(update: MemberUpdate): void {
    if (update.node === this.deps.self) {
      this.refuteIfNeeded(update.kind, update.incarnation);
      return;
    }
    const contact = { node: update.node, peerId: update.peerId, addrs: update.addrs };
    let member = this.members.get(update.node);
    if (!member) {
      if (update.kind !== 'alive' && update.kind !== 'suspect') return;
      member = this.members.add(contact, update.incarnation);
    } else if ((update.peerId || update.addrs) && update.incarnation >= member.tracker.incarnation) {
      // Only news as fresh as ours may change how we reach a member: a digest that still lists a
      // restarted member's previous incarnation would point our probes at its dead process.
      this.members.updateContact(member, contact);
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
  refuteIfNeeded(kind: MemberUpdate['kind'], incarnation: number): void {
    if (kind === 'alive' || incarnation < this.local.incarnation || !this.local.running) return;
    this.local.incarnation = incarnation + 1;
    this.health.worsen();
    void this.announceSelf();
    // Others may have failed over from us meanwhile: listeners (the speaker) re-assert what we hold.
    this.members.emit({
      node: this.deps.self,
      from: kind,
      to: 'alive',
      reason: 'refutedSuspicionOfSelf',
      incarnation: this.local.incarnation,
    });
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
}
