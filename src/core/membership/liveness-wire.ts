// The liveness datagram: a fixed-rate "I am running" from one speaker's liveness worker to
// another's (see docs/design/0008-liveness.md). Small and unauthenticated on purpose: it can only
// speed up a suspicion that SWIM then carries (a forged packet at worst delays the fast path; the
// SWIM probes over the PSK-protected transport still judge). Decoding never throws.

const MAGIC = 0x484c; // "HL"
const VERSION = 1;
/** Longest node name (a DNS name). */
const MAX_NODE = 253;
const HEADER = 2 + 1 + 4 + 4 + 2 + 1;

export interface LivenessPacket {
  /** The sender's node name. */
  readonly node: string;
  /** Random per process: a restarted sender is another process. */
  readonly boot: number;
  readonly seq: number;
  /** How long ago the sender's main thread last showed up in its worker (ms, capped at 65,535). */
  readonly mainAgeMs: number;
}

export function encodeLiveness(p: LivenessPacket): Uint8Array {
  const name = new TextEncoder().encode(p.node);
  if (name.length === 0 || name.length > MAX_NODE) throw new RangeError(`node name of ${name.length} bytes`);
  const out = new Uint8Array(HEADER + name.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, MAGIC);
  view.setUint8(2, VERSION);
  view.setUint32(3, p.boot >>> 0);
  view.setUint32(7, p.seq >>> 0);
  view.setUint16(11, Math.min(0xffff, Math.max(0, Math.round(p.mainAgeMs))));
  view.setUint8(13, name.length);
  out.set(name, HEADER);
  return out;
}

export function decodeLiveness(data: Uint8Array): LivenessPacket | undefined {
  if (data.length < HEADER + 1) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint16(0) !== MAGIC || view.getUint8(2) !== VERSION) return undefined;
  const length = view.getUint8(13);
  if (length === 0 || data.length !== HEADER + length) return undefined;
  let node: string;
  try {
    node = new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(HEADER));
  } catch {
    return undefined;
  }
  return { node, boot: view.getUint32(3), seq: view.getUint32(7), mainAgeMs: view.getUint16(11) };
}
