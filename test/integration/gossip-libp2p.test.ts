// The libp2p transport on loopback: request/response, seed contact, gossipsub broadcast, and the
// private network refusing a speaker with another key.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { MemberUpdate, SwimRequest } from '../../src/core/membership/wire.js';
import { Libp2pTransport } from '../../src/gossip/libp2p-transport.js';
import { pskFromSecret } from '../../src/gossip/psk.js';
import type { TransportHandlers } from '../../src/ports/membership-transport.js';
import { freePorts } from './ports.js';

function recorder(node: string) {
  const updates: MemberUpdate[] = [];
  const requests: SwimRequest[] = [];
  const handlers: TransportHandlers = {
    onRequest: (request) => {
      requests.push(request);
      return Promise.resolve({
        type: 'ack',
        from: node,
        seq: request.type === 'push-pull' ? 0 : request.seq,
        incarnation: 7,
      });
    },
    onUpdate: (u) => updates.push(u),
    onDisconnected: () => undefined,
  };
  return { updates, requests, handlers };
}

const waitFor = async (check: () => boolean, ms = 3000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('libp2p membership transport (loopback)', async () => {
  const [pa, pb, pc, pr] = await freePorts(4);
  const key = pskFromSecret('test-secret');
  const a = new Libp2pTransport({ node: 'a', listen: `127.0.0.1:${pa}`, psk: key });
  const b = new Libp2pTransport({ node: 'b', listen: `127.0.0.1:${pb}`, psk: key });
  const intruder = new Libp2pTransport({
    node: 'x',
    listen: `127.0.0.1:${pc}`,
    psk: pskFromSecret('another-secret'),
  });
  const ra = recorder('a');
  const rb = recorder('b');
  await a.start(ra.handlers);
  await b.start(rb.handlers);
  await intruder.start(recorder('x').handlers);
  after(async () => Promise.all([a.stop(), b.stop(), intruder.stop()]));

  it('contacts a seed by address and learns its peer id', async () => {
    const reply = await b.requestSeed(`127.0.0.1:${pa}`, { type: 'ping', from: 'b', seq: 1 }, 3000);
    assert.deepEqual(reply, { type: 'ack', from: 'a', seq: 1, incarnation: 7 });
    assert.equal(ra.requests[0]?.type, 'ping');
  });

  it('answers requests by node name once the contact is known', async () => {
    a.remember({ node: 'b', peerId: b.self.peerId, addrs: b.self.addrs });
    const reply = await a.request({ node: 'b' }, { type: 'ping', from: 'a', seq: 2 }, 3000);
    assert.equal(reply?.type, 'ack');
    assert.equal(reply.from, 'b');
  });

  it('disseminates updates over gossipsub', async () => {
    await waitFor(() => {
      void a.broadcast({ kind: 'suspect', node: 'c', incarnation: 3, from: 'a' });
      return rb.updates.length > 0;
    });
    const { nonce, ...update } = rb.updates[0]!;
    assert.deepEqual(update, { kind: 'suspect', node: 'c', incarnation: 3, from: 'a' });
    assert.match(nonce ?? '', /^[0-9a-f]{16}$/, 'each broadcast is unique');
  });

  it('hears a speaker restarted many times from one address (a new peer id each start)', async () => {
    // gossipsub's peer score penalises many peer ids on one IP (colocation) and, past its
    // graylist threshold, ignores them: the 15th restart of a speaker went unheard, its leave
    // broadcast too. Speakers of one cluster are trusted (private network key): no such penalty.
    for (let start = 1; start <= 16; start++) {
      const restarted = new Libp2pTransport({ node: 'r', listen: `127.0.0.1:${pr}`, psk: key });
      await restarted.start(recorder('r').handlers);
      try {
        // The contact is retried: libp2p admits at most 5 inbound connections a second per host.
        let contacted = false;
        let lastTry = 0;
        const heard = () => ra.updates.some((u) => u.from === 'r' && u.incarnation === start);
        await waitFor(() => {
          if (!contacted && Date.now() - lastTry > 300) {
            lastTry = Date.now();
            void restarted
              .requestSeed(`127.0.0.1:${pa}`, { type: 'ping', from: 'r', seq: start }, 1000)
              .then((reply) => (contacted ||= reply !== undefined));
          }
          void restarted.broadcast({ kind: 'alive', node: 'r', incarnation: start, from: 'r' });
          return heard();
        }, 5000).catch(() => assert.fail(`start ${start}: its broadcasts were not heard`));
      } finally {
        await restarted.stop();
      }
    }
  });

  it('refuses a speaker without the key', async () => {
    const reply = await intruder.requestSeed(`127.0.0.1:${pa}`, { type: 'ping', from: 'x', seq: 1 }, 1500);
    assert.equal(reply, undefined);
    assert.ok(!ra.requests.some((r) => r.from === 'x'));
  });

  it('times out instead of hanging on an unreachable member', async () => {
    const started = Date.now();
    const reply = await a.requestSeed('127.0.0.1:1', { type: 'ping', from: 'a', seq: 3 }, 300);
    assert.equal(reply, undefined);
    assert.ok(Date.now() - started < 2000);
  });
});
