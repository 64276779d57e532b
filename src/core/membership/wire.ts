// The membership protocol's messages: SWIM probes (ping, ping-req), state exchange (push-pull)
// and the updates disseminated over gossipsub. Decoding never throws: bad bytes are an error value.
import { z } from 'zod';

const nodeName = z.string().min(1).max(253);
const incarnation = z.int().min(0);

export const memberDigest = z.strictObject({
  node: nodeName,
  incarnation,
  state: z.enum(['alive', 'suspect', 'dead', 'left']),
  peerId: z.string().max(200).optional(),
  addrs: z.array(z.string().max(200)).max(16).optional(),
});

export const memberUpdate = z.strictObject({
  /** Makes every broadcast unique, so gossipsub's de-duplication never drops a repeated update. */
  nonce: z.string().max(32).optional(),
  kind: z.enum(['alive', 'suspect', 'dead', 'left']),
  node: nodeName,
  incarnation,
  from: nodeName,
  peerId: z.string().max(200).optional(),
  addrs: z.array(z.string().max(200)).max(16).optional(),
});

export const swimRequest = z.discriminatedUnion('type', [
  // `suspect`: the prober currently suspects the target at this incarnation (Lifeguard's
  // buddy system), so a live target refutes in the same exchange.
  z.strictObject({
    type: z.literal('ping'),
    from: nodeName,
    seq: z.int().min(0),
    suspect: incarnation.optional(),
  }),
  z.strictObject({
    type: z.literal('ping-req'),
    from: nodeName,
    seq: z.int().min(0),
    target: nodeName,
    timeoutMs: z.int().min(1).max(60_000),
    suspect: incarnation.optional(),
  }),
  z.strictObject({
    type: z.literal('push-pull'),
    from: nodeName,
    members: z.array(memberDigest).max(10_000),
  }),
]);

export const swimReply = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ack'), from: nodeName, seq: z.int().min(0), incarnation }),
  z.strictObject({ type: z.literal('nack'), from: nodeName, seq: z.int().min(0) }),
  z.strictObject({
    type: z.literal('push-pull'),
    from: nodeName,
    members: z.array(memberDigest).max(10_000),
  }),
]);

export type MemberDigest = z.infer<typeof memberDigest>;
export type MemberUpdate = z.infer<typeof memberUpdate>;
export type SwimRequest = z.infer<typeof swimRequest>;
export type SwimReply = z.infer<typeof swimReply>;

export class WireDecodeError extends Error {
  override readonly name = 'WireDecodeError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const encodeMessage = (message: SwimRequest | SwimReply | MemberUpdate): Uint8Array =>
  encoder.encode(JSON.stringify(message));

/** Decodes bytes with a schema; returns a WireDecodeError (never throws) on bad input. */
export function decodeMessage<T>(schema: z.ZodType<T>, bytes: Uint8Array): T | WireDecodeError {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    return new WireDecodeError(`not JSON text: ${e instanceof Error ? e.message : String(e)}`);
  }
  const result = schema.safeParse(value);
  return result.success
    ? result.data
    : new WireDecodeError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
}
