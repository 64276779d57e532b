// The merge rules of FRR rendering, each on the smallest input that shows it: which
// FRRConfigurations a node gets, how several merge with each other and with the BGP plan,
// alwaysBlock, toReceive, raw config order, conflicts, and byte-equal output for equal input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planBgpNode } from '../../../src/core/bgp-plan/index.js';
import { parse } from '../../../src/core/config/parse.js';
import type { Labels } from '../../../src/core/labels.js';
import { renderFrr, type FrrRenderResult } from '../../../src/frr/render/index.js';
import { svc } from '../plan/bgp-helpers.js';
import { sentByNeighbor } from './sent.js';

const NS = 'metallb-system';
const meta = (name: string) => ({ name, namespace: NS });

const frrConfig = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'frrk8s.metallb.io/v1beta1',
  kind: 'FRRConfiguration',
  metadata: meta(name),
  spec,
});
const router = (asn: number, extra: Record<string, unknown> = {}) => ({
  bgp: { routers: [{ asn, ...extra }] },
});
const bgpPeer = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'metallb.io/v1beta2',
  kind: 'BGPPeer',
  metadata: meta(name),
  spec: { myASN: 64512, peerASN: 64513, ...spec },
});
const operator = (alwaysBlock: string[]) => ({
  apiVersion: 'metallb.io/v1beta1',
  kind: 'MetalLB',
  metadata: meta('metallb'),
  spec: { frrk8sConfig: { alwaysBlock } },
});
const pool = {
  apiVersion: 'metallb.io/v1beta1',
  kind: 'IPAddressPool',
  metadata: meta('lb'),
  spec: { addresses: ['203.0.113.0/28'] },
};
const advertisement = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'metallb.io/v1beta1',
  kind: 'BGPAdvertisement',
  metadata: meta(name),
  spec: { ipAddressPools: ['lb'], ...spec },
});

function render(
  objects: unknown[],
  labels: Labels = {},
  services = [svc('web', ['203.0.113.1'])],
): FrrRenderResult {
  const parsed = parse(objects, { references: 'warn' });
  assert.ok(parsed.ok, JSON.stringify(parsed.issues.filter((i) => i.severity === 'error')));
  const config = parsed.config;
  const node = { name: 'n1', labels, networkUnavailable: false };
  const plan = planBgpNode({ config, services, endpoints: undefined }, node);
  return renderFrr({ config, plan, nodeLabels: labels, secretPassword: () => undefined });
}

function text(objects: unknown[], labels: Labels = {}): string {
  const result = render(objects, labels);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  return result.text;
}

function errors(objects: unknown[], labels: Labels = {}): string[] {
  const result = render(objects, labels);
  assert.ok(!result.ok, 'expected a conflict');
  return result.errors.map((e) => `${e.source}: ${e.message}`);
}

const lines = (t: string, re: RegExp): string[] => t.split('\n').filter((l) => re.test(l));

describe('FRR rendering: which FRRConfigurations a node gets', () => {
  const objects = [
    frrConfig('rack-a', {
      nodeSelector: { matchLabels: { rack: 'a' } },
      ...router(64512, { neighbors: [{ address: '10.0.0.1', asn: 64513 }] }),
    }),
    frrConfig('everywhere', router(64512, { neighbors: [{ address: '10.0.0.9', asn: 64519 }] })),
  ];

  it('a nodeSelector selects by the node labels; an empty one selects every node', () => {
    const a = text(objects, { rack: 'a' });
    const b = text(objects, { rack: 'b' });
    assert.deepEqual(lines(a, /remote-as/), [
      ' neighbor 10.0.0.1 remote-as 64513',
      ' neighbor 10.0.0.9 remote-as 64519',
    ]);
    assert.deepEqual(lines(b, /remote-as/), [' neighbor 10.0.0.9 remote-as 64519']);
    assert.doesNotMatch(b, /rack-a/);
  });

  it('several configurations for one node give one router with every neighbour and prefix', () => {
    const t = text([
      frrConfig(
        'one',
        router(64512, { prefixes: ['192.0.2.0/24'], neighbors: [{ address: '10.0.0.1', asn: 1 }] }),
      ),
      frrConfig(
        'two',
        router(64512, { prefixes: ['198.51.100.0/24'], neighbors: [{ address: '10.0.0.2', asn: 2 }] }),
      ),
    ]);
    assert.equal(lines(t, /^router bgp/).length, 1);
    assert.deepEqual(lines(t, /^\s+network /), ['  network 192.0.2.0/24', '  network 198.51.100.0/24']);
    assert.deepEqual(lines(t, /remote-as/), [
      ' neighbor 10.0.0.1 remote-as 1',
      ' neighbor 10.0.0.2 remote-as 2',
    ]);
  });

  it('routers of different VRFs stay apart, the default VRF first', () => {
    const t = text([
      frrConfig('red', router(65001, { vrf: 'red', neighbors: [{ address: '10.0.0.1', asn: 1 }] })),
      frrConfig('default', router(64512, { neighbors: [{ address: '10.0.0.1', asn: 1 }] })),
    ]);
    assert.deepEqual(lines(t, /^router bgp/), ['router bgp 64512', 'router bgp 65001 vrf red']);
    // The same address in two VRFs: two neighbours with filters of their own.
    assert.deepEqual(lines(t, /route-map \S+ out$/), [
      '  neighbor 10.0.0.1 route-map 10.0.0.1-out out',
      '  neighbor 10.0.0.1 route-map 10.0.0.1-out out',
      '  neighbor 10.0.0.1 route-map 10.0.0.1@red-out out',
      '  neighbor 10.0.0.1 route-map 10.0.0.1@red-out out',
    ]);
  });
});

describe('FRR rendering: one neighbour from several sources', () => {
  it('a BGPPeer and an FRRConfiguration naming its address become one neighbour; unset fields take the other side', () => {
    const t = text([
      pool,
      advertisement('lb'),
      bgpPeer('tor', { peerAddress: '10.0.0.1', holdTime: '9s' }),
      frrConfig(
        'receive',
        router(64512, {
          neighbors: [
            {
              address: '10.0.0.1',
              asn: 64513,
              toReceive: { allowed: { prefixes: [{ prefix: '10.200.0.0/16' }] } },
            },
          ],
        }),
      ),
    ]);
    assert.equal(lines(t, /remote-as/).length, 1);
    assert.deepEqual(lines(t, /timers 3 9/), [' neighbor 10.0.0.1 timers 3 9']);
    assert.match(t, / ! BGPPeer metallb-system\/tor, FRRConfiguration metallb-system\/receive\n/);
    // What the plan sends stays; what the FRRConfiguration accepts is added.
    assert.deepEqual([...(sentByNeighbor(t).get('10.0.0.1')?.keys() ?? [])], ['203.0.113.1/32']);
    assert.deepEqual(lines(t, /^ip prefix-list 10\.0\.0\.1-/), [
      'ip prefix-list 10.0.0.1-in-v4 seq 5 permit 10.200.0.0/16',
    ]);
  });

  it('a different remote ASN for the same neighbour is a conflict naming both sources', () => {
    const found = errors([
      frrConfig('a', router(64512, { neighbors: [{ address: '10.0.0.1', asn: 1 }] })),
      frrConfig('b', router(64512, { neighbors: [{ address: '10.0.0.1', asn: 2 }] })),
    ]);
    assert.deepEqual(found, [
      'FRRConfiguration metallb-system/b: different remote ASNs (2 != 1) for neighbor 10.0.0.1 in the default VRF (with FRRConfiguration metallb-system/a)',
    ]);
  });

  it("the plan's router and an FRRConfiguration with another ASN for the same VRF conflict", () => {
    const found = errors([
      bgpPeer('tor', { peerAddress: '10.0.0.1' }),
      frrConfig('other-asn', router(65000, { neighbors: [{ address: '10.0.0.2', asn: 1 }] })),
    ]);
    assert.equal(found.length, 1);
    assert.match(
      found[0]!,
      /^FRRConfiguration metallb-system\/other-asn: different ASNs \(65000 != 64512\).*BGPPeer metallb-system\/tor/,
    );
  });

  it('two local preferences for one prefix to one neighbour conflict; communities are unioned', () => {
    const neighbor = (localPref: number, community: string) => ({
      address: '10.0.0.1',
      asn: 1,
      toAdvertise: {
        allowed: { mode: 'all' },
        withLocalPref: [{ localPref, prefixes: ['192.0.2.0/24'] }],
        withCommunity: [{ community, prefixes: ['192.0.2.0/24'] }],
      },
    });
    const cfg = (name: string, lp: number, c: string) =>
      frrConfig(name, router(64512, { prefixes: ['192.0.2.0/24'], neighbors: [neighbor(lp, c)] }));
    const same = text([cfg('a', 100, '64512:2'), cfg('b', 100, '64512:1')]);
    assert.deepEqual(sentByNeighbor(same).get('10.0.0.1')?.get('192.0.2.0/24'), [
      'set local-preference 100',
      'set community 64512:1 64512:2 additive',
    ]);
    const clash = errors([cfg('a', 100, '64512:2'), cfg('b', 200, '64512:1')]);
    assert.match(clash[0] ?? '', /different local preferences \(200 != 100\) for prefix 192\.0\.2\.0\/24/);
  });
});

describe('FRR rendering: what neighbours may send (toReceive, alwaysBlock)', () => {
  const receiving = (name: string, allowed: Record<string, unknown>) =>
    frrConfig(name, router(64512, { neighbors: [{ address: '10.0.0.1', asn: 1, toReceive: { allowed } }] }));

  it('by default nothing is accepted', () => {
    const t = text([frrConfig('plain', router(64512, { neighbors: [{ address: '10.0.0.1', asn: 1 }] }))]);
    assert.deepEqual(lines(t, /-in (deny|permit)/), ['route-map 10.0.0.1-in deny 10']);
  });

  it('filtered prefixes carry their ge/le; two lists are unioned, each selector once', () => {
    const t = text([
      receiving('a', { prefixes: [{ prefix: '10.1.0.0/16', ge: 24, le: 28 }, { prefix: '10.2.0.0/16' }] }),
      receiving('b', { prefixes: [{ prefix: '10.2.0.0/16' }, { prefix: 'fd00::/48', le: 64 }] }),
    ]);
    assert.deepEqual(lines(t, /-in-v[46] seq/), [
      'ip prefix-list 10.0.0.1-in-v4 seq 5 permit 10.1.0.0/16 ge 24 le 28',
      'ip prefix-list 10.0.0.1-in-v4 seq 10 permit 10.2.0.0/16',
      'ipv6 prefix-list 10.0.0.1-in-v6 seq 5 permit fd00::/48 le 64',
    ]);
  });

  it('accept-all beats a list (the less restrictive filter wins)', () => {
    const t = text([
      receiving('a', { prefixes: [{ prefix: '10.1.0.0/16' }] }),
      receiving('b', { mode: 'all' }),
    ]);
    assert.deepEqual(lines(t, /-in-v[46] seq/), []);
    assert.deepEqual(lines(t, /^route-map 10\.0\.0\.1-in/), ['route-map 10.0.0.1-in permit 10']);
  });

  it('alwaysBlock is denied before anything is accepted, prefixes inside it too', () => {
    const t = text([operator(['192.168.1.0/24', 'fd00:1::/64']), receiving('a', { mode: 'all' })]);
    assert.deepEqual(lines(t, /always-block-v[46] seq/), [
      'ip prefix-list herald-always-block-v4 seq 5 permit 192.168.1.0/24 le 32',
      'ipv6 prefix-list herald-always-block-v6 seq 5 permit fd00:1::/64 le 128',
    ]);
    assert.deepEqual(lines(t, /^route-map 10\.0\.0\.1-in|^ match .*always/), [
      'route-map 10.0.0.1-in deny 10',
      ' match ip address prefix-list herald-always-block-v4',
      'route-map 10.0.0.1-in deny 20',
      ' match ipv6 address prefix-list herald-always-block-v6',
      'route-map 10.0.0.1-in permit 30',
    ]);
  });
});

describe('FRR rendering: raw config and order', () => {
  const raw = (name: string, priority: number | undefined, config: string) =>
    frrConfig(name, { raw: { rawConfig: config, ...(priority === undefined ? {} : { priority }) } });

  it('raw snippets come after everything, by priority (lower first), then by name', () => {
    const t = text([
      raw('z-first', 1, 'ip route 10.1.0.0/16 blackhole'),
      raw('late', 10, 'ip route 10.3.0.0/16 blackhole'),
      raw('a-first', 1, 'ip route 10.0.0.0/16 blackhole'),
      raw('default', undefined, 'ip route 10.9.0.0/16 blackhole'),
    ]);
    assert.deepEqual(lines(t, /^ip route/), [
      'ip route 10.9.0.0/16 blackhole',
      'ip route 10.0.0.0/16 blackhole',
      'ip route 10.1.0.0/16 blackhole',
      'ip route 10.3.0.0/16 blackhole',
    ]);
    assert.ok(t.lastIndexOf('ip route') > t.lastIndexOf('exit'), 'raw config is last');
  });

  it('equal inputs in any order give byte-equal files', () => {
    const objects = [
      operator(['192.168.1.0/24']),
      pool,
      advertisement('lb', { communities: ['64512:7'] }),
      bgpPeer('b-peer', { peerAddress: '10.0.0.2' }),
      bgpPeer('a-peer', { peerAddress: '10.0.0.1' }),
      frrConfig(
        'x',
        router(64512, { prefixes: ['192.0.2.0/24'], neighbors: [{ address: '10.0.0.3', asn: 3 }] }),
      ),
      frrConfig(
        'y',
        router(64512, {
          neighbors: [{ address: '10.0.0.3', asn: 3, toReceive: { allowed: { mode: 'all' } } }],
        }),
      ),
      raw('r1', 2, 'ip route 10.5.0.0/16 blackhole'),
      raw('r2', 1, 'ip route 10.6.0.0/16 blackhole'),
    ];
    const first = text(objects);
    const reversed = text([...objects].reverse());
    const rotated = text([...objects.slice(4), ...objects.slice(0, 4)]);
    assert.equal(reversed, first);
    assert.equal(rotated, first);
    assert.deepEqual(lines(first, /remote-as/), [
      ' neighbor 10.0.0.1 remote-as 64513',
      ' neighbor 10.0.0.2 remote-as 64513',
      ' neighbor 10.0.0.3 remote-as 3',
    ]);
  });
});

describe('FRR rendering: what the plan advertises', () => {
  it('LOCAL_PREF only towards iBGP peers; a peer outside the advertisement gets nothing', () => {
    const t = text([
      pool,
      advertisement('lb', { localPref: 150, peers: ['ibgp', 'ebgp'] }),
      bgpPeer('ibgp', { peerAddress: '10.0.0.1', peerASN: 64512 }),
      bgpPeer('ebgp', { peerAddress: '10.0.0.2' }),
      bgpPeer('left-out', { peerAddress: '10.0.0.3' }),
    ]);
    const sent = sentByNeighbor(t);
    assert.deepEqual(sent.get('10.0.0.1'), new Map([['203.0.113.1/32', ['set local-preference 150']]]));
    assert.deepEqual(sent.get('10.0.0.2'), new Map([['203.0.113.1/32', []]]));
    assert.equal(sent.has('10.0.0.3'), false);
    assert.deepEqual(lines(t, /^route-map 10\.0\.0\.3/), [
      'route-map 10.0.0.3-out deny 10',
      'route-map 10.0.0.3-in deny 10',
    ]);
  });

  it('a missing password Secret or BFD profile refuses the file', () => {
    const found = errors([
      bgpPeer('secret', { peerAddress: '10.0.0.1', passwordSecret: { name: 'absent' } }),
      bgpPeer('bfd', { peerAddress: '10.0.0.2', bfdProfile: 'absent' }),
    ]);
    assert.deepEqual(found, [
      'BGPPeer metallb-system/bfd: BFD profile "absent" does not exist',
      'BGPPeer metallb-system/secret: password Secret metallb-system/absent not found (or it has no "password" key)',
    ]);
  });
});

describe('FRR rendering: what FRR itself refuses', () => {
  it('localASN equal to peerASN refuses the file, naming the BGPPeer and the field', () => {
    const found = errors([
      bgpPeer('made-ibgp', { peerAddress: '10.0.0.1', localASN: 64513 }),
      bgpPeer('fine', { peerAddress: '10.0.0.2', localASN: 64600 }),
    ]);
    assert.deepEqual(found, [
      'BGPPeer metallb-system/made-ibgp: localASN 64513 equals peerASN: FRR refuses local-as equal to the ' +
        "remote AS, so the FRR backend cannot carry this session (for iBGP set myASN to the peer's AS, or use the native backend)",
    ]);
  });

  it('localASN equal to myASN (no local-as written) or to another peer AS is rendered', () => {
    const t = text([
      bgpPeer('same-as-mine', { peerAddress: '10.0.0.1', localASN: 64512 }),
      bgpPeer('other', { peerAddress: '10.0.0.2', localASN: 64600 }),
    ]);
    assert.deepEqual(lines(t, /local-as/), [' neighbor 10.0.0.2 local-as 64600 no-prepend replace-as']);
  });
});

describe('FRR rendering: which neighbour gets which prefix travels as a route tag', () => {
  const wide = {
    ...pool,
    metadata: meta('wide'),
    spec: { addresses: ['198.51.100.0/24'] },
  };
  const peers = [
    bgpPeer('ibgp', { peerAddress: '10.0.0.1', peerASN: 64512 }),
    bgpPeer('ebgp', { peerAddress: '10.0.0.2' }),
  ];
  const many = (n: number) => Array.from({ length: n }, (_, i) => svc(`s${i}`, [`198.51.100.${i + 1}`]));

  it('200 Services with the same neighbours and attributes share one tag: no per-prefix filter lines', () => {
    const objects = [
      wide,
      advertisement('w', { ipAddressPools: ['wide'], localPref: 120, communities: ['64512:7'] }),
      ...peers,
    ];
    const t = render(objects, {}, many(200));
    assert.ok(t.ok);
    const sent = sentByNeighbor(t.text);
    assert.equal(sent.get('10.0.0.1')?.size, 200);
    assert.deepEqual(sent.get('10.0.0.1')?.get('198.51.100.77/32'), [
      'set local-preference 120',
      'set community 64512:7 additive',
    ]);
    assert.deepEqual(sent.get('10.0.0.2')?.get('198.51.100.77/32'), ['set community 64512:7 additive']);
    assert.equal(lines(t.text, /prefix-list/).length, 0);
    assert.equal(lines(t.text, /^route-map herald-tag-/).length, 1);
    // Two lines a Service (its comment and its `network`), the rest does not grow with them.
    const fewer = render(objects, {}, many(100));
    assert.ok(fewer.ok);
    assert.equal(t.text.split('\n').length - fewer.text.split('\n').length, 200);
  });

  it('a Service with new neighbours or attributes adds a tag and leaves the other network lines alone', () => {
    const objects = [
      wide,
      pool,
      advertisement('w', { ipAddressPools: ['wide'], peers: ['ibgp'] }),
      advertisement('lb', { ipAddressPools: ['lb'], communities: ['64512:9'] }),
      ...peers,
    ];
    const before = render(objects, {}, many(3));
    const after = render(objects, {}, [...many(3), svc('new', ['203.0.113.5'])]);
    assert.ok(before.ok && after.ok);
    const networks = (t: string) => lines(t, /^ {2}network 198\./);
    assert.deepEqual(networks(after.text), networks(before.text));
    assert.equal(lines(after.text, /^route-map herald-tag-/).length, 2);
    const sent = sentByNeighbor(after.text);
    assert.deepEqual([...(sent.get('10.0.0.2')?.keys() ?? [])], ['203.0.113.5/32']);
    assert.equal(sent.get('10.0.0.1')?.size, 4);
    assert.deepEqual(sent.get('10.0.0.2')?.get('203.0.113.5/32'), ['set community 64512:9 additive']);
  });
});
