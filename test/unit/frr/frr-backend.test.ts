// The FRR backend's pure parts and its supervisor over a fake FrrProcesses: FRR's JSON read back
// into metrics records, FRR's error text cut to the line that names the problem, the backend in
// force (MetalLB's spec.bgpBackend over the flag), and a refused reload undone with the last
// good text while the refusal stays visible.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { FrrSupervisor } from '../../../src/actors/frr-supervisor.actor.js';
import { chooseBgpBackend } from '../../../src/app/bgp.js';
import { parse } from '../../../src/core/config/parse.js';
import { frrMessage } from '../../../src/frr/processes.js';
import { parseBfdPeers, parseBgpNeighbors } from '../../../src/frr/status.js';
import type { FrrProcesses } from '../../../src/ports/frr.js';

const NEIGHBORS = JSON.stringify({
  default: {
    vrfId: 0,
    vrfName: 'default',
    '10.77.0.1': {
      remoteAs: 64500,
      bgpState: 'Established',
      connectionsEstablished: 1,
      connectionsDropped: 0,
      messageStats: {
        opensSent: 1,
        opensRecv: 1,
        notificationsSent: 0,
        updatesSent: 3,
        keepalivesSent: 7,
        keepalivesRecv: 6,
      },
      addressFamilyInfo: { ipv4Unicast: { sentPrefixCounter: 2 }, ipv6Unicast: { sentPrefixCounter: 1 } },
    },
  },
  red: {
    vrfId: 5,
    vrfName: 'red',
    eth1: { bgpState: 'Active', connectionsEstablished: 0, messageStats: {}, addressFamilyInfo: {} },
  },
});

describe('FRR state read back', () => {
  it('show bgp vrf all neighbors json → one record per neighbour, VRF and counters', () => {
    const n = parseBgpNeighbors(NEIGHBORS);
    assert.deepEqual(
      n.map((x) => [x.vrf, x.peer, x.state, x.prefixesSent, x.connectionsEstablished]),
      [
        ['', '10.77.0.1', 'established', 3, 1],
        ['red', 'eth1', 'active', 0, 0],
      ],
    );
    assert.deepEqual(n[0]?.counters, {
      opensSent: 1,
      opensReceived: 1,
      updatesSent: 3,
      keepalivesSent: 7,
      keepalivesReceived: 6,
      notificationsSent: 0,
    });
    assert.deepEqual(parseBgpNeighbors(''), []);
  });

  it('show bfd peers json joined with the counters', () => {
    const status = JSON.stringify([
      { multihop: false, peer: '10.77.0.1', vrf: 'default', interface: 'eth0', status: 'up' },
      { multihop: false, peer: 'fd00:77::1', vrf: 'default', interface: 'eth0', status: 'down' },
    ]);
    const counters = JSON.stringify([
      {
        peer: '10.77.0.1',
        vrf: 'default',
        interface: 'eth0',
        'control-packet-input': 40,
        'control-packet-output': 41,
        'session-up': 1,
        'session-down': 0,
      },
    ]);
    assert.deepEqual(parseBfdPeers(status, counters), [
      {
        vrf: '',
        peer: '10.77.0.1',
        up: true,
        status: 'up',
        input: 40,
        output: 41,
        upEvents: 1,
        downEvents: 0,
      },
      {
        vrf: '',
        peer: 'fd00:77::1',
        up: false,
        status: 'down',
        input: 0,
        output: 0,
        upEvents: 0,
        downEvents: 0,
      },
    ]);
  });

  it("frr-reload.py's failure output cut to FRR's own message", () => {
    const output = `2026-12-05 12:38:23,716 \u001b[91m  ERROR\u001b[0m: vtysh failed to process new configuration: vtysh (mark file) exited with status 2:
b"% Can't open configuration file /run/x/vtysh.conf due to 'No such file or directory'.\\nline 3: % Unknown command:  bogus command here\\n\\n"`;
    assert.equal(frrMessage(output), 'line 3: % Unknown command:  bogus command here');
  });
});

describe('backend selection', () => {
  const config = (spec?: Record<string, unknown>) => {
    const objects = spec
      ? [
          {
            apiVersion: 'metallb.io/v1beta1',
            kind: 'MetalLB',
            metadata: { name: 'metallb', namespace: 'metallb-system' },
            spec,
          },
        ]
      : [];
    const result = parse(objects, { namespace: 'metallb-system', references: 'require' });
    assert.ok(result.ok);
    return result.config;
  };
  it('the flag, unless the MetalLB object sets spec.bgpBackend', () => {
    assert.deepEqual(chooseBgpBackend(config(), 'native'), { backend: 'native', source: 'flag' });
    assert.deepEqual(chooseBgpBackend(config({}), 'frr'), { backend: 'frr', source: 'flag' });
    assert.deepEqual(chooseBgpBackend(config({ bgpBackend: 'frr' }), 'native'), {
      backend: 'frr',
      source: 'MetalLB',
    });
    assert.deepEqual(chooseBgpBackend(config({ bgpBackend: 'native' }), 'frr'), {
      backend: 'native',
      source: 'MetalLB',
    });
    assert.deepEqual(chooseBgpBackend(config({ bgpBackend: 'frr-k8s' }), 'native'), {
      backend: 'frr-k8s',
      source: 'MetalLB',
    });
    assert.deepEqual(chooseBgpBackend(config({ bgpBackend: 'frr-k8s-external' }), 'frr'), {
      backend: 'frr-k8s-external',
      source: 'MetalLB',
    });
  });
});

/** FRR as a fake: reloads recorded, a text containing `bogus` refused as FRR would. */
function fakeFrr() {
  const reloads: string[] = [];
  let running = '';
  let exited: ((daemon: string, detail: string) => void) | undefined;
  const processes: FrrProcesses = {
    start: (onExit) => {
      exited = onExit;
      running = '';
      return Promise.resolve();
    },
    stop: () => undefined,
    reload: (text) => {
      reloads.push(text);
      if (text.includes('bogus')) return Promise.reject(new Error('line 2: % Unknown command: bogus'));
      running = text;
      return Promise.resolve();
    },
    show: () => Promise.resolve('{}'),
  };
  return {
    processes,
    reloads,
    running: () => running,
    kill: (d: string) => exited?.(d, 'killed by SIGKILL'),
  };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('FRR supervisor actor', () => {
  it('a refused text: the last good one reloaded again, FRR keeps running it, the refusal visible', async () => {
    const clock = new SimulatedClock();
    const frr = fakeFrr();
    const supervisor = new FrrSupervisor({ processes: frr.processes, daemons: ['zebra', 'bgpd'], clock });
    supervisor.start();
    await settle();
    supervisor.setConfig('router bgp 1\n');
    clock.increment(200);
    await settle();
    supervisor.setConfig('router bgp 1\n bogus\n');
    clock.increment(200);
    await settle();
    const state = supervisor.state();
    assert.equal(state.config, 'rejected');
    assert.equal(state.context.lastError, 'line 2: % Unknown command: bogus');
    assert.deepEqual(frr.reloads, ['router bgp 1\n', 'router bgp 1\n bogus\n', 'router bgp 1\n']);
    assert.equal(frr.running(), 'router bgp 1\n');
  });

  it('bgpd killed: daemons restarted after the backoff and the last good text loaded into them', async () => {
    const clock = new SimulatedClock();
    const frr = fakeFrr();
    const states: string[] = [];
    const supervisor = new FrrSupervisor({
      processes: frr.processes,
      daemons: ['zebra', 'bgpd'],
      clock,
      onState: (s) => states.push(`${s.daemons}/${s.config}`),
    });
    supervisor.start();
    await settle();
    supervisor.setConfig('A');
    clock.increment(200);
    await settle();
    frr.kill('bgpd');
    assert.equal(supervisor.state().daemons, 'restarting');
    clock.increment(250);
    await settle();
    assert.equal(frr.running(), 'A');
    assert.deepEqual(states.slice(-4), [
      'restarting/waiting',
      'starting/waiting',
      'running/applying',
      'running/applied',
    ]);
    assert.equal(supervisor.state().context.restarts, 1);
  });
});
