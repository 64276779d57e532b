// Length-prefixed frames (uint32 big-endian length, then the payload) on a byte stream, so many
// request/response pairs can share one long-lived libp2p stream.

export const MAX_FRAME_BYTES = 1 << 20;

export function encodeFrame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}

export class FrameDecoder {
  private buffer = new Uint8Array(0);

  /** Adds bytes; returns every complete frame. Throws on a frame above MAX_FRAME_BYTES. */
  push(chunk: Uint8Array): Uint8Array[] {
    const merged = new Uint8Array(this.buffer.length + chunk.length);
    merged.set(this.buffer);
    merged.set(chunk, this.buffer.length);
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (merged.length - offset >= 4) {
      const length = new DataView(merged.buffer, merged.byteOffset + offset).getUint32(0);
      if (length > MAX_FRAME_BYTES) throw new Error(`frame of ${length} bytes exceeds ${MAX_FRAME_BYTES}`);
      if (merged.length - offset - 4 < length) break;
      frames.push(merged.slice(offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    this.buffer = merged.slice(offset);
    return frames;
  }
}
