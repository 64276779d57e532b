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

/**
 * Where this node may soon have to announce (it ranks behind the leader of some service): the
 * interfaces (empty = every usable one) and address families. The data plane keeps what it needs
 * for them ready, so a takeover does not wait for it.
 */
export interface Layer2Standby {
  readonly interfaces: readonly string[];
  readonly v4: boolean;
  readonly v6: boolean;
}

export interface Layer2Announcer {
  /**
   * Converge to exactly `desired` (by service), keeping ready for `standby`.
   *
   * `changed`, when given, is a hint for big sets: the services whose announcement was added,
   * replaced or removed since the previous apply; every other service's announcement is the
   * same object as in that apply. An implementation may look at those services only, but the
   * result must be the same as without the hint. Without it, an unchanged announcement may still
   * be recognised by identity.
   */
  apply(
    desired: ReadonlyMap<string, Layer2Announcement>,
    standby?: readonly Layer2Standby[],
    changed?: ReadonlySet<string>,
  ): void;
}
