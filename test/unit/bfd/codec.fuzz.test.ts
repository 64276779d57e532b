// Fuzz: 1,000,000 random and mutated control packets through the decoder. No exception may
// escape; every result is a well-formed packet or a typed error naming a field; every reception
// check is reached; a decoded packet re-encodes to the bytes it was read from.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeControlPacket, encodeControlPacket } from '../../../src/core/bfd/codec.js';
import { BfdDecodeError, type BfdDecodeReason } from '../../../src/core/bfd/errors.js';
import { BFD_STATES } from '../../../src/core/bfd/packet.js';
import { packetArbitrary } from './arbitraries.js';
import { captureFiles, capturedPackets } from './captures.js';

const INPUTS = Number(process.env.BFD_FUZZ_INPUTS ?? 1_000_000);
const FIELDS = new Set([
  'version',
  'length',
  'detectMultiplier',
  'multipoint',
  'myDiscriminator',
  'yourDiscriminator',
  'authenticationPresent',
  'authentication.length',
]);

/** xorshift32: fast and reproducible (the seed is printed with the result). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** Valid starting points: every captured payload and packets generated with every kind of auth. */
function seeds(): Uint8Array[] {
  const captured = captureFiles().flatMap((f) => capturedPackets(f).map((p) => p.payload));
  const generated = fc.sample(packetArbitrary, { numRuns: 2000, seed: 5880 }).map(encodeControlPacket);
  return [...captured, ...generated];
}

function mutate(seed: Uint8Array, next: () => number): Uint8Array {
  let bytes = Uint8Array.from(seed);
  const edits = 1 + (next() % 4);
  for (let e = 0; e < edits; e++) {
    const at = bytes.length === 0 ? 0 : next() % bytes.length;
    switch (next() % 7) {
      case 0:
        bytes[at] = (bytes[at] ?? 0) ^ (1 << (next() % 8));
        break;
      case 1:
        bytes[at] = next() & 0xff;
        break;
      case 2:
        bytes = bytes.slice(0, next() % (bytes.length + 1));
        break;
      case 3: {
        const extra = Uint8Array.from({ length: 1 + (next() % 32) }, () => next() & 0xff);
        const grown = new Uint8Array(bytes.length + extra.length);
        grown.set(bytes);
        grown.set(extra, bytes.length);
        bytes = grown;
        break;
      }
      case 4:
        if (bytes.length > 3) bytes[3] = next() & 0xff; // the Length field
        break;
      case 5:
        if (bytes.length > 1) bytes[1] = next() & 0xff; // state and flags
        break;
      default:
        // A zero somewhere: discriminators, detect mult, Auth Len.
        bytes[at] = 0;
    }
  }
  return bytes;
}

function randomPayload(next: () => number): Uint8Array {
  const bytes = Uint8Array.from({ length: next() % 80 }, () => next() & 0xff);
  if (bytes.length > 0 && next() % 2 === 0) bytes[0] = 0x20 | (bytes[0]! & 0x1f); // version 1 half the time
  return bytes;
}

describe('BFD codec: fuzz', () => {
  it(`decodes ${INPUTS.toLocaleString('en')} random and mutated packets without throwing`, () => {
    const seed = Number(process.env.BFD_FUZZ_SEED ?? 0x5880);
    const next = random(seed);
    const valid = seeds();
    const reasons = new Map<BfdDecodeReason, number>();
    let accepted = 0;
    const started = process.hrtime.bigint();
    let decodeNs = 0n;
    for (let i = 0; i < INPUTS; i++) {
      const input = i % 4 === 0 ? randomPayload(next) : mutate(valid[next() % valid.length]!, next);
      const authenticationInUse = next() % 2 === 0;
      const before = process.hrtime.bigint();
      let result;
      try {
        result = decodeControlPacket(input, { authenticationInUse });
      } catch (error) {
        assert.fail(`threw on ${Buffer.from(input).toString('hex')} (seed ${seed}): ${String(error)}`);
      }
      decodeNs += process.hrtime.bigint() - before;
      if (result instanceof BfdDecodeError) {
        assert.ok(FIELDS.has(result.field), result.field);
        reasons.set(result.reason, (reasons.get(result.reason) ?? 0) + 1);
        continue;
      }
      accepted++;
      assert.ok(BFD_STATES.includes(result.state));
      assert.ok(result.detectMultiplier >= 1 && result.myDiscriminator !== 0 && !result.multipoint);
      assert.equal(result.authentication !== undefined, authenticationInUse);
      // What we decoded is what was sent, up to the Length field (when no slack precedes it).
      const again = encodeControlPacket(result);
      if (again.length === input[3])
        assert.deepEqual(Buffer.from(again), Buffer.from(input.subarray(0, again.length)));
    }
    const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(
      `bfd fuzz: ${INPUTS} inputs (seed ${seed}) in ${totalMs.toFixed(0)} ms, decoder alone ` +
        `${(Number(decodeNs) / 1e6).toFixed(0)} ms; accepted ${accepted}; ` +
        [...reasons].map(([r, n]) => `${r} ${n}`).join(', '),
    );
    if (INPUTS >= 100_000) {
      const every: BfdDecodeReason[] = [
        'truncated',
        'unsupportedVersion',
        'lengthTooShort',
        'lengthExceedsPayload',
        'zeroDetectMultiplier',
        'multipointSet',
        'zeroMyDiscriminator',
        'zeroYourDiscriminator',
        'authenticationMismatch',
        'malformedAuthentication',
      ];
      for (const reason of every) assert.ok((reasons.get(reason) ?? 0) > 0, `${reason} never reached`);
      assert.ok(accepted > INPUTS / 50, `only ${accepted} accepted: the mutations are too destructive`);
    }
  });
});
