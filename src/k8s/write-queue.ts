// The controller's writes to the API, in order of what users wait for: Service status first, then
// the pool annotation, then Events and pool status. Keyed and coalescing: a newer write for the
// same key replaces one still waiting (only the latest desired state matters); a key is never
// written twice at once. A failed write is retried with backoff unless a newer one replaced it,
// so an apiserver outage delays writes and loses none; a write that can never succeed (the object
// is gone, or the request is refused as invalid) is dropped and reported.
import { KubeApiError } from './rest.js';

export type Priority = 0 | 1 | 2 | 3;

export interface WriteQueueOptions {
  readonly concurrency: number;
  readonly initialRetryMs?: number;
  readonly maxRetryMs?: number;
  /** A write was dropped for good (gone, invalid) or failed and will be retried. */
  readonly onError?: (key: string, error: unknown, willRetry: boolean) => void;
  readonly onDone?: (key: string, priority: Priority) => void;
}

interface Job {
  readonly key: string;
  readonly priority: Priority;
  readonly run: () => Promise<void>;
  attempt: number;
}

/** Not worth retrying: the object is gone, or the apiserver refuses the request itself. */
export function permanent(error: unknown): boolean {
  if (!(error instanceof KubeApiError)) return false;
  return error.status === 404 || error.status === 400 || error.status === 403 || error.status === 422;
}

export class WriteQueue {
  private readonly lanes: Job[][] = [[], [], [], []];
  /** The job waiting for each key (in a lane, or in a retry timer). */
  private readonly waiting = new Map<string, Job>();
  private readonly inFlight = new Set<string>();
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: WriteQueueOptions) {}

  put(key: string, priority: Priority, run: () => Promise<void>): void {
    if (this.closed) return;
    const timer = this.retryTimers.get(key);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.retryTimers.delete(key);
    }
    const job: Job = { key, priority, run, attempt: 0 };
    const replaced = this.waiting.get(key);
    this.waiting.set(key, job);
    if (replaced && !this.inFlight.has(key) && replaced.priority === priority && timer === undefined) {
      // Same lane: the queued entry now stands for the new job (looked up through `waiting`).
      return;
    }
    this.lanes[priority]?.push(job);
    this.pump();
  }

  /** Writes waiting or running. */
  size(): number {
    return this.waiting.size + this.inFlight.size;
  }

  /** Resolves when nothing waits or runs (retry timers count as waiting). */
  idle(): Promise<void> {
    if (this.size() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops everything waiting (leadership lost, shutting down); running writes finish. */
  clear(): void {
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    this.waiting.clear();
    for (const lane of this.lanes) lane.length = 0;
    this.settle();
  }

  close(): void {
    this.closed = true;
    this.clear();
  }

  private next(): Job | undefined {
    for (const lane of this.lanes) {
      for (let i = 0; i < lane.length; i++) {
        const queued = lane[i];
        if (!queued) continue;
        const current = this.waiting.get(queued.key);
        // Stale entries (replaced by a job in another lane, or already taken) are skipped.
        if (current?.priority !== queued.priority || this.retryTimers.has(queued.key)) {
          lane.splice(i--, 1);
          continue;
        }
        if (this.inFlight.has(queued.key)) continue;
        lane.splice(i, 1);
        return current;
      }
    }
    return undefined;
  }

  private pump(): void {
    while (this.running < this.options.concurrency) {
      const job = this.next();
      if (!job) break;
      this.waiting.delete(job.key);
      this.inFlight.add(job.key);
      this.running += 1;
      job
        .run()
        .then(
          () => this.options.onDone?.(job.key, job.priority),
          (error: unknown) => this.failed(job, error),
        )
        .finally(() => {
          this.running -= 1;
          this.inFlight.delete(job.key);
          // A job put while this one ran waits in `waiting`; make sure a lane points at it.
          const waiting = this.waiting.get(job.key);
          if (waiting && !this.retryTimers.has(job.key)) this.lanes[waiting.priority]?.push(waiting);
          this.pump();
          this.settle();
        });
    }
  }

  private failed(job: Job, error: unknown): void {
    const retry = !permanent(error) && !this.closed;
    this.options.onError?.(job.key, error, retry && !this.waiting.has(job.key));
    if (!retry || this.waiting.has(job.key)) return; // gone for good, or a newer write replaced it
    job.attempt += 1;
    const initial = this.options.initialRetryMs ?? 250;
    const delay = Math.min(this.options.maxRetryMs ?? 10_000, initial * 2 ** (job.attempt - 1));
    this.waiting.set(job.key, job);
    this.retryTimers.set(
      job.key,
      setTimeout(() => {
        this.retryTimers.delete(job.key);
        if (this.waiting.get(job.key) !== job) return;
        this.lanes[job.priority]?.push(job);
        this.pump();
      }, delay),
    );
  }

  private settle(): void {
    if (this.size() > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
