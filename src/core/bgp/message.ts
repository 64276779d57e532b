// One entry point for every message type: decodeMessage checks the header (RFC 4271 §6.1) and
// hands the body to the type's decoder; encodeMessage is its inverse.
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH, MIN_LENGTH, MessageType } from './constants.js';
import { BgpError, sessionReset } from './errors.js';
import { finishMessage, readHeaderLength, startMessage } from './framing.js';
import { ErrorCode, HeaderSubcode } from './notification-codes.js';
import { decodeNotification, encodeNotification, type NotificationMessage } from './notification.js';
import { decodeOpen, encodeOpen, type OpenMessage } from './open.js';
import { decodeRouteRefresh, encodeRouteRefresh, type RouteRefreshMessage } from './route-refresh.js';
import { decodeUpdate, encodeUpdate, type UpdateDecodeOptions, type UpdateMessage } from './update.js';

export interface KeepaliveMessage {
  readonly type: 'keepalive';
}

export type BgpMessage =
  OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

export interface DecodeOptions extends UpdateDecodeOptions {
  /** 4096, or 65535 once both sides advertised RFC 8654 extended messages. */
  readonly maxMessageLength?: number;
}

export interface EncodeOptions {
  readonly fourOctetAs?: boolean;
  readonly maxMessageLength?: number;
}

/** Decodes exactly one message (header included), e.g. one element of splitMessages().messages. */
export function decodeMessage(message: Uint8Array, options: DecodeOptions = {}): BgpMessage | BgpError {
  const length = readHeaderLength(message, 0, options.maxMessageLength ?? MAX_MESSAGE_LENGTH);
  if (length instanceof BgpError) return length;
  if (length === undefined || length !== message.length) {
    return sessionReset(
      'header.length',
      `length field ${length ?? 'missing'} but ${message.length} bytes given`,
      ErrorCode.messageHeader,
      HeaderSubcode.badMessageLength,
      message.slice(16, 18),
    );
  }
  const type = message[18] ?? 0;
  const minimum = MIN_LENGTH[type];
  if (minimum === undefined) {
    return sessionReset(
      'header.type',
      `unknown message type ${type}`,
      ErrorCode.messageHeader,
      HeaderSubcode.badMessageType,
      Uint8Array.of(type),
    );
  }
  // KEEPALIVE is exactly a header; the others have a fixed minimum (ROUTE-REFRESH has its own code).
  const tooShort = type === MessageType.keepalive ? length !== HEADER_LENGTH : length < minimum;
  if (tooShort) {
    if (type === MessageType.routeRefresh) {
      return sessionReset(
        'ROUTE-REFRESH.length',
        `length ${length}`,
        ErrorCode.routeRefreshMessage,
        1,
        message.slice(0),
      );
    }
    return sessionReset(
      'header.length',
      `length ${length} for message type ${type}`,
      ErrorCode.messageHeader,
      HeaderSubcode.badMessageLength,
      message.slice(16, 18),
    );
  }
  switch (type) {
    case MessageType.open:
      return decodeOpen(message);
    case MessageType.update:
      return decodeUpdate(message, options);
    case MessageType.notification:
      return decodeNotification(message);
    case MessageType.routeRefresh:
      return decodeRouteRefresh(message);
    default:
      return { type: 'keepalive' };
  }
}

/** Encodes a message. Throws RangeError if it exceeds the maximum length (a caller bug: build smaller UPDATEs). */
export function encodeMessage(message: BgpMessage, options: EncodeOptions = {}): Uint8Array {
  const bytes = encodeAny(message, options);
  const max = options.maxMessageLength ?? MAX_MESSAGE_LENGTH;
  if (bytes.length > max) throw new RangeError(`${message.type} of ${bytes.length} bytes exceeds ${max}`);
  return bytes;
}

function encodeAny(message: BgpMessage, options: EncodeOptions): Uint8Array {
  switch (message.type) {
    case 'open':
      return encodeOpen(message);
    case 'update':
      return encodeUpdate(message, options);
    case 'notification':
      return encodeNotification(message);
    case 'route-refresh':
      return encodeRouteRefresh(message);
    case 'keepalive':
      return finishMessage(startMessage(MessageType.keepalive, HEADER_LENGTH));
  }
}
