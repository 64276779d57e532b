// NOTIFICATION names and shutdown communications; ROUTE-REFRESH; community text helpers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CeaseSubcode,
  ErrorCode,
  HeaderSubcode,
  OpenSubcode,
  UpdateSubcode,
  ceaseNotification,
  decodeMessage,
  encodeMessage,
  errorCodeName,
  errorSubcodeName,
  formatCommunity,
  isBgpError,
  notificationName,
  parseCommunity,
  shutdownCommunication,
  splitCommunities,
  type NotificationMessage,
} from '../../../src/core/bgp/index.js';
import { parseCommunityValue } from '../../../src/core/config/rules/communities.js';
import { expectError } from './helpers.js';

const roundTrip = (n: NotificationMessage): NotificationMessage => {
  const decoded = decodeMessage(encodeMessage(n));
  assert.ok(!isBgpError(decoded) && decoded.type === 'notification');
  return decoded;
};

describe('NOTIFICATION', () => {
  it('names every code and every subcode defined by RFC 4271, 4486, 5492, 6608, 7313, 8538, 9234, 9384', () => {
    const groups: [number, Record<string, number>][] = [
      [ErrorCode.messageHeader, HeaderSubcode],
      [ErrorCode.openMessage, OpenSubcode],
      [ErrorCode.updateMessage, UpdateSubcode],
      [ErrorCode.cease, CeaseSubcode],
    ];
    for (const code of Object.values(ErrorCode)) assert.doesNotMatch(errorCodeName(code), /Unknown/);
    for (const [code, subcodes] of groups) {
      for (const subcode of Object.values(subcodes))
        assert.doesNotMatch(errorSubcodeName(code, subcode), /Unknown/);
    }
    for (const subcode of [1, 2, 3])
      assert.match(errorSubcodeName(ErrorCode.finiteStateMachine, subcode), /Unexpected Message/);
    assert.equal(notificationName({ code: 6, subcode: 10 }), 'Cease / BFD Down');
    assert.equal(notificationName({ code: 3, subcode: 11 }), 'UPDATE Message Error / Malformed AS_PATH');
    assert.equal(notificationName({ code: 9, subcode: 1 }), 'Unknown error code 9 / Unknown subcode 1');
  });

  it('carries code, subcode and data unchanged', () => {
    const n: NotificationMessage = {
      type: 'notification',
      code: 3,
      subcode: 5,
      data: Uint8Array.of(0x40, 1, 2, 0, 0),
    };
    assert.deepEqual(roundTrip(n), n);
  });

  it('a shutdown communication survives encoding (RFC 8203) for Administrative Shutdown and Reset', () => {
    for (const subcode of [CeaseSubcode.administrativeShutdown, CeaseSubcode.administrativeReset]) {
      const n = roundTrip(ceaseNotification(subcode, 'maintenance: kernel upgrade ✓'));
      assert.equal(shutdownCommunication(n), 'maintenance: kernel upgrade ✓');
    }
  });

  it('a long communication is cut to 255 bytes on a character boundary (RFC 9003)', () => {
    const n = ceaseNotification(CeaseSubcode.administrativeShutdown, 'é'.repeat(200));
    assert.ok(n.data.length <= 256);
    assert.equal(n.data[0], 254);
    assert.equal(shutdownCommunication(roundTrip(n)), 'é'.repeat(127));
  });

  it('has no communication when it is absent, malformed or on another subcode', () => {
    const cease = (subcode: number, data: number[]): NotificationMessage => ({
      type: 'notification',
      code: 6,
      subcode,
      data: Uint8Array.from(data),
    });
    assert.equal(shutdownCommunication(cease(2, [])), undefined);
    assert.equal(shutdownCommunication(cease(2, [0])), undefined);
    assert.equal(shutdownCommunication(cease(2, [5, 0x41])), undefined, 'length past the data');
    assert.equal(shutdownCommunication(cease(2, [2, 0xc3, 0x28])), undefined, 'invalid UTF-8');
    assert.equal(shutdownCommunication(cease(3, [1, 0x41])), undefined, 'Peer De-configured carries none');
    assert.equal(shutdownCommunication(cease(2, [1, 0x41, 0x42])), 'A');
  });

  it('a Cease without a communication has empty data', () => {
    assert.deepEqual([...ceaseNotification(CeaseSubcode.bfdDown).data], []);
  });
});

describe('ROUTE-REFRESH', () => {
  it('round-trips requests, BoRR/EoRR and outbound route filters', () => {
    for (const refresh of [
      { type: 'route-refresh', afi: 2, safi: 1, subtype: 0 },
      { type: 'route-refresh', afi: 1, safi: 1, subtype: 1 },
      { type: 'route-refresh', afi: 1, safi: 1, subtype: 2 },
      { type: 'route-refresh', afi: 1, safi: 1, subtype: 0, orf: Uint8Array.of(1, 64, 0, 3, 1, 2, 3) },
    ] as const) {
      assert.deepEqual(decodeMessage(encodeMessage(refresh)), refresh);
    }
  });

  it('a BoRR with anything after the fixed fields is ROUTE-REFRESH Message Error / Invalid Message Length, with the message as data', () => {
    const bytes = encodeMessage({
      type: 'route-refresh',
      afi: 1,
      safi: 1,
      subtype: 1,
      orf: Uint8Array.of(0),
    });
    const error = expectError(decodeMessage(bytes));
    assert.deepEqual([error.notification.code, error.notification.subcode], [7, 1]);
    assert.deepEqual(Buffer.from(error.notification.data), Buffer.from(bytes));
  });
});

describe('community text', () => {
  it('parses and prints AA:NN and large:X:Y:Z exactly as the configuration does', () => {
    for (const text of ['64500:100', '0:0', '65535:65535', 'large:4200000000:1:2', 'large:0:0:0']) {
      const c = parseCommunity(text);
      assert.ok(typeof c !== 'string', text);
      assert.equal(formatCommunity(c), text);
    }
  });

  it('rejects what the configuration rejects, with its reason', () => {
    for (const text of ['65536:1', '1:2:3', 'large:1:2', 'large:4294967296:0:0', 'abc:1']) {
      assert.equal(parseCommunity(text), parseCommunityValue(text));
    }
  });

  it('splits a mixed list into COMMUNITIES and LARGE_COMMUNITIES values', () => {
    const list = ['64500:1', 'large:1:2:3', '64500:2']
      .map((t) => parseCommunity(t))
      .filter((c) => typeof c !== 'string');
    assert.deepEqual(splitCommunities(list), {
      communities: [
        { asn: 64500, value: 1 },
        { asn: 64500, value: 2 },
      ],
      largeCommunities: [{ global: 1, local1: 2, local2: 3 }],
    });
  });
});
