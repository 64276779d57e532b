// Byte-level helpers shared by the codecs: a growable writer, and addresses to and from bytes.
import type { Ip, IpFamily } from '../net/ip.js';

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(capacity = 256) {
    this.buffer = new Uint8Array(capacity);
    this.view = new DataView(this.buffer.buffer);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  u8(value: number): this {
    this.ensure(1);
    this.buffer[this.length++] = value & 0xff;
    return this;
  }

  u16(value: number): this {
    this.ensure(2);
    this.view.setUint16(this.length, value);
    this.length += 2;
    return this;
  }

  u32(value: number): this {
    this.ensure(4);
    this.view.setUint32(this.length, value >>> 0);
    this.length += 4;
    return this;
  }

  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** Reserves a 2-byte length field; fill it with `patch16` once the length is known. */
  reserve16(): number {
    const at = this.length;
    this.u16(0);
    return at;
  }

  patch16(at: number, value: number): void {
    this.view.setUint16(at, value);
  }

  patch8(at: number, value: number): void {
    this.buffer[at] = value & 0xff;
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

export const viewOf = (bytes: Uint8Array): DataView =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const scratch = new Uint8Array(16);
const scratchView = new DataView(scratch.buffer);

/** `count` bytes at `offset` as the leading bytes of an address of `family` (rest zero). */
export function ipFromBytes(bytes: Uint8Array, offset: number, family: IpFamily, count: number): Ip {
  if (family === 4) {
    let value = 0;
    for (let i = 0; i < 4; i++) value = value * 256 + (i < count ? (bytes[offset + i] ?? 0) : 0);
    return { family, value: BigInt(value) };
  }
  scratch.fill(0);
  scratch.set(bytes.subarray(offset, offset + count));
  return {
    family,
    value: (scratchView.getBigUint64(0) << 64n) | scratchView.getBigUint64(8),
  };
}

/** The first `count` bytes (all by default) of an address in network order. */
export function ipToBytes(ip: Ip, count = ip.family === 4 ? 4 : 16): Uint8Array {
  if (ip.family === 4) {
    const value = Number(ip.value & 0xffffffffn);
    const out = Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
    return out.subarray(0, count);
  }
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, (ip.value >> 64n) & 0xffffffffffffffffn);
  view.setBigUint64(8, ip.value & 0xffffffffffffffffn);
  return out.subarray(0, count);
}

/** An IPv4 address as the IPv4-mapped IPv6 address ::ffff:a.b.c.d (RFC 4291 §2.5.5.2). */
export const ipv4Mapped = (ip: Ip): Ip =>
  ip.family === 6 ? ip : { family: 6, value: (0xffffn << 32n) | (ip.value & 0xffffffffn) };
