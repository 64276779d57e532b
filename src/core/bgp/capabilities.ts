// Capabilities advertised in OPEN (RFC 5492): Multiprotocol (RFC 4760), Route Refresh (RFC 2918),
// Graceful Restart (RFC 4724), 4-octet AS numbers (RFC 6793). Others are kept as raw bytes so an
// OPEN can be logged and re-encoded exactly.
import type { ByteWriter } from './bytes.js';
import { CapabilityCode } from './constants.js';

export interface GracefulRestartFamily {
  readonly afi: number;
  readonly safi: number;
  /** 0x80: forwarding state was preserved across the restart. */
  readonly flags: number;
}

export type Capability =
  | { readonly kind: 'multiprotocol'; readonly afi: number; readonly safi: number }
  | { readonly kind: 'route-refresh' }
  | { readonly kind: 'four-octet-as'; readonly asn: number }
  | {
      readonly kind: 'graceful-restart';
      /** The 4 flag bits: 0x8 Restart State (R), 0x4 Notification (N, RFC 8538). */
      readonly flags: number;
      /** Seconds, at most 4095. */
      readonly restartTime: number;
      readonly families: readonly GracefulRestartFamily[];
    }
  | { readonly kind: 'unknown'; readonly code: number; readonly value: Uint8Array };

export const GracefulRestartFlag = { restartState: 0x8, notification: 0x4 } as const;

/** The capabilities in one Capabilities optional parameter, or why they cannot be read. */
export function decodeCapabilities(bytes: Uint8Array, start: number, end: number): Capability[] | string {
  const capabilities: Capability[] = [];
  let offset = start;
  while (offset < end) {
    const index = capabilities.length;
    if (offset + 2 > end) return `capability ${index}: header runs past the parameter`;
    const code = bytes[offset] ?? 0;
    const length = bytes[offset + 1] ?? 0;
    const valueStart = offset + 2;
    if (valueStart + length > end)
      return `capability ${index} (code ${code}): length ${length} runs past the parameter`;
    const capability = decodeCapability(bytes, code, valueStart, length);
    if (typeof capability === 'string') return `capability ${index} (${capability})`;
    capabilities.push(capability);
    offset = valueStart + length;
  }
  return capabilities;
}

const u16 = (bytes: Uint8Array, at: number): number => ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
const u32 = (bytes: Uint8Array, at: number): number => u16(bytes, at) * 65536 + u16(bytes, at + 2);

function decodeCapability(bytes: Uint8Array, code: number, at: number, length: number): Capability | string {
  switch (code) {
    case CapabilityCode.multiprotocol:
      if (length !== 4) return `multiprotocol: length ${length}, expected 4`;
      return { kind: 'multiprotocol', afi: u16(bytes, at), safi: bytes[at + 3] ?? 0 };
    case CapabilityCode.routeRefresh:
      if (length !== 0) return `route refresh: length ${length}, expected 0`;
      return { kind: 'route-refresh' };
    case CapabilityCode.fourOctetAs:
      if (length !== 4) return `4-octet AS: length ${length}, expected 4`;
      return { kind: 'four-octet-as', asn: u32(bytes, at) };
    case CapabilityCode.gracefulRestart: {
      if (length < 2 || (length - 2) % 4 !== 0) return `graceful restart: length ${length}, expected 2 + 4n`;
      const families: GracefulRestartFamily[] = [];
      for (let i = at + 2; i < at + length; i += 4) {
        families.push({ afi: u16(bytes, i), safi: bytes[i + 2] ?? 0, flags: bytes[i + 3] ?? 0 });
      }
      const head = u16(bytes, at);
      return { kind: 'graceful-restart', flags: head >> 12, restartTime: head & 0x0fff, families };
    }
    default:
      return { kind: 'unknown', code, value: bytes.slice(at, at + length) };
  }
}

/** Writes one capability. Throws RangeError if its value exceeds the 255 bytes a length byte can say. */
export function writeCapability(writer: ByteWriter, capability: Capability): void {
  const size =
    capability.kind === 'unknown'
      ? capability.value.length
      : capability.kind === 'graceful-restart'
        ? 2 + 4 * capability.families.length
        : 0;
  if (size > 255) throw new RangeError(`${capability.kind} capability of ${size} bytes exceeds 255`);
  switch (capability.kind) {
    case 'multiprotocol':
      writer.u8(CapabilityCode.multiprotocol).u8(4).u16(capability.afi).u8(0).u8(capability.safi);
      return;
    case 'route-refresh':
      writer.u8(CapabilityCode.routeRefresh).u8(0);
      return;
    case 'four-octet-as':
      writer.u8(CapabilityCode.fourOctetAs).u8(4).u32(capability.asn);
      return;
    case 'graceful-restart':
      writer.u8(CapabilityCode.gracefulRestart).u8(2 + 4 * capability.families.length);
      writer.u16(((capability.flags & 0xf) << 12) | (capability.restartTime & 0x0fff));
      for (const family of capability.families) writer.u16(family.afi).u8(family.safi).u8(family.flags);
      return;
    case 'unknown':
      writer.u8(capability.code).u8(capability.value.length).bytes(capability.value);
      return;
  }
}
