// NOTIFICATION (RFC 4271 §4.5): error code, subcode and data; for Cease/Administrative Shutdown
// and Administrative Reset the data may carry an operator's message (RFC 8203, lengthened to 255
// bytes by RFC 9003): one length byte, then UTF-8.
import { HEADER_LENGTH, MessageType } from './constants.js';
import { finishMessage, startMessage } from './framing.js';
import { CeaseSubcode, ErrorCode, errorCodeName, errorSubcodeName } from './notification-codes.js';

export interface NotificationMessage {
  readonly type: 'notification';
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

const MAX_COMMUNICATION_BYTES = 255;

/** Decodes a NOTIFICATION (header included; its length, at least 21, already checked). */
export function decodeNotification(message: Uint8Array): NotificationMessage {
  return {
    type: 'notification',
    code: message[HEADER_LENGTH] ?? 0,
    subcode: message[HEADER_LENGTH + 1] ?? 0,
    data: message.slice(HEADER_LENGTH + 2),
  };
}

export function encodeNotification(notification: Omit<NotificationMessage, 'type'>): Uint8Array {
  const writer = startMessage(MessageType.notification, 32 + notification.data.length);
  writer.u8(notification.code).u8(notification.subcode).bytes(notification.data);
  return finishMessage(writer);
}

/** "Cease / Administrative Shutdown", for logs and status. */
export const notificationName = (n: { readonly code: number; readonly subcode: number }): string =>
  `${errorCodeName(n.code)} / ${errorSubcodeName(n.code, n.subcode)}`;

const carriesCommunication = (n: { readonly code: number; readonly subcode: number }): boolean =>
  n.code === ErrorCode.cease &&
  (n.subcode === CeaseSubcode.administrativeShutdown || n.subcode === CeaseSubcode.administrativeReset);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The shutdown communication of a Cease/Administrative Shutdown or Reset, or undefined when there
 * is none or it is malformed (length past the data, invalid UTF-8): RFC 9003 says to treat a
 * malformed one as absent rather than reject the NOTIFICATION.
 */
export function shutdownCommunication(n: NotificationMessage): string | undefined {
  if (!carriesCommunication(n) || n.data.length === 0) return undefined;
  const length = n.data[0] ?? 0;
  if (length === 0 || length + 1 > n.data.length) return undefined;
  try {
    return utf8.decode(n.data.subarray(1, 1 + length));
  } catch {
    return undefined;
  }
}

/** A Cease NOTIFICATION; the message, if any, is cut to 255 bytes on a character boundary. */
export function ceaseNotification(subcode: number, communication?: string): NotificationMessage {
  if (communication === undefined || communication === '') {
    return { type: 'notification', code: ErrorCode.cease, subcode, data: new Uint8Array(0) };
  }
  let text = communication;
  let bytes = new TextEncoder().encode(text);
  while (bytes.length > MAX_COMMUNICATION_BYTES) {
    text = text.slice(0, -1);
    bytes = new TextEncoder().encode(text);
  }
  const data = new Uint8Array(bytes.length + 1);
  data[0] = bytes.length;
  data.set(bytes, 1);
  return { type: 'notification', code: ErrorCode.cease, subcode, data };
}
