// Contact details of a member merge field by field: newer non-empty values win.
export interface ContactFields {
  readonly node: string;
  readonly peerId?: string | undefined;
  readonly addrs?: readonly string[] | undefined;
}

/**
 * The IP address and port of a member's first TCP listen address (`/ip4/10.0.0.2/tcp/7946/...`):
 * where its liveness worker listens for UDP. Undefined when none is known.
 */
export function contactAddress(
  addrs: readonly string[] | undefined,
): { address: string; port: number } | undefined {
  for (const addr of addrs ?? []) {
    const m = /^\/(ip4|ip6)\/([^/]+)\/tcp\/(\d+)(\/|$)/.exec(addr);
    const port = Number(m?.[3]);
    if (m?.[2] && port > 0 && port < 65536) return { address: m[2], port };
  }
  return undefined;
}

export function mergeContact<T extends ContactFields>(known: T, update: ContactFields): T {
  return {
    ...known,
    node: update.node,
    peerId: update.peerId ?? known.peerId,
    addrs: update.addrs && update.addrs.length > 0 ? update.addrs : known.addrs,
  };
}
