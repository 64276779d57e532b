// Property: encoding then decoding any valid message gives it back, and re-encoding the decoded
// message gives the same bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  decodeMessage,
  encodeMessage,
  isBgpError,
  type BgpMessage,
  type DecodeOptions,
} from '../../../src/core/bgp/index.js';
import { notificationMessage, openMessage, routeRefreshMessage, updateMessage } from './arbitraries.js';

const LARGE = 65535;

function roundTrip(message: BgpMessage, options: DecodeOptions = {}): void {
  const bytes = encodeMessage(message, { ...options, maxMessageLength: LARGE });
  const decoded = decodeMessage(bytes, { ...options, maxMessageLength: LARGE });
  assert.ok(!isBgpError(decoded), isBgpError(decoded) ? decoded.message : '');
  const { layout: _layout, ...withoutLayout } = decoded as BgpMessage & { layout?: unknown };
  const { extendedParameters: _extended, ...comparable } = withoutLayout as BgpMessage & {
    extendedParameters?: unknown;
  };
  const { extendedParameters: _inputExtended, ...expected } = message as BgpMessage & {
    extendedParameters?: unknown;
  };
  // structuredClone: fast-check builds records without a prototype, and deepEqual compares prototypes.
  assert.deepEqual(comparable, structuredClone(expected));
  assert.deepEqual(
    Buffer.from(encodeMessage(decoded, { ...options, maxMessageLength: LARGE })),
    Buffer.from(bytes),
  );
}

describe('encode → decode is the identity', () => {
  it('UPDATE with 4-octet AS numbers', () => {
    fc.assert(
      fc.property(updateMessage(true), (u) => roundTrip(u)),
      { numRuns: 400 },
    );
  });

  it('UPDATE with 2-octet AS numbers (AS4_PATH, AS4_AGGREGATOR)', () => {
    fc.assert(
      fc.property(updateMessage(false), (u) => roundTrip(u, { fourOctetAs: false })),
      { numRuns: 300 },
    );
  });

  it('OPEN', () => {
    fc.assert(
      fc.property(openMessage, (o) => roundTrip(o)),
      { numRuns: 300 },
    );
  });

  it('NOTIFICATION, ROUTE-REFRESH and KEEPALIVE', () => {
    fc.assert(
      fc.property(notificationMessage, (n) => roundTrip(n)),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(routeRefreshMessage, (r) => roundTrip(r)),
      { numRuns: 200 },
    );
    roundTrip({ type: 'keepalive' });
  });
});
