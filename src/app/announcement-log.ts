// The speaker's announce/withdraw log lines: what started and stopped being announced in layer 2,
// each with the leadership reason behind it.
import type { EventLog } from '../observe/log.js';
import type { Layer2Announcement } from '../ports/announcer.js';

export class AnnouncementLog {
  /** The last leadership reason per service, logged with its announce/withdraw. */
  private readonly reasons = new Map<string, string>();
  /** What the log last said is announced, by service. */
  private readonly announced = new Map<string, Layer2Announcement>();

  constructor(private readonly log: EventLog) {}

  /** A leadership transition of the service: its reason goes with the next line about it. */
  reason(service: string, reason: string): void {
    this.reasons.set(service, reason);
  }

  /**
   * Logs the difference between `desired` and what was logged before. Looks at the `changed`
   * services only when given (the leadership actor's delta), else at all.
   */
  apply(desired: ReadonlyMap<string, Layer2Announcement>, changed?: ReadonlySet<string>): void {
    for (const service of changed ?? new Set([...desired.keys(), ...this.announced.keys()])) {
      const a = desired.get(service);
      const before = this.announced.get(service);
      const reason = this.reasons.get(service);
      if (!a) {
        if (!before) continue;
        this.announced.delete(service);
        for (const ip of before.ips)
          this.log.info({ component: 'announce', event: 'withdraw', op: 'withdraw', service, ip, reason });
        continue;
      }
      this.announced.set(service, a);
      // The same object is the same announcement (most of them, after each slice of a big election).
      if (
        before === a ||
        (before && before.ips.join() === a.ips.join() && before.interfaces.join() === a.interfaces.join())
      )
        continue;
      for (const ip of a.ips)
        this.log.info({
          component: 'announce',
          event: 'announce',
          op: 'announce',
          service,
          ip,
          ifaces: a.interfaces,
          reason,
        });
    }
  }
}
