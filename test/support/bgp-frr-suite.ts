// The BGP lab suite, shared by the standalone and the Kubernetes-mode tests: Herald's own BGP
// and BFD against a real FRR router (bgpd, bfdd, zebra) in `herald lab --bgp frr`: IPv4 eBGP with
// TCP MD5 and IPv6 iBGP sessions from 3 nodes; the router's RIB holds the VIP from every node with
// the configured communities, large communities and LOCAL_PREF (iBGP only), and the kernel
// installs a multipath route; a node whose cable is pulled is withdrawn through BFD long before
// the hold timer; SIGTERM withdraws at once; /metrics shows the sessions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LAB_BGP } from '../../src/lab/bgp-topology.js';
import { LAB_METRICS_PORT } from '../../src/lab/lab.js';
import { labTopology } from '../../src/lab/topology.js';
import { readState } from '../../src/lab/system.js';
import { isRoot } from './netns.js';
import { testLab, until, type TestLab } from './lab.js';

export interface Path {
  aspath: { string: string };
  origin: string;
  locPrf?: number;
  community?: { string: string };
  largeCommunity?: { string: string };
  nexthops: { ip: string }[];
  peer: { peerId: string; type: string };
}

export interface BgpFrrContext {
  readonly lab: () => TestLab;
  /** The router's BGP paths to a VIP (FRR's JSON). */
  readonly paths: (vip: string) => Path[];
  readonly untilPaths: (vip: string, want: number, ms: number) => Promise<number>;
  readonly vtysh: (command: string) => string;
}

/**
 * The suite, for a lab of standalone speakers or (k8s) one on its own control plane; `more` adds
 * the mode's own tests, run after the shared ones and before the SIGTERM test stops a speaker.
 */
export function describeBgpAgainstFrr(options: {
  readonly name: string;
  readonly letter: string;
  readonly k8s: boolean;
  readonly more?: (context: BgpFrrContext) => void;
}): void {
  describe(options.name, { skip: !isRoot() && 'needs root for network namespaces', timeout: 300_000 }, () => {
    let lab: TestLab;
    const t = () => labTopology(3, lab.id);
    const vtysh = (command: string) => lab.herald('lab', 'router', '--id', lab.id, command).stdout;
    const paths = (vip: string): Path[] => {
      const family = vip.includes(':') ? 'ipv6' : 'ipv4';
      const length = vip.includes(':') ? 128 : 32;
      const json = JSON.parse(vtysh(`show bgp ${family} unicast ${vip}/${length} json`) || '{}') as {
        paths?: Path[];
      };
      return json.paths ?? [];
    };
    const untilPaths = (vip: string, want: number, ms: number) =>
      until(
        `${vip}: paths (want ${want})`,
        () => paths(vip).length,
        (n) => n === want,
        ms,
        Date.now(),
        50,
      );

    /** BFD sessions the router has Up, by peer address. */
    const bfdUp = () =>
      new Set(
        (JSON.parse(vtysh('show bfd peers json') || '[]') as { peer: string; status: string }[])
          .filter((p) => p.status === 'up')
          .map((p) => p.peer),
      );
    /** BFD comes up a little after BGP (lab-notes.md): cutting before would test the hold timer. */
    const untilBfdUp = (want: number, ms: number) =>
      until(
        'BFD sessions up',
        () => bfdUp().size,
        (n) => n >= want,
        ms,
        Date.now(),
        100,
      );

    before(async () => {
      lab = testLab(options.letter);
      const up = lab.herald(
        'lab',
        'up',
        '--id',
        lab.id,
        '--nodes',
        '3',
        '--bgp',
        'frr',
        ...(options.k8s ? ['--k8s'] : []),
      );
      assert.equal(up.status, 0, up.stderr);
      await untilPaths(LAB_BGP.vipv4, 3, 20_000);
      await untilPaths(LAB_BGP.vipv6, 3, 20_000);
      await untilBfdUp(6, 20_000);
    });
    after(() => lab.down());

    it('sessions: IPv4 eBGP (MD5) and IPv6 iBGP from every node are Established', () => {
      const summary = JSON.parse(vtysh('show bgp summary json')) as Record<
        string,
        { peers: Record<string, { state: string; remoteAs: number }> }
      >;
      for (const n of t().nodes) {
        const v4 = summary.ipv4Unicast?.peers[n.ipv4];
        const v6 = summary.ipv6Unicast?.peers[n.ipv6];
        assert.deepEqual([v4?.state, v4?.remoteAs], ['Established', LAB_BGP.nodeAsn], n.ipv4);
        assert.deepEqual([v6?.state, v6?.remoteAs], ['Established', LAB_BGP.routerAsn], `${n.ipv6} (iBGP)`);
      }
      const neighbor = JSON.parse(vtysh(`show bgp neighbors ${t().nodes[0]?.ipv4} json`)) as Record<
        string,
        { authenticationEnabled?: number }
      >;
      assert.equal(
        Object.values(neighbor)[0]?.authenticationEnabled,
        1,
        'the router requires TCP MD5 on IPv4, and the session is up',
      );
    });

    it("the router's RIB: the VIP from all 3 nodes with the configured attributes; LOCAL_PREF only over iBGP", () => {
      const v4 = paths(LAB_BGP.vipv4);
      assert.deepEqual(
        v4.map((p) => p.nexthops[0]?.ip).sort(),
        t().nodes.map((n) => n.ipv4),
      );
      for (const p of v4) {
        assert.equal(p.aspath.string, String(LAB_BGP.nodeAsn), 'eBGP: our ASN in the AS_PATH');
        assert.equal(p.origin, 'IGP');
        assert.equal(p.peer.type, 'external');
        assert.equal(p.community?.string, LAB_BGP.community);
        assert.equal(p.largeCommunity?.string, LAB_BGP.largeCommunity.replace('large:', ''));
      }
      const v6 = paths(LAB_BGP.vipv6);
      assert.deepEqual(
        v6.map((p) => p.nexthops[0]?.ip).sort(),
        t()
          .nodes.map((n) => n.ipv6)
          .sort(),
      );
      for (const p of v6) {
        assert.equal(p.aspath.string, 'Local', 'iBGP: empty AS_PATH');
        assert.equal(p.locPrf, LAB_BGP.localPref);
        assert.equal(p.peer.type, 'internal');
        assert.equal(p.community?.string, LAB_BGP.community);
      }
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
        assert.match(text, new RegExp(`metallb_bfd_session_up\\{peer="[^"]+"\\} 1`));
        assert.match(text, new RegExp(`metallb_bgp_announced_prefixes_total\\{peer="${peer}"\\} 1`));
        assert.match(text, new RegExp(`metallb_bgp_opens_sent\\{peer="${peer}"\\} [1-9]`));
      }
    });

    it("a pulled cable: BFD withdraws the node's routes within 2 s (the hold timer would take 9 s)", async () => {
      const node = t().nodes[0];
      assert.ok(node);
      assert.equal(lab.herald('lab', 'cut', node.name, '--id', lab.id).status, 0);
      const v4 = await untilPaths(LAB_BGP.vipv4, 2, 2000);
      const v6 = await untilPaths(LAB_BGP.vipv6, 2, 2000);
      assert.ok(!paths(LAB_BGP.vipv4).some((p) => p.nexthops[0]?.ip === node.ipv4));
      assert.ok(!bfdUp().has(node.ipv4) && !bfdUp().has(node.ipv6), "the router's BFD saw it too");
      assert.ok(v4 < 2000 && v6 < 2000, `withdrawn after ${v4} / ${v6} ms`);
      assert.equal(lab.herald('lab', 'heal', node.name, '--id', lab.id).status, 0);
      await untilPaths(LAB_BGP.vipv4, 3, 20_000);
      await untilPaths(LAB_BGP.vipv6, 3, 20_000);
      await untilBfdUp(6, 20_000);
    });

    options.more?.({ lab: () => lab, paths, untilPaths, vtysh });

    it('SIGTERM: the speaker withdraws at once (Cease), well before BFD or the hold timer could', async () => {
      const node = t().nodes[1];
      const pid = readState(lab.id)?.speakers[node?.name ?? ''];
      assert.ok(node && pid);
      process.kill(pid, 'SIGTERM');
      const ms = await untilPaths(LAB_BGP.vipv4, 2, 1500);
      assert.ok(ms < 1500, `withdrawn after ${ms} ms`);
      await untilPaths(LAB_BGP.vipv6, 2, 1500);
    });
  });
}
