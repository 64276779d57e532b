// The committed BFD captures (test/fixtures/bfd), decoded: each datagram with its packet, and the
// manifest the capture harness wrote (configured timers, when each step happened).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeControlPacket } from '../../../src/core/bfd/codec.js';
import { BfdDecodeError } from '../../../src/core/bfd/errors.js';
import type { BfdControlPacket } from '../../../src/core/bfd/packet.js';
import type { CaptureManifest } from '../../support/bfd-capture/manifest.js';
import { type CapturedDatagram, readPcap } from '../../support/bfd-capture/pcap.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'bfd');

export const manifest = JSON.parse(readFileSync(join(FIXTURES, 'captures.json'), 'utf8')) as CaptureManifest;

export const captureFiles = (): string[] => readdirSync(FIXTURES).filter((f) => f.endsWith('.pcap'));

export const authenticated = (file: string): boolean => file.startsWith('bird-auth-');

export interface CapturedPacket extends CapturedDatagram {
  /** Milliseconds since the epoch, comparable with the manifest's steps. */
  readonly atMs: number;
  readonly packet: BfdControlPacket;
}

/** Every datagram of `file`, decoded; throws on the first that does not decode. */
export function capturedPackets(file: string): CapturedPacket[] {
  return readPcap(join(FIXTURES, file)).map((datagram) => {
    const packet = decodeControlPacket(datagram.payload, { authenticationInUse: authenticated(file) });
    if (packet instanceof BfdDecodeError) throw new Error(`${file}: ${packet.reason} ${packet.detail}`);
    return { ...datagram, atMs: datagram.timeUs / 1000, packet };
  });
}

export function stepAt(name: string): number {
  const step = manifest.frrBird.steps.find((s) => s.name === name);
  if (!step) throw new Error(`no step ${name} in captures.json`);
  return step.at;
}

/** Consecutive duplicates removed: the sequence of states a sender went through. */
export const collapse = <T>(values: readonly T[]): T[] =>
  values.filter((v, i) => i === 0 || v !== values[i - 1]);
