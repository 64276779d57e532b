// The libp2p transport's connection handling at first contact, on loopback: a joiner is probed
// back on the stream it opened (no second stream, no extra negotiation with a starting process),
// a connection attempt outlives the probe that started it, and a seed list naming this speaker
// costs no dial to itself.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { SwimRequest } from '../../src/core/membership/wire.js';
import { Libp2pTransport } from '../../src/gossip/libp2p-transport.js';
import { pskFromSecret } from '../../src/gossip/psk.js';
import type { TransportHandlers } from '../../src/ports/membership-transport.js';
import { freePorts } from './ports.js';

function answering(node: string): TransportHandlers & { requests: SwimRequest[] } {
  const requests: SwimRequest[] = [];
  return {
    requests,
    onRequest: (request) => {
      requests.push(request);
      return Promise.resolve({
        type: 'ack',
        from: node,
        seq: request.type === 'push-pull' ? 0 : request.seq,
        incarnation: 1,
      });
    },
    onUpdate: () => undefined,
    onDisconnected: () => undefined,
  };
}

const waitFor = async (check: () => boolean, ms: number): Promise<boolean> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
};

describe('libp2p transport at first contact (loopback)', async () => {
  const [pa, pb, pc, pd] = await freePorts(4);
  const key = pskFromSecret('join-secret');
  const make = (node: string, port: number | undefined) =>
    new Libp2pTransport({ node, listen: `127.0.0.1:${port ?? 0}`, psk: key });
  const seed = make('seed', pa);
  const joiner = make('joiner', pb);
  const prober = make('prober', pc);
  const target = make('target', pd);
  const handlers = new Map([seed, joiner, prober, target].map((t) => [t, answering(t.self.node)]));
  for (const [t, h] of handlers) await t.start(h);
  after(async () => Promise.all([seed, joiner, prober, target].map((t) => t.stop())));

  it('probes a joiner back on the stream the joiner opened', async () => {
    const reply = await joiner.requestSeed(`127.0.0.1:${pa}`, { type: 'ping', from: 'joiner', seq: 1 }, 3000);
    assert.equal(reply?.type, 'ack');
    assert.equal(seed.openChannels, 1);
    // The seed learned the joiner's peer id from its request; it knows no address to dial.
    const back = await seed.request({ node: 'joiner' }, { type: 'ping', from: 'seed', seq: 2 }, 3000);
    assert.deepEqual(back, { type: 'ack', from: 'joiner', seq: 2, incarnation: 1 });
    assert.equal(handlers.get(joiner)?.requests.length, 1, 'the joiner answered the probe');
    assert.equal(seed.openChannels, 1, 'no second channel');
    assert.equal(joiner.openChannels, 1, 'no second channel');
  });

  it('keeps connecting after a probe gave up, so the next probe finds the channel ready', async () => {
    prober.remember({ node: 'target', peerId: target.self.peerId, addrs: target.self.addrs });
    // Far shorter than TCP + the private network + noise + yamux: this probe must fail ...
    const first = await prober.request({ node: 'target' }, { type: 'ping', from: 'prober', seq: 1 }, 1);
    assert.equal(first, undefined);
    // ... but the connection attempt it started runs on.
    assert.ok(await waitFor(() => prober.openChannels === 1, 5000), 'the channel opened in the background');
    const second = await prober.request({ node: 'target' }, { type: 'ping', from: 'prober', seq: 2 }, 1000);
    assert.equal(second?.type, 'ack');
    assert.equal(prober.openChannels, 1);
  });

  it('does not dial itself when the seed list names its own address', async () => {
    const started = Date.now();
    const reply = await target.requestSeed(`127.0.0.1:${pd}`, { type: 'ping', from: 'target', seq: 1 }, 3000);
    assert.equal(reply, undefined);
    assert.ok(Date.now() - started < 100, 'answered at once');
    assert.equal(handlers.get(target)?.requests.length, 1, 'only the prober ever asked it anything');
  });
});
