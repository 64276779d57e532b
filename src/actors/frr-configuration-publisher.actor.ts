// Keeps one stored object (the node's FRRConfiguration, FRR-K8s backend) equal to the last one it
// was given: changes are debounced (a burst of Service updates is one write), a write equal to
// what is stored is skipped, one write at a time, and a failed write is retried with backoff
// while the store keeps the last object written (FRR-K8s goes on carrying it). `undefined` means
// "no object": it is removed. Time comes from the clock port; the store is a port.
import type { Clock } from '../ports/clock.js';
import type { FrrConfigurationStore, StoredObject } from '../ports/frr-configuration-store.js';

export interface PublisherTiming {
  readonly debounceMs: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

export const DEFAULT_PUBLISHER_TIMING: PublisherTiming = {
  debounceMs: 200,
  retryInitialMs: 1000,
  retryMaxMs: 30_000,
};

export interface PublisherOptions {
  readonly store: FrrConfigurationStore;
  /** The one object this publisher keeps: its namespace and name never change. */
  readonly namespace: string;
  readonly name: string;
  readonly clock: Clock;
  readonly timing?: Partial<PublisherTiming>;
  /** A write done: the object put or removed. */
  readonly onWritten?: (what: 'put' | 'remove') => void;
  /** A write failed; the store keeps what it held; retried after `retryMs`. */
  readonly onFailed?: (what: 'put' | 'remove', error: unknown, retryMs: number) => void;
}

export interface PublisherStatus {
  /** `namespace/name`. */
  readonly object: string;
  /** What the store holds as far as this publisher knows. */
  readonly stored: 'unknown' | 'absent' | 'present';
  readonly writes: number;
  readonly skipped: number;
  readonly failures: number;
  readonly lastError: string | undefined;
  readonly pending: boolean;
}

/** The object's JSON, or 'absent'; 'unknown' until the first write (a stale object may exist). */
type StoredText = string;

export class FrrConfigurationPublisher {
  private readonly timing: PublisherTiming;
  private desired: { object: StoredObject | undefined; text: StoredText } | undefined;
  private stored: StoredText = 'unknown';
  private timer: unknown;
  private writing: Promise<void> | undefined;
  private retryMs: number;
  private stopped = false;
  private counts = { writes: 0, skipped: 0, failures: 0 };
  private lastError: string | undefined;

  constructor(private readonly options: PublisherOptions) {
    this.timing = { ...DEFAULT_PUBLISHER_TIMING, ...options.timing };
    this.retryMs = this.timing.retryInitialMs;
  }

  /** The object the store should hold from now on (undefined: none). Written after the debounce. */
  set(object: StoredObject | undefined): void {
    if (this.stopped) return;
    const { namespace, name } = this.options;
    if (object && (object.metadata.namespace !== namespace || object.metadata.name !== name))
      throw new Error(`this publisher keeps ${namespace}/${name}, not ${keyOf(object)}`);
    this.desired = { object, text: object ? JSON.stringify(object) : 'absent' };
    this.schedule(this.timing.debounceMs);
  }

  status(): PublisherStatus {
    return {
      object: `${this.options.namespace}/${this.options.name}`,
      stored: this.stored === 'unknown' || this.stored === 'absent' ? this.stored : 'present',
      ...this.counts,
      lastError: this.lastError,
      pending: this.timer !== undefined || this.writing !== undefined,
    };
  }

  /** Waits for the write in flight (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /**
   * Stops writing; with `remove`, takes the stored object away (a speaker shutting down withdraws
   * its routes, as the native backend ceases its sessions).
   */
  async stop(options: { remove: boolean }): Promise<void> {
    this.cancelTimer();
    if (options.remove && !this.stopped) {
      this.desired = { object: undefined, text: 'absent' };
      await this.settled();
      await this.flush();
    }
    this.stopped = true;
    this.cancelTimer();
    await this.settled();
  }

  private schedule(ms: number): void {
    this.cancelTimer();
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async flush(): Promise<void> {
    if (this.writing) {
      // One write at a time: the newest desired object is written when this one ends.
      await this.writing;
      if (this.timer === undefined && !this.stopped) this.schedule(0);
      return;
    }
    const desired = this.desired;
    if (!desired || this.stopped) return;
    if (desired.text === this.stored) {
      this.counts.skipped++;
      return;
    }
    this.writing = this.write(desired);
    await this.writing;
    this.writing = undefined;
  }

  /** One write; never rejects (a failure is counted, reported and retried). */
  private async write(desired: { object: StoredObject | undefined; text: StoredText }): Promise<void> {
    const { store, namespace, name } = this.options;
    const what = desired.object ? 'put' : 'remove';
    try {
      if (desired.object) await store.put(desired.object);
      else await store.remove(namespace, name);
      this.stored = desired.text;
      this.counts.writes++;
      this.lastError = undefined;
      this.retryMs = this.timing.retryInitialMs;
      this.options.onWritten?.(what);
    } catch (error) {
      this.counts.failures++;
      this.lastError = error instanceof Error ? error.message : String(error);
      const retryMs = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, this.timing.retryMaxMs);
      this.options.onFailed?.(what, error, retryMs);
      if (!this.stopped && this.timer === undefined) this.schedule(retryMs);
    }
  }
}

const keyOf = (o: StoredObject): string => `${o.metadata.namespace}/${o.metadata.name}`;
