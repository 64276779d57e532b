// The real clock: Node's timers and a monotonic time line.
import type { Clock } from '../ports/clock.js';

export const systemClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};
