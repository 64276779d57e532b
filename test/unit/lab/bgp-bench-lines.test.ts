// The BGP benchmarks' readers of kernel monitor lines, FRR logs, tcpdump and speaker logs: the
// timings they report are differences of these timestamps, so the parsing must be exact.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isLinkDown,
  KernelRouteView,
  localTimeMs,
  parseFrrLogLine,
  parseMonitorLine,
  parseSpeakerLogLine,
  parseTcpdumpLine,
  percentile,
} from '../../../src/lab/bgp-bench-lines.js';

describe('timestamps', () => {
  it('local times keep their microseconds and subtract exactly', () => {
    const a = localTimeMs('2026-11-30T10:22:00.964702');
    const b = localTimeMs('2026/11/30 10:22:01.724540');
    assert.ok(a !== undefined && b !== undefined);
    assert.equal(Math.round((b - a) * 1000), 759_838);
    assert.equal(localTimeMs('2026-11-30T10:22:00'), new Date(2026, 10, 30, 10, 22, 0).getTime());
    assert.equal(localTimeMs('yesterday'), undefined);
  });

  it('monitor lines: time and text; not a monitor line: undefined', () => {
    const line = parseMonitorLine('[2026-11-30T10:22:01.724540] 10.78.0.10 nhid 10 proto bgp metric 20');
    assert.equal(line?.text, '10.78.0.10 nhid 10 proto bgp metric 20');
    assert.equal(line.atMs, localTimeMs('2026-11-30T10:22:01.724540'));
    assert.equal(parseMonitorLine('10.78.0.10 nhid 10'), undefined);
  });

  it('tcpdump -tt lines, IPv4 and IPv6, to the microsecond', () => {
    assert.deepEqual(
      parseTcpdumpLine('1796034165.699123 IP 10.77.0.11.49152 > 10.77.0.1.3784: UDP, length 24'),
      {
        atMs: 1796034165699.123,
        from: '10.77.0.11',
        to: '10.77.0.1',
      },
    );
    assert.equal(
      parseTcpdumpLine('1796034165.000001 IP6 fd00:77::b.49153 > fd00:77::1.3784: UDP, length 24')?.from,
      'fd00:77::b',
    );
    assert.equal(parseTcpdumpLine('listening on eth0'), undefined);
  });
});

describe('isLinkDown', () => {
  it('the cut port going down, not another port nor the way up', () => {
    const down =
      '6: p-node2@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue master br0 state DOWN group default';
    assert.ok(isLinkDown(down, 'p-node2'));
    assert.ok(!isLinkDown(down, 'p-node1'));
    assert.ok(!isLinkDown(down.replace('state DOWN', 'state UP'), 'p-node2'));
    assert.ok(!isLinkDown(down.replace('p-node2', 'p-node22'), 'p-node2'));
  });
});

describe('KernelRouteView', () => {
  const multipath = (...gws: string[]) =>
    `10.78.0.10 nhid 27 proto bgp metric 20 ${gws.map((g) => `\\\tnexthop via ${g} dev eth0 weight 1 `).join('')}`;

  it('a multipath route line: the gateways printed; a replacement without one node drops it', () => {
    const view = new KernelRouteView();
    view.apply(multipath('10.77.0.12', '10.77.0.13', '10.77.0.11'));
    assert.deepEqual(view.gateways('10.78.0.10'), ['10.77.0.12', '10.77.0.13', '10.77.0.11']);
    view.apply(
      '10.78.0.10 nhid 10 proto bgp metric 20 \\\tnexthop via 10.77.0.12 dev eth0 weight 1 \\\tnexthop via 10.77.0.13 dev eth0 weight 1 ',
    );
    assert.deepEqual(view.gateways('10.78.0.10/32'), ['10.77.0.12', '10.77.0.13']);
    view.apply('10.78.0.10 nhid 11 via 10.77.0.12 dev eth0 proto bgp metric 20');
    assert.deepEqual(view.gateways('10.78.0.10'), ['10.77.0.12']);
  });

  it('Deleted removes the route; IPv6 delete-then-add ends with the new gateways', () => {
    const view = new KernelRouteView();
    view.apply(
      'fd00:78::10 nhid 29 proto bgp metric 20 pref medium\\\tnexthop via fd00:77::d dev eth0 weight 1 \\\tnexthop via fd00:77::c dev eth0 weight 1 ',
    );
    view.apply(
      'Deleted fd00:78::10 nhid 29 proto bgp metric 20 pref medium\\\tnexthop via fd00:77::d dev eth0 weight 1 \\\tnexthop via fd00:77::c dev eth0 weight 1 ',
    );
    assert.equal(view.gateways('fd00:78::10'), undefined);
    view.apply(
      'fd00:78::10 nhid 17 proto bgp metric 20 pref medium\\\tnexthop via fd00:77::d dev eth0 weight 1 ',
    );
    assert.deepEqual(view.gateways('fd00:78::10'), ['fd00:77::d']);
  });

  it('a route known only by nhid follows its group, also when the group changes in place', () => {
    const view = new KernelRouteView();
    view.apply('id 11 via 10.77.0.12 dev eth0 scope link proto zebra');
    view.apply('id 12 via 10.77.0.13 dev eth0 scope link proto zebra');
    view.apply('id 28 via 10.77.0.11 dev eth0 scope link proto zebra');
    view.apply('id 27 group 11/12/28 proto zebra');
    view.apply('10.78.0.10 nhid 27 proto bgp metric 20');
    assert.deepEqual(view.gateways('10.78.0.10'), ['10.77.0.12', '10.77.0.13', '10.77.0.11']);
    view.apply('id 27 group 11,1/12,1 proto zebra');
    assert.deepEqual(view.gateways('10.78.0.10'), ['10.77.0.12', '10.77.0.13']);
    view.apply('10.79.0.1 nhid 11 proto bgp metric 20');
    assert.deepEqual(view.gateways('10.79.0.1'), ['10.77.0.12']);
    assert.equal(view.countStartingWith('10.79.'), 1);
    assert.equal(view.gateways('10.79.0.2'), undefined);
  });
});

describe('parseFrrLogLine', () => {
  it('BFD up -> down with its reason; BGP adjacency changes; zebra route adds', () => {
    assert.deepEqual(
      parseFrrLogLine(
        '2026/11/30 10:22:27.314689 BFD: [SEY1D-NT8EQ] state-change: [mhop:no peer:10.77.0.12 local:10.77.0.1 vrf:default ifname:eth0] up -> down reason:control-expired',
      ),
      {
        atMs: localTimeMs('2026-11-30T10:22:27.314689'),
        kind: 'bfdDown',
        subject: '10.77.0.12',
        detail: 'control-expired',
      },
    );
    assert.equal(
      parseFrrLogLine(
        '2026/11/30 10:22:27.314689 BFD: [SEY1D-NT8EQ] state-change: [mhop:no peer:fd00:77::c local:fd00:77::1 vrf:default ifname:eth0] down -> init reason:passive-down',
      ),
      undefined,
    );
    assert.equal(
      parseFrrLogLine(
        '2026/11/30 10:22:31.0 BFD: [SEY1D-NT8EQ] state-change: [mhop:no peer:fd00:77::c local:fd00:77::1 vrf:default ifname:eth0] init -> up',
      )?.kind,
      'bfdUp',
    );
    const bgp = parseFrrLogLine(
      '2026/11/30 10:22:27.314938 BGP: [PXVXG-TFNNT] %ADJCHANGE: neighbor 10.77.0.12(Unknown) in vrf default Down BGP Notification send',
    );
    assert.deepEqual(
      [bgp?.kind, bgp?.subject, bgp?.detail],
      ['bgpDown', '10.77.0.12', 'BGP Notification send'],
    );
    assert.equal(
      parseFrrLogLine('2026/11/30 10:22:29.1 BGP: [ABC] %ADJCHANGE: neighbor fd00:77::c in vrf default Up')
        ?.kind,
      'bgpUp',
    );
    const zebra = parseFrrLogLine(
      '2026/11/30 10:22:27.387451 ZEBRA: [MFYWV-KH3MC] process_subq_early_route_add: (0:254):10.78.0.10/32: Inserting route rn 0x55a3949ad250',
    );
    assert.deepEqual([zebra?.kind, zebra?.subject], ['zebraRoute', '10.78.0.10']);
    assert.equal(parseFrrLogLine('not a log line'), undefined);
  });
});

describe('parseSpeakerLogLine and percentile', () => {
  it('JSON log lines with a time, component and event; anything else is skipped', () => {
    const e = parseSpeakerLogLine(
      '{"level":"info","time":"2026-11-30T10:22:27.391Z","node":"node2","component":"bfd","event":"down","peer":"router-v6","reason":"detectionTimeExpired"}',
    );
    assert.deepEqual(
      [e?.atMs, e?.component, e?.event, e?.fields.peer],
      [Date.parse('2026-11-30T10:22:27.391Z'), 'bfd', 'down', 'router-v6'],
    );
    assert.equal(parseSpeakerLogLine('{"time": 3}'), undefined);
    assert.equal(parseSpeakerLogLine('{broken'), undefined);
  });

  it('nearest-rank percentiles', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.deepEqual(
      [50, 95, 99, 100].map((p) => percentile(values, p)),
      [10, 19, 20, 20],
    );
    assert.ok(Number.isNaN(percentile([], 50)));
  });
});
