// Anti-entropy: full state exchange (push-pull). At start-up with every seed (the join); then
// every `pushPullIntervalMs` with one random live member and one seed, which repairs lost updates
// and re-merges partitions (a member that hears it is considered dead refutes).
import type { MemberDigest, SwimReply, SwimRequest } from '../core/membership/wire.js';
import type { MemberContact } from '../ports/membership-transport.js';
import type { Dissemination } from './membership-dissemination.js';
import type { MemberTable } from './membership-members.js';
import type { LocalMember, MembershipDeps } from './membership-types.js';

export class AntiEntropy {
  constructor(
    private readonly deps: MembershipDeps,
    private readonly local: LocalMember,
    private readonly members: MemberTable,
    private readonly dissemination: Dissemination,
    private readonly random: () => number,
  ) {}

  /**
   * Exchanges state with every seed, each given up to `joinTimeoutMs`: a fresh process's first
   * connections take longer than a probe, and giving up early would leave this speaker alone
   * until the next round.
   */
  async join(): Promise<void> {
    await Promise.all(this.deps.seeds.map((seed) => this.pushPullSeed(seed, this.deps.timing.joinTimeoutMs)));
  }

  /** Push-pull with one random live member and one seed: repairs lost updates, heals partitions. */
  async round(): Promise<void> {
    const live = [...this.members.all()].filter((m) => m.tracker.state === 'alive');
    const peer = live[Math.floor(this.random() * live.length)];
    const seed = this.deps.seeds[Math.floor(this.random() * this.deps.seeds.length)];
    const timeout = this.deps.timing.probeTimeoutMs * 4;
    const tasks: Promise<void>[] = [];
    if (peer) {
      tasks.push(
        this.deps.transport
          .request(peer.contact, this.request(), timeout)
          .then((reply) => this.pulled(reply)),
      );
    }
    if (seed !== undefined) tasks.push(this.pushPullSeed(seed, timeout));
    await Promise.all(tasks);
  }

  /** Another member's push-pull: merge its state, answer with ours. */
  answer(request: Extract<SwimRequest, { type: 'push-pull' }>, contact: MemberContact): SwimReply {
    this.members.learn(contact);
    this.merge(request.members);
    return { type: 'push-pull', from: this.deps.self, members: this.digest() };
  }

  private async pushPullSeed(seed: string, timeoutMs: number): Promise<void> {
    this.pulled(await this.deps.transport.requestSeed(seed, this.request(), timeoutMs));
  }

  private request(): SwimRequest {
    return { type: 'push-pull', from: this.deps.self, members: this.digest() };
  }

  private pulled(reply: SwimReply | undefined): void {
    if (reply?.type === 'push-pull') this.merge(reply.members);
  }

  private digest(): MemberDigest[] {
    const self = this.deps.transport.self;
    const out: MemberDigest[] = [
      {
        node: this.deps.self,
        incarnation: this.local.incarnation,
        state: 'alive',
        ...(self.peerId ? { peerId: self.peerId } : {}),
        ...(self.addrs ? { addrs: [...self.addrs] } : {}),
      },
    ];
    for (const [node, m] of this.members.entries()) {
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
      this.dissemination.apply({
        kind: d.state,
        node: d.node,
        incarnation: d.incarnation,
        from: this.deps.self,
        ...(d.peerId ? { peerId: d.peerId } : {}),
        ...(d.addrs ? { addrs: d.addrs } : {}),
      });
    }
  }
}
