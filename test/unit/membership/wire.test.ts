// The membership wire codec and frames: round trips, and bad bytes as error values, never throws.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodeMessage,
  encodeMessage,
  swimReply,
  swimRequest,
  memberUpdate,
  WireDecodeError,
} from '../../../src/core/membership/wire.js';
import { encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from '../../../src/gossip/frames.js';
import { ProbeTargets, shuffleWith } from '../../../src/core/membership/targets.js';
import { LocalHealth } from '../../../src/core/membership/health.js';
import { expectedConfirmations, FAST_TIMING } from '../../../src/core/membership/timing.js';

describe('membership wire codec', () => {
  it('round-trips every message kind', () => {
    const request = { type: 'ping-req' as const, from: 'a', seq: 3, target: 'b', timeoutMs: 100, suspect: 2 };
    assert.deepEqual(decodeMessage(swimRequest, encodeMessage(request)), request);
    const reply = {
      type: 'push-pull' as const,
      from: 'a',
      members: [{ node: 'b', incarnation: 1, state: 'suspect' as const }],
    };
    assert.deepEqual(decodeMessage(swimReply, encodeMessage(reply)), reply);
    const update = { kind: 'left' as const, node: 'a', incarnation: 4, from: 'a', nonce: 'ab' };
    assert.deepEqual(decodeMessage(memberUpdate, encodeMessage(update)), update);
  });

  it('returns an error value for bad bytes and bad shapes, never throws', () => {
    assert.ok(decodeMessage(swimRequest, new Uint8Array([0xff, 0xfe])) instanceof WireDecodeError);
    assert.ok(
      decodeMessage(swimRequest, new TextEncoder().encode('{"type":"ping","from":"","seq":-1}')) instanceof
        WireDecodeError,
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.jsonValue(), (bytes, json) => {
        decodeMessage(swimRequest, bytes);
        decodeMessage(swimReply, new TextEncoder().encode(JSON.stringify(json)));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('frames', () => {
  it('reassembles frames split and joined arbitrarily', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 8 }),
        fc.array(fc.nat(20), { maxLength: 20 }),
        (payloads, cuts) => {
          const stream = Buffer.concat(payloads.map((p) => encodeFrame(p)));
          const decoder = new FrameDecoder();
          const out: Uint8Array[] = [];
          let offset = 0;
          for (const cut of cuts) {
            out.push(...decoder.push(stream.subarray(offset, offset + cut)));
            offset = Math.min(stream.length, offset + cut);
          }
          out.push(...decoder.push(stream.subarray(offset)));
          assert.deepEqual(
            out.map((f) => Buffer.from(f)),
            payloads.map((p) => Buffer.from(p)),
          );
        },
      ),
    );
  });

  it('refuses an oversized frame', () => {
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, MAX_FRAME_BYTES + 1);
    assert.throws(() => new FrameDecoder().push(header), /exceeds/);
  });
});

describe('probe targets, local health, confirmations', () => {
  it('covers every member once per pass, in shuffled order', () => {
    const targets = new ProbeTargets(shuffleWith(() => 0.3));
    const members = ['a', 'b', 'c', 'd', 'e'];
    const firstPass = [...targets.take(members, 2), ...targets.take(members, 2), ...targets.take(members, 1)];
    assert.deepEqual([...firstPass].sort(), members);
    assert.deepEqual(targets.take(['x'], 3), ['x'], 'never more than there are');
  });

  it('local health scales timeouts and stays within its bounds', () => {
    const health = new LocalHealth(2);
    health.worsen();
    health.worsen();
    health.worsen();
    assert.equal(health.value, 2);
    assert.equal(health.scale(100), 300);
    health.improve();
    health.improve();
    health.improve();
    assert.equal(health.value, 0);
  });

  it('expects no confirmations in clusters too small to give them', () => {
    assert.equal(expectedConfirmations(FAST_TIMING, 3), 0);
    assert.equal(expectedConfirmations(FAST_TIMING, 4), FAST_TIMING.suspicionConfirmations);
  });
});
