// A simulated clock that runs each timer at its own due time. xstate's SimulatedClock jumps to the
// end of an increment first, so timers set by callbacks (a packet's delivery, the next periodic
// packet) start late; between two actors exchanging packets that blurs every timing under test.
import type { Clock } from '../../../src/ports/clock.js';

interface Timer {
  readonly due: number;
  readonly fn: () => void;
}

export class SteppingClock implements Clock {
  private current = 0;
  private nextId = 0;
  private readonly timers = new Map<number, Timer>();

  now(): number {
    return this.current;
  }

  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    const id = this.nextId++;
    this.timers.set(id, { due: this.current + Math.max(0, timeout), fn: () => fn() });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }

  /** Runs every timer due within `ms`, in due order (ties: the order they were set), each at its
   * due time; then stands at now + ms. */
  advance(ms: number): void {
    const end = this.current + ms;
    for (let steps = 0; ; steps++) {
      if (steps > 1_000_000) throw new Error('timers keep firing without time passing');
      let nextId: number | undefined;
      let next: Timer | undefined;
      for (const [id, timer] of this.timers) {
        if (timer.due <= end && (!next || timer.due < next.due)) {
          nextId = id;
          next = timer;
        }
      }
      if (nextId === undefined || !next) break;
      this.timers.delete(nextId);
      this.current = next.due;
      next.fn();
    }
    this.current = end;
  }
}
