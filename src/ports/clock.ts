// Time, injected: real timers in production, xstate's SimulatedClock in tests. The shape matches
// xstate's Clock so one clock drives both machines and actor logic.
export interface Clock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
  /** Milliseconds on this clock's time line. */
  now(): number;
}
