// Runs one member machine for the membership actor: stamps events with the clock's time and the
// expected confirmations, and reports every state change with its reason.
//
// The machine is stepped with XState's pure transition() over a stored snapshot, not run as an
// actor: a speaker holds one tracker per remote member (N − 1 of them; a 1,000-member simulation
// holds a million), and an actor costs ~7 KB and a mailbox, a system and a scheduler each, where a
// snapshot and a timer handle are all the machine needs. The machine stays the source of truth:
// every state and context comes from it, and its only delayed event (the suspicion timeout) is
// the `xstate.raise` it asks for, scheduled on the clock and cancelled when it says so.
import { createActor, type SnapshotFrom } from 'xstate';
import type { MembershipTiming } from '../core/membership/timing.js';
import {
  memberMachine,
  type MemberInput,
  type MemberMachineEvent,
  type MemberStateValue,
} from '../machines/member.machine.js';
import type { ExternalActor } from '../observe/state-board.js';
import type { Clock } from '../ports/clock.js';
import type { MemberEvent, MemberTracker, MemberTrackerInit } from './membership-types.js';

/** Where member machines report their transitions (the speaker's state board: its `external`). */
export interface MemberBoard {
  external(id: string, machine: string, state: string, context: unknown): ExternalActor;
}

type MemberSnapshot = SnapshotFrom<typeof memberMachine>;
/** An event the machine scheduled for itself (its `after` timeout). */
type DelayedEvent = { type: string };
/** XState's built-in actions are not in the machine's action types: they are read by name. */
type MachineAction = { type: string; params?: unknown };
type MemberScope = Parameters<(typeof memberMachine)['transition']>[2];

/**
 * The machine's pure steps, as xstate's transition() and initialTransition() take them, with one
 * actor scope shared by every tracker. Those functions build a throwaway actor per call, whose
 * constructor runs the machine's context factory without input: the member machine throws there,
 * ~100 µs per step, where the step itself takes ~2–15 µs. Steps are synchronous and collect their
 * actions without running them, so one scope serves all.
 */
const machineSteps = (() => {
  const self = createActor(memberMachine, {
    input: { node: '', incarnation: 0, suspicionMinMs: 0, suspicionMaxMs: 0 },
  });
  let collected: MachineAction[] = [];
  const scope = {
    self,
    id: '',
    sessionId: '',
    system: self.system,
    defer: () => undefined,
    logger: () => undefined,
    stopChild: () => undefined,
    emit: () => undefined,
    actionExecutor: (action: MachineAction) => collected.push(action),
  } as unknown as MemberScope;
  const collecting = <T>(step: () => T): [T, MachineAction[]] => {
    collected = [];
    const result = step();
    const actions = collected;
    collected = [];
    return [result, actions];
  };
  return {
    initial: (input: MemberInput): MemberSnapshot => memberMachine.getInitialSnapshot(scope, input),
    transition: (snapshot: MemberSnapshot, event: MemberMachineEvent): [MemberSnapshot, MachineAction[]] =>
      collecting(() => memberMachine.transition(snapshot, event, scope)),
  };
})();

export function createMemberTracker(
  init: MemberTrackerInit,
  timing: MembershipTiming,
  clock: Clock,
  board?: MemberBoard,
): MemberTracker {
  return new MachineMemberTracker(init, timing, clock, board);
}

class MachineMemberTracker implements MemberTracker {
  private snapshot: MemberSnapshot;
  /** The pending delayed event: the machine's send id and the clock's timer. */
  private timer: { readonly id: string; readonly handle: unknown } | undefined;
  /** Events that arrived while a step ran (a listener reacting to a change): run in order. */
  private queue: (MemberMachineEvent | DelayedEvent)[] | undefined;
  private stopped = false;
  private readonly report: ExternalActor | undefined;

  constructor(
    private readonly init: MemberTrackerInit,
    timing: MembershipTiming,
    private readonly clock: Clock,
    board: MemberBoard | undefined,
  ) {
    const input: MemberInput = {
      node: init.node,
      incarnation: init.incarnation,
      suspicionMinMs: timing.suspicionMinMs,
      suspicionMaxMs: timing.suspicionMaxMs,
      ...(timing.liveness ? { livenessSuspicionMs: timing.liveness.suspicionMs } : {}),
    };
    // The initial state (alive) schedules nothing.
    this.snapshot = machineSteps.initial(input);
    this.report = board?.external(`member:${init.node}`, memberMachine.id, 'alive', this.snapshot.context);
  }

  get state(): MemberStateValue {
    return this.snapshot.value;
  }

  get incarnation(): number {
    return this.snapshot.context.incarnation;
  }

  send(event: MemberEvent): void {
    const at = this.clock.now();
    switch (event.type) {
      case 'member.probe.failed':
      case 'member.liveness.lost':
        this.step({
          ...event,
          self: this.init.self,
          at,
          expectedConfirmations: this.init.expectedConfirmations(),
        });
        break;
      case 'member.suspect':
      case 'member.dead':
        this.step({ ...event, at, expectedConfirmations: this.init.expectedConfirmations() });
        break;
      case 'member.alive':
      case 'member.left':
      case 'member.probe.ok':
        this.step({ ...event, at });
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelTimer();
    this.report?.stop();
  }

  private step(event: MemberMachineEvent | DelayedEvent): void {
    if (this.stopped) return;
    if (this.queue) {
      this.queue.push(event);
      return;
    }
    const queue = [event];
    this.queue = queue;
    try {
      // An array's iterator sees what is pushed while it runs.
      for (const next of queue) this.apply(next);
    } finally {
      this.queue = undefined;
    }
  }

  private apply(event: MemberMachineEvent | DelayedEvent): void {
    if (this.stopped) return; // stopped by a listener of an earlier event in the queue
    const before = this.snapshot.value;
    try {
      // A delayed event is the machine's own (`xstate.after.*`); transition() takes it as any other.
      const [next, actions] = machineSteps.transition(this.snapshot, event as MemberMachineEvent);
      this.snapshot = next;
      for (const action of actions) {
        if (action.type === 'xstate.cancel') {
          const { sendId } = action.params as { sendId: string };
          if (this.timer?.id === sendId) this.cancelTimer();
        } else if (action.type === 'xstate.raise') {
          const {
            event: delayed,
            id,
            delay,
          } = action.params as { event: DelayedEvent; id: string; delay?: number };
          if (typeof delay === 'number') this.schedule(id, delayed, delay);
        }
      }
    } catch (err) {
      // As an actor's error would: the member is dead to us, and the machine stops.
      this.stop();
      this.init.onChange('dead', `machineError:${String(err)}`, 0);
      return;
    }
    const { value, context } = this.snapshot;
    this.report?.transition(value, context.reason, event.type, context);
    if (value !== before) this.init.onChange(value, context.reason, context.incarnation);
  }

  private schedule(id: string, event: DelayedEvent, delay: number): void {
    this.cancelTimer();
    const handle = this.clock.setTimeout(() => {
      if (this.timer?.handle !== handle) return;
      this.timer = undefined;
      this.step(event);
    }, delay);
    this.timer = { id, handle };
  }

  private cancelTimer(): void {
    if (this.timer) this.clock.clearTimeout(this.timer.handle);
    this.timer = undefined;
  }
}
