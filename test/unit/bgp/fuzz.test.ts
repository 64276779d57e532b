// Fuzzing: FUZZ_MESSAGES (default 1,000,000) random and mutated messages into each decoder — the
// framer, the message decoder, the UPDATE decoder. No exception may escape; every result must be
// a message or a typed BgpError; a decoded message must survive re-encoding. FUZZ_SEED repeats a run.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { describe, it } from 'node:test';
import {
  BgpError,
  BgpFramer,
  decodeMessage,
  decodeUpdate,
  encodeMessage,
  type BgpMessage,
  type DecodeOptions,
} from '../../../src/core/bgp/index.js';
import { corpus, mutate, random } from './fuzz-corpus.js';

const COUNT = Number(process.env.FUZZ_MESSAGES ?? 1_000_000);
const SEED = Number(process.env.FUZZ_SEED ?? 0x48524c44);
const pool = corpus(SEED);
const TYPES = new Set(['open', 'update', 'notification', 'keepalive', 'route-refresh']);
const ACTIONS = new Set(['session-reset', 'treat-as-withdraw', 'attribute-discard']);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function checkError(e: BgpError, fatal: boolean): void {
  if (!(e instanceof BgpError)) throw new Error('not a BgpError');
  if (!ACTIONS.has(e.action) || (fatal && e.action !== 'session-reset'))
    throw new Error(`action ${e.action}`);
  if (e.field.length === 0 || e.detail.length === 0) throw new Error('error without field or detail');
  const { code, data } = e.notification;
  if (code < 1 || code > 7 || !(data instanceof Uint8Array)) throw new Error(`notification ${code}`);
}

function checkResult(result: BgpMessage | BgpError): void {
  if (result instanceof BgpError) return checkError(result, true);
  if (!TYPES.has(result.type)) throw new Error(`type ${result.type}`);
  if (result.type === 'update') for (const issue of result.issues ?? []) checkError(issue, false);
}

/** decode(encode(m)) = m for a decoded message with nothing discarded. */
function checkReencoding(result: BgpMessage | BgpError, options: DecodeOptions): void {
  if (result instanceof BgpError || (result.type === 'update' && result.issues)) return;
  const again = decodeMessage(encodeMessage(result, { ...options, maxMessageLength: 65535 }), {
    ...options,
    maxMessageLength: 65535,
  });
  if (!isDeepStrictEqual(again, result)) throw new Error('re-encoding changed the message');
}

interface Tally {
  values: number;
  errors: number;
}

function run(
  name: string,
  body: (rnd: () => number, tally: Tally, i: number) => Uint8Array | undefined,
): void {
  const rnd = random(SEED ^ name.length);
  const tally: Tally = { values: 0, errors: 0 };
  const started = performance.now();
  for (let i = 0; i < COUNT; i++) {
    let input: Uint8Array | undefined;
    try {
      input = body(rnd, tally, i);
    } catch (error) {
      assert.fail(
        `${name}: ${String(error)} on message ${i} (FUZZ_SEED=${SEED})${input ? `: ${hex(input)}` : ''}`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `# fuzz ${name}: ${COUNT} inputs in ${seconds.toFixed(2)} s (${Math.round(COUNT / seconds)}/s): ${tally.values} decoded, ${tally.errors} typed errors`,
  );
  // Both outcomes must be common, or the mutations are not reaching the decoder.
  assert.ok(tally.values > COUNT / 50 && tally.errors > COUNT / 50, JSON.stringify(tally));
}

describe(`fuzzing the BGP decoders with ${COUNT} inputs each (seed ${SEED})`, () => {
  it('framer: whole streams of mutated messages, in random chunks', () => {
    let current: Uint8Array | undefined;
    run('framer', (rnd, tally) => {
      const parts = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => mutate(pool, rnd, rnd() < 0.8));
      const stream = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((at, p) => (stream.set(p, at), at + p.length), 0);
      current = stream;
      const framer = new BgpFramer();
      const cut = Math.floor(rnd() * (stream.length + 1));
      for (const chunk of [stream.subarray(0, cut), stream.subarray(cut)]) {
        const result = framer.push(chunk);
        for (const m of result.messages) {
          if (
            m.length < 19 ||
            ((m[16]! << 8) | m[17]!) !== m.length ||
            m.subarray(0, 16).some((b) => b !== 0xff)
          ) {
            throw new Error('framer returned a broken message');
          }
          tally.values++;
        }
        if (result.error) {
          checkError(result.error, true);
          tally.errors++;
        }
      }
      return current;
    });
  });

  it('message decoder: every type, with and without a valid header', () => {
    run('decodeMessage', (rnd, tally, i) => {
      const input = mutate(pool, rnd, rnd() < 0.8);
      const options: DecodeOptions = {
        fourOctetAs: rnd() < 0.7,
        peer: rnd() < 0.5 ? 'external' : 'internal',
      };
      const result = decodeMessage(input, options);
      checkResult(result);
      if (result instanceof BgpError) tally.errors++;
      else tally.values++;
      if (i % 16 === 0) checkReencoding(result, options);
      return input;
    });
  });

  it('UPDATE decoder: mutated UPDATEs with a valid header', () => {
    run('decodeUpdate', (rnd, tally, i) => {
      let input = mutate(pool, rnd, true);
      if (input.length < 23) {
        const padded = new Uint8Array(23);
        padded.set(input);
        input = padded;
      }
      input.fill(0xff, 0, 16);
      input[16] = input.length >> 8;
      input[17] = input.length & 0xff;
      input[18] = 2;
      const options: DecodeOptions = { fourOctetAs: rnd() < 0.7, peer: rnd() < 0.3 ? 'external' : undefined };
      const result = decodeUpdate(input, options);
      checkResult(result);
      if (result instanceof BgpError) tally.errors++;
      else tally.values++;
      if (i % 16 === 0) checkReencoding(result, options);
      return input;
    });
  });
});
