// Property test: random sequences of Service creates/updates/deletes and configuration changes,
// each followed by a controller resync (holders first, then the rest), checking after every
// step that no address is held by two services that may not share it, that every address lies
// in its pool, that no still-valid address moved, and that a restarted allocator fed the
// services' status reproduces the same assignment.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Allocator, fullPass } from '../../../src/core/allocator/index.js';
import type { Config, Pool } from '../../../src/core/config/types.js';
import { selectorMatches, type Labels } from '../../../src/core/labels.js';
import { formatIp, parseIp, type Ip } from '../../../src/core/net/ip.js';
import { serviceKey, type ServiceModel } from '../../../src/core/service/model.js';
import { poolObject, pools, service, type ServiceOptions } from './helpers.js';

/** Disjoint address blocks that pools are made of: mostly tiny, so that pools run out. */
const BLOCKS = [
  '10.0.0.0/30',
  '10.0.1.0/31',
  '10.0.2.254-10.0.3.1',
  '10.0.4.1/32',
  '2001:db8::/127',
  '2001:db8:1::1-2001:db8:1::3',
  '10.0.5.0/30',
  '2001:db8:2::/64',
];
const CANDIDATE_IPS = [
  '10.0.0.1',
  '10.0.2.255',
  '10.0.3.0',
  '10.0.4.1',
  '10.9.9.9',
  '2001:db8::1',
  '2001:db8:1::2',
];
const NAMESPACE_LABELS: Record<string, Labels> = { ns0: { team: 'red' }, ns1: {} };
const POOL_NAMES = ['p0', 'p1', 'p2', 'p3'];

/** `arbitrary` one time in `every`, else undefined. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: every - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

const poolSpec = fc.record({
  blocks: fc.subarray(BLOCKS, { minLength: 1, maxLength: 3 }),
  autoAssign: fc.constantFrom(true, true, true, false),
  avoidBuggyIPs: fc.boolean(),
  allocation: sometimes(
    fc.record({
      priority: fc.integer({ min: 0, max: 3 }),
      who: fc.constantFrom('namespaces', 'team', 'gold', 'any'),
    }),
    3,
  ),
});

const configSpec = fc.array(poolSpec, { minLength: 1, maxLength: 4 }).map((specs) => {
  const used = new Set<string>();
  const objects = specs.flatMap((spec, i) => {
    const blocks = spec.blocks.filter((b) => !used.has(b));
    blocks.forEach((b) => used.add(b));
    if (blocks.length === 0) return [];
    const sa = spec.allocation;
    const serviceAllocation = sa
      ? {
          priority: sa.priority,
          ...(sa.who === 'namespaces' ? { namespaces: ['ns1'] } : {}),
          ...(sa.who === 'team' ? { namespaceSelectors: [{ matchLabels: { team: 'red' } }] } : {}),
          ...(sa.who === 'gold' ? { serviceSelectors: [{ matchLabels: { tier: 'gold' } }] } : {}),
        }
      : undefined;
    return [
      poolObject(POOL_NAMES[i] ?? `p${i}`, blocks, {
        autoAssign: spec.autoAssign,
        avoidBuggyIPs: spec.avoidBuggyIPs,
        ...(serviceAllocation ? { serviceAllocation } : {}),
      }),
    ];
  });
  return pools(...objects);
});

const serviceSpec = fc.record({
  name: fc.constantFrom('s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7'),
  namespace: fc.constantFrom('ns0', 'ns1'),
  gold: fc.boolean(),
  share: fc.constantFrom(undefined, 'k1', 'k1', 'k2'),
  ports: fc.subarray(['TCP/80', 'UDP/80', 'TCP/443', 'TCP/8080', 'UDP/53'], { minLength: 1, maxLength: 2 }),
  local: fc.boolean(),
  app: fc.constantFrom('a', 'a', 'b'),
  explicit: sometimes(fc.subarray(CANDIDATE_IPS, { minLength: 1, maxLength: 2 }), 5),
  pool: sometimes(fc.constantFrom('p0', 'p1', 'missing'), 4),
  families: fc.constantFrom('none', 'none', 'v6', 'prefer', 'require'),
  type: fc.constantFrom('LoadBalancer', 'LoadBalancer', 'LoadBalancer', 'LoadBalancer', 'ClusterIP'),
});

type ServiceSpec = typeof serviceSpec extends fc.Arbitrary<infer T> ? T : never;

function toService(spec: ServiceSpec): ServiceModel {
  const options: ServiceOptions = {
    namespace: spec.namespace,
    labels: spec.gold ? { tier: 'gold' } : {},
    share: spec.share,
    ports: spec.ports.map((p) => ({ protocol: p.split('/')[0], port: Number(p.split('/')[1]) })),
    externalTrafficPolicy: spec.local ? 'Local' : 'Cluster',
    selector: { app: spec.app },
    pool: spec.pool,
    type: spec.type,
  };
  if (spec.explicit) {
    if (spec.explicit.length === 1) options.loadBalancerIP = spec.explicit[0];
    else options.ips = spec.explicit.join(',');
  }
  if (spec.families === 'v6') options.ipFamilies = ['IPv6'];
  if (spec.families === 'prefer') options.ipFamilyPolicy = 'PreferDualStack';
  if (spec.families === 'require') options.ipFamilyPolicy = 'RequireDualStack';
  return service(spec.name, options);
}

const op = fc.oneof(
  { weight: 6, arbitrary: serviceSpec.map((s) => ({ kind: 'upsert' as const, spec: s })) },
  {
    weight: 2,
    arbitrary: fc.constantFrom('s0', 's1', 's2', 's3').map((n) => ({ kind: 'delete' as const, name: n })),
  },
  { weight: 1, arbitrary: configSpec.map((c) => ({ kind: 'config' as const, config: c })) },
);

// --- an independent statement of the rules, for checking ---

const inPool = (pool: Pool, ip: Ip): boolean =>
  pool.addresses.some((e) => e.family === ip.family && ip.value >= e.first && ip.value <= e.last) &&
  !(pool.avoidBuggyIPs && ip.family === 4 && [0n, 255n].includes(ip.value % 256n));

function selects(pool: Pool, s: ServiceModel): boolean {
  const sa = pool.serviceAllocation;
  if (!sa) return true;
  const nsLabels = NAMESPACE_LABELS[s.namespace] ?? {};
  const nsOk =
    (sa.namespaces.length === 0 && sa.namespaceSelectors.length === 0) ||
    sa.namespaces.includes(s.namespace) ||
    sa.namespaceSelectors.some((sel) => selectorMatches(sel, nsLabels));
  const svcOk =
    sa.serviceSelectors.length === 0 || sa.serviceSelectors.some((sel) => selectorMatches(sel, s.labels));
  return nsOk && svcOk;
}

/** Could `s` keep `ips` under `config`? (The allocator must then not move them.) */
function stillValid(config: Config, s: ServiceModel, ips: readonly string[]): boolean {
  const parsed = ips.map((t) => parseIp(t)).filter((ip): ip is Ip => ip !== undefined);
  const holder = [...config.pools.values()].find((p) => parsed.every((ip) => inPool(p, ip)));
  if (!holder || !selects(holder, s) || s.type !== 'LoadBalancer') return false;
  const poolAnn = s.annotations['metallb.io/address-pool'];
  if (poolAnn !== undefined && config.pools.has(poolAnn) && poolAnn !== holder.name) return false;
  return true;
}

interface World {
  config: Config;
  allocator: Allocator;
  services: Map<string, ServiceModel>;
}

function snapshot(allocator: Allocator): Map<string, { ips: string[]; pool: string }> {
  const out = new Map<string, { ips: string[]; pool: string }>();
  for (const h of allocator.assignments()) out.set(h.key, { ips: h.ips.map(formatIp), pool: h.pool });
  return out;
}

function resync(w: World): void {
  const all = [...w.services.values()].sort((a, b) => serviceKey(a).localeCompare(serviceKey(b)));
  const held = all.filter((s) => w.allocator.assignment(serviceKey(s)));
  for (const s of [...held, ...all.filter((s) => !held.includes(s))]) {
    w.allocator.reconcile(s, NAMESPACE_LABELS[s.namespace]);
  }
}

function checkInvariants(
  w: World,
  before: Map<string, { ips: string[]; pool: string }>,
  touched?: string,
): void {
  const holdings = [...w.allocator.assignments()];
  const byIp = new Map<string, typeof holdings>();
  for (const h of holdings) {
    const s = w.services.get(h.key);
    assert.ok(s, `${h.key} holds addresses but does not exist`);
    const pool = w.config.pools.get(h.pool);
    assert.ok(pool, `${h.key}: pool ${h.pool} does not exist`);
    for (const ip of h.ips) {
      assert.ok(inPool(pool, ip), `${h.key}: ${formatIp(ip)} is not in pool ${h.pool}`);
      const k = formatIp(ip);
      byIp.set(k, [...(byIp.get(k) ?? []), h]);
    }
    assert.ok(selects(pool, s), `${h.key}: pool ${h.pool} does not select it`);
    assert.equal(
      new Set(h.ips.map((ip) => ip.family)).size,
      h.ips.length,
      `${h.key}: one address per family`,
    );
  }
  for (const [ip, users] of byIp) {
    for (let i = 0; i < users.length; i++) {
      for (let j = i + 1; j < users.length; j++) {
        const a = users[i]!;
        const b = users[j]!;
        const why = `${a.key} and ${b.key} share ${ip}`;
        assert.ok(a.sharing !== '' && a.sharing === b.sharing, `${why} without a common sharing key`);
        assert.equal(a.backend, b.backend, `${why} with different backends`);
        assert.ok(!a.ports.some((p) => b.ports.includes(p)), `${why} with overlapping ports`);
      }
    }
  }
  const after = snapshot(w.allocator);
  for (const [key, was] of before) {
    const s = w.services.get(key);
    if (!s || key === touched || !stillValid(w.config, s, was.ips)) continue;
    const now = after.get(key)?.ips ?? [];
    assert.ok(
      was.ips.every((ip) => now.includes(ip)),
      `${key} moved from ${was.ips.join(',')} to ${now.join(',')} though its address was still valid`,
    );
  }
}

function checkRestart(w: World): void {
  const current = snapshot(w.allocator);
  const withStatus = [...w.services.values()].map((s) => ({
    ...s,
    ingressIPs: current.get(serviceKey(s))?.ips ?? [],
  }));
  // Reverse order on purpose: the pass must not depend on it.
  withStatus.reverse();
  const fresh = new Allocator(w.config);
  fullPass(fresh, withStatus, (ns) => NAMESPACE_LABELS[ns]);
  assert.deepEqual(snapshot(fresh), current, 'a restart changed the assignment');
}

describe('allocator properties', () => {
  it('random create/update/delete/config sequences keep every invariant', () => {
    fc.assert(
      fc.property(configSpec, fc.array(op, { minLength: 1, maxLength: 20 }), (config, ops) => {
        const w: World = { config, allocator: new Allocator(config), services: new Map() };
        for (const o of ops) {
          const before = snapshot(w.allocator);
          let touched: string | undefined;
          if (o.kind === 'upsert') {
            const s = toService(o.spec);
            touched = serviceKey(s);
            w.services.set(touched, s);
            w.allocator.reconcile(s, NAMESPACE_LABELS[s.namespace]);
          } else if (o.kind === 'delete') {
            for (const ns of ['ns0', 'ns1']) {
              w.services.delete(`${ns}/${o.name}`);
              w.allocator.release(`${ns}/${o.name}`);
            }
          } else {
            w.config = o.config;
            w.allocator.setConfig(o.config);
          }
          resync(w);
          checkInvariants(w, before, touched);
          checkRestart(w);
        }
      }),
      {
        numRuns: 3000,
        includeErrorInReport: true,
        ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}),
      },
    );
  });
});
