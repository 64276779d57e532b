// ARP and NDP codecs against real frames captured between two namespaces (test/fixtures/packets):
// decoding them, and producing byte-for-byte what the Linux kernel answered.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ARP_REPLY,
  ARP_REQUEST,
  arpReplyTo,
  decodeArp,
  gratuitousArp,
} from '../../../src/core/packets/arp.js';
import { isDecodeError } from '../../../src/core/packets/errors.js';
import { formatMac, parseMac } from '../../../src/core/packets/mac.js';
import {
  ALL_NODES,
  advertisementFor,
  decodeNeighborMessage,
  ND_NEIGHBOR_ADVERTISEMENT,
  ND_NEIGHBOR_SOLICITATION,
  unsolicitedAdvertisement,
} from '../../../src/core/packets/ndp.js';
import { formatIp, parseIp } from '../../../src/core/net/ip.js';

const frame = (name: string): Uint8Array => {
  const text = readFileSync(
    join(import.meta.dirname, '..', '..', 'fixtures', 'packets', `${name}.hex`),
    'utf8',
  );
  return Buffer.from(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .join(''),
    'hex',
  );
};
const v4 = (n: number) => formatIp({ family: 4, value: BigInt(n) });
const v6 = (bytes: Uint8Array) =>
  formatIp({ family: 6, value: BigInt(`0x${Buffer.from(bytes).toString('hex')}`) });
const v6bytes = (text: string) => Buffer.from(parseIp(text)!.value.toString(16).padStart(32, '0'), 'hex');
const MAC_A = parseMac('02:00:00:00:00:0a')!;
const MAC_B = parseMac('02:00:00:00:00:0b')!;

describe('ARP codec (captured frames)', () => {
  it('decodes a request', () => {
    const request = decodeArp(frame('arp-request'));
    assert.ok(!isDecodeError(request));
    assert.equal(request.operation, ARP_REQUEST);
    assert.equal(formatMac(request.senderMac), '02:00:00:00:00:0a');
    assert.equal(v4(request.senderIp), '10.99.0.1');
    assert.equal(v4(request.targetIp), '10.99.0.2');
  });

  it('answers a request exactly as the kernel did', () => {
    const request = decodeArp(frame('arp-request'));
    assert.ok(!isDecodeError(request));
    assert.deepEqual(Buffer.from(arpReplyTo(request, MAC_B)), Buffer.from(frame('arp-reply')));
    const reply = decodeArp(frame('arp-reply'));
    assert.ok(!isDecodeError(reply));
    assert.equal(reply.operation, ARP_REPLY);
  });

  it('builds the gratuitous request arping -U sends, plus the broadcast reply', () => {
    const [request, reply] = gratuitousArp(Number(parseIp('10.99.0.1')!.value), MAC_A);
    assert.deepEqual(Buffer.from(request), Buffer.from(frame('arp-gratuitous-request')));
    const decoded = decodeArp(reply);
    assert.ok(!isDecodeError(decoded));
    assert.equal(decoded.operation, ARP_REPLY);
    assert.equal(formatMac(decoded.ethernetDestination), 'ff:ff:ff:ff:ff:ff');
    assert.equal(decoded.senderIp, decoded.targetIp);
  });

  it('names why a frame is dropped', () => {
    const truncated = decodeArp(frame('arp-request').slice(0, 30));
    assert.ok(isDecodeError(truncated) && truncated.reason === 'truncated');
    const ipv6 = decodeArp(frame('ndp-neighbor-solicitation'));
    assert.ok(isDecodeError(ipv6) && ipv6.reason === 'notEthernetArp');
  });
});

describe('NDP codec (captured frames)', () => {
  it('decodes a neighbour solicitation with its source link-layer option', () => {
    const ns = decodeNeighborMessage(frame('ndp-neighbor-solicitation'));
    assert.ok(!isDecodeError(ns), JSON.stringify(ns));
    assert.equal(ns.type, ND_NEIGHBOR_SOLICITATION);
    assert.equal(v6(ns.target), 'fd00:99::2');
    assert.equal(v6(ns.source), 'fe80::ff:fe00:a');
    assert.equal(formatMac(ns.sourceLinkLayer!), '02:00:00:00:00:0a');
  });

  it('answers a solicitation exactly as the kernel did (solicited, override, target link-layer)', () => {
    const ns = decodeNeighborMessage(frame('ndp-neighbor-solicitation'));
    assert.ok(!isDecodeError(ns));
    assert.deepEqual(
      Buffer.from(advertisementFor(ns, MAC_B)),
      Buffer.from(frame('ndp-neighbor-advertisement')),
    );
    const na = decodeNeighborMessage(frame('ndp-neighbor-advertisement'));
    assert.ok(!isDecodeError(na));
    assert.equal(na.type, ND_NEIGHBOR_ADVERTISEMENT);
    assert.deepEqual(na.flags, { router: false, solicited: true, override: true });
  });

  it('answers duplicate address detection to all nodes, unsolicited', () => {
    const dad = decodeNeighborMessage(frame('ndp-dad-solicitation'));
    assert.ok(!isDecodeError(dad));
    const answer = decodeNeighborMessage(advertisementFor(dad, MAC_A));
    assert.ok(!isDecodeError(answer));
    assert.deepEqual([...answer.destination], [...ALL_NODES]);
    assert.equal(answer.flags.solicited, false);
  });

  it('builds an unsolicited advertisement with Override to all nodes that decodes with a valid checksum', () => {
    const na = decodeNeighborMessage(unsolicitedAdvertisement(v6bytes('fd00:77::200'), MAC_A));
    assert.ok(!isDecodeError(na));
    assert.equal(v6(na.target), 'fd00:77::200');
    assert.deepEqual(na.flags, { router: false, solicited: false, override: true });
    assert.equal(formatMac(na.ethernetDestination), '33:33:00:00:00:01');
    assert.equal(formatMac(na.targetLinkLayer!), '02:00:00:00:00:0a');
  });

  it('drops a bad checksum, a routed (hop limit < 255) message and garbage, with reasons', () => {
    const corrupt = frame('ndp-neighbor-solicitation');
    corrupt[70] = (corrupt[70] ?? 0) ^ 0xff;
    const bad = decodeNeighborMessage(corrupt);
    assert.ok(isDecodeError(bad) && bad.reason === 'badChecksum');
    const routed = frame('ndp-neighbor-solicitation');
    routed[21] = 64;
    const hop = decodeNeighborMessage(routed);
    assert.ok(isDecodeError(hop) && hop.reason === 'badHopLimit');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        decodeNeighborMessage(bytes);
        decodeArp(bytes);
      }),
      { numRuns: 5000 },
    );
  });

  it('never throws on mutated captured frames', () => {
    const originals = ['arp-request', 'ndp-neighbor-solicitation', 'ndp-dad-solicitation'].map(frame);
    fc.assert(
      fc.property(
        fc.nat(2),
        fc.array(fc.tuple(fc.nat(85), fc.nat(255)), { maxLength: 6 }),
        fc.nat(90),
        (which, edits, cut) => {
          const bytes = Uint8Array.from(originals[which]!);
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          decodeNeighborMessage(bytes.slice(0, cut));
          decodeArp(bytes.slice(0, cut));
        },
      ),
      { numRuns: 5000 },
    );
  });
});
