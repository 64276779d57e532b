// Runs one member machine for the membership actor: stamps events with the clock's time and the
// expected confirmations, and reports every state change with its reason.
import { createActor, type InspectionEvent } from 'xstate';
import type { MembershipTiming } from '../core/membership/timing.js';
import { memberMachine, type MemberStateValue } from '../machines/member.machine.js';
import type { Clock } from '../ports/clock.js';
import type { MemberEvent, MemberTracker, MemberTrackerInit } from './membership-types.js';

export function createMemberTracker(
  init: MemberTrackerInit,
  timing: MembershipTiming,
  clock: Clock,
  inspect?: (event: InspectionEvent) => void,
): MemberTracker {
  const actor = createActor(memberMachine, {
    id: `member:${init.node}`,
    clock,
    ...(inspect ? { inspect } : {}),
    input: {
      node: init.node,
      incarnation: init.incarnation,
      suspicionMinMs: timing.suspicionMinMs,
      suspicionMaxMs: timing.suspicionMaxMs,
      ...(timing.liveness ? { livenessSuspicionMs: timing.liveness.suspicionMs } : {}),
    },
  });
  let last: MemberStateValue = 'alive';
  actor.subscribe({
    next: (snapshot) => {
      const state = snapshot.value;
      if (state === last) return;
      last = state;
      init.onChange(state, snapshot.context.reason, snapshot.context.incarnation);
    },
    error: (err) => init.onChange('dead', `machineError:${String(err)}`, 0),
  });
  actor.start();

  return {
    get state() {
      return actor.getSnapshot().value;
    },
    get incarnation() {
      return actor.getSnapshot().context.incarnation;
    },
    send(event: MemberEvent) {
      const at = clock.now();
      switch (event.type) {
        case 'member.probe.failed':
        case 'member.liveness.lost':
          actor.send({ ...event, self: init.self, at, expectedConfirmations: init.expectedConfirmations() });
          break;
        case 'member.suspect':
        case 'member.dead':
          actor.send({ ...event, at, expectedConfirmations: init.expectedConfirmations() });
          break;
        case 'member.alive':
        case 'member.left':
        case 'member.probe.ok':
          actor.send({ ...event, at });
      }
    },
    stop() {
      actor.stop();
    },
  };
}
