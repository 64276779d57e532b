// The member table: one member machine (tracker) and the contact details per remote speaker, the
// views the speaker reads (alive nodes, states), and the change feed with reasons.
import type { FirstContactGrace } from '../core/membership/first-contact.js';
import { mergeContact } from '../core/membership/contact.js';
import { expectedConfirmations } from '../core/membership/timing.js';
import type { MemberContact } from '../ports/membership-transport.js';
import type { MemberChange, MembershipDeps, MemberState, MemberTracker } from './membership-types.js';

export interface Member {
  readonly tracker: MemberTracker;
  contact: MemberContact;
}

/** A member's own verdict changed (for dissemination: our verdicts are news for the others). */
export type VerdictHook = (node: string, to: MemberState, reason: string, incarnation: number) => void;

export class MemberTable {
  private readonly members = new Map<string, Member>();
  private readonly listeners = new Set<(change: MemberChange) => void>();
  private readonly lastState = new Map<string, MemberState>();
  /** Members alive or suspect in lastState: K is asked for on every suspicion event, in O(1). */
  private liveMembers = 0;

  constructor(
    private readonly deps: MembershipDeps,
    private readonly firstContact: FirstContactGrace,
    private readonly onVerdict: VerdictHook,
  ) {}

  get size(): number {
    return this.members.size;
  }

  get(node: string): Member | undefined {
    return this.members.get(node);
  }

  all(): IterableIterator<Member> {
    return this.members.values();
  }

  entries(): IterableIterator<[string, Member]> {
    return this.members.entries();
  }

  /** How many nodes count as alive: aliveNodes().size without building the set. */
  liveCount(): number {
    return 1 + this.liveMembers;
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

  onChange(listener: (change: MemberChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Contact details from the transport itself (the peer that sent a request): authentic. */
  learn(contact: MemberContact): void {
    this.deps.transport.remember(contact);
    const member = this.members.get(contact.node);
    if (member) this.updateContact(member, contact);
  }

  /**
   * A member's new contact details. Another peer id under the same name is another process (a
   * restart generates a new key): met for the first time, it gets a first-contact grace.
   */
  updateContact(member: Member, contact: MemberContact): void {
    const known = member.contact.peerId;
    const node = member.contact.node;
    if (contact.peerId !== undefined && contact.peerId !== known) {
      if (known === undefined) this.firstContact.identify(node, contact.peerId);
      else this.firstContact.met(node, this.deps.clock.now(), contact.peerId);
    }
    member.contact = mergeContact(member.contact, contact);
  }

  add(contact: MemberContact, incarnation: number): Member {
    const node = contact.node;
    const tracker = this.deps.createTracker({
      node,
      self: this.deps.self,
      incarnation,
      expectedConfirmations: () => expectedConfirmations(this.deps.timing, this.liveCount()),
      onChange: (to, reason, inc) => this.changed(node, to, reason, inc),
    });
    const member: Member = { tracker, contact };
    this.members.set(node, member);
    this.firstContact.met(node, this.deps.clock.now(), contact.peerId);
    this.emit({ node, from: 'unknown', to: tracker.state, reason: 'discovered', incarnation });
    return member;
  }

  emit(change: MemberChange): void {
    if (change.from === 'unknown') this.setLastState(change.node, change.to);
    for (const listener of this.listeners) listener(change);
  }

  stopAll(): void {
    for (const m of this.members.values()) m.tracker.stop();
  }

  private changed(node: string, to: MemberState, reason: string, incarnation: number): void {
    const from = this.lastState.get(node) ?? 'unknown';
    this.setLastState(node, to);
    if (from === to) return;
    if (to === 'dead' || to === 'left') this.firstContact.forget(node);
    this.emit({ node, from, to, reason, incarnation });
    this.onVerdict(node, to, reason, incarnation);
  }

  private setLastState(node: string, to: MemberState): void {
    const isLive = (state: MemberState | undefined) => state === 'alive' || state === 'suspect';
    this.liveMembers += Number(isLive(to)) - Number(isLive(this.lastState.get(node)));
    this.lastState.set(node, to);
  }
}
