// Framing a TCP stream into messages and the header checks of RFC 4271 §6.1.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BgpFramer,
  ErrorCode,
  HeaderSubcode,
  decodeMessage,
  encodeMessage,
  splitMessages,
} from '../../../src/core/bgp/index.js';
import { concatBytes } from './bytes.js';
import { expectError } from './helpers.js';

const keepalive = encodeMessage({ type: 'keepalive' });
const notification = encodeMessage({ type: 'notification', code: 6, subcode: 2, data: new Uint8Array([0]) });
const withLength = (message: Uint8Array, length: number): Uint8Array => {
  const copy = message.slice();
  copy[16] = length >> 8;
  copy[17] = length & 0xff;
  return copy;
};

describe('splitMessages', () => {
  it('returns whole messages and keeps an incomplete one as the rest', () => {
    const stream = concatBytes([keepalive, notification, notification.subarray(0, 10)]);
    const frames = splitMessages(stream);
    assert.equal(frames.error, undefined);
    assert.deepEqual(
      frames.messages.map((m) => Buffer.from(m)),
      [Buffer.from(keepalive), Buffer.from(notification)],
    );
    assert.deepEqual(Buffer.from(frames.rest), Buffer.from(notification.subarray(0, 10)));
  });

  it('refutes a broken marker before the header is complete (Connection Not Synchronized)', () => {
    const broken = keepalive.slice(0, 5);
    broken[3] = 0xfe;
    const frames = splitMessages(concatBytes([keepalive, broken]));
    assert.equal(frames.messages.length, 1);
    const error = expectError(frames.error);
    assert.equal(error.action, 'session-reset');
    assert.equal(error.field, 'header.marker');
    assert.deepEqual(
      [error.notification.code, error.notification.subcode],
      [ErrorCode.messageHeader, HeaderSubcode.connectionNotSynchronized],
    );
  });

  for (const length of [0, 18, 4097, 65535]) {
    it(`rejects a length of ${length} with Bad Message Length carrying the length field`, () => {
      const error = expectError(splitMessages(withLength(keepalive, length)).error);
      assert.equal(error.field, 'header.length');
      assert.deepEqual([error.notification.code, error.notification.subcode], [1, 2]);
      assert.deepEqual([...error.notification.data], [length >> 8, length & 0xff]);
    });
  }

  it('accepts up to 65535 bytes when extended messages (RFC 8654) are agreed', () => {
    const frames = splitMessages(withLength(keepalive, 5000), 65535);
    assert.equal(frames.error, undefined);
    assert.equal(frames.messages.length, 0);
    assert.equal(frames.rest.length, 19);
  });
});

describe('BgpFramer', () => {
  it('joins messages split across chunks, byte by byte', () => {
    const stream = concatBytes([notification, keepalive, notification]);
    const framer = new BgpFramer();
    const out: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i++) out.push(...framer.push(stream.subarray(i, i + 1)).messages);
    assert.equal(out.length, 3);
    assert.deepEqual(Buffer.from(concatBytes(out)), Buffer.from(stream));
    assert.equal(framer.buffered, 0);
  });

  it('stays broken after a header error: the session must be reset', () => {
    const framer = new BgpFramer();
    const first = framer.push(concatBytes([keepalive, withLength(keepalive, 3)]));
    assert.equal(first.messages.length, 1);
    assert.equal(expectError(first.error).field, 'header.length');
    const later = framer.push(keepalive);
    assert.deepEqual(later.messages, []);
    assert.equal(later.error, first.error);
  });
});

describe('decodeMessage header checks', () => {
  it('rejects an unknown type with Bad Message Type carrying the type', () => {
    const message = keepalive.slice();
    message[18] = 9;
    const error = expectError(decodeMessage(message));
    assert.deepEqual(
      [error.field, error.notification.code, error.notification.subcode],
      ['header.type', 1, 3],
    );
    assert.deepEqual([...error.notification.data], [9]);
  });

  it('rejects a length field that disagrees with the bytes given', () => {
    const error = expectError(decodeMessage(concatBytes([keepalive, new Uint8Array(1)])));
    assert.deepEqual([error.field, error.notification.subcode], ['header.length', 2]);
  });

  const tooShort: [string, number, number, [number, number]][] = [
    ['KEEPALIVE longer than a header', 4, 20, [1, 2]],
    ['OPEN under 29 bytes', 1, 28, [1, 2]],
    ['UPDATE under 23 bytes', 2, 22, [1, 2]],
    ['NOTIFICATION under 21 bytes', 3, 20, [1, 2]],
    ['ROUTE-REFRESH under 23 bytes (its own error code, RFC 7313)', 5, 22, [7, 1]],
  ];
  for (const [name, type, length, [code, subcode]] of tooShort) {
    it(`rejects a ${name}`, () => {
      const message = new Uint8Array(length).fill(0xff);
      message.fill(0, 16);
      message[16] = length >> 8;
      message[17] = length & 0xff;
      message[18] = type;
      const error = expectError(decodeMessage(message));
      assert.deepEqual([error.notification.code, error.notification.subcode], [code, subcode]);
    });
  }
});
