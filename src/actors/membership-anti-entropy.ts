// Anti-entropy: full state exchange (push-pull). At start-up with a few seeds (the join); then
// every push-pull interval (stretched with the cluster's size, core/membership/timing.ts) with one
// random live member, which repairs lost updates, and with one seed that is not a live member in
// our view. A seed we hold alive adds nothing the random exchange does not: skipping it keeps the
// seeds from being every member's partner at once (at 200 members the seeds sent 1.3 MiB/s each).
// Partitions re-merge through reconnect(): at the base interval, with members held dead (a member
// that hears it is considered dead refutes).
import { shuffleWith } from '../core/membership/targets.js';
import { pushPullIntervalMs } from '../core/membership/timing.js';
import type { MemberDigest, SwimReply, SwimRequest } from '../core/membership/wire.js';
import type { MemberContact } from '../ports/membership-transport.js';
import type { Dissemination } from './membership-dissemination.js';
import type { MemberTable } from './membership-members.js';
import type { LocalMember, MembershipDeps } from './membership-types.js';

/** Seeds a join exchanges state with before it tries the others. */
export const JOIN_SEEDS = 3;

export class AntiEntropy {
  /** The member that answered at each seed address (learned from its push-pull reply). */
  private readonly seedNodes = new Map<string, string>();

  constructor(
    private readonly deps: MembershipDeps,
    private readonly local: LocalMember,
    private readonly members: MemberTable,
    private readonly dissemination: Dissemination,
    private readonly random: () => number,
  ) {}

  /**
   * Exchanges state with up to JOIN_SEEDS random seeds, each given up to `joinTimeoutMs` (a fresh
   * process's first connections take longer than a probe); only if none of them answers, with all
   * the others. One answer from a formed cluster brings every member: on Kubernetes the seeds are
   * every Node, and a join with all of them was one full state exchange per node — about 300 MB
   * for one starting speaker at 1,000 nodes.
   */
  async join(): Promise<void> {
    const seeds = shuffleWith(this.random)([...this.deps.seeds]);
    const first = await Promise.all(seeds.slice(0, JOIN_SEEDS).map((seed) => this.joinThrough(seed)));
    if (first.some(Boolean)) return;
    await Promise.all(seeds.slice(JOIN_SEEDS).map((seed) => this.joinThrough(seed)));
  }

  /** Push-pull with one random live member (repairs lost updates) and a seed we do not hold alive. */
  async round(): Promise<void> {
    const live = [...this.members.all()].filter((m) => m.tracker.state === 'alive');
    const peer = live[Math.floor(this.random() * live.length)];
    const seeds = this.seedsToRetry();
    const seed = seeds[Math.floor(this.random() * seeds.length)];
    const timeout = this.deps.timing.probeTimeoutMs * 4;
    const tasks: Promise<void>[] = [];
    if (peer) {
      tasks.push(
        this.deps.transport
          .request(peer.contact, this.request(), timeout)
          .then((reply) => this.pulled(reply)),
      );
    }
    if (seed !== undefined) tasks.push(this.pushPullSeed(seed, timeout).then(() => undefined));
    await Promise.all(tasks);
  }

  /**
   * Serf's reconnect: push-pull with one random member we hold dead, with probability dead / alive,
   * so the cluster as a whole tries each dead member about once per base interval whatever its
   * size. After a partition heals, a member that hears it is held dead refutes at once, instead
   * of waiting for a seed exchange at the stretched interval.
   */
  async reconnect(): Promise<void> {
    const dead = [...this.members.all()].filter((m) => m.tracker.state === 'dead');
    if (dead.length === 0 || this.random() >= dead.length / this.members.liveCount()) return;
    const target = dead[Math.floor(this.random() * dead.length)];
    if (!target) return;
    const reply = await this.deps.transport.request(
      target.contact,
      this.request(),
      this.deps.timing.probeTimeoutMs * 4,
    );
    this.pulled(reply);
  }

  /** The interval to the next round: the cluster as we see it now (us and every member alive or suspect). */
  intervalMs(): number {
    return pushPullIntervalMs(this.deps.timing, this.members.liveCount());
  }

  /** Another member's push-pull: merge its state, answer with ours. */
  answer(request: Extract<SwimRequest, { type: 'push-pull' }>, contact: MemberContact): SwimReply {
    this.members.learn(contact);
    this.merge(request.members);
    return { type: 'push-pull', from: this.deps.self, members: this.digest() };
  }

  private async pushPullSeed(seed: string, timeoutMs: number): Promise<boolean> {
    const reply = await this.deps.transport.requestSeed(seed, this.request(), timeoutMs);
    if (reply) this.seedNodes.set(seed, reply.from);
    this.pulled(reply);
    return reply !== undefined;
  }

  private joinThrough(seed: string): Promise<boolean> {
    return this.pushPullSeed(seed, this.deps.timing.joinTimeoutMs);
  }

  /**
   * Seeds worth a state exchange this round: those whose member we hold dead or gone, and, while
   * no seed we know is alive (never joined), those never heard from.
   */
  private seedsToRetry(): string[] {
    const anyLive = this.deps.seeds.some((s) => this.isLiveMember(this.seedNodes.get(s)));
    return this.deps.seeds.filter((s) => {
      const node = this.seedNodes.get(s);
      return node === undefined ? !anyLive : !this.isLiveMember(node);
    });
  }

  private isLiveMember(node: string | undefined): boolean {
    const state = node === undefined ? undefined : this.members.get(node)?.tracker.state;
    return state === 'alive' || state === 'suspect';
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
      if (this.isNoNews(d)) continue;
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

  /**
   * A digest entry that cannot change anything: older than what we hold, or the same live
   * incarnation with the same contact details. Applying it would only run the member machine
   * for nothing (a push-pull with 1,000 members is 1,000 entries, nearly all of them this).
   */
  private isNoNews(d: MemberDigest): boolean {
    const member = this.members.get(d.node);
    if (!member || d.node === this.deps.self) return false;
    const held = member.tracker.incarnation;
    if (d.incarnation < held) return true;
    const sameContact =
      (d.peerId === undefined || d.peerId === member.contact.peerId) &&
      (d.addrs === undefined || d.addrs.join() === (member.contact.addrs ?? []).join());
    return d.state === 'alive' && d.incarnation === held && sameContact;
  }
}
