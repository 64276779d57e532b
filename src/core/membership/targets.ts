// Probe target selection: round-robin over a shuffled list, reshuffled each full pass (SWIM's
// bounded detection time), with the shuffle injected so tests are deterministic.

/**
 * The members that may be probed now (alive or suspect), asked one by one: a round needs only a
 * few of them, so a member with 1,000 peers must not build the whole list 7 times a second.
 */
export interface ProbePool {
  /** How many members are probe-able. */
  readonly size: number;
  has(node: string): boolean;
  /** All of them, read only when a pass ends and the next one is shuffled. */
  list(): string[];
}

export class ProbeTargets {
  private order: string[] = [];
  private next = 0;

  constructor(private readonly shuffle: <T>(items: T[]) => T[]) {}

  /** Up to `count` distinct members to probe this round, from those currently probe-able. */
  take(candidates: readonly string[] | ProbePool, count: number): string[] {
    const pool = 'has' in candidates ? candidates : poolOf(candidates);
    const picked: string[] = [];
    let reshuffled = false;
    while (picked.length < Math.min(count, pool.size)) {
      if (this.next >= this.order.length) {
        if (reshuffled) break;
        this.order = this.shuffle(pool.list());
        this.next = 0;
        reshuffled = true;
      }
      const candidate = this.order[this.next++];
      if (candidate !== undefined && pool.has(candidate) && !picked.includes(candidate))
        picked.push(candidate);
    }
    return picked;
  }
}

function poolOf(candidates: readonly string[]): ProbePool {
  const set = new Set(candidates);
  return { size: set.size, has: (node) => set.has(node), list: () => [...set] };
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
