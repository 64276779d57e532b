// Splitting a TCP byte stream into BGP messages (RFC 4271 §4.1): every message starts with 16
// bytes of ones and a 2-byte length covering the whole message (19..4096). A broken marker or an
// impossible length means the stream can no longer be trusted, so framing stops with the
// Message Header Error NOTIFICATION to send.
import { ByteWriter } from './bytes.js';
import { HEADER_LENGTH, MARKER_LENGTH, MAX_MESSAGE_LENGTH } from './constants.js';
import { BgpError, sessionReset } from './errors.js';
import { ErrorCode, HeaderSubcode } from './notification-codes.js';

export interface Frames {
  /** Complete messages, header included, in stream order. */
  readonly messages: Uint8Array[];
  /** The bytes of an incomplete message at the end (empty if none). */
  readonly rest: Uint8Array;
  /** Set when the stream is broken; `messages` holds what came before the broken header. */
  readonly error?: BgpError;
}

/** The length of the message at `offset`, `undefined` if its header is not complete yet, or the error. */
export function readHeaderLength(
  bytes: Uint8Array,
  offset: number,
  maxLength = MAX_MESSAGE_LENGTH,
): number | undefined | BgpError {
  const available = bytes.length - offset;
  // The marker can be refuted before the whole header arrives.
  const markerBytes = Math.min(available, MARKER_LENGTH);
  for (let i = 0; i < markerBytes; i++) {
    if (bytes[offset + i] !== 0xff) {
      return sessionReset(
        'header.marker',
        `byte ${i} of the marker is ${bytes[offset + i] ?? 0}, not 255`,
        ErrorCode.messageHeader,
        HeaderSubcode.connectionNotSynchronized,
      );
    }
  }
  if (available < HEADER_LENGTH) return undefined;
  const high = bytes[offset + 16] ?? 0;
  const low = bytes[offset + 17] ?? 0;
  const length = (high << 8) | low;
  if (length < HEADER_LENGTH || length > maxLength) {
    return sessionReset(
      'header.length',
      `length ${length} is outside ${HEADER_LENGTH}..${maxLength}`,
      ErrorCode.messageHeader,
      HeaderSubcode.badMessageLength,
      Uint8Array.of(high, low),
    );
  }
  return length;
}

/** Complete messages at the front of `buffer` (views into it, not copies) and the rest. */
export function splitMessages(buffer: Uint8Array, maxLength = MAX_MESSAGE_LENGTH): Frames {
  const messages: Uint8Array[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const length = readHeaderLength(buffer, offset, maxLength);
    if (length instanceof BgpError) return { messages, rest: buffer.subarray(offset), error: length };
    if (length === undefined || offset + length > buffer.length) break;
    messages.push(buffer.subarray(offset, offset + length));
    offset += length;
  }
  return { messages, rest: buffer.subarray(offset) };
}

/**
 * Stateful framing for one connection: feed it what the socket delivers, get whole messages.
 * Once the stream is broken it stays broken (the session must be reset) and returns the same error.
 * Messages are views into the chunks given; callers must not reuse a chunk's memory.
 */
export class BgpFramer {
  private pending: Uint8Array = new Uint8Array(0);
  private failure: BgpError | undefined;

  constructor(private readonly maxLength = MAX_MESSAGE_LENGTH) {}

  push(chunk: Uint8Array): { readonly messages: Uint8Array[]; readonly error?: BgpError } {
    if (this.failure) return { messages: [], error: this.failure };
    let buffer = chunk;
    if (this.pending.length > 0) {
      buffer = new Uint8Array(this.pending.length + chunk.length);
      buffer.set(this.pending);
      buffer.set(chunk, this.pending.length);
    }
    const frames = splitMessages(buffer, this.maxLength);
    this.pending = frames.rest;
    if (frames.error) {
      this.failure = frames.error;
      return { messages: frames.messages, error: frames.error };
    }
    return { messages: frames.messages };
  }

  /** Bytes received but not yet part of a complete message. */
  get buffered(): number {
    return this.pending.length;
  }
}

/** A writer positioned after a header for `type`; `finishMessage` fills in the length. */
export function startMessage(type: number, capacity = 64): ByteWriter {
  const writer = new ByteWriter(capacity);
  for (let i = 0; i < MARKER_LENGTH; i++) writer.u8(0xff);
  writer.u16(0);
  writer.u8(type);
  return writer;
}

export function finishMessage(writer: ByteWriter): Uint8Array {
  writer.patch16(MARKER_LENGTH, writer.length);
  return writer.finish();
}
