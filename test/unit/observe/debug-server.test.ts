// The debug server on a real loopback socket and on a unix socket: health, readiness, state,
// metrics and the server-sent event stream that carries transitions as they happen.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createActor, SimulatedClock } from 'xstate';
import { leadershipMachine } from '../../../src/machines/leadership.machine.js';
import { getJson, parseSpeakerAddress } from '../../../src/observe/debug-client.js';
import {
  parseListen,
  startDebugServer,
  stopDebugServer,
  type DebugSources,
} from '../../../src/observe/debug-server.js';
import { createSpeakerMetrics } from '../../../src/observe/metrics.js';
import { StateBoard } from '../../../src/observe/state-board.js';

function get(port: number, path: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('parseListen', () => {
  it('takes addr:port, [v6]:port, :port and unix:/path', () => {
    assert.deepEqual(parseListen('127.0.0.1:7472'), { kind: 'tcp', host: '127.0.0.1', port: 7472 });
    assert.deepEqual(parseListen('[::1]:7472'), { kind: 'tcp', host: '::1', port: 7472 });
    assert.deepEqual(parseListen(':7472'), { kind: 'tcp', host: undefined, port: 7472 });
    assert.deepEqual(parseListen('unix:/run/h.sock'), { kind: 'unix', path: '/run/h.sock' });
  });
  it('refuses what it cannot listen on, naming the value', () => {
    assert.throws(() => parseListen('7472'), /"7472"/);
    assert.throws(() => parseListen('host:99999'), /"host:99999"/);
    assert.throws(() => parseListen('unix:relative.sock'), /absolute path/);
  });
});

describe('debug server', () => {
  const board = new StateBoard();
  let ready = { configLoaded: true, gossipJoined: false };
  const metrics = createSpeakerMetrics({
    node: 'node1',
    responder: () => undefined,
    announcements: () => new Map(),
    members: () => new Map([['node2', { state: 'suspect' }]]),
  });
  const sources: DebugSources = {
    node: 'node1',
    registry: metrics.registry,
    board,
    readiness: () => ready,
    status: () => ({ announcing: [] }),
    charts: () => [{ id: 'leadership', description: 'd', svg: '<svg data-test="1"></svg>' }],
  };
  let server: Server;
  let unixServer: Server;
  let port = 0;
  const socket = join(mkdtempSync(join(tmpdir(), 'herald-debug-')), 'speaker.sock');
  const actor = createActor(leadershipMachine, {
    id: 'leadership:default/web',
    clock: new SimulatedClock(),
    input: { service: 'default/web', self: 'node1', ips: ['10.0.0.1'] },
    inspect: board.inspect,
  });

  before(async () => {
    actor.start();
    server = await startDebugServer({ kind: 'tcp', host: '127.0.0.1', port: 0 }, sources);
    port = (server.address() as AddressInfo).port;
    unixServer = await startDebugServer({ kind: 'unix', path: socket }, sources);
  });
  after(() => {
    stopDebugServer(server);
    stopDebugServer(unixServer);
    actor.stop();
  });

  it('/healthz answers ok', async () => {
    assert.deepEqual(await get(port, '/healthz'), { status: 200, type: 'text/plain', body: 'ok\n' });
  });

  it('/readyz is 503 naming the failing check, then 200 once every check passes', async () => {
    const notReady = await get(port, '/readyz');
    assert.equal(notReady.status, 503);
    assert.deepEqual(JSON.parse(notReady.body), {
      ready: false,
      checks: { configLoaded: true, gossipJoined: false },
    });
    ready = { configLoaded: true, gossipJoined: true };
    assert.equal((await get(port, '/readyz')).status, 200);
  });

  it('/debug/state lists live actors with machine and state', async () => {
    const state = JSON.parse((await get(port, '/debug/state')).body) as {
      node: string;
      actors: { id: string; machine: string; state: string }[];
    };
    assert.equal(state.node, 'node1');
    assert.deepEqual(
      state.actors.map((a) => [a.id, a.machine, a.state]),
      [['leadership:default/web', 'leadership', 'waitingForConfig']],
    );
  });

  it('/metrics has MetalLB and Herald names; transitions are counted by machine, from, to and reason', async () => {
    metrics.transition('leadership', 'follower', 'leader', 'announcing');
    metrics.probe('direct', 2);
    metrics.configLoad('rejected');
    const { body, type } = await get(port, '/metrics');
    assert.match(type, /text\/plain/);
    assert.match(
      body,
      /herald_machine_transitions_total\{machine="leadership",from="follower",to="leader",reason="announcing"\} 1/,
    );
    assert.match(body, /herald_gossip_members\{state="suspect"\} 1/);
    assert.match(body, /herald_gossip_probe_rtt_seconds_count\{outcome="direct"\} 1/);
    assert.match(body, /metallb_k8s_client_config_stale_bool 1/);
    assert.match(body, /metallb_k8s_client_config_loaded_bool 0/);
  });

  it('/debug/statecharts is a self-contained page (no external URL)', async () => {
    const page = await get(port, '/debug/statecharts');
    assert.equal(page.status, 200);
    assert.match(page.type, /text\/html/);
    assert.match(page.body, /EventSource\('\.\/events'\)/);
    assert.doesNotMatch(page.body, /(src|href)="(https?:)?\/\//);
    const charts = JSON.parse((await get(port, '/debug/charts')).body) as { svg: string }[];
    assert.equal(charts[0]?.svg, '<svg data-test="1"></svg>');
  });

  it('/debug/events sends a snapshot, then each transition as it happens', async () => {
    const events: { event: string; data: unknown }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/debug/events' }, (res) => {
        assert.equal(res.headers['content-type'], 'text/event-stream');
        let buffer = '';
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
            const data = /^data: (.*)$/m.exec(block)?.[1] ?? 'null';
            events.push({ event, data: JSON.parse(data) });
            if (event === 'snapshot') actor.send({ type: 'config.loaded' });
            if (event === 'transition') {
              req.destroy();
              resolve();
            }
          }
        });
      });
      req.on('error', (e) => (events.length ? undefined : reject(e)));
      req.end();
    });
    await done;
    assert.deepEqual(
      events.map((e) => e.event),
      ['snapshot', 'transition'],
    );
    const transition = events[1]?.data as { record: { actor: string; from: string; to: string } };
    assert.deepEqual(
      [transition.record.actor, transition.record.from, transition.record.to],
      ['leadership:default/web', 'waitingForConfig', 'follower'],
    );
  });

  it('serves the same over a unix socket, which `herald status` reads', async () => {
    const state = (await getJson(parseSpeakerAddress(`unix:${socket}`), '/debug/state')) as { node: string };
    assert.equal(state.node, 'node1');
  });

  it('refuses anything but GET', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/debug/state', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    assert.equal(status, 405);
  });
});
