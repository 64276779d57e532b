// `herald plan`'s bgp section without the CLI: examples/bgp read as objects, planned, printed as
// text and as JSON. Passwords never appear; a configuration without BGP prints no bgp section.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  bgpPlanFromObjects,
  formatPlanText,
  planFromObjects,
  planJson,
} from '../../../src/core/plan/index.js';
import { configOf, docs } from './helpers.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');
const read = (dir: string): unknown[] =>
  readdirSync(join(EXAMPLES, dir))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => docs(readFileSync(join(EXAMPLES, dir, f), 'utf8')));
const objects = read('bgp');
const config = configOf(objects);
const PASSWORD = 'example-only-secret';

/** The lines of one service's block in the text plan, from its header to the next block. */
function block(text: string, header: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  assert.ok(start >= 0, `no ${header} in\n${text}`);
  const end = lines.findIndex((l, i) => i > start && !l.startsWith(' '));
  return lines.slice(start, end < 0 ? undefined : end);
}
const bgpLines = (lines: string[]) => lines.slice(lines.findIndex((l) => l.startsWith('  bgp')));

describe('herald plan: bgp section (examples/bgp)', () => {
  const text = formatPlanText(planFromObjects(config, objects), bgpPlanFromObjects(config, objects));

  it('Cluster policy, dual-stack: every node with peers sends host routes and, to the edge, the aggregates', () => {
    assert.deepEqual(bgpLines(block(text, 'default/web:')), [
      '  bgp:',
      '    node1 → edge   203.0.113.16/28    communities 65535:65281',
      '                   203.0.113.20/32    communities 64512:100  large 64512:1:1',
      '                   2001:db8:1::/124   communities 65535:65281',
      '                   2001:db8:1::a/128  communities 64512:100  large 64512:1:1',
      '    node1 → tor-a  203.0.113.20/32    localPref 200  communities 64512:100  large 64512:1:1',
      '    node2 → edge   203.0.113.16/28    communities 65535:65281',
      '                   203.0.113.20/32    communities 64512:100  large 64512:1:1',
      '                   2001:db8:1::/124   communities 65535:65281',
      '                   2001:db8:1::a/128  communities 64512:100  large 64512:1:1',
      '    node2 → tor-b  203.0.113.20/32    localPref 200  communities 64512:100  large 64512:1:1',
      '    node3          noPeers',
    ]);
  });

  it('Local policy: only the node with the endpoint; peers not named and unselected services say why', () => {
    assert.deepEqual(bgpLines(block(text, 'default/api:')), [
      '  bgp:',
      '    node1          noLocalEndpoint',
      '    node2 → edge   203.0.113.16/28  communities 65535:65281',
      '                   203.0.113.21/32  communities 64512:100  large 64512:1:1',
      '    node2 → tor-b  203.0.113.21/32  localPref 200  communities 64512:100  large 64512:1:1',
      '    node3          noLocalEndpoint',
    ]);
    assert.deepEqual(bgpLines(block(text, 'data/metrics:')), [
      '  bgp:',
      '    node1 → edge   peerNotInAdvertisement',
      '    node1 → tor-a  10.88.0.5/32  localPref 50',
      '    node2 → edge   peerNotInAdvertisement',
      '    node2 → tor-b  10.88.0.5/32  localPref 50',
      '    node3          noPeers',
    ]);
    assert.deepEqual(bgpLines(block(text, 'data/batch:')), ['  bgp: not advertised (serviceNotSelected)']);
  });

  it('the sessions follow the services, with their resolved parameters and no password', () => {
    assert.deepEqual(block(text, 'bgp sessions:'), [
      'bgp sessions:',
      '  node1 → edge   192.0.2.1:179  eBGP AS 64512 → 64600  IPv4+IPv6  hold 1m30s keepalive 30s connect 2m0s  router-id 10.88.255.1  multihop  password set',
      '  node1 → tor-a  10.88.1.1:179  iBGP AS 64512  IPv4  hold 9s keepalive 3s connect 2m0s  router-id 10.88.255.1  bfd fast (rx 100ms tx 100ms ×3)',
      '  node2 → edge   192.0.2.1:179  eBGP AS 64512 → 64600  IPv4+IPv6  hold 1m30s keepalive 30s connect 2m0s  router-id 10.88.255.1  multihop  password set',
      '  node2 → tor-b  10.88.2.1:179  iBGP AS 64512  IPv4  hold 9s keepalive 3s connect 2m0s  router-id 10.88.255.1  bfd fast (rx 100ms tx 100ms ×3)',
      '  node3          no BGP peers',
    ]);
    assert.ok(!text.includes(PASSWORD));
  });

  it('JSON: each service gains bgp {reason?, nodes}; the sessions are in bgpSessions; no password', () => {
    const json = planJson(planFromObjects(config, objects).services, bgpPlanFromObjects(config, objects));
    const api = json.services.find((s) => s.name === 'api');
    assert.deepEqual(api?.bgp, {
      nodes: {
        node1: { reason: 'noLocalEndpoint' },
        node2: {
          peers: {
            edge: {
              routes: [
                {
                  prefix: '203.0.113.16/28',
                  nextHop: 'self',
                  communities: ['65535:65281'],
                  largeCommunities: [],
                },
                {
                  prefix: '203.0.113.21/32',
                  nextHop: 'self',
                  communities: ['64512:100'],
                  largeCommunities: ['64512:1:1'],
                },
              ],
            },
            'tor-b': {
              routes: [
                {
                  prefix: '203.0.113.21/32',
                  nextHop: 'self',
                  localPref: 200,
                  communities: ['64512:100'],
                  largeCommunities: ['64512:1:1'],
                },
              ],
            },
          },
        },
        node3: { reason: 'noLocalEndpoint' },
      },
    });
    assert.deepEqual(json.services.find((s) => s.name === 'batch')?.bgp?.reason, 'serviceNotSelected');
    const sessions = json.bgpSessions;
    assert.ok(sessions);
    assert.deepEqual(sessions['node1']?.[0], {
      peer: 'edge',
      address: '192.0.2.1',
      port: 179,
      type: 'ebgp',
      myASN: 64512,
      peerASN: 64600,
      routerID: '10.88.255.1',
      holdTimeMs: 90_000,
      keepaliveTimeMs: 30_000,
      connectTimeMs: 120_000,
      ebgpMultiHop: true,
      gracefulRestart: false,
      families: ['IPv4', 'IPv6'],
      auth: 'password',
    });
    assert.deepEqual(sessions['node3'], []);
    assert.ok(!JSON.stringify(json).includes(PASSWORD));
  });

  it('--members changes layer 2 only: every node announces over BGP for itself', () => {
    const all = bgpPlanFromObjects(config, objects);
    const fewer = bgpPlanFromObjects(config, objects, { members: ['node3'] });
    assert.deepEqual([...fewer.services], [...all.services]);
  });

  it('without Node objects or members there is no node to announce: noNodes', () => {
    const withoutNodes = objects.filter((o) => (o as { kind?: string }).kind !== 'Node');
    const report = bgpPlanFromObjects(configOf(withoutNodes), withoutNodes);
    assert.deepEqual(report.services.get('default/web'), { reason: 'noNodes', nodes: {} });
  });

  it('a configuration without BGPPeers or BGPAdvertisements prints exactly what it printed before', () => {
    const l2 = read('quickstart');
    const l2Config = configOf(l2);
    const plan = planFromObjects(l2Config, l2);
    const bgp = bgpPlanFromObjects(l2Config, l2);
    assert.equal(bgp.configured, false);
    assert.equal(formatPlanText(plan, bgp), formatPlanText(plan));
    assert.deepEqual(planJson(plan.services, bgp), { services: plan.services });
  });
});
