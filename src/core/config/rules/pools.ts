// IPAddressPool rules: address entries (CIDR, range, single address), service allocation,
// and the no-overlap rule across every pool.
import { formatPrefix, parseIp, parsePrefix, prefixLast, summarizeRange } from '../../net/ip.js';
import type { IssueSink } from '../issues.js';
import type { Resource } from '../resource.js';
import type { IPAddressPoolSpec } from '../schema/metallb.js';
import type { Pool, PoolAddressEntry } from '../types.js';
import { checkSelectors } from './selectors.js';

/** Parses one `addresses` entry, or returns the reason it is invalid. */
export function parseAddressEntry(text: string): PoolAddressEntry | string {
  if (text.includes('-')) {
    const [startText = '', endText = '', ...rest] = text.split('-');
    const start = parseIp(startText.trim());
    const end = parseIp(endText.trim());
    if (rest.length > 0 || !start) return `invalid IP range "${text}": invalid start IP "${startText.trim()}"`;
    if (!end) return `invalid IP range "${text}": invalid end IP "${endText.trim()}"`;
    if (start.family !== end.family) return `invalid IP range "${text}": start and end are of different IP families`;
    if (start.value > end.value) return `invalid IP range "${text}": start IP is after the end IP`;
    return {
      text,
      family: start.family,
      first: start.value,
      last: end.value,
      cidrs: summarizeRange(start.family, start.value, end.value),
    };
  }
  const prefix = parsePrefix(text.trim());
  if (!prefix) return `invalid CIDR "${text}"`;
  return { text, family: prefix.family, first: prefix.base, last: prefixLast(prefix), cidrs: [prefix] };
}

export function parsePool(resource: Resource, spec: IPAddressPoolSpec, sink: IssueSink): Pool | undefined {
  const errorsBefore = sink.issues.length;
  const addresses: PoolAddressEntry[] = [];
  spec.addresses.forEach((text, i) => {
    const entry = parseAddressEntry(text);
    if (typeof entry === 'string') sink.error(resource, `spec.addresses[${i}]`, entry);
    else addresses.push(entry);
  });
  const allocation = spec.serviceAllocation;
  if (allocation) {
    const seen = new Set<string>();
    (allocation.namespaces ?? []).forEach((ns, i) => {
      if (seen.has(ns)) sink.error(resource, `spec.serviceAllocation.namespaces[${i}]`, `duplicate definition of namespace "${ns}"`);
      seen.add(ns);
    });
    if (allocation.priority !== undefined && allocation.priority < 0) {
      sink.error(resource, 'spec.serviceAllocation.priority', 'priority must be 0 or positive');
    }
    checkSelectors(resource, 'spec.serviceAllocation.namespaceSelectors', allocation.namespaceSelectors, sink);
    checkSelectors(resource, 'spec.serviceAllocation.serviceSelectors', allocation.serviceSelectors, sink);
  }
  if (sink.issues.length > errorsBefore) return undefined;
  return {
    name: resource.name,
    labels: resource.labels,
    addresses,
    autoAssign: spec.autoAssign ?? true,
    avoidBuggyIPs: spec.avoidBuggyIPs ?? false,
    serviceAllocation: allocation
      ? {
          priority: allocation.priority ?? 0,
          namespaces: allocation.namespaces ?? [],
          namespaceSelectors: allocation.namespaceSelectors ?? [],
          serviceSelectors: allocation.serviceSelectors ?? [],
        }
      : undefined,
  };
}

/**
 * No CIDR may overlap another, in the same pool or another one. Pools are checked in the order
 * given, so the message names the later CIDR as the offender, as MetalLB's webhook does.
 */
export function checkPoolOverlaps(pools: readonly { pool: Pool; resource: Resource }[], sink: IssueSink): void {
  const defined: { first: bigint; last: bigint; family: number; text: string }[] = [];
  for (const { pool, resource } of pools) {
    pool.addresses.forEach((entry, i) => {
      for (const cidr of entry.cidrs) {
        const first = cidr.base;
        const last = prefixLast(cidr);
        const clash = defined.find((d) => d.family === cidr.family && d.first <= last && first <= d.last);
        if (clash) {
          sink.error(
            resource,
            `spec.addresses[${i}]`,
            `CIDR "${formatPrefix(cidr)}" in pool "${pool.name}" overlaps with already defined CIDR "${clash.text}"`,
          );
          return;
        }
      }
      for (const cidr of entry.cidrs) {
        defined.push({ first: cidr.base, last: prefixLast(cidr), family: cidr.family, text: formatPrefix(cidr) });
      }
    });
  }
}

