// Who holds which address: one Holding per service, and per address its users, sharing key,
// backend key and occupied ports. Sharing follows MetalLB: same non-empty sharing key, same
// backend key, no (protocol, port) used twice.
import { formatIp, type Ip } from '../net/ip.js';
import type { EntryIndex } from './entry.js';
import type { PoolIndex } from './pools.js';

export interface Claim {
  readonly sharing: string;
  readonly backend: string;
  readonly ports: readonly string[];
}

export interface Holding extends Claim {
  readonly key: string;
  readonly pool: string;
  /** In status order (primary family first). */
  readonly ips: readonly Ip[];
  /** The same, as text. */
  readonly texts: readonly string[];
}

interface AddressUse {
  readonly ip: Ip;
  readonly entry: EntryIndex | undefined;
  sharing: string;
  backend: string;
  readonly users: Set<string>;
  /** `TCP/80` → service key. */
  readonly ports: Map<string, string>;
}

function sharingProblem(existing: Pick<Claim, 'sharing' | 'backend'>, wanted: Claim): string | undefined {
  if (existing.sharing === '') return 'existing service does not allow sharing';
  if (wanted.sharing === '') return 'new service does not allow sharing';
  if (existing.sharing !== wanted.sharing) {
    return `sharing key "${wanted.sharing}" does not match existing sharing key "${existing.sharing}"`;
  }
  if (existing.backend !== wanted.backend) {
    return `backend key "${wanted.backend}" does not match existing sharing key "${existing.backend}"`;
  }
  return undefined;
}

export class Usage {
  private readonly held = new Map<string, Holding>();
  /** Per family, address value → its use. */
  private readonly v4 = new Map<bigint, AddressUse>();
  private readonly v6 = new Map<bigint, AddressUse>();

  private use(ip: Ip): AddressUse | undefined {
    return (ip.family === 4 ? this.v4 : this.v6).get(ip.value);
  }

  holding(key: string): Holding | undefined {
    return this.held.get(key);
  }

  holdings(): IterableIterator<Holding> {
    return this.held.values();
  }

  /** Why `key` may not use `ip` with `claim` (MetalLB's checkSharing), or undefined. */
  conflict(key: string, ip: Ip, claim: Claim): string | undefined {
    const use = this.use(ip);
    if (!use || use.users.size === 0) return undefined;
    if (sharingProblem(use, claim) !== undefined) {
      const others = [...use.users].filter((u) => u !== key);
      if (others.length > 0)
        return `can't change sharing key for "${key}", address also in use by ${others.join(',')}`;
    }
    for (const port of claim.ports) {
      const owner = use.ports.get(port);
      if (owner !== undefined && owner !== key) return `port ${port} is already in use on "${formatIp(ip)}"`;
    }
    return undefined;
  }

  /** Records `holding` without checks (the caller checked); replaces the service's earlier one. */
  add(holding: Holding, entryFor: (ip: Ip) => EntryIndex | undefined): void {
    this.remove(holding.key);
    this.held.set(holding.key, holding);
    for (const ip of holding.ips) {
      let use = this.use(ip);
      if (!use) {
        use = {
          ip,
          entry: entryFor(ip),
          sharing: holding.sharing,
          backend: holding.backend,
          users: new Set(),
          ports: new Map(),
        };
        (ip.family === 4 ? this.v4 : this.v6).set(ip.value, use);
      } else {
        use.entry?.markFree(ip.value, use.sharing);
        use.sharing = holding.sharing;
        use.backend = holding.backend;
      }
      use.entry?.markUsed(ip.value, use.sharing);
      use.users.add(holding.key);
      for (const port of holding.ports) use.ports.set(port, holding.key);
    }
  }

  remove(key: string): Holding | undefined {
    const holding = this.held.get(key);
    if (!holding) return undefined;
    this.held.delete(key);
    for (const ip of holding.ips) {
      const use = this.use(ip);
      if (!use) continue;
      use.users.delete(key);
      for (const port of holding.ports) if (use.ports.get(port) === key) use.ports.delete(port);
      if (use.users.size === 0) {
        use.entry?.markFree(ip.value, use.sharing);
        (ip.family === 4 ? this.v4 : this.v6).delete(ip.value);
      }
    }
    return holding;
  }

  /**
   * After a configuration change: re-files every holding under the pool that now contains its
   * addresses. Holdings whose addresses left every pool are dropped and returned.
   */
  reindex(pools: PoolIndex): Holding[] {
    const all = [...this.held.values()];
    this.held.clear();
    this.v4.clear();
    this.v6.clear();
    const orphans: Holding[] = [];
    for (const holding of all) {
      const pool = pools.poolFor(holding.ips);
      if (!pool) orphans.push(holding);
      else this.add({ ...holding, pool: pool.pool.name }, (ip) => pools.entryFor(ip));
    }
    return orphans;
  }
}
