// The interval arithmetic of RFC 5880 §6.8.2–6.8.4 and §6.8.7, all in microseconds (the unit of
// the packet fields). The session machine decides *when* these apply; the actor applies jitter.

/** §6.8.3: while the session is not Up, bfd.DesiredMinTxInterval is at least one second. */
export const SLOW_DESIRED_MIN_TX_US = 1_000_000;

/** What we advertise in Desired Min TX Interval: the configured value, floored at 1 s unless Up. */
export function advertisedDesiredMinTxUs(configuredUs: number, up: boolean): number {
  return up ? configuredUs : Math.max(configuredUs, SLOW_DESIRED_MIN_TX_US);
}

/** §6.8.2/§6.8.7: we send no faster than we want to, nor than the remote wants to receive.
 * `undefined` when the remote asked for no packets at all (Required Min RX Interval 0). */
export function transmitIntervalUs(desiredMinTxUs: number, remoteMinRxUs: number): number | undefined {
  return remoteMinRxUs === 0 ? undefined : Math.max(desiredMinTxUs, remoteMinRxUs);
}

/** §6.8.4, Asynchronous mode: the remote's Detect Mult times the interval it actually sends at,
 * which is the larger of what we require and what it desires. */
export function detectionTimeUs(
  remoteDetectMultiplier: number,
  localRequiredMinRxUs: number,
  remoteDesiredMinTxUs: number,
): number {
  return remoteDetectMultiplier * Math.max(localRequiredMinRxUs, remoteDesiredMinTxUs);
}

/** §6.8.7: each periodic packet goes out after 75–100 % of the interval, or 75–90 % when our
 * Detect Mult is 1 (so one late packet cannot end the session). */
export function jitterRange(detectMultiplier: number): { readonly min: number; readonly max: number } {
  return { min: 0.75, max: detectMultiplier === 1 ? 0.9 : 1 };
}

/** The delay before the next periodic packet; `random` is uniform in [0, 1). */
export function jitteredIntervalUs(intervalUs: number, detectMultiplier: number, random: number): number {
  const { min, max } = jitterRange(detectMultiplier);
  const clamped = Math.min(Math.max(random, 0), 1);
  return intervalUs * (min + (max - min) * clamped);
}
