// Real BFD conversations, FRR 8.4 bfdd against BIRD 2.0 and BIRD against BIRD with each
// authentication type (test/fixtures/bfd, made by test/support/bfd-capture): every packet
// decodes, re-encodes to the same bytes, and carries what the daemons were configured with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeControlPacket } from '../../../src/core/bfd/codec.js';
import { BfdDiagnostic } from '../../../src/core/bfd/diagnostic.js';
import { BFD_CONTROL_PORT, BFD_SINGLE_HOP_TTL } from '../../../src/core/bfd/packet.js';
import { detectionTimeUs, transmitIntervalUs } from '../../../src/core/bfd/timers.js';
import { authenticated, captureFiles, capturedPackets, collapse, manifest, stepAt } from './captures.js';

const { frr, bird } = manifest.frrBird;
const ms = (us: number) => us / 1000;
/** Capture time stamps come from the kernel on one side of the link: a little slack either way. */
const SLACK_MS = 15;

describe('BFD captures: every packet', () => {
  it('there are captures to read', () => {
    assert.ok(captureFiles().length >= 7, captureFiles().join(', '));
  });

  for (const file of captureFiles()) {
    it(`${file}: decodes, went to port 3784 with TTL 255, re-encodes to the same bytes`, () => {
      const packets = capturedPackets(file);
      assert.ok(packets.length > 5, `${packets.length} packets`);
      for (const { payload, packet, ttl, destinationPort } of packets) {
        assert.equal(destinationPort, BFD_CONTROL_PORT);
        assert.equal(ttl, BFD_SINGLE_HOP_TTL);
        assert.equal(packet.authentication !== undefined, authenticated(file));
        assert.deepEqual(Buffer.from(encodeControlPacket(packet)), Buffer.from(payload));
      }
    });
  }
});

for (const family of [4, 6] as const) {
  const file = `frr-bird-ipv${family}.pcap`;
  const frrAddress = family === 4 ? frr.v4 : frr.v6;
  const birdAddress = family === 4 ? bird.v4 : bird.v6;
  const fromFrr = () => capturedPackets(file).filter((p) => p.source === frrAddress);
  const fromBird = () => capturedPackets(file).filter((p) => p.source === birdAddress);

  describe(`BFD captures: FRR bfdd against BIRD over IPv${family}`, () => {
    it('each side sends its configured Detect Mult and Required Min RX, Desired Min TX once Up', () => {
      for (const { packet } of fromFrr()) {
        assert.equal(packet.detectMultiplier, frr.detectMultiplier);
        if (packet.state === 'up') {
          assert.ok(
            [frr.transmitIntervalMs, manifest.frrBird.slowerFrrTransmitIntervalMs].includes(
              ms(packet.desiredMinTxUs),
            ),
          );
          assert.equal(ms(packet.requiredMinRxUs), frr.receiveIntervalMs);
        }
      }
      for (const { packet } of fromBird()) {
        assert.equal(packet.detectMultiplier, bird.multiplier);
        assert.equal(ms(packet.requiredMinRxUs), bird.minRxIntervalMs);
        if (packet.state === 'up') assert.equal(ms(packet.desiredMinTxUs), bird.minTxIntervalMs);
      }
    });

    it('BIRD advertises a Desired Min TX of at least 1 s whenever it is not Up (RFC 5880 §6.8.3)', () => {
      // FRR does on the first bring-up only: its Init after `no shutdown` and its Down after the
      // freeze carry the configured 300 ms.
      const notUp = fromBird().filter((p) => p.packet.state !== 'up');
      assert.ok(notUp.length > 0);
      for (const { packet } of notUp)
        assert.ok(packet.desiredMinTxUs >= 1_000_000, `${packet.desiredMinTxUs}`);
      const frrFirstInit = fromFrr().find((p) => p.packet.state === 'init')!;
      assert.equal(frrFirstInit.packet.desiredMinTxUs, 1_000_000);
    });

    it('comes up by the three-way handshake: the first Up follows an Init from the other side', () => {
      const all = capturedPackets(file);
      const firstUp = all.findIndex((p) => p.packet.state === 'up');
      assert.ok(firstUp > 0);
      const upSender = all[firstUp]!.source;
      const before = all.slice(0, firstUp);
      assert.ok(before.some((p) => p.source !== upSender && p.packet.state === 'init'));
      assert.ok(before.every((p) => p.packet.state === 'down' || p.packet.state === 'init'));
    });

    it('answers every Poll with a Final from the other side, and never sets both', () => {
      const all = capturedPackets(file);
      const polls = all.filter((p) => p.packet.poll);
      assert.ok(polls.length >= 2, 'each side polls after coming Up');
      for (const poll of polls) {
        const final = all.find(
          (p) => p.source !== poll.source && p.packet.final && p.atMs >= poll.atMs - SLACK_MS,
        );
        assert.ok(final && final.atMs - poll.atMs < 50, `no Final within 50 ms of the Poll at ${poll.atMs}`);
      }
      assert.ok(all.every((p) => !(p.packet.poll && p.packet.final)));
    });

    it('keeps the periodic interval at 75–100 % of max(own Desired Min TX, peer Required Min RX)', () => {
      const check = (
        packets: ReturnType<typeof fromFrr>,
        desiredMs: number,
        peerRequiredMs: number,
        from: number,
        to: number,
      ) => {
        const interval = ms(transmitIntervalUs(desiredMs * 1000, peerRequiredMs * 1000)!);
        const periodic = packets.filter(
          (p) => p.packet.state === 'up' && !p.packet.poll && !p.packet.final && p.atMs > from && p.atMs < to,
        );
        const gaps = periodic.slice(1).map((p, i) => p.atMs - periodic[i]!.atMs);
        assert.ok(gaps.length >= 3, `${gaps.length} gaps`);
        for (const gap of gaps) {
          assert.ok(
            gap >= 0.75 * interval - SLACK_MS && gap <= interval + SLACK_MS,
            `gap ${gap} for ${interval}`,
          );
        }
      };
      // Steady state after the first bring-up: FRR sends every ≤ 300 ms, BIRD every ≤ 250 ms
      // (its 150 ms raised to FRR's Required Min RX).
      const steady = [stepAt('up') + 300, stepAt(family === 4 ? 'frrShutdownIpv4' : 'bfddStopped')];
      check(fromFrr(), frr.transmitIntervalMs, bird.minRxIntervalMs, steady[0]!, steady[1]!);
      check(fromBird(), bird.minTxIntervalMs, frr.receiveIntervalMs, steady[0]!, steady[1]!);
      if (family === 4) {
        const slow = manifest.frrBird.slowerFrrTransmitIntervalMs;
        check(fromFrr(), slow, bird.minRxIntervalMs, stepAt('frrSlowerTxIpv4') + 600, stepAt('end'));
      }
    });

    it('BIRD declares the frozen FRR down one detection time (FRR mult × max(rx, tx)) after its last packet', () => {
      const detectionMs = ms(
        detectionTimeUs(frr.detectMultiplier, bird.minRxIntervalMs * 1000, frr.transmitIntervalMs * 1000),
      );
      assert.equal(detectionMs, 900);
      const stopped = stepAt('bfddStopped');
      const lastFromFrr = fromFrr()
        .filter((p) => p.atMs <= stopped)
        .at(-1)!;
      const birdDown = fromBird().find(
        (p) => p.atMs > stopped && p.packet.diagnostic === BfdDiagnostic.controlDetectionTimeExpired,
      )!;
      assert.equal(birdDown.packet.state, 'down');
      assert.equal(birdDown.packet.yourDiscriminator, 0, 'the remote discriminator is cleared at expiry');
      const gap = birdDown.atMs - lastFromFrr.atMs;
      assert.ok(gap >= detectionMs - 1 && gap <= detectionMs + 50, `gap ${gap} ms`);
    });

    it('goes Down → Init → Up again after the freeze', () => {
      const after = capturedPackets(file).filter((p) => p.atMs > stepAt('bfddStopped'));
      const states = collapse(after.filter((p) => p.source === birdAddress).map((p) => p.packet.state));
      assert.deepEqual(states.slice(states.indexOf('down'), states.indexOf('down') + 3), [
        'down',
        'init',
        'up',
      ]);
    });
  });
}

describe('BFD captures: FRR AdminDown (IPv4 peer shut down)', () => {
  const file = 'frr-bird-ipv4.pcap';
  /** The step is stamped when vtysh returns, a little after FRR acted: look from the first AdminDown. */
  const firstAdminDown = () =>
    capturedPackets(file).find((p) => p.source === frr.v4 && p.packet.state === 'adminDown')!;

  it('FRR signals AdminDown; BIRD goes Down with diagnostic 3, Neighbor Signaled Session Down', () => {
    const adminDown = firstAdminDown();
    assert.ok(Math.abs(adminDown.atMs - stepAt('frrShutdownIpv4')) < 100);
    assert.equal(
      adminDown.packet.diagnostic,
      BfdDiagnostic.noDiagnostic,
      'FRR 8.4 sends AdminDown without diag 7',
    );
    const answer = capturedPackets(file).find((p) => p.source === bird.v4 && p.atMs >= adminDown.atMs)!;
    assert.equal(answer.packet.state, 'down');
    assert.equal(answer.packet.diagnostic, BfdDiagnostic.neighborSignaledSessionDown);
  });

  it('BIRD keeps the remote discriminator for at least a detection time, then clears it', () => {
    const from = firstAdminDown().atMs;
    const back = stepAt('frrNoShutdownIpv4');
    const lastFromFrr = capturedPackets(file)
      .filter((p) => p.source === frr.v4 && p.atMs >= from && p.atMs < back)
      .at(-1)!;
    const cleared = capturedPackets(file).find(
      (p) => p.source === bird.v4 && p.atMs > from && p.atMs < back && p.packet.yourDiscriminator === 0,
    )!;
    const gap = cleared.atMs - lastFromFrr.atMs;
    assert.ok(gap >= 900 - 1 && gap < 900 + 1000, `gap ${gap} ms`);
  });
});

describe('BFD captures: BIRD authentication', () => {
  for (const capture of manifest.authentication) {
    it(`${capture.type}: every packet carries key ${capture.keyId}, and the session comes Up`, () => {
      const packets = capturedPackets(capture.file);
      const type = {
        simple: 'simplePassword',
        'keyed md5': 'keyedMd5',
        'meticulous keyed md5': 'meticulousKeyedMd5',
        'keyed sha1': 'keyedSha1',
        'meticulous keyed sha1': 'meticulousKeyedSha1',
      }[capture.type];
      for (const { packet } of packets) {
        const auth = packet.authentication!;
        assert.equal(auth.type, type);
        assert.ok(auth.type !== 'unknown');
        assert.equal(auth.keyId, capture.keyId);
        if (auth.type === 'simplePassword')
          assert.equal(Buffer.from(auth.password).toString(), capture.password);
        else assert.equal(auth.digest.length, auth.type.endsWith('Md5') ? 16 : 20);
      }
      assert.ok(packets.some((p) => p.packet.state === 'up'));
    });
  }

  it('meticulous types advance the sequence number by one on every packet of a sender', () => {
    for (const capture of manifest.authentication.filter((c) => c.type.startsWith('meticulous'))) {
      const packets = capturedPackets(capture.file);
      for (const sender of new Set(packets.map((p) => p.source))) {
        const sent = packets.filter((p) => p.source === sender);
        const sequence = sent.map(
          (p) => (p.packet.authentication as { sequenceNumber: number }).sequenceNumber,
        );
        assert.ok(sequence.length > 3);
        sequence.slice(1).forEach((n, i) => assert.equal(n, (sequence[i]! + 1) >>> 0));
      }
    }
  });
});
