// Static checks of what LoadBalancer Services ask for against a valid Config, for `herald
// validate`: requested IPs outside every pool, unknown pools, conflicting requests. The
// allocator makes the real decision at run time; these only warn.
import { parseIp, prefixContains, type Ip } from '../net/ip.js';
import type { ConfigIssue } from './issues.js';
import type { Resource } from './resource.js';
import type { Config, Pool } from './types.js';

const IPS_ANNOTATION = 'metallb.io/loadBalancerIPs';
const POOL_ANNOTATION = 'metallb.io/address-pool';

const poolHolds = (pool: Pool, ip: Ip): boolean =>
  pool.addresses.some((entry) => entry.cidrs.some((cidr) => prefixContains(cidr, ip)));

export function checkServiceRequests(service: Resource, config: Config): ConfigIssue[] {
  const spec = (service.raw.spec ?? {}) as Record<string, unknown>;
  if (spec.type !== 'LoadBalancer') return [];
  const issues: ConfigIssue[] = [];
  // A Service without metadata.namespace lives in "default", not in the agent's namespace.
  const namespace = service.namespaceDefaulted ? 'default' : service.namespace;
  const warn = (field: string, message: string): void => {
    issues.push({ severity: 'warning', kind: 'Service', namespace, name: service.name, field, message });
  };
  const fromAnnotation = service.annotations[IPS_ANNOTATION];
  const fromSpec =
    typeof spec.loadBalancerIP === 'string' && spec.loadBalancerIP ? spec.loadBalancerIP : undefined;
  if (fromAnnotation !== undefined && fromSpec !== undefined) {
    warn(
      'spec.loadBalancerIP',
      `both ${IPS_ANNOTATION} and spec.loadBalancerIP are set: the service gets no address`,
    );
    return issues;
  }
  const field = fromSpec !== undefined ? 'spec.loadBalancerIP' : `metadata.annotations.${IPS_ANNOTATION}`;
  const requested = (fromSpec ?? fromAnnotation ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const poolName = service.annotations[POOL_ANNOTATION];
  const pool = poolName !== undefined ? config.pools.get(poolName) : undefined;
  if (poolName !== undefined && !pool) {
    warn(
      `metadata.annotations.${POOL_ANNOTATION}`,
      `pool "${poolName}" does not exist: an address comes from an auto-assign pool instead`,
    );
  }
  const who = `${namespace}/${service.name}`;
  for (const text of requested) {
    const ip = parseIp(text);
    if (!ip) {
      warn(field, `invalid IP "${text}"`);
      continue;
    }
    const pools = [...config.pools.values()];
    if (!pools.some((p) => poolHolds(p, ip))) {
      warn(field, `Failed to allocate IP for "${who}": "${text}" is not allowed in config`);
    } else if (pool && !poolHolds(pool, ip)) {
      warn(
        field,
        `Failed to allocate IP for "${who}": requested loadBalancer IP(s) "${text}" is not compatible with requested address pool ${pool.name}`,
      );
    }
  }
  return issues;
}
