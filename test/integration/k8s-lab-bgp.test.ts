// The BGP lab suite in Kubernetes mode (`herald lab up --k8s --bgp frr`): the same router RIB,
// attributes, BFD withdrawal and Cease as with standalone speakers, the configuration and
// Services coming from the API; plus what only Kubernetes mode has: ServiceBGPStatus objects
// naming each node's peers, and a Service deleted through the API withdrawn from the router
// without resetting any session.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LAB_BGP, labBgpConfigYaml } from '../../src/lab/bgp-topology.js';
import { labKubectl } from '../../src/lab/k8s/lab-cluster.js';
import { readState } from '../../src/lab/system.js';
import { labTopology } from '../../src/lab/topology.js';
import { describeBgpAgainstFrr } from '../support/bgp-frr-suite.js';

interface BgpStatus {
  metadata: { labels?: Record<string, string> };
  status?: { node?: string; peers?: string[] };
}

describeBgpAgainstFrr({
  name: 'BGP and BFD against FRR, Kubernetes mode',
  letter: 'g',
  k8s: true,
  more: ({ lab, paths, untilPaths, vtysh }) => {
    const kubectl = (...args: string[]) => {
      const id = lab().id;
      const state = readState(id);
      return labKubectl(labTopology(3, id), state?.k8s?.bin ?? '', args);
    };
    const bgpStatuses = (service: string) =>
      (
        JSON.parse(kubectl('get', 'servicebgpstatuses', '-n', 'metallb-system', '-o', 'json')) as {
          items: BgpStatus[];
        }
      ).items.filter((s) => s.metadata.labels?.['metallb.io/service-name'] === service);
    /** Each session's count of Established transitions, by neighbour: a reset would raise one. */
    const establishedCounts = () => {
      const json = JSON.parse(vtysh('show bgp neighbors json')) as Record<
        string,
        { connectionsEstablished?: number }
      >;
      return Object.fromEntries(
        Object.entries(json).map(([peer, n]) => [peer, n.connectionsEstablished ?? 0]),
      );
    };

    it('ServiceBGPStatus: one object per node for web-bgp, naming both BGPPeers', () => {
      const statuses = bgpStatuses('web-bgp');
      assert.deepEqual(statuses.map((s) => s.status?.node).sort(), ['node1', 'node2', 'node3']);
      for (const s of statuses)
        assert.deepEqual([...(s.status?.peers ?? [])].sort(), ['router-v4', 'router-v6']);
    });

    it('a Service deleted through the API is withdrawn from the router with no session reset, and its statuses go', async () => {
      const before = establishedCounts();
      kubectl('delete', 'service', '-n', 'default', 'web-bgp');
      const ms = await untilPaths(LAB_BGP.vipv4, 0, 10_000);
      await untilPaths(LAB_BGP.vipv6, 0, 10_000);
      process.stdout.write(`# web-bgp withdrawn ${ms} ms after kubectl delete returned\n`);
      assert.deepEqual(establishedCounts(), before, 'no session was reset');
      for (let i = 0; i < 50 && bgpStatuses('web-bgp').length > 0; i++)
        await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(bgpStatuses('web-bgp'), []);
      // Back as it was for the suite's last test.
      const id = lab().id;
      const state = readState(id);
      const yaml = labBgpConfigYaml(labTopology(3, id), {
        router: 'frr',
        bfdIntervalMs: 300,
        services: 1,
      });
      labKubectl(labTopology(3, id), state?.k8s?.bin ?? '', ['apply', '-f', '-'], { input: yaml });
      await untilPaths(LAB_BGP.vipv4, 3, 20_000);
      await untilPaths(LAB_BGP.vipv6, 3, 20_000);
      assert.equal(paths(LAB_BGP.vipv4).length, 3);
    });
  },
});
