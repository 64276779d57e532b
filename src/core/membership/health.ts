// Lifeguard's local health multiplier: a speaker that misses its own deadlines (CPU starved,
// GC pauses, a slow network card) probes more slowly and waits longer before accusing others,
// instead of declaring healthy members dead.

export class LocalHealth {
  private score = 0;

  constructor(private readonly max: number) {}

  /** A probe we sent failed, or we had to refute a suspicion about ourselves. */
  worsen(): void {
    this.score = Math.min(this.max, this.score + 1);
  }

  /** A probe round succeeded. */
  improve(): void {
    this.score = Math.max(0, this.score - 1);
  }

  get value(): number {
    return this.score;
  }

  /** Multiplier for probe intervals and timeouts. */
  scale(ms: number): number {
    return ms * (this.score + 1);
  }
}
