// What the leadership actor asks of the layer-2 data plane: converge to exactly this set of
// announcements (ARP/NDP responders answer for these addresses on these interfaces; addresses
// that drop out of the set stop being answered). Implemented by src/announce/ (issue 5) and by
// a recording fake in tests.

export interface Layer2Announcement {
  /** `namespace/name` of the service. */
  readonly service: string;
  readonly ips: readonly string[];
  /** Empty = every usable interface. */
  readonly interfaces: readonly string[];
}

export interface Layer2Announcer {
  apply(desired: ReadonlyMap<string, Layer2Announcement>): void;
}
