// Runs one informer machine per watched resource over the InformerControl port: the machine
// decides when to (re)start and when the informer is stalled; the informer's signals become
// machine events. Activity is forwarded at most once per `activityEveryMs` (a flood of 10,000
// Service events needs one watchdog reset, not 10,000).
import { createActor, type Actor, type InspectionEvent } from 'xstate';
import {
  informerMachine,
  type InformerInput,
  type InformerStateValue,
} from '../machines/informer.machine.js';
import type { Clock } from '../ports/clock.js';
import type { InformerControl, InformerSignals } from '../ports/informer.js';

export interface SupervisedInformer extends InformerControl {
  connect(signals: InformerSignals): void;
}

export type InformerTiming = Omit<InformerInput, 'resource'>;

export const DEFAULT_INFORMER_TIMING: InformerTiming = {
  initialBackoffMs: 250,
  // Short: after an outage the first informer back tells the others (retryNow), and a controller
  // waiting 30 s to notice the apiserver is back would be a 30 s outage of its own.
  maxBackoffMs: 5_000,
  syncTimeoutMs: 30_000,
  // The watch's server-side timeout is at most 300 s and bookmarks come about every minute.
  watchdogMs: 330_000,
};

export interface InformerSupervisorDeps {
  readonly clock: Clock;
  readonly inspect?: (event: InspectionEvent) => void;
  readonly timing?: Partial<InformerTiming>;
  readonly activityEveryMs?: number;
  /** Called on every change of state (synced ⇄ degraded ...). */
  readonly onState?: (resource: string, state: InformerStateValue, reason: string, error?: string) => void;
}

export class InformerSupervisor {
  private readonly actor: Actor<typeof informerMachine>;
  private lastActivity = Number.NEGATIVE_INFINITY;

  constructor(
    readonly resource: string,
    informer: SupervisedInformer,
    private readonly deps: InformerSupervisorDeps,
  ) {
    const every = deps.activityEveryMs ?? 1000;
    const machine = informerMachine.provide({
      actions: {
        startInformer: () => informer.start(),
        stopInformer: () => informer.stop(),
      },
    });
    this.actor = createActor(machine, {
      id: `informer:${resource}`,
      clock: deps.clock,
      input: { resource, ...DEFAULT_INFORMER_TIMING, ...deps.timing },
      ...(deps.inspect ? { inspect: deps.inspect } : {}),
    });
    informer.connect({
      synced: () => this.actor.send({ type: 'informer.synced' }),
      failed: (error) => this.actor.send({ type: 'informer.failed', error }),
      activity: () => {
        const now = deps.clock.now();
        if (now - this.lastActivity < every) return;
        this.lastActivity = now;
        this.actor.send({ type: 'informer.activity' });
      },
    });
    let previous: string | undefined;
    this.actor.subscribe((snapshot) => {
      const state = snapshot.value;
      if (state === previous) return;
      previous = state;
      this.deps.onState?.(resource, state, snapshot.context.reason, snapshot.context.lastError);
    });
  }

  start(): void {
    this.actor.start();
  }

  state(): InformerStateValue {
    return this.actor.getSnapshot().value;
  }

  /** The apiserver answered another informer: skip the rest of the backoff. */
  retryNow(): void {
    this.actor.send({ type: 'informer.retry' });
  }

  restarts(): number {
    return this.actor.getSnapshot().context.restarts;
  }

  stop(): void {
    this.actor.send({ type: 'informer.stop' });
    this.actor.stop();
  }
}
