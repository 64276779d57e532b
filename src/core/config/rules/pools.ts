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
    if (rest.length > 0 || !start)
      return `invalid IP range "${text}": invalid start IP "${startText.trim()}"`;
    if (!end) return `invalid IP range "${text}": invalid end IP "${endText.trim()}"`;
    if (start.family !== end.family)
      return `invalid IP range "${text}": start and end are of different IP families`;
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
      if (seen.has(ns))
        sink.error(
          resource,
          `spec.serviceAllocation.namespaces[${i}]`,
          `duplicate definition of namespace "${ns}"`,
        );
      seen.add(ns);
    });
    if (allocation.priority !== undefined && allocation.priority < 0) {
      sink.error(resource, 'spec.serviceAllocation.priority', 'priority must be 0 or positive');
    }
    checkSelectors(
      resource,
      'spec.serviceAllocation.namespaceSelectors',
      allocation.namespaceSelectors,
      sink,
    );
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
 * No CIDR may overlap another, in the same pool or another one. Of two overlapping entries the
 * one given later is the offender and the message names the earlier CIDR, as MetalLB's webhook
 * does. A sort-and-sweep finds every overlapping entry in O(n log n).
 */
export function checkPoolOverlaps(
  pools: readonly { pool: Pool; resource: Resource }[],
  sink: IssueSink,
): void {
  interface Interval {
    readonly order: number;
    readonly family: number;
    readonly first: bigint;
    readonly last: bigint;
    readonly text: string;
    readonly owner: { pool: Pool; resource: Resource; entry: number };
  }
  const intervals: Interval[] = [];
  pools.forEach(({ pool, resource }) =>
    pool.addresses.forEach((entry, i) => {
      for (const cidr of entry.cidrs) {
        const owner = { pool, resource, entry: i };
        intervals.push({
          order: intervals.length,
          family: cidr.family,
          first: cidr.base,
          last: prefixLast(cidr),
          text: formatPrefix(cidr),
          owner,
        });
      }
    }),
  );
  intervals.sort(
    (a, b) => a.family - b.family || (a.first < b.first ? -1 : a.first > b.first ? 1 : a.order - b.order),
  );
  const reported = new Set<string>();
  let reach: Interval | undefined;
  for (const current of intervals) {
    if (reach && reach.family === current.family && current.first <= reach.last) {
      const [earlier, later] = reach.order < current.order ? [reach, current] : [current, reach];
      const key = `${later.owner.pool.name}#${later.owner.entry}`;
      if (!reported.has(key)) {
        reported.add(key);
        sink.error(
          later.owner.resource,
          `spec.addresses[${later.owner.entry}]`,
          `CIDR "${later.text}" in pool "${later.owner.pool.name}" overlaps with already defined CIDR "${earlier.text}"`,
        );
      }
    }
    if (!reach || reach.family !== current.family || current.last > reach.last) reach = current;
  }
}
