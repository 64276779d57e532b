// The state board: every live XState actor of this speaker, its machine, current state and a
// context summary, plus a ring of recent transitions. Actors hand `board.inspect` to
// createActor({ inspect }), so any machine is observed without code of its own; the debug server,
// the metrics and the event log all read from here. Only state *changes* become transitions; the
// reason is the machine's own (`context.lastTransition.reason` or `context.reason`) when it keeps
// one, else the event that caused the step.
import type { InspectionEvent } from 'xstate';
import { activeStatePaths, type StateValueLike } from './statecharts/active.js';
import { summarize } from './summarize.js';

const activePaths = (value: unknown): string[] =>
  typeof value === 'string' || (typeof value === 'object' && value !== null)
    ? activeStatePaths(value as StateValueLike)
    : [];

export interface LiveActor {
  /** Stable, readable id given at createActor (`leadership:default/web`, `member:node2`). */
  readonly id: string;
  /** The machine's `id` (the statechart's name in /debug/statecharts). */
  readonly machine: string;
  readonly state: string;
  /** Every active state's dotted path (parallel regions included): what the chart highlights. */
  readonly paths: readonly string[];
  /** Milliseconds since the epoch when the actor entered `state`. */
  readonly since: number;
  readonly context: unknown;
}

export interface TransitionRecord {
  /** Increases by one per transition of this board: lets a reader see what it missed. */
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly machine: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  /** The event type that caused the step. */
  readonly event: string;
}

/** Reports of an actor running outside this thread (see StateBoard.external). */
export interface ExternalActor {
  transition(to: string, reason: string, event: string, context: unknown): void;
  stop(): void;
}

export type BoardChange =
  | {
      readonly type: 'transition';
      readonly record: TransitionRecord;
      readonly actor: LiveActor;
      /** The actor's raw context before and after, for listeners that compute more (failover time). */
      readonly before: unknown;
      readonly after: unknown;
    }
  | { readonly type: 'started'; readonly actor: LiveActor }
  | { readonly type: 'stopped'; readonly id: string; readonly machine: string };

interface Tracked {
  id: string;
  machine: string;
  state: string;
  paths: readonly string[];
  since: number;
  context: unknown;
}

export interface StateBoardOptions {
  readonly now?: () => number;
  /** Transitions kept for /debug/state and the visualizer's timeline. */
  readonly keep?: number;
}

/**
 * The state as people name it: the dotted path down to the deepest active state, stopping at a
 * parallel state (`leader`, `idle.holding`, `established` — not its timer regions, whose steps
 * are not transitions anyone needs to see). A parallel root joins its regions with `|`.
 */
export function stateName(value: unknown, depth = 0): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, inner] = entries[0] as [string, unknown];
      const isParallel = typeof inner === 'object' && inner !== null && Object.keys(inner).length > 1;
      return isParallel ? key : `${key}.${stateName(inner, depth + 1)}`;
    }
    if (depth === 0) return entries.map(([key, inner]) => `${key}.${stateName(inner, 1)}`).join('|');
  }
  return String(value);
}

function reasonOf(context: unknown, event: string): string {
  if (context && typeof context === 'object') {
    const c = context as { lastTransition?: { reason?: unknown }; reason?: unknown };
    if (typeof c.lastTransition?.reason === 'string') return c.lastTransition.reason;
    if (typeof c.reason === 'string') return c.reason;
  }
  return event;
}

interface ActorLike {
  readonly sessionId: string;
  readonly id?: unknown;
  readonly logic?: { id?: unknown };
  subscribe?: (observer: { complete?: () => void; error?: () => void }) => unknown;
}

export class StateBoard {
  private readonly live = new Map<string, Tracked>();
  private readonly ring: TransitionRecord[] = [];
  private readonly listeners = new Set<(change: BoardChange) => void>();
  private readonly now: () => number;
  private readonly keep: number;
  private seq = 0;
  private externals = 0;

  constructor(options: StateBoardOptions = {}) {
    this.now = options.now ?? Date.now;
    this.keep = options.keep ?? 200;
  }

  /** Pass to createActor(machine, { id, inspect: board.inspect }). */
  readonly inspect = (event: InspectionEvent): void => {
    if (event.type !== '@xstate.snapshot') return;
    const ref = event.actorRef as unknown as ActorLike;
    const snapshot = event.snapshot as { value?: unknown; context?: unknown; status?: string };
    if (snapshot.value === undefined) return; // not a state machine
    const state = stateName(snapshot.value);
    const tracked = this.live.get(ref.sessionId);
    if (!tracked) {
      const actor: Tracked = {
        id: typeof ref.id === 'string' ? ref.id : ref.sessionId,
        machine: typeof ref.logic?.id === 'string' ? ref.logic.id : 'unknown',
        state,
        paths: activePaths(snapshot.value),
        since: this.now(),
        context: snapshot.context,
      };
      this.live.set(ref.sessionId, actor);
      ref.subscribe?.({
        complete: () => this.forget(ref.sessionId),
        error: () => this.forget(ref.sessionId),
      });
      this.emit({ type: 'started', actor: this.view(actor) });
      return;
    }
    const before = tracked.context;
    tracked.context = snapshot.context;
    tracked.paths = activePaths(snapshot.value);
    if (tracked.state === state) return;
    const record: TransitionRecord = {
      seq: ++this.seq,
      at: this.now(),
      actor: tracked.id,
      machine: tracked.machine,
      from: tracked.state,
      to: state,
      reason: reasonOf(snapshot.context, event.event.type),
      event: event.event.type,
    };
    tracked.state = state;
    tracked.since = record.at;
    this.remember(record);
    this.emit({ type: 'transition', record, actor: this.view(tracked), before, after: snapshot.context });
  };

  /**
   * An actor whose machine runs elsewhere (the BFD worker thread): it reports its transitions
   * here itself, and shows in /debug/state, the visualizer, the log and metrics like any other.
   */
  external(id: string, machine: string, state: string, context: unknown): ExternalActor {
    const key = `external:${id}:${++this.externals}`;
    const tracked: Tracked = { id, machine, state, paths: [state], since: this.now(), context };
    this.live.set(key, tracked);
    this.emit({ type: 'started', actor: this.view(tracked) });
    return {
      transition: (to, reason, event, after) => {
        if (!this.live.has(key)) return;
        const before = tracked.context;
        tracked.context = after;
        if (to === tracked.state) return;
        const record: TransitionRecord = {
          seq: ++this.seq,
          at: this.now(),
          actor: id,
          machine,
          from: tracked.state,
          to,
          reason,
          event,
        };
        tracked.state = to;
        tracked.paths = [to];
        tracked.since = record.at;
        this.remember(record);
        this.emit({ type: 'transition', record, actor: this.view(tracked), before, after });
      },
      stop: () => this.forget(key),
    };
  }

  actors(): LiveActor[] {
    return [...this.live.values()].map((a) => this.view(a)).sort((a, b) => a.id.localeCompare(b.id));
  }

  recent(): readonly TransitionRecord[] {
    return [...this.ring];
  }

  subscribe(listener: (change: BoardChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private remember(record: TransitionRecord): void {
    this.ring.push(record);
    if (this.ring.length > this.keep) this.ring.shift();
  }

  private forget(sessionId: string): void {
    const tracked = this.live.get(sessionId);
    if (!tracked) return;
    this.live.delete(sessionId);
    this.emit({ type: 'stopped', id: tracked.id, machine: tracked.machine });
  }

  private view(actor: Tracked): LiveActor {
    return {
      id: actor.id,
      machine: actor.machine,
      state: actor.state,
      paths: actor.paths,
      since: actor.since,
      context: summarize(actor.context),
    };
  }

  private emit(change: BoardChange): void {
    // A failing listener (a closed HTTP stream, say) must not break the actor that inspected.
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        this.listeners.delete(listener);
      }
    }
  }
}
