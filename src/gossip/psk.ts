// The gossip pre-shared key. libp2p's private network needs a "/key/swarm/psk/1.0.0/" file; we
// also accept any other secret (e.g. MetalLB's memberlist secret) and derive a key from it, so
// speakers sharing the same secret file form one private network and nobody else can join.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

const PSK_HEADER = '/key/swarm/psk/1.0.0/';

export function pskFromSecret(secret: string | Uint8Array): Uint8Array {
  const text = typeof secret === 'string' ? secret : Buffer.from(secret).toString('utf8');
  if (text.startsWith(PSK_HEADER)) return new TextEncoder().encode(text);
  const digest = createHash('sha256')
    .update(typeof secret === 'string' ? secret.trim() : secret)
    .digest('hex');
  return new TextEncoder().encode(`${PSK_HEADER}\n/base16/\n${digest}`);
}

export async function readPskFile(path: string): Promise<Uint8Array> {
  const content = await readFile(path);
  if (content.length === 0) throw new Error(`gossip key file ${path} is empty`);
  return pskFromSecret(content.toString('utf8'));
}

/** The key used when no key file is given: open to anyone who can reach the port (lab use). */
export const DEFAULT_PSK_SECRET = 'herald-default-insecure-gossip-key';
