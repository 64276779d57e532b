// The FRR backend in `herald lab up --bgp frr --backend frr`: every speaker runs FRR's daemons in
// its node namespace (the MetalLB object says bgpBackend: frr) and hands them the rendered
// frr.conf. Checked on the lab router: Services added and removed change routes without resetting
// a session; a raw FRRConfiguration FRR refuses is reported with FRR's message while the last good
// configuration keeps running; bgpd or bfdd killed is restarted by the supervisor alone (the other
// daemons keep running) and the routes and BFD sessions come back (times printed); with
// enableGracefulRestart the router keeps a killed bgpd's routes (stale) with no gap, without it
// they are withdrawn a while (route-absent time printed); an unnumbered
// peer (BGPPeer `interface`, IPv6 link-local over a second cable to the router) Established on both
// ends with the route at the router; and the router's RIB is the same with the native speaker for the same config
// (the backend switched at run time through the MetalLB object).
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FRR_DAEMONS } from '../../src/frr/processes.js';
import { LAB_BGP } from '../../src/lab/bgp-topology.js';
import { labTopology } from '../../src/lab/topology.js';
import { ip, netnsExec, speakerSocket, stateDir } from '../../src/lab/system.js';
import type { Path } from '../support/bgp-frr-suite.js';
import { isRoot } from '../support/netns.js';
import { testLab, until, type TestLab } from '../support/lab.js';

describe(
  'FRR backend in the lab',
  { skip: !isRoot() && 'needs root for network namespaces', timeout: 300_000 },
  () => {
    let lab: TestLab;
    const t = () => labTopology(3, lab.id);
    const config = () => join(stateDir(lab.id), 'config');
    const vtysh = (command: string) => lab.herald('lab', 'router', '--id', lab.id, command).stdout;
    const paths = (vip: string): Path[] => {
      const family = vip.includes(':') ? 'ipv6' : 'ipv4';
      const length = vip.includes(':') ? 128 : 32;
      const json = JSON.parse(vtysh(`show bgp ${family} unicast ${vip}/${length} json`) || '{}') as {
        paths?: Path[];
      };
      return json.paths ?? [];
    };
    const untilPaths = (vip: string, want: number, ms: number, since = Date.now()) =>
      until(
        `${vip}: paths (want ${want})`,
        () => paths(vip).length,
        (n) => n === want,
        ms,
        since,
        20,
      );
    /** Sessions the router has had Established per neighbour (FRR's count: a reset adds one). */
    const established = (): Record<string, number> => {
      const json = JSON.parse(vtysh('show bgp neighbors json')) as Record<
        string,
        { connectionsEstablished?: number; bgpState?: string }
      >;
      return Object.fromEntries(
        Object.entries(json).map(([peer, n]) => [peer, n.connectionsEstablished ?? 0]),
      );
    };
    const pidOf = (node: string, daemon: string) =>
      Number(readFileSync(join(stateDir(lab.id), 'frr', node, `${daemon}.pid`), 'utf8').trim());
    const pids = (node: string) => Object.fromEntries(FRR_DAEMONS.map((d) => [d, pidOf(node, d)]));
    /** The router's BFD sessions with one node: status and how often each went down. */
    const bfdAtRouter = (addresses: readonly string[]) => {
      const peers = JSON.parse(vtysh('show bfd peers json')) as { peer: string; status: string }[];
      const counters = JSON.parse(vtysh('show bfd peers counters json')) as {
        peer: string;
        'session-down': number;
      }[];
      return addresses.map((a) => ({
        up: peers.find((p) => p.peer === a)?.status === 'up',
        downs: counters.find((c) => c.peer === a)?.['session-down'] ?? 0,
      }));
    };
    const state = (node: string) =>
      JSON.parse(
        lab.herald('status', '--speaker', `unix:${speakerSocket(lab.id, node)}`, '--json').stdout,
      ) as {
        bgp: { backend: string; frr?: { daemons: string; config: string; lastError?: string } };
      };
    /** The RIB entry of a VIP as the router sees it: everything but timers, by next hop. */
    const rib = (vip: string) =>
      paths(vip)
        .map((p) => ({
          nexthop: p.nexthops[0]?.ip,
          aspath: p.aspath.string,
          origin: p.origin,
          locPrf: p.locPrf,
          community: p.community?.string,
          largeCommunity: p.largeCommunity?.string,
          type: p.peer.type,
        }))
        .sort((a, b) => String(a.nexthop).localeCompare(String(b.nexthop)));

    before(async () => {
      lab = testLab('f');
      const up = lab.herald('lab', 'up', '--id', lab.id, '--nodes', '3', '--bgp', 'frr', '--backend', 'frr');
      assert.equal(up.status, 0, up.stderr);
      await untilPaths(LAB_BGP.vipv4, 3, 30_000);
      await untilPaths(LAB_BGP.vipv6, 3, 30_000);
    });
    after(() => lab.down());

    it("each speaker runs FRR: its supervisor's daemons running, the config applied, sessions Established", () => {
      for (const n of t().nodes) {
        const s = state(n.name);
        assert.equal(s.bgp.backend, 'frr', n.name);
        assert.deepEqual([s.bgp.frr?.daemons, s.bgp.frr?.config], ['running', 'applied'], n.name);
      }
      const summary = JSON.parse(vtysh('show bgp summary json')) as Record<
        string,
        { peers: Record<string, { state: string }> }
      >;
      for (const n of t().nodes) {
        assert.equal(summary.ipv4Unicast?.peers[n.ipv4]?.state, 'Established', n.ipv4);
        assert.equal(summary.ipv6Unicast?.peers[n.ipv6]?.state, 'Established', n.ipv6);
      }
    });

    it('a Service added, then removed: its route comes and goes, no session is reset', async () => {
      const before = established();
      const file = join(config(), 'extra.yaml');
      writeFileSync(
        file,
        `apiVersion: v1
kind: Service
metadata: { name: extra, namespace: default, annotations: { metallb.io/loadBalancerIPs: '10.79.0.1' } }
spec: { type: LoadBalancer, ipFamilies: [IPv4], ports: [{ port: 80, protocol: TCP }] }
`,
      );
      const added = await untilPaths('10.79.0.1', 3, 10_000);
      rmSync(file);
      const removed = await untilPaths('10.79.0.1', 0, 10_000);
      console.log(
        `# FRR backend: Service added → 3 paths in ${added} ms; removed → withdrawn in ${removed} ms`,
      );
      assert.deepEqual(established(), before, 'connectionsEstablished unchanged on every session');
    });

    it("a raw FRRConfiguration FRR refuses: FRR's message reported, the last good config kept, no reset", async () => {
      const before = established();
      const file = join(config(), 'bad-raw.yaml');
      writeFileSync(
        file,
        `apiVersion: frrk8s.metallb.io/v1beta1
kind: FRRConfiguration
metadata: { name: bad-raw, namespace: metallb-system }
spec:
  raw:
    priority: 5
    rawConfig: |
      router bgp ${LAB_BGP.nodeAsn}
       bogus-command here
`,
      );
      const node = t().nodes[0]?.name ?? '';
      await until(
        'config rejected',
        () => (state(node).bgp.frr?.config === 'rejected' ? 1 : 0),
        (n) => n === 1,
        10_000,
      );
      const s = state(node);
      assert.match(s.bgp.frr?.lastError ?? '', /Unknown command.*bogus-command/);
      const logged = lab.logs(node).find((l) => l.event === 'configRejected');
      assert.match(String(logged?.err), /bogus-command/);
      assert.equal(paths(LAB_BGP.vipv4).length, 3, 'routes stay');
      assert.deepEqual(established(), before, 'no session reset');
      rmSync(file);
      await until(
        'config applied again',
        () => (state(node).bgp.frr?.config === 'applied' ? 1 : 0),
        (n) => n === 1,
        10_000,
      );
      assert.equal(state(node).bgp.frr?.lastError, undefined);
    });

    /**
     * After `kill` (at the time returned): polls the VIP's paths at the router until all 3 are back
     * and 3 s passed, and sums the time it had fewer (between polls, so within one poll, ~0.1 s).
     */
    const routeGap = async (kill: () => number) => {
      const killedAt = kill();
      let absentMs = 0;
      let staleSeen = false;
      let lastAt = killedAt;
      let lastFull = true;
      let fullSince: number | undefined;
      for (;;) {
        const now = Date.now();
        if (now - killedAt > 60_000) throw new Error(`routes not back 60 s after the kill`);
        const found = paths(LAB_BGP.vipv4);
        const at = Date.now();
        if (!lastFull) absentMs += at - lastAt;
        staleSeen ||= found.some((p) => (p as { stale?: boolean }).stale === true);
        lastFull = found.length === 3;
        lastAt = at;
        if (!lastFull) fullSince = undefined;
        else fullSince ??= at;
        if (fullSince !== undefined && at - fullSince > 3000 && at - killedAt > 5000)
          return { absentMs, staleSeen, backMs: fullSince - killedAt };
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const killBgpd = (node: string) => () => {
      const at = Date.now();
      process.kill(pidOf(node, 'bgpd'), 'SIGKILL');
      return at;
    };

    it('bgpd killed: the supervisor restarts bgpd alone and the routes come back', async () => {
      const node = t().nodes[0];
      assert.ok(node);
      const before = pids(node.name);
      const since = new Date().toISOString();
      const gap = await routeGap(killBgpd(node.name));
      await untilPaths(LAB_BGP.vipv6, 3, 30_000);
      const log = lab
        .logs(node.name)
        .find((l) => l.event === 'daemonsRunning' && l.restartMs !== undefined && String(l.time) >= since);
      console.log(
        `# FRR backend, no graceful restart: bgpd SIGKILL → route absent at the router ${gap.absentMs} ms ` +
          `(stale meanwhile: ${gap.staleSeen}), 3 paths again from ${gap.backMs} ms on; ` +
          `bgpd restarted in ${String(log?.restartMs)} ms`,
      );
      assert.ok(gap.absentMs > 0, 'without graceful restart the route is withdrawn for a while');
      assert.ok(log, 'the supervisor logged the restart');
      const after = pids(node.name);
      assert.notEqual(after.bgpd, before.bgpd, 'a new bgpd');
      assert.deepEqual(
        [after.zebra, after.bfdd, after.staticd],
        [before.zebra, before.bfdd, before.staticd],
        'zebra, bfdd and staticd kept running',
      );
      assert.equal(state(node.name).bgp.frr?.daemons, 'running');
    });

    it('bgpd killed with enableGracefulRestart: the router keeps the routes (stale), no gap', async () => {
      const node = t().nodes[0];
      assert.ok(node);
      const file = join(config(), 'bgp.yaml');
      const plain = readFileSync(file, 'utf8');
      writeFileSync(
        file,
        plain.replaceAll('  bfdProfile: lab', '  bfdProfile: lab\n  enableGracefulRestart: true'),
      );
      try {
        // The capability is exchanged in OPEN: reset the router's sessions to the node once the
        // node runs `neighbor … graceful-restart`.
        const nodeRuns = () =>
          netnsExec(node.namespace, [
            'vtysh',
            '--vty_socket',
            join(stateDir(lab.id), 'frr', node.name),
            '-c',
            'show running-config bgpd',
          ]);
        await until(
          'graceful-restart rendered',
          () => (nodeRuns().includes(`neighbor ${t().router.ipv4} graceful-restart`) ? 1 : 0),
          (n) => n === 1,
          15_000,
        );
        const grMode = () =>
          (
            JSON.parse(vtysh(`show bgp neighbors ${node.ipv4} json`) || '{}') as Record<
              string,
              { gracefulRestartInfo?: { remoteGrMode?: string }; bgpState?: string }
            >
          )[node.ipv4];
        if (grMode()?.gracefulRestartInfo?.remoteGrMode !== 'Restart') vtysh(`clear bgp ${node.ipv4}`);
        await until(
          "the router sees the node's graceful restart",
          () =>
            grMode()?.gracefulRestartInfo?.remoteGrMode === 'Restart' && grMode()?.bgpState === 'Established'
              ? 1
              : 0,
          (n) => n === 1,
          30_000,
        );
        await untilPaths(LAB_BGP.vipv4, 3, 30_000);
        const gap = await routeGap(killBgpd(node.name));
        console.log(
          `# FRR backend, graceful restart: bgpd SIGKILL → route absent at the router ${gap.absentMs} ms ` +
            `(stale meanwhile: ${gap.staleSeen}), 3 paths from ${gap.backMs} ms on (the first poll: never fewer)`,
        );
        assert.equal(gap.absentMs, 0, 'no withdrawal gap');
        assert.ok(gap.staleSeen, 'the router held the paths as stale meanwhile');
      } finally {
        writeFileSync(file, plain);
        await untilPaths(LAB_BGP.vipv4, 3, 30_000);
      }
    });

    it('bfdd killed: bfdd alone restarted, BFD sessions back at the router, routes back', async () => {
      const node = t().nodes[1];
      assert.ok(node);
      const addresses = [node.ipv4, node.ipv6];
      const before = pids(node.name);
      const downsBefore = bfdAtRouter(addresses).map((b) => b.downs);
      const killedAt = Date.now();
      process.kill(before.bfdd ?? 0, 'SIGKILL');
      const down = await until(
        'the router counts BFD down',
        () => bfdAtRouter(addresses).filter((b, i) => b.downs > (downsBefore[i] ?? 0)).length,
        (n) => n === 2,
        10_000,
        killedAt,
      );
      const up = await until(
        'BFD up again at the router',
        () => bfdAtRouter(addresses).filter((b) => b.up).length,
        (n) => n === 2,
        30_000,
        killedAt,
      );
      const v4 = await untilPaths(LAB_BGP.vipv4, 3, 30_000, killedAt);
      const v6 = await untilPaths(LAB_BGP.vipv6, 3, 30_000, killedAt);
      const log = lab
        .logs(node.name)
        .find(
          (l) =>
            l.event === 'daemonsRunning' &&
            l.restartMs !== undefined &&
            String(l.time) >= new Date(killedAt).toISOString(),
        );
      console.log(
        `# FRR backend: bfdd SIGKILL → BFD down at the router after ${down} ms, up again after ${up} ms, ` +
          `3 paths IPv4 after ${v4} ms, IPv6 after ${v6} ms; bfdd restarted in ${String(log?.restartMs)} ms`,
      );
      assert.ok(log, 'the supervisor logged the restart');
      const after = pids(node.name);
      assert.notEqual(after.bfdd, before.bfdd, 'a new bfdd');
      assert.deepEqual(
        [after.zebra, after.bgpd, after.staticd],
        [before.zebra, before.bgpd, before.staticd],
        'zebra, bgpd and staticd kept running',
      );
      assert.equal(state(node.name).bgp.frr?.daemons, 'running');
    });

    it('an unnumbered peer (interface, IPv6 link-local): Established on both ends, the route at the router', async () => {
      const node = t().nodes[0];
      assert.ok(node);
      // A second cable from node1 to the router, no addresses but the kernel's link-local ones.
      const [a, b] = [`ua-${lab.id}`.slice(0, 15), `ub-${lab.id}`.slice(0, 15)];
      ip('link', 'add', a, 'type', 'veth', 'peer', 'name', b);
      ip('link', 'set', a, 'netns', t().router.namespace, 'name', 'un-node1');
      ip('link', 'set', b, 'netns', node.namespace, 'name', 'un0');
      ip('-n', t().router.namespace, 'link', 'set', 'un-node1', 'up');
      ip('-n', node.namespace, 'link', 'set', 'un0', 'up');
      const routerNeighbor = (no: string) => [
        'configure terminal',
        `router bgp ${LAB_BGP.routerAsn}`,
        `${no}neighbor un-node1 interface remote-as ${LAB_BGP.nodeAsn}`,
        ...(no === '' ? ['address-family ipv4 unicast', 'neighbor un-node1 activate'] : []),
      ];
      lab.herald('lab', 'router', '--id', lab.id, ...routerNeighbor(''));
      const file = join(config(), 'unnumbered.yaml');
      writeFileSync(
        file,
        `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: router-unnumbered, namespace: metallb-system }
spec:
  myASN: ${LAB_BGP.nodeAsn}
  peerASN: ${LAB_BGP.routerAsn}
  interface: un0
`,
      );
      try {
        const atRouter = () =>
          (
            JSON.parse(vtysh('show bgp neighbors un-node1 json') || '{}') as Record<
              string,
              { bgpState?: string }
            >
          )['un-node1']?.bgpState;
        const atNode = () =>
          (
            JSON.parse(
              netnsExec(node.namespace, [
                'vtysh',
                '--vty_socket',
                join(stateDir(lab.id), 'frr', node.name),
                '-c',
                'show bgp neighbors un0 json',
              ]) || '{}',
            ) as Record<string, { bgpState?: string; bgpNeighborAddr?: string }>
          ).un0;
        const established = await until(
          'unnumbered session Established at the router',
          () => (atRouter() === 'Established' ? 1 : 0),
          (n) => n === 1,
          30_000,
        );
        assert.equal(atNode()?.bgpState, 'Established', 'and at the node');
        assert.match(atNode()?.bgpNeighborAddr ?? '', /^fe80:/, "the router's link-local address");
        await untilPaths(LAB_BGP.vipv4, 4, 20_000);
        const viaCable = paths(LAB_BGP.vipv4).filter(
          (p) => (p.peer as { interface?: string }).interface === 'un-node1',
        );
        assert.equal(viaCable.length, 1, 'one path over the unnumbered session');
        assert.match(viaCable[0]?.nexthops[0]?.ip ?? '', /^fe80:/, "next hop: the node's link-local address");
        console.log(`# FRR backend: unnumbered peer Established after ${established} ms`);
      } finally {
        rmSync(file);
        lab.herald('lab', 'router', '--id', lab.id, ...routerNeighbor('no '));
        ip('-n', t().router.namespace, 'link', 'del', 'un-node1');
        await untilPaths(LAB_BGP.vipv4, 3, 20_000);
      }
    });

    it("the router's RIB is the same with the native speaker: routes, attributes, next hops", async () => {
      const frr = { v4: rib(LAB_BGP.vipv4), v6: rib(LAB_BGP.vipv6) };
      assert.equal(frr.v4.length, 3);
      const file = join(config(), 'bgp.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('bgpBackend: frr', 'bgpBackend: native'));
      await until(
        'every speaker native',
        () => t().nodes.filter((n) => state(n.name).bgp.backend === 'native').length,
        (n) => n === 3,
        10_000,
      );
      const sameAs = (want: ReturnType<typeof rib>, vip: string) =>
        until(
          'RIB as with FRR',
          () => (JSON.stringify(rib(vip)) === JSON.stringify(want) ? 1 : 0),
          (n) => n === 1,
          30_000,
        );
      await sameAs(frr.v4, LAB_BGP.vipv4);
      await sameAs(frr.v6, LAB_BGP.vipv6);
      assert.deepEqual({ v4: rib(LAB_BGP.vipv4), v6: rib(LAB_BGP.vipv6) }, frr);
    });
  },
);
