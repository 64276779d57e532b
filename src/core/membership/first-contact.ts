// First-contact grace. A member we have just discovered, or that came back as a new process (a
// restart generates a new peer id), is still starting: its first connections (TCP, the private
// network's handshake, noise, yamux) and its start-up work (configuration, a cold JIT) make it
// answer later than a probe timeout on a busy machine — even after a first quick ack. So for
// `graceMs` after we met it, a failed probe of such a member is excused: no suspicion, no blame
// on our own local health; the next round probes it again. A member that stays silent is
// suspected when the grace ends; members met longer ago are judged exactly as before, so a frozen
// or cut member is detected as fast as ever. Each process of a member gets one grace at most, so
// contact details that flip between two processes (two speakers with one name) cannot keep a
// member excused.

/** How many processes (peer ids) per member are remembered as already met. */
const REMEMBERED_PROCESSES = 8;

export class FirstContactGrace {
  /** When we met each member whose grace may still run. */
  private readonly metAt = new Map<string, number>();
  /** The processes of each member already met, oldest first. */
  private readonly processes = new Map<string, string[]>();

  constructor(private readonly graceMs: number) {}

  /**
   * We met `node`, run by `process` (its peer id, when known): its first meeting starts a grace.
   * Without a process, every call starts one (a member discovered before its peer id is known).
   */
  met(node: string, now: number, process?: string): void {
    if (process !== undefined && !this.remember(node, process)) return;
    this.metAt.set(node, now);
  }

  /** `process` runs `node`, and we have met it already (its peer id arrived later). */
  identify(node: string, process: string): void {
    this.remember(node, process);
  }

  /** A verdict (dead, left) or a closed connection ends the grace. */
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

  /** Records a process of `node`; false when it was known already. */
  private remember(node: string, process: string): boolean {
    const known = this.processes.get(node) ?? [];
    if (known.includes(process)) return false;
    this.processes.set(node, [...known, process].slice(-REMEMBERED_PROCESSES));
    return true;
  }
}
