// Stepwise pure work: a generator that yields (nothing) between units of work and returns its
// result. Pure modules offer their long passes in this form so that a caller on an event loop can
// pause between units (the speaker drives them in short turns, app/turns.ts); everyone else runs
// them to the end at once with runSteps(), getting exactly what the one-shot function returned.
export type Steps<T> = Generator<void, T, undefined>;

/** Runs every step now and returns the result. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
