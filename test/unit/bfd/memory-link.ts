// An in-memory point-to-point link for BFD sessions: each end's datagrams reach the other after a
// latency on the shared (simulated) clock, with TTL 255 unless told otherwise, and either
// direction can be cut. Records every datagram sent, with its time, for assertions.
import { decodeControlPacket } from '../../../src/core/bfd/codec.js';
import { BfdDecodeError } from '../../../src/core/bfd/errors.js';
import type { BfdControlPacket } from '../../../src/core/bfd/packet.js';
import type { BfdTransport, BfdTransportHandlers } from '../../../src/ports/bfd-transport.js';
import type { Clock } from '../../../src/ports/clock.js';

export type End = 'a' | 'b';

export interface Sent {
  readonly from: End;
  readonly at: number;
  readonly payload: Uint8Array;
  /** Decoded for assertions; undefined for a datagram that is not a valid packet. */
  readonly packet: BfdControlPacket | undefined;
}

export class MemoryLink {
  readonly sent: Sent[] = [];
  private readonly handlers = new Map<End, BfdTransportHandlers>();
  private readonly cut = new Set<End>();
  ttl = 255;

  constructor(
    private readonly clock: Clock,
    private readonly latencyMs = 0.5,
  ) {}

  transport(end: End): BfdTransport {
    return {
      open: (handlers) => {
        this.handlers.set(end, handlers);
        let open = true;
        return {
          send: (payload) => {
            if (open) this.deliver(end, payload);
          },
          close: () => {
            open = false;
            if (this.handlers.get(end) === handlers) this.handlers.delete(end);
          },
        };
      },
    };
  }

  /** Datagrams sent by `from` are lost from now on (until restored). */
  cutFrom(from: End): void {
    this.cut.add(from);
  }

  restore(): void {
    this.cut.clear();
  }

  /** Injects a datagram at `to` as if it came over the link. */
  inject(to: End, payload: Uint8Array, ttl = 255): void {
    this.handlers.get(to)?.received({ payload, ttl });
  }

  sentBy(from: End): Sent[] {
    return this.sent.filter((s) => s.from === from);
  }

  private deliver(from: End, payload: Uint8Array): void {
    const decoded = decodeControlPacket(payload);
    this.sent.push({
      from,
      at: this.clock.now(),
      payload,
      packet: decoded instanceof BfdDecodeError ? undefined : decoded,
    });
    if (this.cut.has(from)) return;
    const to: End = from === 'a' ? 'b' : 'a';
    const ttl = this.ttl;
    this.clock.setTimeout(() => this.handlers.get(to)?.received({ payload, ttl }), this.latencyMs);
  }
}
