// Which interfaces may carry layer-2 announcements (behaviour.md §3): up, ARP-capable, not
// enslaved to another device, and not a name that belongs to container or tunnel plumbing.

export interface InterfaceInfo {
  readonly name: string;
  readonly up: boolean;
  /** IFF_NOARP is set. */
  readonly noArp: boolean;
  /** Enslaved to a bridge, bond or VRF. */
  readonly hasMaster: boolean;
  /** The kernel's ifindex: a new one under the same name means the device was re-created. */
  readonly index?: number;
}

export type InterfaceSkipReason = 'down' | 'noArp' | 'enslaved' | 'excludedName';

const EXCLUDED_NAMES =
  /^docker|^cbr|^dummy|^virbr|^lxcbr|^veth|^lo$|^cali|^tunl|^flannel|^kube-ipvs|^cni|^nodelocaldns|^lxc/;

export function interfaceSkipReason(info: InterfaceInfo): InterfaceSkipReason | undefined {
  if (!info.up) return 'down';
  if (info.noArp) return 'noArp';
  if (info.hasMaster) return 'enslaved';
  if (EXCLUDED_NAMES.test(info.name)) return 'excludedName';
  return undefined;
}

/**
 * The interfaces to announce on: the usable ones, narrowed to `allowed` when an advertisement
 * names interfaces (empty = all usable ones).
 */
export function announceInterfaces(all: readonly InterfaceInfo[], allowed: readonly string[]): string[] {
  const usable = all.filter((i) => interfaceSkipReason(i) === undefined).map((i) => i.name);
  return allowed.length === 0 ? usable : usable.filter((name) => allowed.includes(name));
}
