// When the responder sends unsolicited announcements (gratuitous ARP, unsolicited NA): a round at
// the trigger, then every 1.1 s until 5 s after the last trigger (behaviour.md §3) — paced. A
// cold start or a big takeover triggers thousands of addresses at once, and sending all their
// rounds in the turn that triggered them blocked the event loop (25-40 % of the 90-120 ms blocks
// of a cold 10,000-Service load). Each call that triggers rounds (an apply, a re-announcement)
// and each tick of the pump sends at most ROUNDS_PER_TURN of them; the rest wait in a queue the
// pump drains, PACE_MS apart. A takeover of a few addresses therefore still sends in its own
// turn, and the repeats of rounds sent together share one timer instead of one each.
import type { Clock } from '../ports/clock.js';

export const REPEAT_MS = 1100;
export const REPEAT_FOR_MS = 5000;
/**
 * Rounds sent per call or pump tick: more than a takeover of 50 addresses on two interfaces
 * (which must go out at once), few enough that a tick costs a couple of milliseconds.
 */
export const ROUNDS_PER_TURN = 256;
/** The pump's pause between ticks while rounds wait. */
export const PACE_MS = 1;

/** One address on one interface being announced. */
interface Announcing {
  /** Repeats stop once the next round would fall later than this. */
  until: number;
  /** Waiting in the queue for its next round, or waiting for the repeat of this batch. */
  next: 'queued' | RepeatBatch;
}

/** `scheduled`: a round of the schedule (its repeat follows); else an extra one-off round. */
interface QueuedRound {
  readonly id: string;
  readonly entry: Announcing;
  readonly scheduled: boolean;
}

interface RepeatBatch {
  readonly due: number;
  readonly ids: string[];
}

export class UnsolicitedRounds {
  private readonly announcing = new Map<string, Announcing>();
  /** Rounds waiting for budget, oldest first (`head` is the next one). */
  private queue: QueuedRound[] = [];
  private head = 0;
  /** Repeats waiting for their time, in the order they fall due. */
  private readonly batches: RepeatBatch[] = [];
  private budget = ROUNDS_PER_TURN;
  /** The batch the rounds sent in the current call or tick repeat with. */
  private batch: RepeatBatch | undefined;
  private pump: { timer: unknown; at: number } | undefined;

  /** `send(id)` sends one round for the id (the responder checks the address is still owned). */
  constructor(
    private readonly clock: Clock,
    private readonly send: (id: string) => void,
  ) {}

  /**
   * Starts a call that may trigger rounds (an apply, a re-announcement): a fresh budget, so the
   * call's first ROUNDS_PER_TURN rounds go out at once whatever is waiting.
   */
  beginTurn(): void {
    this.budget = ROUNDS_PER_TURN;
    this.batch = undefined;
  }

  /**
   * A trigger for `id`: rounds until 5 s from now. A new id gets a round at once (or queued, over
   * budget); one already announcing keeps its schedule, plus a round at once when `again` (news
   * that clients may hold a stale neighbour entry).
   */
  trigger(id: string, again = false): void {
    const until = this.clock.now() + REPEAT_FOR_MS;
    const existing = this.announcing.get(id);
    if (existing) {
      existing.until = until;
      if (again && existing.next !== 'queued') {
        if (this.budget > 0) {
          this.budget -= 1;
          this.send(id);
        } else this.enqueue(id, existing, false);
      }
      return;
    }
    const entry: Announcing = { until, next: 'queued' };
    this.announcing.set(id, entry);
    this.round(id, entry);
  }

  stop(id: string): void {
    // Queue and batch entries of a stopped id are skipped when they come up.
    this.announcing.delete(id);
  }

  /** Ids announcing now (sent or waiting), for tests and counters. */
  get size(): number {
    return this.announcing.size;
  }

  /** Rounds waiting for budget. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /** Stops everything (the responder stops). */
  clear(): void {
    this.announcing.clear();
    this.queue = [];
    this.head = 0;
    this.batches.length = 0;
    if (this.pump) this.clock.clearTimeout(this.pump.timer);
    this.pump = undefined;
  }

  /** A scheduled round (first or repeat): now if the budget allows, else queued. */
  private round(id: string, entry: Announcing): void {
    if (this.budget > 0) {
      this.budget -= 1;
      this.send(id);
      this.scheduleRepeat(id, entry);
    } else {
      entry.next = 'queued';
      this.enqueue(id, entry, true);
    }
  }

  private scheduleRepeat(id: string, entry: Announcing): void {
    const now = this.clock.now();
    if (now + REPEAT_MS > entry.until) {
      this.announcing.delete(id);
      return;
    }
    if (!this.batch) {
      this.batch = { due: now + REPEAT_MS, ids: [] };
      this.batches.push(this.batch);
      this.schedulePump();
    }
    this.batch.ids.push(id);
    entry.next = this.batch;
  }

  private enqueue(id: string, entry: Announcing, scheduled: boolean): void {
    this.queue.push({ id, entry, scheduled });
    this.schedulePump();
  }

  private tick(): void {
    this.pump = undefined;
    this.beginTurn();
    const now = this.clock.now();
    // Due repeats join the queue (no sending here: the budget below bounds the tick).
    for (let due = this.batches[0]; due && due.due <= now; due = this.batches[0]) {
      this.batches.shift();
      for (const id of due.ids) {
        const entry = this.announcing.get(id);
        if (entry?.next !== due) continue;
        entry.next = 'queued';
        this.queue.push({ id, entry, scheduled: true });
      }
    }
    for (let item = this.queue[this.head]; item && this.budget > 0; item = this.queue[this.head]) {
      this.head += 1;
      // Stopped (or stopped and triggered again: the new entry has its own queue item).
      if (this.announcing.get(item.id) !== item.entry) continue;
      this.budget -= 1;
      this.send(item.id);
      if (item.scheduled) this.scheduleRepeat(item.id, item.entry);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 4096) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.schedulePump();
  }

  /** The pump runs PACE_MS from now while rounds wait, else when the next repeat falls due. */
  private schedulePump(): void {
    const now = this.clock.now();
    const at = this.waiting > 0 ? now + PACE_MS : this.batches[0]?.due;
    if (at === undefined) return;
    if (this.pump && this.pump.at <= at) return;
    if (this.pump) this.clock.clearTimeout(this.pump.timer);
    this.pump = { timer: this.clock.setTimeout(() => this.tick(), at - now), at };
  }
}
