// UPDATE decoding with RFC 7606 error handling: each malformation gets the action the RFC
// prescribes, names the attribute, and carries the NOTIFICATION RFC 4271 would send.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AS_TRANS,
  UpdateSubcode,
  decodeMessage,
  encodeMessage,
  endOfRib,
  endOfRibFamily,
  isBgpError,
  mergeAs4Path,
  routeChanges,
  updateAction,
  type DecodeOptions,
  type UpdateMessage,
} from '../../../src/core/bgp/index.js';
import { concatBytes } from './bytes.js';
import { expectError, ip, prefix, prefixes } from './helpers.js';

/** A path attribute: flags, type, length (2 bytes when flags has 0x10), value. */
const attr = (flags: number, type: number, ...value: number[]): Uint8Array =>
  flags & 0x10
    ? Uint8Array.of(flags, type, value.length >> 8, value.length & 0xff, ...value)
    : Uint8Array.of(flags, type, value.length, ...value);
const u16 = (n: number): number[] => [n >> 8, n & 0xff];

/** A whole UPDATE from raw fields. */
function update(withdrawn: Uint8Array, attributes: readonly Uint8Array[], nlri: Uint8Array): Uint8Array {
  const attributeBytes = concatBytes(attributes);
  const body = concatBytes([
    Uint8Array.of(...u16(withdrawn.length)),
    withdrawn,
    Uint8Array.of(...u16(attributeBytes.length)),
    attributeBytes,
    nlri,
  ]);
  const header = new Uint8Array(19).fill(0xff);
  header.set([...u16(19 + body.length), 2], 16);
  return concatBytes([header, body]);
}

const ORIGIN = attr(0x40, 1, 0);
const AS_PATH = attr(0x40, 2, 2, 1, 0, 0, 0xfd, 0xe9); // AS_SEQUENCE 65001
const NEXT_HOP = attr(0x40, 3, 10, 0, 0, 1);
const NLRI = Uint8Array.of(16, 10, 1); // 10.1.0.0/16
const EMPTY = new Uint8Array(0);
const valid = (...extra: Uint8Array[]): Uint8Array =>
  update(EMPTY, [ORIGIN, AS_PATH, NEXT_HOP, ...extra], NLRI);
const replacing = (index: number, replacement: Uint8Array, ...extra: Uint8Array[]): Uint8Array => {
  const list = [ORIGIN, AS_PATH, NEXT_HOP];
  list[index] = replacement;
  return update(EMPTY, [...list, ...extra], NLRI);
};
const MP_REACH_V6 = (nextHopLength: number, nlri: number[] = [64, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0]) =>
  attr(
    0x90,
    14,
    0,
    2,
    1,
    nextHopLength,
    ...new Array<number>(nextHopLength).fill(0).map((_, i) => (i === 0 ? 0x20 : i === 15 ? 1 : 0)),
    0,
    ...nlri,
  );

function decodeUpdate(bytes: Uint8Array, options: DecodeOptions = {}): UpdateMessage {
  const result = decodeMessage(bytes, options);
  assert.ok(!isBgpError(result), isBgpError(result) ? result.message : '');
  assert.equal(result.type, 'update');
  return result;
}

describe('UPDATE decoding', () => {
  it('reads the base attributes and NLRI', () => {
    const u = decodeUpdate(valid(attr(0x80, 4, 0, 0, 0, 5), attr(0xc0, 8, 0xfd, 0xe9, 0, 1)));
    assert.equal(u.attributes.origin, 'igp');
    assert.deepEqual(u.attributes.asPath, [{ type: 'sequence', asns: [65001] }]);
    assert.deepEqual(u.attributes.nextHop, ip('10.0.0.1'));
    assert.equal(u.attributes.med, 5);
    assert.deepEqual(u.attributes.communities, [{ asn: 65001, value: 1 }]);
    assert.deepEqual(prefixes(u.nlri), ['10.1.0.0/16']);
    assert.equal(updateAction(u), 'accept');
  });

  it('ignores host bits beyond the prefix length', () => {
    const u = decodeUpdate(update(EMPTY, [ORIGIN, AS_PATH, NEXT_HOP], Uint8Array.of(20, 10, 1, 0xff)));
    assert.deepEqual(prefixes(u.nlri), ['10.1.240.0/20']);
  });

  it('reads AS_PATH in 2-byte form when 4-octet AS numbers were not agreed, and merges AS4_PATH (RFC 6793)', () => {
    const asPath = attr(0x40, 2, 2, 2, ...u16(65001), ...u16(AS_TRANS));
    const as4Path = attr(0xc0, 17, 2, 1, 0xfa, 0x56, 0xea, 0x01);
    const u = decodeUpdate(update(EMPTY, [ORIGIN, asPath, NEXT_HOP, as4Path], NLRI), { fourOctetAs: false });
    assert.deepEqual(u.attributes.asPath, [{ type: 'sequence', asns: [65001, AS_TRANS] }]);
    assert.deepEqual(mergeAs4Path(u.attributes.asPath, u.attributes.as4Path), [
      { type: 'sequence', asns: [65001, 4200000001] },
    ]);
  });

  it('mergeAs4Path keeps AS_PATH when AS4_PATH is longer (RFC 6793 §4.2.3)', () => {
    const asPath = [{ type: 'sequence', asns: [1] }] as const;
    assert.deepEqual(mergeAs4Path(asPath, [{ type: 'sequence', asns: [2, 3] }]), asPath);
  });

  it('writes AS_TRANS for a 4-byte AS in a 2-byte AS_PATH', () => {
    const bytes = encodeMessage(
      {
        type: 'update',
        withdrawn: [],
        nlri: [prefix('10.0.0.0/8')],
        attributes: {
          origin: 'igp',
          asPath: [{ type: 'sequence', asns: [4200000001] }],
          nextHop: ip('10.0.0.1'),
        },
      },
      { fourOctetAs: false },
    );
    const u = decodeUpdate(bytes, { fourOctetAs: false });
    assert.deepEqual(u.attributes.asPath, [{ type: 'sequence', asns: [AS_TRANS] }]);
  });

  it('keeps the Extended Length flag as received, and drops it when encoding canonically', () => {
    const bytes = update(EMPTY, [ORIGIN, attr(0x50, 2, 2, 1, 0, 0, 0xfd, 0xe9), NEXT_HOP], NLRI);
    const u = decodeUpdate(bytes);
    assert.deepEqual(Buffer.from(encodeMessage(u)), Buffer.from(bytes));
    const { layout: _layout, ...canonical } = u;
    assert.deepEqual(Buffer.from(encodeMessage(canonical)), Buffer.from(valid()));
  });

  it('keeps unknown optional attributes with their flags (Partial included) and re-encodes them in place', () => {
    const transitive = attr(0xe0, 99, 1, 2, 3);
    const nonTransitive = attr(0x80, 100, 4);
    const bytes = valid(transitive, nonTransitive);
    const u = decodeUpdate(bytes);
    assert.deepEqual(u.attributes.unknown, [
      { flags: 0xe0, type: 99, value: Uint8Array.of(1, 2, 3) },
      { flags: 0x80, type: 100, value: Uint8Array.of(4) },
    ]);
    assert.deepEqual(Buffer.from(encodeMessage(u)), Buffer.from(bytes));
  });

  it('puts MP_REACH_NLRI first when encoding (RFC 7606 §5.1) and reads IPv6 routes from it', () => {
    const u: UpdateMessage = {
      type: 'update',
      withdrawn: [],
      nlri: [],
      attributes: {
        origin: 'igp',
        asPath: [],
        mpReach: {
          family: 6,
          nextHop: ip('2001:db8::1'),
          linkLocalNextHop: ip('fe80::1'),
          nlri: [prefix('2001:db8:1::/48')],
        },
      },
    };
    const bytes = encodeMessage(u);
    assert.equal(bytes[24], 14, 'first attribute type');
    assert.deepEqual(decodeUpdate(bytes).attributes, u.attributes);
  });

  it('End-of-RIB markers (RFC 4724) for both families', () => {
    for (const family of [4, 6] as const)
      assert.equal(endOfRibFamily(decodeUpdate(encodeMessage(endOfRib(family)))), family);
    assert.equal(endOfRibFamily(decodeUpdate(valid())), undefined);
  });
});

interface Case {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly options?: DecodeOptions;
  readonly action: 'session-reset' | 'treat-as-withdraw' | 'attribute-discard';
  readonly field: string;
  readonly subcode: number;
}

const A = 'UPDATE.attributes';
const S = UpdateSubcode;
const CASES: Case[] = [
  {
    name: 'ORIGIN of 2 bytes',
    bytes: replacing(0, attr(0x40, 1, 0, 0)),
    action: 'treat-as-withdraw',
    field: `${A}.ORIGIN`,
    subcode: S.attributeLengthError,
  },
  {
    name: 'ORIGIN value 3',
    bytes: replacing(0, attr(0x40, 1, 3)),
    action: 'treat-as-withdraw',
    field: `${A}.ORIGIN`,
    subcode: S.invalidOriginAttribute,
  },
  {
    name: 'ORIGIN flagged optional',
    bytes: replacing(0, attr(0xc0, 1, 0)),
    action: 'treat-as-withdraw',
    field: `${A}.ORIGIN`,
    subcode: S.attributeFlagsError,
  },
  {
    name: 'ORIGIN with the Partial bit',
    bytes: replacing(0, attr(0x60, 1, 0)),
    action: 'treat-as-withdraw',
    field: `${A}.ORIGIN`,
    subcode: S.attributeFlagsError,
  },
  {
    name: 'AS_PATH segment type 5',
    bytes: replacing(1, attr(0x40, 2, 5, 1, 0, 0, 0, 1)),
    action: 'treat-as-withdraw',
    field: `${A}.AS_PATH`,
    subcode: S.malformedAsPath,
  },
  {
    name: 'AS_PATH segment of no ASes',
    bytes: replacing(1, attr(0x40, 2, 2, 0)),
    action: 'treat-as-withdraw',
    field: `${A}.AS_PATH`,
    subcode: S.malformedAsPath,
  },
  {
    name: 'AS_PATH segment overrunning the attribute',
    bytes: replacing(1, attr(0x40, 2, 2, 2, 0, 0, 0, 1)),
    action: 'treat-as-withdraw',
    field: `${A}.AS_PATH`,
    subcode: S.malformedAsPath,
  },
  {
    name: 'AS_PATH with AS 0 (RFC 7607)',
    bytes: replacing(1, attr(0x40, 2, 2, 1, 0, 0, 0, 0)),
    action: 'treat-as-withdraw',
    field: `${A}.AS_PATH`,
    subcode: S.malformedAsPath,
  },
  {
    name: 'AS_PATH with a confederation segment from an external peer',
    bytes: replacing(1, attr(0x40, 2, 3, 1, 0, 0, 0, 1)),
    options: { peer: 'external' },
    action: 'treat-as-withdraw',
    field: `${A}.AS_PATH`,
    subcode: S.malformedAsPath,
  },
  {
    name: 'NEXT_HOP of 5 bytes',
    bytes: replacing(2, attr(0x40, 3, 10, 0, 0, 1, 0)),
    action: 'treat-as-withdraw',
    field: `${A}.NEXT_HOP`,
    subcode: S.attributeLengthError,
  },
  {
    name: 'NEXT_HOP 0.0.0.0',
    bytes: replacing(2, attr(0x40, 3, 0, 0, 0, 0)),
    action: 'treat-as-withdraw',
    field: `${A}.NEXT_HOP`,
    subcode: S.invalidNextHopAttribute,
  },
  {
    name: 'NEXT_HOP 224.0.0.5',
    bytes: replacing(2, attr(0x40, 3, 224, 0, 0, 5)),
    action: 'treat-as-withdraw',
    field: `${A}.NEXT_HOP`,
    subcode: S.invalidNextHopAttribute,
  },
  {
    name: 'MULTI_EXIT_DISC of 3 bytes',
    bytes: valid(attr(0x80, 4, 0, 0, 1)),
    action: 'treat-as-withdraw',
    field: `${A}.MULTI_EXIT_DISC`,
    subcode: S.attributeLengthError,
  },
  {
    name: 'LOCAL_PREF of 2 bytes',
    bytes: valid(attr(0x40, 5, 0, 100)),
    action: 'treat-as-withdraw',
    field: `${A}.LOCAL_PREF`,
    subcode: S.attributeLengthError,
  },
  {
    name: 'LOCAL_PREF from an external peer',
    bytes: valid(attr(0x40, 5, 0, 0, 0, 100)),
    options: { peer: 'external' },
    action: 'attribute-discard',
    field: `${A}.LOCAL_PREF`,
    subcode: S.unspecific,
  },
  {
    name: 'ATOMIC_AGGREGATE of 1 byte',
    bytes: valid(attr(0x40, 6, 0)),
    action: 'attribute-discard',
    field: `${A}.ATOMIC_AGGREGATE`,
    subcode: S.attributeLengthError,
  },
  {
    name: 'AGGREGATOR of 6 bytes with 4-octet AS numbers',
    bytes: valid(attr(0xc0, 7, 0, 1, 10, 0, 0, 1)),
    action: 'attribute-discard',
    field: `${A}.AGGREGATOR`,
    subcode: S.attributeLengthError,
  },
  {
    name: 'COMMUNITIES of 6 bytes',
    bytes: valid(attr(0xc0, 8, 0, 1, 0, 2, 0, 3)),
    action: 'treat-as-withdraw',
    field: `${A}.COMMUNITIES`,
    subcode: S.optionalAttributeError,
  },
  {
    name: 'COMMUNITIES of 0 bytes',
    bytes: valid(attr(0xc0, 8)),
    action: 'treat-as-withdraw',
    field: `${A}.COMMUNITIES`,
    subcode: S.optionalAttributeError,
  },
  {
    name: 'COMMUNITIES flagged non-transitive',
    bytes: valid(attr(0x80, 8, 0, 1, 0, 2)),
    action: 'treat-as-withdraw',
    field: `${A}.COMMUNITIES`,
    subcode: S.attributeFlagsError,
  },
  {
    name: 'ORIGINATOR_ID of 3 bytes',
    bytes: valid(attr(0x80, 9, 1, 2, 3)),
    action: 'treat-as-withdraw',
    field: `${A}.ORIGINATOR_ID`,
    subcode: S.attributeLengthError,
  },
  {
    name: 'CLUSTER_LIST of 6 bytes',
    bytes: valid(attr(0x80, 10, 1, 2, 3, 4, 5, 6)),
    action: 'treat-as-withdraw',
    field: `${A}.CLUSTER_LIST`,
    subcode: S.optionalAttributeError,
  },
  {
    name: 'EXTENDED_COMMUNITIES of 4 bytes',
    bytes: valid(attr(0xc0, 16, 1, 2, 3, 4)),
    action: 'treat-as-withdraw',
    field: `${A}.EXTENDED_COMMUNITIES`,
    subcode: S.optionalAttributeError,
  },
  {
    name: 'LARGE_COMMUNITIES of 8 bytes (RFC 8092)',
    bytes: valid(attr(0xc0, 32, 0, 0, 0, 1, 0, 0, 0, 2)),
    action: 'treat-as-withdraw',
    field: `${A}.LARGE_COMMUNITIES`,
    subcode: S.optionalAttributeError,
  },
  {
    name: 'AS4_PATH malformed on a 2-octet session (RFC 6793)',
    bytes: update(EMPTY, [ORIGIN, attr(0x40, 2, 2, 1, 0, 1), NEXT_HOP, attr(0xc0, 17, 2, 1, 0, 0)], NLRI),
    options: { fourOctetAs: false },
    action: 'attribute-discard',
    field: `${A}.AS4_PATH`,
    subcode: S.malformedAsPath,
  },
  {
    name: 'AS4_AGGREGATOR of 6 bytes',
    bytes: update(
      EMPTY,
      [ORIGIN, attr(0x40, 2, 2, 1, 0, 1), NEXT_HOP, attr(0xc0, 18, 0, 1, 10, 0, 0, 1)],
      NLRI,
    ),
    options: { fourOctetAs: false },
    action: 'attribute-discard',
    field: `${A}.AS4_AGGREGATOR`,
    subcode: S.attributeLengthError,
  },
  {
    name: 'a repeated COMMUNITIES',
    bytes: valid(attr(0xc0, 8, 0, 1, 0, 2), attr(0xc0, 8, 0, 1, 0, 3)),
    action: 'attribute-discard',
    field: `${A}.COMMUNITIES`,
    subcode: S.malformedAttributeList,
  },
  {
    name: 'an attribute running past the attributes',
    bytes: update(EMPTY, [ORIGIN, AS_PATH, NEXT_HOP, Uint8Array.of(0xc0, 8, 40, 0, 1)], EMPTY),
    action: 'treat-as-withdraw',
    field: A,
    subcode: S.malformedAttributeList,
  },
  {
    name: 'two bytes left where an attribute header should be',
    bytes: update(EMPTY, [ORIGIN, AS_PATH, NEXT_HOP, Uint8Array.of(0xc0, 8)], NLRI),
    action: 'treat-as-withdraw',
    field: A,
    subcode: S.malformedAttributeList,
  },
  {
    name: 'routes without ORIGIN',
    bytes: update(EMPTY, [AS_PATH, NEXT_HOP], NLRI),
    action: 'treat-as-withdraw',
    field: `${A}.ORIGIN`,
    subcode: S.missingWellKnownAttribute,
  },
  {
    name: 'IPv4 routes without NEXT_HOP',
    bytes: update(EMPTY, [ORIGIN, AS_PATH], NLRI),
    action: 'treat-as-withdraw',
    field: `${A}.NEXT_HOP`,
    subcode: S.missingWellKnownAttribute,
  },
  {
    name: 'MP_REACH_NLRI for an unsupported family',
    bytes: valid(attr(0x90, 14, 0, 25, 70, 0, 0)),
    action: 'attribute-discard',
    field: `${A}.MP_REACH_NLRI`,
    subcode: S.optionalAttributeError,
  },
  // Fatal: the boundaries of routes are lost.
  {
    name: 'MP_REACH_NLRI with an 8-byte IPv6 next hop (RFC 7606 §7.11)',
    bytes: update(EMPTY, [MP_REACH_V6(8), ORIGIN, AS_PATH], EMPTY),
    action: 'session-reset',
    field: `${A}.MP_REACH_NLRI`,
    subcode: S.optionalAttributeError,
  },
  {
    name: 'MP_REACH_NLRI with a /129',
    bytes: update(EMPTY, [MP_REACH_V6(16, [129, 0x20]), ORIGIN, AS_PATH], EMPTY),
    action: 'session-reset',
    field: `${A}.MP_REACH_NLRI`,
    subcode: S.optionalAttributeError,
  },
  {
    name: 'MP_REACH_NLRI of 2 bytes',
    bytes: update(EMPTY, [attr(0x90, 14, 0, 2), ORIGIN, AS_PATH], EMPTY),
    action: 'session-reset',
    field: `${A}.MP_REACH_NLRI`,
    subcode: S.optionalAttributeError,
  },
  {
    name: 'MP_REACH_NLRI flagged transitive',
    bytes: update(EMPTY, [attr(0xd0, 14, ...MP_REACH_V6(16).subarray(4)), ORIGIN, AS_PATH], EMPTY),
    action: 'session-reset',
    field: `${A}.MP_REACH_NLRI`,
    subcode: S.attributeFlagsError,
  },
  {
    name: 'a repeated MP_REACH_NLRI (RFC 7606 §3g)',
    bytes: update(EMPTY, [MP_REACH_V6(16), MP_REACH_V6(16), ORIGIN, AS_PATH], EMPTY),
    action: 'session-reset',
    field: `${A}.MP_REACH_NLRI`,
    subcode: S.malformedAttributeList,
  },
  {
    name: 'MP_UNREACH_NLRI with a prefix past its end',
    bytes: update(EMPTY, [attr(0x90, 15, 0, 2, 1, 64, 0x20)], EMPTY),
    action: 'session-reset',
    field: `${A}.MP_UNREACH_NLRI`,
    subcode: S.optionalAttributeError,
  },
  {
    name: 'an unrecognized well-known attribute',
    bytes: valid(attr(0x40, 99, 1)),
    action: 'session-reset',
    field: `${A}.attribute 99`,
    subcode: S.unrecognizedWellKnownAttribute,
  },
  {
    name: 'a /33 in the NLRI',
    bytes: update(EMPTY, [ORIGIN, AS_PATH, NEXT_HOP], Uint8Array.of(33, 1, 2, 3, 4, 5)),
    action: 'session-reset',
    field: 'UPDATE.nlri',
    subcode: S.invalidNetworkField,
  },
  {
    name: 'an NLRI prefix past the end',
    bytes: update(EMPTY, [ORIGIN, AS_PATH, NEXT_HOP], Uint8Array.of(24, 10, 0)),
    action: 'session-reset',
    field: 'UPDATE.nlri',
    subcode: S.invalidNetworkField,
  },
  {
    name: 'a withdrawn prefix past its field',
    bytes: update(Uint8Array.of(24, 10), [], EMPTY),
    action: 'session-reset',
    field: 'UPDATE.withdrawnRoutes',
    subcode: S.invalidNetworkField,
  },
];

describe('UPDATE errors (RFC 7606)', () => {
  for (const c of CASES) {
    it(`${c.name} → ${c.action} on ${c.field}`, () => {
      const result = decodeMessage(c.bytes, c.options);
      const error =
        c.action === 'session-reset' ? expectError(result) : (result as UpdateMessage).issues?.[0];
      assert.ok(error, 'no error reported');
      assert.equal(error.action, c.action);
      assert.equal(error.field, c.field);
      assert.deepEqual([error.notification.code, error.notification.subcode], [3, c.subcode]);
      if (c.action !== 'session-reset') {
        const u = result as UpdateMessage;
        assert.equal(updateAction(u), c.action);
        assert.equal(u.issues?.length, 1, u.issues?.map((i) => i.message).join('; '));
      }
    });
  }

  it('the NOTIFICATION data of an attribute error is the whole attribute', () => {
    const bad = attr(0xc0, 8, 0, 1, 0, 2, 0, 3);
    const u = decodeMessage(valid(bad)) as UpdateMessage;
    assert.deepEqual(Buffer.from(u.issues![0]!.notification.data), Buffer.from(bad));
  });

  it('a missing attribute is named by its type code in the data', () => {
    const u = decodeMessage(update(EMPTY, [AS_PATH, NEXT_HOP], NLRI)) as UpdateMessage;
    assert.deepEqual([...u.issues![0]!.notification.data], [1]);
  });

  it('a malformed attribute-discard attribute is dropped and the rest kept', () => {
    const u = decodeMessage(valid(attr(0x40, 6, 0), attr(0xc0, 8, 0, 1, 0, 2))) as UpdateMessage;
    assert.equal(u.attributes.atomicAggregate, undefined);
    assert.deepEqual(u.attributes.communities, [{ asn: 1, value: 2 }]);
    assert.deepEqual(
      routeChanges(u).announced.map((p) => p.length),
      [16],
    );
  });

  it('a repeated attribute keeps the first copy', () => {
    const u = decodeMessage(valid(attr(0xc0, 8, 0, 1, 0, 2), attr(0xc0, 8, 0, 1, 0, 3))) as UpdateMessage;
    assert.deepEqual(u.attributes.communities, [{ asn: 1, value: 2 }]);
  });

  it('with several errors the strongest action wins, and treat-as-withdraw turns announcements into withdrawals', () => {
    const u = decodeMessage(valid(attr(0x40, 6, 0), attr(0xc0, 8, 0))) as UpdateMessage;
    assert.deepEqual(
      u.issues?.map((i) => i.action),
      ['attribute-discard', 'treat-as-withdraw'],
    );
    assert.equal(updateAction(u), 'treat-as-withdraw');
    assert.deepEqual(routeChanges(u), { announced: [], withdrawn: [prefix('10.1.0.0/16')] });
  });

  it('no mandatory attributes are needed without routes, nor NEXT_HOP when routes are only in MP_REACH_NLRI', () => {
    assert.equal(decodeUpdate(update(EMPTY, [attr(0xc0, 8, 0, 1, 0, 2)], EMPTY)).issues, undefined);
    assert.equal(decodeUpdate(update(EMPTY, [MP_REACH_V6(16), ORIGIN, AS_PATH], EMPTY)).issues, undefined);
  });

  it('confederation segments from an internal peer are fine', () => {
    assert.equal(
      decodeUpdate(replacing(1, attr(0x40, 2, 3, 1, 0, 0, 0, 1)), { peer: 'internal' }).issues,
      undefined,
    );
  });

  it('lengths that overrun the message reset the session (Malformed Attribute List)', () => {
    const good = valid();
    for (const [offset, field] of [
      [19, 'UPDATE.withdrawnRoutesLength'],
      [21, 'UPDATE.totalPathAttributeLength'],
    ] as const) {
      const bytes = good.slice();
      bytes.set([0x0f, 0xff], offset);
      const error = expectError(decodeMessage(bytes));
      assert.deepEqual(
        [error.field, error.notification.subcode],
        [field, UpdateSubcode.malformedAttributeList],
      );
    }
  });
});
