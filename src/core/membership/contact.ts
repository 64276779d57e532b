// Contact details of a member merge field by field: newer non-empty values win.
export interface ContactFields {
  readonly node: string;
  readonly peerId?: string | undefined;
  readonly addrs?: readonly string[] | undefined;
}

export function mergeContact<T extends ContactFields>(known: T, update: ContactFields): T {
  return {
    ...known,
    node: update.node,
    peerId: update.peerId ?? known.peerId,
    addrs: update.addrs && update.addrs.length > 0 ? update.addrs : known.addrs,
  };
}
