// An in-memory TCP link for BGP session tests: one dialing end, one listening (passive) end,
// latency on the injected clock, and a cable that can be cut (everything dropped silently).
import type { BgpConnection, BgpConnectionHandlers, BgpTransport } from '../../src/ports/bgp-transport.js';
import type { Clock } from '../../src/ports/clock.js';

/** One end of an in-memory TCP connection. */
interface End<M> {
  readonly handlers: BgpConnectionHandlers<M>;
  peer: End<M> | undefined;
  open: boolean;
  /** Messages on their way to this end, delivered in order one latency after sending. */
  readonly inbox: M[];
}

/**
 * Two speakers on one wire: `dialer` connects, `listener` accepts (a passive session). Messages
 * and FINs take `latencyMs`; a cut cable drops everything silently, as a pulled cable does.
 */
export class MemoryLink<M> {
  private waiting: End<M> | undefined;
  private cut = false;
  constructor(
    private readonly clock: Clock,
    private readonly latencyMs = 1,
  ) {}

  cutCable(): void {
    this.cut = true;
  }

  readonly dialer: BgpTransport<M> = {
    connect: (handlers) => {
      const end = this.end(handlers);
      this.clock.setTimeout(() => {
        if (!end.open) return;
        const other = this.waiting;
        if (!other || this.cut) {
          end.open = false;
          end.handlers.closed('failed', 'ECONNREFUSED');
          return;
        }
        this.waiting = undefined;
        end.peer = other;
        other.peer = end;
        other.handlers.connected();
        end.handlers.connected();
      }, this.latencyMs);
      return this.connection(end);
    },
  };

  readonly listener: BgpTransport<M> = {
    connect: (handlers) => {
      const end = this.end(handlers);
      this.waiting = end;
      return this.connection(end);
    },
  };

  private end(handlers: BgpConnectionHandlers<M>): End<M> {
    return { handlers, peer: undefined, open: true, inbox: [] };
  }

  private connection(end: End<M>): BgpConnection<M> {
    return {
      send: (message) => {
        const to = end.peer;
        if (!end.open || !to || this.cut) return;
        to.inbox.push(message);
        this.clock.setTimeout(() => {
          const next = to.inbox.shift();
          if (to.open && next !== undefined) to.handlers.message(next);
        }, this.latencyMs);
      },
      close: () => {
        if (!end.open) return;
        end.open = false;
        if (this.waiting === end) this.waiting = undefined;
        const to = end.peer;
        if (!to || this.cut) return;
        // The FIN follows the data already in flight.
        this.clock.setTimeout(() => {
          if (!to.open) return;
          to.open = false;
          to.handlers.closed('closed', 'EOF');
        }, this.latencyMs);
      },
    };
  }
}
