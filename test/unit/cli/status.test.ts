// `herald status` against a real debug server on loopback: the terminal picture of one speaker,
// and a clear error (exit 1) when the speaker cannot be reached.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createActor, SimulatedClock } from 'xstate';
import { main } from '../../../src/cli/main.js';
import { leadershipMachine } from '../../../src/machines/leadership.machine.js';
import { startDebugServer, stopDebugServer } from '../../../src/observe/debug-server.js';
import { createSpeakerMetrics } from '../../../src/observe/metrics.js';
import { StateBoard } from '../../../src/observe/state-board.js';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('herald status --speaker', () => {
  let server: Server;
  let url = '';
  const board = new StateBoard();
  before(async () => {
    const actor = createActor(leadershipMachine, {
      id: 'leadership:default/web',
      clock: new SimulatedClock(),
      input: { service: 'default/web', self: 'node1', ips: ['10.0.0.1'] },
      inspect: board.inspect,
    }).start();
    actor.send({ type: 'config.loaded' });
    actor.send({ type: 'election.result', winner: 'node1', reason: 'announcing', interfaces: ['eth0'] });
    server = await startDebugServer(
      { kind: 'tcp', host: '127.0.0.1', port: 0 },
      {
        node: 'node1',
        registry: createSpeakerMetrics({
          node: 'node1',
          responder: () => undefined,
          announcements: () => new Map(),
          members: () => new Map(),
        }).registry,
        board,
        readiness: () => ({ configLoaded: true, gossipJoined: true }),
        status: () => ({
          announcing: [{ service: 'default/web', ips: ['10.0.0.1'], interfaces: ['eth0'] }],
          leadership: { 'default/web': 'leader' },
          members: { node2: { state: 'suspect', incarnation: 7 } },
          localHealth: 0,
          bgp: {
            sessions: [{ peer: 'tor', address: '10.0.0.254', state: 'established', routes: 3 }],
            bfd: { tor: { up: true } },
          },
        }),
        charts: () => [],
      },
    );
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => stopDebugServer(server));

  it('prints what the node announces, its machines, members and latest transitions', async () => {
    const { code, out } = await run('status', '--speaker', url);
    assert.equal(code, 0);
    assert.match(out, /^speaker node1: ready \(configLoaded yes, gossipJoined yes\)/);
    assert.match(out, /default\/web {2}10\.0\.0\.1 {2}on eth0/);
    assert.match(out, /default\/web +leader/);
    assert.match(out, /node2 +suspect +incarnation 7/);
    assert.match(out, /tor +10\.0\.0\.254 +established +3 routes {2}bfd up/);
    assert.match(out, /leadership:default\/web: follower -> leader \(announcing\)/);
  });

  it('--json prints /debug/state', async () => {
    const { out } = await run('status', '--speaker', url, '--json');
    const state = JSON.parse(out) as { node: string; actors: { state: string }[] };
    assert.equal(state.node, 'node1');
    assert.equal(state.actors[0]?.state, 'leader');
  });

  it('an unreachable speaker is an error naming the address', async () => {
    const { code, err } = await run('status', '--speaker', 'http://127.0.0.1:1');
    assert.equal(code, 1);
    assert.match(err, /cannot read http:\/\/127\.0\.0\.1:1/);
  });
});
