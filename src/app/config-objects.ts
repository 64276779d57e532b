// Lookups among the raw objects the speaker's config source delivered (Services, Secrets), for
// what the parsed configuration does not keep: a Service's uid for Events, a BGP password.

/** The uid of a Service among the objects (for Events). */
export function serviceUid(objects: readonly unknown[], namespace: string, name: string): string | undefined {
  for (const object of objects) {
    const o = object as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown; uid?: unknown } };
    if (o.kind === 'Service' && o.metadata?.name === name && o.metadata.namespace === namespace)
      return typeof o.metadata.uid === 'string' ? o.metadata.uid : undefined;
  }
  return undefined;
}

/** A BGPPeer passwordSecret's password, from a Secret among the config directory's objects. */
export function secretPassword(
  objects: readonly unknown[],
  namespace: string,
  name: string,
): string | undefined {
  for (const object of objects) {
    const o = object as {
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown };
      data?: Record<string, unknown>;
      stringData?: Record<string, unknown>;
    };
    if (o.kind !== 'Secret' || o.metadata?.name !== name || (o.metadata.namespace ?? namespace) !== namespace)
      continue;
    const plain = o.stringData?.password;
    if (typeof plain === 'string') return plain;
    const encoded = o.data?.password;
    if (typeof encoded === 'string') return Buffer.from(encoded, 'base64').toString('utf8');
  }
  return undefined;
}
