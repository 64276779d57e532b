// Shared by the BGP codec tests: the captured fixtures, and small conversions for assertions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionName, Speaker } from '../../support/bgp-capture/lab.js';
import {
  formatIp,
  formatPrefix,
  parseIp,
  parsePrefix,
  type Ip,
  type Prefix,
} from '../../../src/core/net/ip.js';
import { isBgpError, type BgpError } from '../../../src/core/bgp/errors.js';
import { decodeMessage, type BgpMessage, type DecodeOptions } from '../../../src/core/bgp/message.js';

export interface Captured {
  readonly id: string;
  readonly from: Speaker;
  readonly session: SessionName;
  readonly phase: 'establish' | 'withdraw' | 'refresh' | 'shutdown';
  readonly type: string;
  readonly description: string;
  readonly bytes: Uint8Array;
}

export function loadCaptured(): Captured[] {
  const file = join(import.meta.dirname, '..', '..', 'fixtures', 'bgp', 'captured.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
    messages: (Omit<Captured, 'bytes'> & { hex: string })[];
  };
  return parsed.messages.map(({ hex, ...rest }) => ({
    ...rest,
    bytes: Uint8Array.from(Buffer.from(hex, 'hex')),
  }));
}

/** The 2-octet session decodes AS numbers as 2 bytes; the others as 4. */
export const optionsFor = (m: Captured): DecodeOptions => ({ fourOctetAs: m.session !== 'ibgp4' });

export function decoded<T extends BgpMessage['type']>(
  m: Captured,
  type: T,
): Extract<BgpMessage, { type: T }> {
  const result = decodeMessage(m.bytes, optionsFor(m));
  if (isBgpError(result)) throw new Error(`${m.id}: ${result.message}`);
  if (result.type !== type) throw new Error(`${m.id} is a ${result.type}, not ${type}`);
  return result as Extract<BgpMessage, { type: T }>;
}

export const prefixes = (list: readonly Prefix[]): string[] => list.map(formatPrefix).sort();
export const sorted = (list: readonly string[]): string[] => [...list].sort();
export const ip = (text: string): Ip => parseIp(text)!;
export const prefix = (text: string): Prefix => parsePrefix(text)!;
export const ipText = (value: Ip | undefined): string | undefined => (value ? formatIp(value) : undefined);
export const identifier = (text: string): number =>
  text.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);

export const hex = (text: string): Uint8Array =>
  Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

export function expectError(result: unknown): BgpError {
  if (!isBgpError(result)) throw new Error(`expected a BgpError, got ${JSON.stringify(result, replacer)}`);
  return result;
}

export const replacer = (_key: string, value: unknown): unknown =>
  typeof value === 'bigint'
    ? value.toString()
    : value instanceof Uint8Array
      ? Buffer.from(value).toString('hex')
      : value;
