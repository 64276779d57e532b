// The controller's allocator (behaviour.md §2): one decision per Service, returned with the
// Kubernetes events that explain it. Pure: state in memory, no I/O, no clock. The order of
// checks follows MetalLB's convergeBalancer/allocateIPs so that the same inputs give the same
// addresses and the same messages.
import type { Config } from '../config/types.js';
import type { Labels } from '../labels.js';
import { formatIp, parseIp, type Ip } from '../net/ip.js';
import { serviceKey, type ServiceModel } from '../service/model.js';
import { events, quoteIps, type AllocatorEvent } from './events.js';
import { lowestFree, pickFromPools, pickInPool, type Pick } from './pick.js';
import { compatible, PoolIndex, type Requester } from './pools.js';
import { familiesChanged, readRequest, type AllocationRequest } from './request.js';
import { poolStats, type PoolStats } from './stats.js';
import { Usage, type Holding } from './usage.js';

export interface Decision {
  readonly key: string;
  /** The service's addresses after the decision, in status order. */
  readonly ips: readonly string[];
  readonly pool: string | undefined;
  readonly events: readonly AllocatorEvent[];
  /** Set when the service is not this controller's (type or loadBalancerClass). */
  readonly ignored?: string;
}

const sameIps = (a: readonly Ip[], b: readonly Ip[]): boolean =>
  a.length === b.length && a.every((x) => b.some((y) => y.family === x.family && y.value === x.value));

/** The holding already records exactly this claim (the common case of a reconcile). */
const sameClaim = (held: Holding, ips: readonly Ip[], claim: AllocationRequest): boolean =>
  held.sharing === claim.sharing &&
  held.backend === claim.backend &&
  held.ips.length === ips.length &&
  held.ips.every((ip, i) => ip.family === ips[i]?.family && ip.value === ips[i].value) &&
  held.ports.length === claim.ports.length &&
  held.ports.every((p, i) => p === claim.ports[i]);

const quoted = (ips: readonly Ip[]): string => quoteIps(ips.map(formatIp));

export class Allocator {
  private pools = new PoolIndex(new Map());
  private readonly usage = new Usage();
  /** Addresses of services whose addresses left every pool at the last config change. */
  private readonly orphans = new Map<string, readonly Ip[]>();
  private loadBalancerClass: string | undefined;

  constructor(config?: Config) {
    if (config) this.setConfig(config);
  }

  /**
   * Adopts a new configuration. Addresses still inside a pool stay where they are; services
   * whose addresses left every pool are returned (their next reconcile clears and reallocates).
   * The controller then reconciles every service, holders first.
   */
  setConfig(config: Config): string[] {
    this.pools = new PoolIndex(config.pools);
    this.loadBalancerClass = config.operator.loadBalancerClass;
    const orphans = this.usage.reindex(this.pools);
    for (const holding of orphans) this.orphans.set(holding.key, holding.ips);
    return orphans.map((h) => h.key);
  }

  /** Whether the service is this controller's: type LoadBalancer and the configured class. */
  ignores(service: ServiceModel): string | undefined {
    if (service.type !== 'LoadBalancer') return `type ${service.type}`;
    if (service.loadBalancerClass !== this.loadBalancerClass) {
      return `loadBalancerClass ${service.loadBalancerClass ?? '(none)'} is not ${this.loadBalancerClass ?? '(none)'}`;
    }
    return undefined;
  }

  /** The service is gone: its addresses are free again. */
  release(key: string): void {
    this.usage.remove(key);
    this.orphans.delete(key);
  }

  assignment(key: string): Holding | undefined {
    return this.usage.holding(key);
  }

  assignments(): IterableIterator<Holding> {
    return this.usage.holdings();
  }

  stats(): PoolStats[] {
    return poolStats(this.pools);
  }

  /**
   * Restart, first phase: takes back the addresses in the service's status when they still
   * fit, without events and without allocating anything. Returns whether it did.
   */
  restore(service: ServiceModel, namespaceLabels?: Labels): boolean {
    const read = readRequest(service);
    if (this.ignores(service) !== undefined || !read.ok) return false;
    const request = read.request;
    const current = service.ingressIPs.flatMap((t) => parseIp(t) ?? []);
    if (current.length === 0 || familiesChanged(request, current)) return false;
    if (request.explicit && !sameIps(current, request.explicit)) return false;
    const pool = this.pools.poolFor(current);
    if (request.pool !== undefined && this.pools.byName.has(request.pool) && pool?.pool.name !== request.pool)
      return false;
    return this.assign(current, request, this.requester(service, namespaceLabels)) === undefined;
  }

  /**
   * `restored`: the service took back its status addresses in this restart pass; it then keeps
   * exactly them (no second PreferDualStack family is added), so a restart reproduces the
   * assignment it found. The next reconcile of the service may add the family.
   */
  reconcile(service: ServiceModel, namespaceLabels?: Labels, restored = false): Decision {
    const key = serviceKey(service);
    const ignored = this.ignores(service);
    if (ignored !== undefined) {
      this.release(key);
      return { key, ips: [], pool: undefined, events: [], ignored };
    }
    const read = readRequest(service);
    if (!read.ok) {
      this.release(key);
      return this.decision(key, [read.event]);
    }
    const request = read.request;
    const who = this.requester(service, namespaceLabels);
    const out: AllocatorEvent[] = [];
    let current =
      this.usage.holding(key)?.ips ??
      this.orphans.get(key) ??
      service.ingressIPs.flatMap((t) => parseIp(t) ?? []);
    this.orphans.delete(key);
    const clear = (): void => {
      this.usage.remove(key);
      current = [];
    };

    if (current.length > 0 && familiesChanged(request, current)) clear();
    if (current.length > 0) {
      const problem = this.assign(current, request, who);
      if (problem !== undefined) {
        out.push(events.cleared(key, problem));
        clear();
      }
    }
    const knownPool =
      request.pool !== undefined && this.pools.byName.has(request.pool) ? request.pool : undefined;
    if (current.length > 0 && knownPool !== undefined && this.usage.holding(key)?.pool !== knownPool) clear();
    if (current.length > 0 && request.explicit && !sameIps(current, request.explicit)) clear();
    if (request.explicitProblem !== undefined) {
      out.push(events.loadBalancerFailed(request.explicitProblem));
      return this.decision(key, out);
    }

    if (
      !restored &&
      current.length === 1 &&
      request.policy === 'PreferDualStack' &&
      request.families.length === 2
    ) {
      out.push(...this.addSecondFamily(current, request, who));
    }
    if (current.length === 0) {
      if (request.pool !== undefined && knownPool === undefined) out.push(events.unknownPool(request.pool));
      const result = this.allocate(request, knownPool, who);
      out.push(
        typeof result === 'string'
          ? events.allocationFailed(key, result)
          : events.allocated(result.map(formatIp)),
      );
    }
    return this.decision(key, out);
  }

  private requester(service: ServiceModel, namespaceLabels: Labels | undefined): Requester {
    return { namespace: service.namespace, labels: service.labels, namespaceLabels };
  }

  private decision(key: string, out: AllocatorEvent[]): Decision {
    const holding = this.usage.holding(key);
    return { key, ips: holding?.texts ?? [], pool: holding?.pool, events: out };
  }

  /** Gives `ips` to the service if configuration and sharing allow it (MetalLB's Assign). */
  private assign(ips: readonly Ip[], request: AllocationRequest, who: Requester): string | undefined {
    const pool = this.pools.poolFor(ips);
    if (!pool) return `${quoted(ips)} is not allowed in config`;
    if (!compatible(pool.pool, who)) return `pool ${pool.pool.name} not compatible for ip assignment`;
    if (ips.length > 2) return `more than two addresses ${quoted(ips)}`;
    if (ips.length === 2 && ips[0]?.family === ips[1]?.family) return `${quoted(ips)} has the same family`;
    const { key, sharing, backend, ports } = request;
    const held = this.usage.holding(key);
    if (held && held.pool === pool.pool.name && sameClaim(held, ips, request)) return undefined;
    for (const ip of ips) {
      const problem = this.usage.conflict(key, ip, request);
      if (problem !== undefined) return problem;
    }
    const texts = ips.map(formatIp);
    this.usage.add({ key, pool: pool.pool.name, ips, texts, sharing, backend, ports }, (ip) =>
      this.pools.entryFor(ip),
    );
    return undefined;
  }

  /** New addresses for a service that holds none; a reason string when there are none. */
  private allocate(
    request: AllocationRequest,
    pool: string | undefined,
    who: Requester,
  ): readonly Ip[] | string {
    const explicit = request.explicit;
    if (explicit) {
      const wanted = new Set(request.families);
      if (
        request.familiesDeclared &&
        (explicit.length !== wanted.size || !explicit.every((ip) => wanted.has(ip.family)))
      ) {
        return `requested loadBalancer IP(s) ${quoted(explicit)} does not match the ipFamily of the service`;
      }
      const problem = this.assign(explicit, request, who);
      if (problem !== undefined) return problem;
      if (pool !== undefined && this.usage.holding(request.key)?.pool !== pool) {
        this.usage.remove(request.key);
        return `requested loadBalancer IP(s) ${quoted(explicit)} is not compatible with requested address pool ${pool}`;
      }
      return explicit;
    }
    if (pool !== undefined) {
      const indexed = this.pools.byName.get(pool);
      if (!indexed) return `unknown pool "${pool}"`;
      if (!compatible(indexed.pool, who)) return `pool ${pool} not compatible for ip assignment`;
      const pick = pickInPool(indexed, this.usage, request);
      return pick ? this.commit(pick, request, who) : `no available IPs in pool "${pool}"`;
    }
    for (const stage of this.pools.automaticOrder(who)) {
      const pick = pickFromPools(stage, this.usage, request);
      if (pick) return this.commit(pick, request, who);
    }
    return 'no available IPs';
  }

  private commit(pick: Pick, request: AllocationRequest, who: Requester): readonly Ip[] | string {
    return this.assign(pick.ips, request, who) ?? pick.ips;
  }

  /** PreferDualStack service holding one family: try the other from the same pool. */
  private addSecondFamily(
    current: readonly Ip[],
    request: AllocationRequest,
    who: Requester,
  ): AllocatorEvent[] {
    const [held] = current;
    const pool = this.pools.byName.get(this.usage.holding(request.key)?.pool ?? '');
    if (!held || !pool) return [];
    const family = held.family === 4 ? 6 : 4;
    const ip = lowestFree(pool, family, this.usage, request);
    if (!ip)
      return [events.additionalFailed(`no available IPv${family} address in pool "${pool.pool.name}"`)];
    const problem = this.assign([held, ip], request, who);
    return [
      problem === undefined ? events.additionalAllocated(formatIp(ip)) : events.additionalFailed(problem),
    ];
  }
}
