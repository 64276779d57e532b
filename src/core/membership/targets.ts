// Probe target selection: round-robin over a shuffled list, reshuffled each full pass (SWIM's
// bounded detection time), with the shuffle injected so tests are deterministic.

export class ProbeTargets {
  private order: string[] = [];
  private next = 0;

  constructor(private readonly shuffle: <T>(items: T[]) => T[]) {}

  /** Up to `count` distinct members to probe this round, from those currently probe-able. */
  take(candidates: readonly string[], count: number): string[] {
    const wanted = new Set(candidates);
    const picked: string[] = [];
    let reshuffled = false;
    while (picked.length < Math.min(count, wanted.size)) {
      if (this.next >= this.order.length) {
        if (reshuffled) break;
        this.order = this.shuffle([...wanted]);
        this.next = 0;
        reshuffled = true;
      }
      const candidate = this.order[this.next++];
      if (candidate !== undefined && wanted.has(candidate) && !picked.includes(candidate))
        picked.push(candidate);
    }
    return picked;
  }
}

/** Fisher–Yates with an injected random source in [0, 1). */
export function shuffleWith(random: () => number): <T>(items: T[]) => T[] {
  return <T>(items: T[]): T[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
}
