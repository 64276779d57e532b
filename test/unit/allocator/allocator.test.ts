// Table tests for behaviour.md §2: each case reconciles Services in order against a set of
// pools and checks the addresses and events of the last one (or of named ones).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Allocator, type Decision } from '../../../src/core/allocator/index.js';
import type { Config } from '../../../src/core/config/types.js';
import type { Labels } from '../../../src/core/labels.js';
import { poolObject as pool, pools, service, type ServiceOptions } from './helpers.js';

interface Case {
  name: string;
  config: Config;
  services: [string, ServiceOptions][];
  namespaces?: Record<string, Labels>;
  /** Expected addresses per service name (default: only the last service). */
  ips: Record<string, string[]>;
  /** Expected [reason, message] of the last service's events; a RegExp matches the message. */
  events?: [string, string | RegExp][];
  pool?: string;
}

function run(c: Case): Map<string, Decision> {
  const allocator = new Allocator(c.config);
  const out = new Map<string, Decision>();
  for (const [name, options] of c.services) {
    const s = service(name, options);
    out.set(name, allocator.reconcile(s, c.namespaces?.[s.namespace]));
  }
  return out;
}

function check(c: Case): void {
  const decisions = run(c);
  for (const [name, ips] of Object.entries(c.ips)) assert.deepEqual(decisions.get(name)?.ips, ips, name);
  const last = decisions.get(c.services.at(-1)?.[0] ?? '');
  assert.ok(last);
  if (c.events) {
    assert.equal(last.events.length, c.events.length, JSON.stringify(last.events));
    c.events.forEach(([reason, message], i) => {
      const e = last.events[i];
      assert.ok(e);
      assert.equal(e.reason, reason);
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
    });
  }
  if (c.pool !== undefined) assert.equal(last.pool, c.pool);
}

const small = pools(pool('a', ['10.0.0.1-10.0.0.3']));

const explicit: Case[] = [
  {
    name: 'spec.loadBalancerIP inside a pool is assigned',
    config: small,
    services: [['s', { loadBalancerIP: '10.0.0.2' }]],
    ips: { s: ['10.0.0.2'] },
    events: [['IPAllocated', 'Assigned IP ["10.0.0.2"]']],
    pool: 'a',
  },
  {
    name: 'an explicit IP outside every pool fails with the document format',
    config: small,
    services: [['invalid-request', { loadBalancerIP: '4.3.2.1' }]],
    ips: { 'invalid-request': [] },
    events: [
      [
        'AllocationFailed',
        'Failed to allocate IP for "default/invalid-request": "4.3.2.1" is not allowed in config',
      ],
    ],
  },
  {
    name: 'an explicit IP outside the annotated pool is not compatible',
    config: pools(pool('a', ['10.0.0.1/32']), pool('b', ['10.0.1.1/32'])),
    services: [['s', { loadBalancerIP: '10.0.1.1', pool: 'a' }]],
    ips: { s: [] },
    events: [
      [
        'AllocationFailed',
        'Failed to allocate IP for "default/s": requested loadBalancer IP(s) "10.0.1.1" is not compatible with requested address pool a',
      ],
    ],
  },
  {
    name: 'annotation and spec.loadBalancerIP together: LoadBalancerFailed, no address',
    config: small,
    services: [['s', { loadBalancerIP: '10.0.0.1', ips: '10.0.0.1' }]],
    ips: { s: [] },
    events: [
      ['LoadBalancerFailed', /can not have both metallb.io\/loadBalancerIPs and svc.Spec.LoadBalancerIP/],
    ],
  },
  {
    name: 'an unparsable requested IP: LoadBalancerFailed',
    config: small,
    services: [['s', { ips: '10.0.0.x' }]],
    ips: { s: [] },
    events: [
      [
        'LoadBalancerFailed',
        'invalid requested loadbalancer IPs: invalid metallb.io/loadBalancerIPs: "10.0.0.x"',
      ],
    ],
  },
  {
    name: 'the annotation takes one address per family',
    config: pools(pool('d', ['10.0.0.0/24', '2001:db8::/64'])),
    services: [['s', { ips: '10.0.0.7, 2001:db8::7', ipFamilyPolicy: 'RequireDualStack' }]],
    ips: { s: ['10.0.0.7', '2001:db8::7'] },
    events: [['IPAllocated', 'Assigned IP ["10.0.0.7" "2001:db8::7"]']],
  },
  {
    name: 'two addresses of one family are refused',
    config: pools(pool('d', ['10.0.0.0/24'])),
    services: [['s', { ips: '10.0.0.7,10.0.0.8' }]],
    ips: { s: [] },
    events: [['LoadBalancerFailed', /must be at most one IPv4 and one IPv6 address/]],
  },
  {
    name: 'dual-stack addresses from two pools are not allowed',
    config: pools(pool('a', ['10.0.0.0/24']), pool('b', ['2001:db8::/64'])),
    services: [['s', { ips: '10.0.0.7,2001:db8::7', ipFamilyPolicy: 'RequireDualStack' }]],
    ips: { s: [] },
    events: [['AllocationFailed', /\["10.0.0.7" "2001:db8::7"\] is not allowed in config/]],
  },
  {
    name: 'an explicit family that does not match the service',
    config: pools(pool('d', ['10.0.0.0/24', '2001:db8::/64'])),
    services: [['s', { loadBalancerIP: '2001:db8::1', ipFamilies: ['IPv4'] }]],
    ips: { s: [] },
    events: [['AllocationFailed', /does not match the ipFamily of the service/]],
  },
  {
    name: 'an explicit IPv6 address with nothing declared is IPv6 single-stack',
    config: pools(pool('d', ['2001:db8::/64'])),
    services: [['s', { loadBalancerIP: '2001:db8::1' }]],
    ips: { s: ['2001:db8::1'] },
  },
  {
    name: 'autoAssign false pools serve explicit IPs',
    config: pools(pool('r', ['10.0.0.1/32'], { autoAssign: false })),
    services: [['s', { loadBalancerIP: '10.0.0.1' }]],
    ips: { s: ['10.0.0.1'] },
  },
  {
    name: 'an explicit address already taken is refused',
    config: small,
    services: [
      ['first', { loadBalancerIP: '10.0.0.1' }],
      ['second', { loadBalancerIP: '10.0.0.1' }],
    ],
    ips: { first: ['10.0.0.1'], second: [] },
    events: [['AllocationFailed', /address also in use by default\/first/]],
  },
  {
    name: 'avoidBuggyIPs: .0 and .255 are not in the pool',
    config: pools(pool('b', ['10.0.0.0/24'], { avoidBuggyIPs: true })),
    services: [['s', { loadBalancerIP: '10.0.0.255' }]],
    ips: { s: [] },
    events: [['AllocationFailed', /"10.0.0.255" is not allowed in config/]],
  },
];

const byPool: Case[] = [
  {
    name: 'the annotated pool is used, even when autoAssign is false',
    config: pools(pool('a', ['10.0.0.1/32']), pool('r', ['10.0.9.1/32'], { autoAssign: false })),
    services: [['s', { pool: 'r' }]],
    ips: { s: ['10.0.9.1'] },
    pool: 'r',
  },
  {
    name: 'an unknown pool: address from an auto-assign pool and a warning naming the pool',
    config: pools(pool('a', ['10.0.0.1/32']), pool('r', ['10.0.9.1/32'], { autoAssign: false })),
    services: [['s', { pool: 'nope' }]],
    ips: { s: ['10.0.0.1'] },
    events: [
      ['UnknownAddressPool', /"nope" does not exist/],
      ['IPAllocated', 'Assigned IP ["10.0.0.1"]'],
    ],
  },
  {
    name: 'a full annotated pool',
    config: pools(pool('a', ['10.0.0.1/32']), pool('b', ['10.0.1.1/32'])),
    services: [
      ['x', { pool: 'a' }],
      ['y', { pool: 'a' }],
    ],
    ips: { x: ['10.0.0.1'], y: [] },
    events: [['AllocationFailed', 'Failed to allocate IP for "default/y": no available IPs in pool "a"']],
  },
];

const automatic: Case[] = [
  {
    name: 'lowest free address, entries in addresses order',
    config: pools(pool('a', ['10.0.5.0/30', '10.0.1.0/30'])),
    services: [
      ['s1', {}],
      ['s2', {}],
      ['s3', {}],
      ['s4', {}],
      ['s5', {}],
    ],
    ips: { s1: ['10.0.5.0'], s4: ['10.0.5.3'], s5: ['10.0.1.0'] },
  },
  {
    name: 'pools without priority: by name',
    config: pools(pool('zeta', ['10.0.0.1/32']), pool('alpha', ['10.0.1.1/32'])),
    services: [
      ['s1', {}],
      ['s2', {}],
      ['s3', {}],
    ],
    ips: { s1: ['10.0.1.1'], s2: ['10.0.0.1'], s3: [] },
    events: [['AllocationFailed', 'Failed to allocate IP for "default/s3": no available IPs']],
  },
  {
    name: 'autoAssign false pools are never used automatically',
    config: pools(pool('r', ['10.0.0.1/32'], { autoAssign: false })),
    services: [['s', {}]],
    ips: { s: [] },
    events: [['AllocationFailed', /no available IPs/]],
  },
  {
    name: 'avoidBuggyIPs skips .0 and .255',
    config: pools(pool('b', ['10.0.0.254/31', '10.0.1.0/30'], { avoidBuggyIPs: true })),
    services: [
      ['s1', {}],
      ['s2', {}],
    ],
    ips: { s1: ['10.0.0.254'], s2: ['10.0.1.1'] },
  },
  {
    name: 'priority: lower number first, then 0, then pools without serviceAllocation',
    config: pools(
      pool('a-plain', ['10.0.0.1/32']),
      pool('b-zero', ['10.0.1.1/32'], { serviceAllocation: { namespaces: ['default'] } }),
      pool('c-ten', ['10.0.2.1/32'], { serviceAllocation: { priority: 10 } }),
      pool('d-five', ['10.0.3.1/32'], { serviceAllocation: { priority: 5 } }),
    ),
    services: [
      ['s1', {}],
      ['s2', {}],
      ['s3', {}],
      ['s4', {}],
    ],
    ips: { s1: ['10.0.3.1'], s2: ['10.0.2.1'], s3: ['10.0.1.1'], s4: ['10.0.0.1'] },
  },
  {
    name: 'equal priorities: by name',
    config: pools(
      pool('p2', ['10.0.2.1/32'], { serviceAllocation: { priority: 1 } }),
      pool('p1', ['10.0.1.1/32'], { serviceAllocation: { priority: 1 } }),
    ),
    services: [['s', {}]],
    ips: { s: ['10.0.1.1'] },
  },
  {
    name: 'serviceAllocation that does not select the service is skipped',
    config: pools(
      pool('pinned', ['10.0.1.1/32'], { serviceAllocation: { namespaces: ['other'] } }),
      pool('plain', ['10.0.0.1/32']),
    ),
    services: [['s', {}]],
    ips: { s: ['10.0.0.1'] },
  },
  {
    name: 'namespace selectors need the Namespace labels',
    config: pools(
      pool('east', ['10.0.1.1/32'], {
        serviceAllocation: { priority: 1, namespaceSelectors: [{ matchLabels: { zone: 'east' } }] },
      }),
      pool('plain', ['10.0.0.1/32']),
    ),
    namespaces: { blue: { zone: 'east' } },
    services: [
      ['s1', { namespace: 'green' }],
      ['s2', { namespace: 'blue' }],
    ],
    ips: { s1: ['10.0.0.1'], s2: ['10.0.1.1'] },
  },
  {
    name: 'namespace and service conditions are ANDed',
    config: pools(
      pool('sa', ['10.0.1.0/30'], {
        serviceAllocation: { namespaces: ['ns-a'], serviceSelectors: [{ matchLabels: { security: 'S1' } }] },
      }),
      pool('plain', ['10.0.0.1/32']),
    ),
    services: [
      ['only-ns', { namespace: 'ns-a' }],
      ['only-label', { labels: { security: 'S1' } }],
      ['both', { namespace: 'ns-a', labels: { security: 'S1' } }],
    ],
    ips: { 'only-ns': ['10.0.0.1'], 'only-label': [], both: ['10.0.1.0'] },
  },
  {
    name: 'an explicit IP in a pool whose serviceAllocation does not select the service',
    config: pools(pool('sa', ['10.0.1.0/30'], { serviceAllocation: { namespaces: ['ns-a'] } })),
    services: [['s', { loadBalancerIP: '10.0.1.1' }]],
    ips: { s: [] },
    events: [['AllocationFailed', /pool sa not compatible for ip assignment/]],
  },
  {
    name: 'a pinned pool that is full falls back to plain pools',
    config: pools(
      pool('pinned', ['10.0.1.1/32'], { serviceAllocation: { priority: 1 } }),
      pool('plain', ['10.0.0.1/32']),
    ),
    services: [
      ['s1', {}],
      ['s2', {}],
    ],
    ips: { s1: ['10.0.1.1'], s2: ['10.0.0.1'] },
  },
];

const dual = pools(
  pool('v4', ['10.0.0.1/32']),
  pool('mixed', ['10.0.9.0/30', '2001:db8::/126']),
  pool('v6', ['2001:db8:1::/126']),
);

const families: Case[] = [
  {
    name: 'nothing declared: IPv4 single-stack',
    config: dual,
    services: [['s', {}]],
    ips: { s: ['10.0.9.0'] },
    pool: 'mixed',
  },
  {
    name: 'IPv6 from clusterIPs',
    config: dual,
    services: [['s', { clusterIPs: ['fd00::10'] }]],
    ips: { s: ['2001:db8::'] },
  },
  {
    name: 'ipFamilies [IPv6] single-stack',
    config: pools(pool('v6', ['2001:db8:1::/126'])),
    services: [['s', { ipFamilies: ['IPv6'] }]],
    ips: { s: ['2001:db8:1::'] },
  },
  {
    name: 'RequireDualStack: one address per family from one pool',
    config: dual,
    services: [['s', { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6', 'IPv4'] }]],
    ips: { s: ['2001:db8::', '10.0.9.0'] },
    events: [['IPAllocated', 'Assigned IP ["2001:db8::" "10.0.9.0"]']],
    pool: 'mixed',
  },
  {
    name: 'dual-stack clusterIPs give both families',
    config: dual,
    services: [['s', { clusterIPs: ['10.96.0.1', 'fd00::1'], ipFamilyPolicy: 'RequireDualStack' }]],
    ips: { s: ['10.0.9.0', '2001:db8::'] },
  },
  {
    name: 'RequireDualStack with no dual pool fails',
    config: pools(pool('v4', ['10.0.0.1/32']), pool('v6', ['2001:db8:1::/126'])),
    services: [['s', { ipFamilyPolicy: 'RequireDualStack' }]],
    ips: { s: [] },
    events: [['AllocationFailed', /no available IPs/]],
  },
  {
    name: 'PreferDualStack falls back to the primary family',
    config: pools(pool('v4', ['10.0.0.1/32']), pool('v6', ['2001:db8:1::/126'])),
    services: [['s', { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv6'] }]],
    ips: { s: ['2001:db8:1::'] },
  },
  {
    name: 'PreferDualStack takes a dual pool when there is one',
    config: dual,
    services: [['s', { ipFamilyPolicy: 'PreferDualStack' }]],
    ips: { s: ['10.0.9.0', '2001:db8::'] },
  },
  {
    name: 'RequireDualStack with a single clusterIP',
    config: dual,
    services: [['s', { ipFamilyPolicy: 'RequireDualStack', clusterIPs: ['10.96.0.1'] }]],
    ips: { s: [] },
    events: [['NotEnoughClusterIPs', /requires dual stack/]],
  },
];

const sharing: Case[] = [
  {
    name: 'same key, different ports, Cluster policy: one address',
    config: small,
    services: [
      ['http', { share: 'k', ports: [{ port: 80 }] }],
      ['https', { share: 'k', ports: [{ port: 443 }] }],
    ],
    ips: { http: ['10.0.0.1'], https: ['10.0.0.1'] },
  },
  {
    name: 'TCP and UDP on the same port share one address',
    config: small,
    services: [
      ['dns-tcp', { share: 'dns', loadBalancerIP: '10.0.0.2', ports: [{ protocol: 'TCP', port: 53 }] }],
      ['dns-udp', { share: 'dns', loadBalancerIP: '10.0.0.2', ports: [{ protocol: 'UDP', port: 53 }] }],
    ],
    ips: { 'dns-tcp': ['10.0.0.2'], 'dns-udp': ['10.0.0.2'] },
  },
  {
    name: 'overlapping port: not shared, next address',
    config: small,
    services: [
      ['a', { share: 'k' }],
      ['b', { share: 'k' }],
    ],
    ips: { a: ['10.0.0.1'], b: ['10.0.0.2'] },
  },
  {
    name: 'overlapping port with an explicit IP: refused',
    config: small,
    services: [
      ['a', { share: 'k', loadBalancerIP: '10.0.0.1' }],
      ['b', { share: 'k', loadBalancerIP: '10.0.0.1' }],
    ],
    ips: { a: ['10.0.0.1'], b: [] },
    events: [
      [
        'AllocationFailed',
        'Failed to allocate IP for "default/b": port TCP/80 is already in use on "10.0.0.1"',
      ],
    ],
  },
  {
    name: 'different keys: not shared',
    config: small,
    services: [
      ['a', { share: 'k1', ports: [{ port: 80 }] }],
      ['b', { share: 'k2', ports: [{ port: 81 }] }],
    ],
    ips: { a: ['10.0.0.1'], b: ['10.0.0.2'] },
  },
  {
    name: 'no key on one side: not shared',
    config: small,
    services: [
      ['a', { ports: [{ port: 80 }] }],
      ['b', { share: 'k', ports: [{ port: 81 }] }],
    ],
    ips: { a: ['10.0.0.1'], b: ['10.0.0.2'] },
  },
  {
    name: 'Local policy needs identical selectors',
    config: small,
    services: [
      ['a', { share: 'k', externalTrafficPolicy: 'Local', selector: { app: 'x' }, ports: [{ port: 80 }] }],
      ['b', { share: 'k', externalTrafficPolicy: 'Local', selector: { app: 'y' }, ports: [{ port: 81 }] }],
      ['c', { share: 'k', externalTrafficPolicy: 'Local', selector: { app: 'x' }, ports: [{ port: 82 }] }],
    ],
    ips: { a: ['10.0.0.1'], b: ['10.0.0.2'], c: ['10.0.0.1'] },
  },
  {
    name: 'a shared address below the lowest unused one is preferred',
    config: small,
    services: [
      ['a', { share: 'k', ports: [{ port: 80 }] }],
      ['b', { ports: [{ port: 80 }] }],
      ['c', { share: 'k', ports: [{ port: 81 }] }],
    ],
    ips: { a: ['10.0.0.1'], b: ['10.0.0.2'], c: ['10.0.0.1'] },
  },
];

const classes: Case[] = [
  {
    name: 'without a configured class, a service with a class is not handled',
    config: small,
    services: [['s', { loadBalancerClass: 'other.io/lb' }]],
    ips: { s: [] },
    events: [],
  },
];

for (const [title, cases] of Object.entries({ explicit, byPool, automatic, families, sharing, classes })) {
  describe(`allocation: ${title}`, () => {
    for (const c of cases) it(c.name, () => check(c));
  });
}
