// Drives stepwise pure work (core/steps.ts) in turns of the event loop: steps run until TURN_MS
// have passed, then a setImmediate pause lets timers and I/O in (gossip probes, ARP answers, BGP
// keepalives) before the next turn. A 10,000-Service configuration took 100-450 ms of one turn
// per pass before; in turns no block is much longer than one step plus TURN_MS.
import type { Steps } from '../core/steps.js';

export const TURN_MS = 10;

/** Resolves in a later turn of the event loop, after pending I/O and timers have run. */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The result of `steps`, or undefined when `abandoned()` turned true at a pause (newer input made
 * the pass stale: it stops there instead of finishing work nobody will use).
 */
export async function runInTurns<T>(
  steps: Steps<T>,
  abandoned: () => boolean = () => false,
  turnMs = TURN_MS,
): Promise<T | undefined> {
  for (;;) {
    const start = performance.now();
    do {
      const next = steps.next();
      if (next.done) return next.value;
    } while (performance.now() - start < turnMs);
    await nextTurn();
    if (abandoned()) {
      steps.return(undefined as T);
      return undefined;
    }
  }
}
