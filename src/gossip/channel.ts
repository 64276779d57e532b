// One long-lived libp2p stream carrying many SWIM exchanges in both directions: requests and
// replies are framed envelopes `{id, req}` / `{id, rep}`, so a probe costs one frame each way
// instead of a new stream's negotiation. Either end may send requests: a member that dialed us
// (a joiner's push-pull) is probed back on the same stream, so first contact costs no extra
// round trips with a process that is still starting up. Each end numbers its own requests; a
// reply's id refers to a request of the end that receives it.
import type { Stream } from '@libp2p/interface';
import { z } from 'zod';
import { swimReply, swimRequest, type SwimReply, type SwimRequest } from '../core/membership/wire.js';
import { encodeFrame, FrameDecoder } from './frames.js';

const envelope = z.union([
  z.strictObject({ id: z.int().min(0), req: swimRequest }),
  z.strictObject({ id: z.int().min(0), rep: swimReply }),
]);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeEnvelope(bytes: Uint8Array): z.infer<typeof envelope> | undefined {
  try {
    const parsed = envelope.safeParse(JSON.parse(decoder.decode(bytes)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export type RequestHandler = (request: SwimRequest) => Promise<SwimReply>;

export class SwimChannel {
  private nextId = 0;
  private readonly pending = new Map<number, (reply: SwimReply | undefined) => void>();
  private closedFlag = false;

  constructor(
    private readonly stream: Stream,
    private readonly onRequest: RequestHandler,
    private readonly onClose: () => void,
  ) {
    void this.readLoop();
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Sends a request; resolves with the reply, or undefined on timeout or a closed channel. */
  request(request: SwimRequest, timeoutMs: number): Promise<SwimReply | undefined> {
    if (this.closedFlag) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // After a stall (GC, a busy start-up) the timer runs before the poll phase that would
        // read a reply already waiting in the socket: give that read one turn of the loop.
        setImmediate(() => this.pending.get(id)?.(undefined));
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(reply);
      });
      if (!this.write({ id, req: request })) this.pending.get(id)?.(undefined);
    });
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const settle of [...this.pending.values()]) settle(undefined);
    this.stream.abort(new Error('channel closed'));
    this.onClose();
  }

  private write(message: object): boolean {
    if (this.closedFlag) return false;
    try {
      this.stream.send(encodeFrame(encoder.encode(JSON.stringify(message))));
      return true;
    } catch {
      this.close();
      return false;
    }
  }

  private async readLoop(): Promise<void> {
    const frames = new FrameDecoder();
    try {
      for await (const chunk of this.stream) {
        for (const frame of frames.push(chunk instanceof Uint8Array ? chunk : chunk.subarray())) {
          const message = decodeEnvelope(frame);
          if (!message) continue;
          if ('rep' in message) this.pending.get(message.id)?.(message.rep);
          else {
            const { id } = message;
            void this.onRequest(message.req).then(
              (rep) => this.write({ id, rep }),
              () => undefined,
            );
          }
        }
      }
    } catch {
      // a reset or an oversized frame ends the channel
    } finally {
      this.close();
    }
  }
}
