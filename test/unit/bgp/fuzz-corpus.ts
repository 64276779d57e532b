// Seeds and mutations for the fuzz test: captured and generated messages, then bit flips,
// truncation, length-field corruption, splices, insertions and random bytes.
import fc from 'fast-check';
import {
  buildAnnouncements,
  buildWithdrawals,
  encodeMessage,
  openFor,
  type BgpMessage,
} from '../../../src/core/bgp/index.js';
import {
  notificationMessage,
  openMessage,
  routeRefreshMessage,
  routeSets,
  updateMessage,
} from './arbitraries.js';
import { loadCaptured } from './helpers.js';

/** mulberry32: small, fast, seedable. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function corpus(seed: number): Uint8Array[] {
  const out = loadCaptured().map((m) => m.bytes);
  const encode = (m: BgpMessage, fourOctetAs = true): Uint8Array =>
    encodeMessage(m, { fourOctetAs, maxMessageLength: 65535 });
  const sample = <T>(arb: fc.Arbitrary<T>, n: number): T[] => fc.sample(arb, { seed, numRuns: n });
  out.push(...sample(updateMessage(true), 150).map((u) => encode(u)));
  out.push(...sample(updateMessage(false), 50).map((u) => encode(u, false)));
  out.push(...sample(openMessage, 40).map((o) => encode(o)));
  out.push(...sample(notificationMessage, 15).map((n) => encode(n)));
  out.push(...sample(routeRefreshMessage, 15).map((r) => encode(r)));
  out.push(
    encode({ type: 'keepalive' }),
    encode(openFor({ asn: 4200000001, holdTime: 3, identifier: 7, capabilities: [] })),
  );
  for (const sets of sample(routeSets(60), 10)) {
    const built = buildAnnouncements(sets);
    if (Array.isArray(built)) out.push(...built.slice(0, 3));
    out.push(...buildWithdrawals(sets.flatMap((s) => s.prefixes)).slice(0, 2));
  }
  return out.filter((m) => m.length <= 4096);
}

const INTERESTING = [
  0, 1, 2, 3, 4, 0x0f, 0x10, 0x1f, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0x90, 0xc0, 0xd0, 0xe0, 0xfe, 0xff,
];
const INTERESTING_16 = [0, 1, 2, 3, 18, 19, 23, 255, 256, 4095, 4096, 4097, 0x7fff, 0xffff];

export type Mutator = (m: Uint8Array, rnd: () => number, pool: readonly Uint8Array[]) => Uint8Array;
const int = (rnd: () => number, n: number): number => Math.floor(rnd() * n);

function randomBytes(length: number, rnd: () => number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = int(rnd, 256);
  return out;
}

const flipBits: Mutator = (m, rnd) => {
  const out = m.slice();
  for (let k = 1 + int(rnd, 8); k > 0 && out.length > 0; k--) {
    const at = int(rnd, out.length);
    out[at] = (out[at] ?? 0) ^ (1 << int(rnd, 8));
  }
  return out;
};
const setBytes: Mutator = (m, rnd) => {
  const out = m.slice();
  for (let k = 1 + int(rnd, 4); k > 0 && out.length > 0; k--) {
    out[int(rnd, out.length)] = rnd() < 0.5 ? int(rnd, 256) : INTERESTING[int(rnd, INTERESTING.length)]!;
  }
  return out;
};
const truncate: Mutator = (m, rnd) => m.slice(0, int(rnd, m.length + 1));
/** Overwrites a 2-byte field with an edge value: usually a length (header, withdrawn, attributes), sometimes anywhere. */
const corruptLength: Mutator = (m, rnd) => {
  const out = m.slice();
  const withdrawn = ((out[19] ?? 0) << 8) | (out[20] ?? 0);
  const offsets = [16, 19, 21 + withdrawn, 28, int(rnd, Math.max(1, out.length - 1))];
  const at = offsets[int(rnd, offsets.length)]!;
  if (at + 1 >= out.length) return out;
  const current = ((out[at] ?? 0) << 8) | (out[at + 1] ?? 0);
  const choice = rnd();
  const value =
    choice < 0.4
      ? INTERESTING_16[int(rnd, INTERESTING_16.length)]!
      : choice < 0.8
        ? current + int(rnd, 9) - 4
        : int(rnd, 65536);
  out[at] = (value >> 8) & 0xff;
  out[at + 1] = value & 0xff;
  return out;
};
const splice: Mutator = (m, rnd, pool) => {
  const other = pool[int(rnd, pool.length)]!;
  const head = m.subarray(0, int(rnd, m.length + 1));
  const tail = other.subarray(int(rnd, other.length + 1));
  const joined = new Uint8Array(head.length + tail.length);
  joined.set(head);
  joined.set(tail, head.length);
  return joined;
};
const insertOrDelete: Mutator = (m, rnd) => {
  const at = int(rnd, m.length + 1);
  if (rnd() < 0.5) {
    const extra = randomBytes(1 + int(rnd, 8), rnd);
    const out = new Uint8Array(m.length + extra.length);
    out.set(m.subarray(0, at));
    out.set(extra, at);
    out.set(m.subarray(at), at + extra.length);
    return out;
  }
  const count = 1 + int(rnd, 8);
  const out = new Uint8Array(Math.max(0, m.length - count));
  out.set(m.subarray(0, at).subarray(0, out.length));
  if (at < out.length) out.set(m.subarray(at + count, at + count + out.length - at), at);
  return out;
};
const randomMessage: Mutator = (_m, rnd) => {
  const out = randomBytes(19 + int(rnd, 200), rnd);
  out.fill(0xff, 0, 16);
  out[18] = 1 + int(rnd, 5);
  return out;
};

export const MUTATORS: readonly Mutator[] = [
  flipBits,
  setBytes,
  truncate,
  corruptLength,
  splice,
  insertOrDelete,
  randomMessage,
];

/** A mutated message; with `fixHeader`, marker and length made valid so the body decoders see it. */
export function mutate(pool: readonly Uint8Array[], rnd: () => number, fixHeader: boolean): Uint8Array {
  let m = pool[int(rnd, pool.length)]!;
  for (let k = 1 + int(rnd, 3); k > 0; k--) m = MUTATORS[int(rnd, MUTATORS.length)]!(m, rnd, pool);
  if (fixHeader && m.length >= 19 && m.length <= 65535) {
    // Every mutator returns a fresh array, so this never touches the pool.
    m.fill(0xff, 0, 16);
    m[16] = m.length >> 8;
    m[17] = m.length & 0xff;
  }
  return m;
}
