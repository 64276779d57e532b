// Herald's own BGP and BFD against a real BIRD 2 router in `herald lab --bgp bird`: the checks of
// the FRR interop test (bgp-frr-lab.test.ts) as far as BIRD can show them — IPv4 eBGP with TCP MD5
// and IPv6 iBGP sessions from 3 nodes, the VIP in BIRD's table from every node with the configured
// communities, large communities and LOCAL_PREF (iBGP only), a kernel multipath route, BFD
// withdrawal on a pulled cable long before the hold timer, and SIGTERM withdrawal at once.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { birdProtocolName, LAB_BGP } from '../../src/lab/bgp-topology.js';
import { LAB_METRICS_PORT } from '../../src/lab/lab.js';
import { birdBfdSessions, birdRoutes, type BirdRoute } from '../../src/lab/router-bird.js';
import { netnsExec, readState, stateDir } from '../../src/lab/system.js';
import { labTopology } from '../../src/lab/topology.js';
import { isRoot } from '../support/netns.js';
import { testLab, until, type TestLab } from '../support/lab.js';

describe('BGP and BFD against BIRD', { skip: !isRoot() && 'needs root for network namespaces' }, () => {
  let lab: TestLab;
  const t = () => labTopology(3, lab.id);
  /** Through the CLI, as a user would: `herald lab router` hands its words to birdc. */
  const birdc = (...words: string[]) => lab.herald('lab', 'router', '--id', lab.id, ...words).stdout;
  // Polled directly (a few ms each) so withdrawal times are not blurred by starting the CLI.
  const routes = (vip: string): BirdRoute[] => {
    try {
      return birdRoutes(t(), stateDir(lab.id), vip);
    } catch {
      return [];
    }
  };
  const routerLog = () => readFileSync(join(stateDir(lab.id), 'logs', 'router-bird.log'), 'utf8');
  const untilRoutes = (vip: string, want: number, ms: number, since = Date.now()) =>
    until(
      `${vip}: routes (want ${want})`,
      () => routes(vip).length,
      (n) => n === want,
      ms,
      since,
    );

  /** BFD sessions BIRD has Up, by neighbour address. */
  const bfdUp = () =>
    new Set(
      [...birdBfdSessions(t(), stateDir(lab.id))].filter(([, state]) => state === 'Up').map(([a]) => a),
    );
  /** BFD comes up a little after BGP (lab-notes.md): cutting before would test the hold timer. */
  const untilBfdUp = (want: number, ms: number) =>
    until(
      'BFD sessions up',
      () => bfdUp().size,
      (n) => n >= want,
      ms,
    );

  before(async () => {
    lab = testLab('d');
    const up = lab.herald('lab', 'up', '--id', lab.id, '--nodes', '3', '--bgp', 'bird');
    assert.equal(up.status, 0, up.stderr);
    await untilRoutes(LAB_BGP.vipv4, 3, 20_000);
    await untilRoutes(LAB_BGP.vipv6, 3, 20_000);
    await untilBfdUp(6, 20_000);
  });
  after(() => lab.down());

  it('sessions: IPv4 eBGP (MD5) and IPv6 iBGP from every node are Established', () => {
    for (const n of t().nodes) {
      const v4 = birdc('show', 'protocols', 'all', birdProtocolName(n.name, 'v4'));
      assert.match(v4, /BGP state:\s+Established/, `${n.ipv4}: ${v4}`);
      assert.match(v4, new RegExp(`Neighbor AS:\\s+${LAB_BGP.nodeAsn}\\b`));
      assert.match(v4, /Session:\s+external/);
      const v6 = birdc('show', 'protocols', 'all', birdProtocolName(n.name, 'v6'));
      assert.match(v6, /BGP state:\s+Established/, `${n.ipv6}: ${v6}`);
      assert.match(v6, new RegExp(`Neighbor AS:\\s+${LAB_BGP.routerAsn}\\b`));
      assert.match(v6, /Session:\s+internal/, `${n.ipv6} (iBGP)`);
    }
    // The kernel checks the signature of every segment on a socket with a key: an Established
    // IPv4 session whose socket holds the node's MD5 key is a session Herald signs.
    const sockets = netnsExec(t().router.namespace, [
      'ss',
      '-tnie',
      'state',
      'established',
      '( sport = :179 )',
    ]);
    for (const n of t().nodes) {
      assert.match(sockets, new RegExp(`md5keys:${n.ipv4.replaceAll('.', '\\.')}/32`), `MD5 on ${n.ipv4}`);
    }
  });

  it("the router's RIB: the VIP from all 3 nodes with the configured attributes; LOCAL_PREF only over iBGP", () => {
    const v4 = routes(LAB_BGP.vipv4);
    assert.deepEqual(
      v4.map((r) => r.via[0]).sort(),
      t().nodes.map((n) => n.ipv4),
    );
    for (const r of v4) {
      const node = t().nodes.find((n) => n.ipv4 === r.via[0]);
      assert.equal(r.protocol, birdProtocolName(node?.name ?? '?', 'v4'), 'next hop: the node itself');
      assert.equal(r.attributes['BGP.as_path'], String(LAB_BGP.nodeAsn), 'eBGP: our ASN in the AS_PATH');
      assert.equal(r.attributes['BGP.origin'], 'IGP');
      assert.equal(r.attributes['BGP.community'], `(${LAB_BGP.community.replace(':', ',')})`);
      assert.equal(
        r.attributes['BGP.large_community'],
        `(${LAB_BGP.largeCommunity.replace('large:', '').split(':').join(', ')})`,
      );
      assert.equal(r.attributes['BGP.local_pref'], '100', "BIRD's own default for eBGP routes");
    }
    const v6 = routes(LAB_BGP.vipv6);
    assert.deepEqual(
      v6.map((r) => r.via[0]).sort(),
      t()
        .nodes.map((n) => n.ipv6)
        .sort(),
    );
    for (const r of v6) {
      assert.equal(r.attributes['BGP.as_path'], '', 'iBGP: empty AS_PATH');
      assert.equal(r.attributes['BGP.origin'], 'IGP');
      assert.equal(r.attributes['BGP.local_pref'], String(LAB_BGP.localPref));
      assert.equal(r.attributes['BGP.community'], `(${LAB_BGP.community.replace(':', ',')})`);
      assert.equal(r.attributes['BGP.large_community'], '(64512, 7, 9)');
    }
    // BIRD discards (and logs) a LOCAL_PREF received over eBGP: none was sent, nothing was malformed.
    assert.doesNotMatch(routerLog(), /Discarding|Malformed|Invalid/i);
  });

  it('the kernel installs a multipath route over the 3 nodes (IPv4 and IPv6)', () => {
    for (const vip of [LAB_BGP.vipv4, LAB_BGP.vipv6]) {
      const nexthops = lab.routerRoute(vip).match(/nexthop via (\S+)/g) ?? [];
      assert.equal(nexthops.length, 3, `${vip}: ${lab.routerRoute(vip)}`);
    }
  });

  it('/metrics on a node: both sessions up, BFD up, one prefix per session', () => {
    const text = lab.client(
      'curl',
      '-s',
      '-m',
      '2',
      `http://${t().nodes[0]?.ipv4}:${LAB_METRICS_PORT}/metrics`,
    );
    for (const peer of [t().router.ipv4, t().router.ipv6]) {
      assert.match(text, new RegExp(`metallb_bgp_session_up\\{peer="${peer}"\\} 1`));
      assert.match(text, new RegExp(`metallb_bgp_announced_prefixes_total\\{peer="${peer}"\\} 1`));
      assert.match(text, new RegExp(`metallb_bgp_opens_sent\\{peer="${peer}"\\} [1-9]`));
    }
    assert.equal(text.match(/metallb_bfd_session_up\{peer="[^"]+"\} 1/g)?.length, 2, 'BFD up on both');
  });

  it("a pulled cable: BFD withdraws the node's routes within 2 s (the hold timer would take 9 s)", async (c) => {
    const node = t().nodes[0];
    assert.ok(node);
    const cut = Date.now();
    assert.equal(lab.herald('lab', 'cut', node.name, '--id', lab.id).status, 0);
    const v4 = await untilRoutes(LAB_BGP.vipv4, 2, 2000, cut);
    const v6 = await untilRoutes(LAB_BGP.vipv6, 2, 2000, cut);
    c.diagnostic(`withdrawn after ${v4} ms (IPv4) / ${v6} ms (IPv6), counted from before the cut`);
    assert.ok(!routes(LAB_BGP.vipv4).some((r) => r.via[0] === node.ipv4));
    assert.ok(!routes(LAB_BGP.vipv6).some((r) => r.via[0] === node.ipv6));
    assert.ok(!bfdUp().has(node.ipv4) && !bfdUp().has(node.ipv6), "BIRD's BFD saw it");
    for (const family of ['v4', 'v6'] as const)
      assert.match(routerLog(), new RegExp(`${birdProtocolName(node.name, family)}: BFD session down`));
    assert.equal(lab.herald('lab', 'heal', node.name, '--id', lab.id).status, 0);
    await untilRoutes(LAB_BGP.vipv4, 3, 20_000);
    await untilRoutes(LAB_BGP.vipv6, 3, 20_000);
    await untilBfdUp(6, 20_000);
  });

  it('SIGTERM: the speaker withdraws at once (Cease), well before BFD or the hold timer could', async (c) => {
    const node = t().nodes[1];
    const pid = readState(lab.id)?.speakers[node?.name ?? ''];
    assert.ok(node && pid);
    const stop = Date.now();
    process.kill(pid, 'SIGTERM');
    const v4 = await untilRoutes(LAB_BGP.vipv4, 2, 1500, stop);
    const v6 = await untilRoutes(LAB_BGP.vipv6, 2, 1500, stop);
    c.diagnostic(`withdrawn after ${v4} ms (IPv4) / ${v6} ms (IPv6)`);
    for (const family of ['v4', 'v6'] as const)
      assert.match(
        routerLog(),
        new RegExp(`${birdProtocolName(node.name, family)}: Received: Administrative shutdown`),
        'a Cease (administrative shutdown), not a dropped connection',
      );
  });
});
