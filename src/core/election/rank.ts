// MetalLB's layer-2 ranking: candidates sorted ascending by SHA-256(nodeName + "#" + ip), byte-wise.
// Every speaker computes the same order from the same view; services sharing an IP rank alike.
import { createHash } from 'node:crypto';

export function rankKey(node: string, ip: string): Buffer {
  return createHash('sha256').update(`${node}#${ip}`).digest();
}

export function rankNodes(nodes: readonly string[], ip: string): string[] {
  const keyed = nodes.map((node) => ({ node, key: rankKey(node, ip) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return keyed.map((k) => k.node);
}
