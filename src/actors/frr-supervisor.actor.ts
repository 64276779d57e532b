// Runs the frrDaemons machine over the FrrProcesses port: the machine decides when to start,
// restart and reload; the port does it. A reload FRR refuses is undone by applying the last good
// text again (frr-reload.py checks the whole file before it changes anything, so this is normally
// a no-op), and the refusal stays visible in the machine's state with FRR's message.
import { createActor, fromPromise, type Actor, type InspectionEvent } from 'xstate';
import {
  frrDaemonsMachine,
  type FrrDaemonsContext,
  type FrrDaemonsInput,
} from '../machines/frr-daemons.machine.js';
import type { Clock } from '../ports/clock.js';
import type { FrrProcesses } from '../ports/frr.js';

export type FrrTiming = Omit<FrrDaemonsInput, 'daemons'>;

export const DEFAULT_FRR_TIMING: FrrTiming = {
  debounceMs: 200,
  initialBackoffMs: 250,
  maxBackoffMs: 10_000,
  maxAttempts: 8,
  stableMs: 30_000,
};

export interface FrrSupervisorState {
  readonly daemons: string;
  readonly config: string;
  readonly context: FrrDaemonsContext;
}

export interface FrrSupervisorDeps {
  readonly processes: FrrProcesses;
  readonly daemons: readonly string[];
  readonly clock: Clock;
  readonly id?: string;
  readonly inspect?: (event: InspectionEvent) => void;
  readonly timing?: Partial<FrrTiming>;
  /** Every change of either region's state. */
  readonly onState?: (state: FrrSupervisorState, previous: FrrSupervisorState | undefined) => void;
}

export class FrrSupervisor {
  private readonly actor: Actor<typeof frrDaemonsMachine>;
  private previous: FrrSupervisorState | undefined;

  constructor(private readonly deps: FrrSupervisorDeps) {
    const { processes } = deps;
    const machine = frrDaemonsMachine.provide({
      actors: {
        startDaemons: fromPromise<undefined, { daemons: readonly string[] }>(async ({ input }) => {
          await processes.start(
            (daemon, detail) => this.actor.send({ type: 'frr.daemon.exited', daemon, detail }),
            input.daemons,
          );
          return undefined;
        }),
        applyConfig: fromPromise<undefined, { text: string; lastGood: string | undefined }>(
          async ({ input }) => {
            try {
              await processes.reload(input.text);
            } catch (error) {
              if (input.lastGood !== undefined) await processes.reload(input.lastGood).catch(() => undefined);
              throw error;
            }
            return undefined;
          },
        ),
      },
      actions: { stopDaemons: (_, params) => processes.stop(params.daemons) },
    });
    this.actor = createActor(machine, {
      id: deps.id ?? 'frr',
      clock: deps.clock,
      input: { daemons: deps.daemons, ...DEFAULT_FRR_TIMING, ...deps.timing },
      ...(deps.inspect ? { inspect: deps.inspect } : {}),
    });
    this.actor.subscribe({
      next: () => {
        const state = this.state();
        const before = this.previous;
        if (before && before.daemons === state.daemons && before.config === state.config) return;
        this.previous = state;
        deps.onState?.(state, before);
      },
      // Every actor error has an owner: the machine's own invokes have onError; this is the rest.
      error: (error) =>
        deps.onState?.(
          {
            ...this.state(),
            daemons: 'error',
            context: { ...this.state().context, lastExit: String(error) },
          },
          this.previous,
        ),
    });
  }

  start(): void {
    this.actor.start();
  }

  /** The text FRR should run (applied debounced; the same text again is not reloaded). */
  setConfig(text: string): void {
    this.actor.send({ type: 'frr.config.set', text });
  }

  state(): FrrSupervisorState {
    const snapshot = this.actor.getSnapshot();
    const value = snapshot.value;
    if (typeof value === 'string') return { daemons: value, config: value, context: snapshot.context };
    return { daemons: value.active.daemons, config: value.active.config, context: snapshot.context };
  }

  show(command: string): Promise<string> {
    return this.deps.processes.show(command);
  }

  stop(): void {
    this.actor.send({ type: 'frr.stop' });
    this.actor.stop();
  }
}
