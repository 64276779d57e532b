// ROUTE-REFRESH (RFC 2918) with the Enhanced Route Refresh subtypes of RFC 7313 (0 request,
// 1 begin, 2 end of route refresh). Outbound route filters (RFC 5291) stay raw bytes.
import { BgpError, sessionReset } from './errors.js';
import { HEADER_LENGTH, MessageType } from './constants.js';
import { finishMessage, startMessage } from './framing.js';
import { ErrorCode } from './notification-codes.js';

export interface RouteRefreshMessage {
  readonly type: 'route-refresh';
  readonly afi: number;
  readonly safi: number;
  /** RFC 7313: 0 normal request, 1 Beginning of Route Refresh, 2 End of Route Refresh. */
  readonly subtype: number;
  /** ORF entries (RFC 5291) after the fixed fields, when present. */
  readonly orf?: Uint8Array;
}

const INVALID_MESSAGE_LENGTH = 1;

/** Decodes a ROUTE-REFRESH (header included; at least 23 bytes, already checked). */
export function decodeRouteRefresh(message: Uint8Array): RouteRefreshMessage | BgpError {
  const at = HEADER_LENGTH;
  const subtype = message[at + 2] ?? 0;
  // RFC 7313 §5: BoRR and EoRR carry nothing after the four fixed bytes.
  if ((subtype === 1 || subtype === 2) && message.length !== at + 4) {
    return sessionReset(
      'ROUTE-REFRESH.length',
      `subtype ${subtype} with ${message.length - at} bytes, expected 4`,
      ErrorCode.routeRefreshMessage,
      INVALID_MESSAGE_LENGTH,
      message.slice(0),
    );
  }
  return {
    type: 'route-refresh',
    afi: ((message[at] ?? 0) << 8) | (message[at + 1] ?? 0),
    safi: message[at + 3] ?? 0,
    subtype,
    ...(message.length > at + 4 ? { orf: message.slice(at + 4) } : {}),
  };
}

export function encodeRouteRefresh(refresh: Omit<RouteRefreshMessage, 'type'>): Uint8Array {
  const writer = startMessage(MessageType.routeRefresh, 32 + (refresh.orf?.length ?? 0));
  writer.u16(refresh.afi).u8(refresh.subtype).u8(refresh.safi);
  if (refresh.orf) writer.bytes(refresh.orf);
  return finishMessage(writer);
}
