// Decoding never throws: a frame that is not what we can answer comes back as a named reason.

export type DropReason =
  | 'truncated'
  | 'notEthernetArp'
  | 'unsupportedArpHardware'
  | 'notIpv6Icmpv6'
  | 'badHopLimit'
  | 'badChecksum'
  | 'notNeighborDiscovery'
  | 'badNdpCode'
  | 'malformedOption';

export class PacketDecodeError {
  readonly name = 'PacketDecodeError';
  constructor(
    readonly reason: DropReason,
    readonly detail: string,
  ) {}
}

export const isDecodeError = (value: unknown): value is PacketDecodeError =>
  value instanceof PacketDecodeError;
