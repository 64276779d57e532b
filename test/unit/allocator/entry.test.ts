// Pool entries: counting and lowest-unused by arithmetic, so huge pools cost nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Allocator } from '../../../src/core/allocator/index.js';
import { EntryIndex } from '../../../src/core/allocator/entry.js';
import { SortedBigints } from '../../../src/core/allocator/sorted.js';
import { parseIp } from '../../../src/core/net/ip.js';
import { poolObject as pool, pools, service } from './helpers.js';

const v4 = (text: string): bigint => parseIp(text)?.value ?? -1n;

function entry(first: string, last: string, avoidBuggyIPs = false): EntryIndex {
  const a = parseIp(first);
  const b = parseIp(last);
  assert.ok(a && b);
  return new EntryIndex(
    'p',
    { text: `${first}-${last}`, family: a.family, first: a.value, last: b.value, cidrs: [] },
    avoidBuggyIPs,
  );
}

describe('SortedBigints', () => {
  it('keeps values sorted and unique', () => {
    const s = new SortedBigints();
    for (const v of [5n, 1n, 3n, 5n, 2n]) s.add(v);
    assert.deepEqual([...s.from(0n)], [1n, 2n, 3n, 5n]);
    s.delete(3n);
    s.delete(9n);
    assert.deepEqual([...s.from(2n)], [2n, 5n]);
    assert.equal(s.has(5n), true);
    assert.equal(s.lowerBound(4n), 2);
  });
});

describe('EntryIndex', () => {
  it('counts allocatable addresses, with and without avoidBuggyIPs', () => {
    assert.equal(entry('10.0.0.0', '10.0.0.255').capacity, 256n);
    assert.equal(entry('10.0.0.0', '10.0.0.255', true).capacity, 254n);
    assert.equal(entry('10.0.0.0', '10.255.255.255', true).capacity, 2n ** 24n - 2n * 2n ** 16n);
    assert.equal(entry('10.0.0.254', '10.0.1.1', true).capacity, 2n);
    assert.equal(entry('2001:db8::', '2001:db8::ffff:ffff:ffff:ffff', true).capacity, 2n ** 64n);
  });

  it('finds the lowest unused address by rank, skipping .0 and .255', () => {
    const e = entry('10.0.0.250', '10.0.2.10', true);
    assert.equal(e.lowestUnused(), v4('10.0.0.250'));
    for (const ip of ['10.0.0.250', '10.0.0.251', '10.0.0.252', '10.0.0.253', '10.0.0.254'])
      e.markUsed(v4(ip), '');
    assert.equal(e.lowestUnused(), v4('10.0.1.1'));
    e.markUsed(v4('10.0.1.2'), '');
    assert.equal(e.lowestUnused(), v4('10.0.1.1'));
    e.markFree(v4('10.0.0.252'), '');
    assert.equal(e.lowestUnused(), v4('10.0.0.252'));
  });

  it('reports a full entry', () => {
    const e = entry('10.0.0.1', '10.0.0.2');
    e.markUsed(v4('10.0.0.1'), '');
    e.markUsed(v4('10.0.0.2'), '');
    assert.equal(e.lowestUnused(), undefined);
  });

  it('nth agrees with a walk over a small range', () => {
    const e = entry('10.0.0.200', '10.0.3.20', true);
    const walk: bigint[] = [];
    for (let v = e.first; v <= e.last; v++) if (e.allocatable(v)) walk.push(v);
    assert.equal(BigInt(walk.length), e.capacity);
    walk.forEach((v, i) => {
      assert.equal(e.nth(BigInt(i)), v);
      assert.equal(e.rank(v), BigInt(i));
    });
  });
});

describe('huge pools', () => {
  it('allocates from an IPv6 /64 and an IPv4 /8 without enumerating them', () => {
    const a = new Allocator(
      pools(pool('v6', ['2001:db8::/64']), pool('v4', ['10.0.0.0/8'], { avoidBuggyIPs: true })),
    );
    const started = performance.now();
    for (let i = 0; i < 600; i++) a.reconcile(service(`s${i}`, { ipFamilies: [i % 2 ? 'IPv6' : 'IPv4'] }));
    assert.ok(performance.now() - started < 2000);
    assert.deepEqual(
      a.assignment('default/s599')?.ips.map((ip) => ip.value),
      [v4('2001:db8::') + 299n],
    );
    assert.equal(a.assignment('default/s598')?.pool, 'v4');
    const stats = a.stats();
    assert.equal(stats.find((s) => s.pool === 'v6')?.ipv6.available, 2n ** 64n - 300n);
    assert.equal(stats.find((s) => s.pool === 'v4')?.ipv4.total, 2n ** 24n - 2n * 2n ** 16n);
    // 300 IPv4 addresses from 10.0.0.1 skipping .0/.255: 254 in 10.0.0.x, so the 300th is 10.0.1.46.
    assert.deepEqual(
      a.assignment('default/s598')?.ips.map((ip) => ip.value),
      [v4('10.0.1.46')],
    );
  });
});
