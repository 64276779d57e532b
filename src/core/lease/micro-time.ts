// Kubernetes MicroTime text: RFC 3339 in UTC with exactly six fractional digits
// (`2025-01-02T03:04:05.678901Z`), the form the apiserver writes for Lease times.

/** Milliseconds since the epoch (fractions kept down to the microsecond) as MicroTime text. */
export function toMicroTime(epochMs: number): string {
  const wholeMs = Math.floor(epochMs);
  // Rounded: at today's epoch a double keeps only about a microsecond of fraction.
  const extraMicros = Math.min(999, Math.round((epochMs - wholeMs) * 1000));
  const iso = new Date(wholeMs).toISOString(); // …T03:04:05.678Z
  return `${iso.slice(0, -1)}${String(extraMicros).padStart(3, '0')}Z`;
}
