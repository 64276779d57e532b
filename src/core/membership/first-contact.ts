// First-contact grace. A member we have just discovered, or that came back as a new process
// (rejoined with a higher incarnation), is still starting: its first connections (TCP, the
// private network's handshake, noise, yamux) and its start-up work (configuration, a cold JIT)
// make it answer later than a probe timeout on a busy machine — even after a first quick ack.
// So for `graceMs` after we met it, a failed probe of such a member is excused: no suspicion,
// no blame on our own local health; the next round probes it again. A member that stays silent
// is suspected when the grace ends; members met longer ago are judged exactly as before, so a
// frozen or cut member is detected as fast as ever.

export class FirstContactGrace {
  /** When we met each member whose grace may still run. */
  private readonly metAt = new Map<string, number>();

  constructor(private readonly graceMs: number) {}

  /** A member was discovered, or came back as a new process. */
  met(node: string, now: number): void {
    this.metAt.set(node, now);
  }

  /** A verdict (dead, left) ends the grace; a later return starts a new one. */
  forget(node: string): void {
    this.metAt.delete(node);
  }

  /** Whether a failed probe of `node` at `now` is excused (first contact still being made). */
  excuses(node: string, now: number): boolean {
    const met = this.metAt.get(node);
    if (met === undefined) return false;
    if (now - met < this.graceMs) return true;
    this.metAt.delete(node);
    return false;
  }

  /** Members still in their grace at `now` (for status pages and tests). */
  pending(now: number): string[] {
    return [...this.metAt].filter(([, met]) => now - met < this.graceMs).map(([node]) => node);
  }
}
