// IP addresses and prefixes as big integers, so pools of any size (an IPv6 /64, an IPv4 /8)
// can be compared, intersected and counted without enumerating them.
import ipaddr from 'ipaddr.js';

export type IpFamily = 4 | 6;

export interface Ip {
  readonly family: IpFamily;
  readonly value: bigint;
}

export interface Prefix {
  readonly family: IpFamily;
  /** The network address (host bits zero). */
  readonly base: bigint;
  readonly length: number;
}

export const familyBits = (family: IpFamily): number => (family === 4 ? 32 : 128);

/** Parses an address the way Go's net.ParseIP / netip does: dotted quad or IPv6 text, nothing looser. */
export function parseIp(text: string): Ip | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed !== text.trim() || /\s/.test(trimmed)) return undefined;
  if (trimmed.includes(':')) {
    if (!ipaddr.IPv6.isValid(trimmed) || trimmed.includes('%')) return undefined;
    const parsed = ipaddr.IPv6.parse(trimmed);
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is an IPv4 address, as in Go.
    if (parsed.isIPv4MappedAddress()) return fromBytes(4, parsed.toIPv4Address().toByteArray());
    return fromBytes(6, parsed.toByteArray());
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(trimmed)) return undefined;
  if (trimmed.split('.').some((part) => part.length > 1 && part.startsWith('0'))) return undefined;
  return fromBytes(4, ipaddr.IPv4.parse(trimmed).toByteArray());
}

function fromBytes(family: IpFamily, bytes: number[]): Ip {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return { family, value };
}

/** Parses `a.b.c.d/n` or `x::/n`. With `strict`, host bits must be zero. */
export function parsePrefix(text: string, strict = false): Prefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const lengthText = text.slice(slash + 1).trim();
  if (!ip || !/^\d{1,3}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  if (length > familyBits(ip.family)) return undefined;
  const base = ip.value & prefixMask(ip.family, length);
  if (strict && base !== ip.value) return undefined;
  return { family: ip.family, base, length };
}

export function prefixMask(family: IpFamily, length: number): bigint {
  const bits = BigInt(familyBits(family));
  const all = (1n << bits) - 1n;
  return (all >> BigInt(length)) ^ all;
}

export const prefixSize = (prefix: Prefix): bigint => 1n << BigInt(familyBits(prefix.family) - prefix.length);
export const prefixLast = (prefix: Prefix): bigint => prefix.base + prefixSize(prefix) - 1n;

export function prefixContains(prefix: Prefix, ip: Ip): boolean {
  return prefix.family === ip.family && ip.value >= prefix.base && ip.value <= prefixLast(prefix);
}

export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  return a.family === b.family && a.base <= prefixLast(b) && b.base <= prefixLast(a);
}

/** The smallest set of CIDRs that covers exactly [first, last] (both inclusive). */
export function summarizeRange(family: IpFamily, first: bigint, last: bigint): Prefix[] {
  const bits = familyBits(family);
  const out: Prefix[] = [];
  let cursor = first;
  while (cursor <= last) {
    // Largest block aligned at cursor that does not run past `last`.
    let hostBits = 0;
    while (hostBits < bits) {
      const size = 1n << BigInt(hostBits + 1);
      if (cursor % size !== 0n || cursor + size - 1n > last) break;
      hostBits += 1;
    }
    out.push({ family, base: cursor, length: bits - hostBits });
    cursor += 1n << BigInt(hostBits);
  }
  return out;
}

export function formatIp(ip: Ip): string {
  if (ip.family === 4) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((shift) => String((v >> shift) & 0xffn)).join('.');
  }
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((ip.value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

export const formatPrefix = (prefix: Prefix): string =>
  `${formatIp({ family: prefix.family, value: prefix.base })}/${prefix.length}`;

export const sameIp = (a: Ip, b: Ip): boolean => a.family === b.family && a.value === b.value;

export const compareIp = (a: Ip, b: Ip): number =>
  a.family !== b.family ? a.family - b.family : a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
