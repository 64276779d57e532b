// Leader election for `herald controller --leader-elect`: runs the leaderElection machine over a
// Lease, with the tries of actors/lease-attempt.ts on the LeaseStore port, and tells the
// controller when it starts and stops leading. The actor is created with the id
// `leaderElection:<lease name>` and the caller's `inspect`, so the state board shows it live.
//
// `runLeaderElection` takes any LeaseStore; app/leader-election.ts builds the Kubernetes one.
import { createActor, fromPromise, toPromise, type InspectionEvent } from 'xstate';
import { timingProblems, type LeaseTiming } from '../core/lease/timing.js';
import { leaderElectionMachine, type LeaderElectionReason } from '../machines/leader-election.machine.js';
import type { Clock } from '../ports/clock.js';
import type { LeaseStore } from '../ports/lease-store.js';
import { acquireOrRenew, releaseLease, type LeaseAttemptDeps } from './lease-attempt.js';

/** The part of a pino logger the election uses. */
export interface LeaderElectionLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LeaderElection {
  /** True between onStartedLeading and onStoppedLeading. */
  isLeader(): boolean;
  /**
   * Stops the election (once; later calls return the same promise). A leader stops leading first;
   * with `release` it then writes an empty holder, so a standby takes over at its next try
   * instead of after the lease duration. Without it the lease just runs out (as after a crash).
   */
  stop(options?: { release?: boolean }): Promise<void>;
}

export interface LeaderElectionCallbacks {
  readonly log: LeaderElectionLog;
  readonly inspect?: (event: InspectionEvent) => void;
  /** The controller may allocate and write from now on. */
  readonly onStartedLeading: () => void;
  /** The controller must stop writing now (renew deadline passed, lease taken, or stop()). */
  readonly onStoppedLeading: () => void;
}

export interface LeaderElectionDeps extends LeaderElectionCallbacks {
  readonly store: LeaseStore;
  /** `namespace/name`, for logs. */
  readonly lease: string;
  readonly leaseName: string;
  readonly identity: string;
  readonly timing: LeaseTiming;
  readonly clock: Clock;
  readonly wallClock: () => number;
}

export function runLeaderElection(deps: LeaderElectionDeps): LeaderElection {
  const problems = timingProblems(deps.timing);
  if (problems.length > 0) throw new Error(`leader election timing: ${problems.join('; ')}`);
  const { log, lease, identity } = deps;
  let leading = false;

  // A throwing callback must not break the election (an errored actor ignores every later event).
  const call = (name: string, callback: () => void): void => {
    try {
      callback();
    } catch (err) {
      log.error({ err, lease, identity }, `leader election: ${name} threw`);
    }
  };
  const stoppedLeading = (reason: LeaderElectionReason | 'actorFailed'): void => {
    if (!leading) return;
    leading = false;
    const fields = { lease, identity, reason };
    if (reason === 'releaseRequested' || reason === 'stopRequested') log.info(fields, 'stopped leading');
    else log.warn(fields, 'lost leadership');
    call('onStoppedLeading', deps.onStoppedLeading);
  };

  const attemptDeps: LeaseAttemptDeps = { store: deps.store, clock: deps.clock, wallClock: deps.wallClock };
  const machine = leaderElectionMachine.provide({
    actors: {
      acquireOrRenew: fromPromise(({ input, signal }) => acquireOrRenew(attemptDeps, input, signal)),
      release: fromPromise(({ input, signal }) => releaseLease(attemptDeps, input, signal)),
    },
    actions: {
      startedLeading: (_, { reason }) => {
        leading = true;
        log.info({ lease, identity, reason }, 'started leading');
        call('onStartedLeading', deps.onStartedLeading);
      },
      stoppedLeading: (_, { reason }) => stoppedLeading(reason),
      // The first failure of a run, then every tenth: an outage of minutes is a few lines.
      attemptFailed: (_, { error, failures, leading: asLeader }) => {
        if (failures === 1 || failures % 10 === 0) {
          log.warn({ lease, identity, error, failures, leading: asLeader }, 'lease request failed');
        }
      },
    },
  });
  const actor = createActor(machine, {
    id: `leaderElection:${deps.leaseName}`,
    clock: deps.clock,
    input: { identity, lease, ...deps.timing },
    ...(deps.inspect ? { inspect: deps.inspect } : {}),
  });
  actor.subscribe({
    error: (err) => {
      log.error({ err, lease, identity }, 'leader election failed');
      stoppedLeading('actorFailed');
    },
  });
  actor.start();

  let stopping: Promise<void> | undefined;
  return {
    isLeader: () => leading,
    stop: (options = {}) => {
      stopping ??= (async () => {
        actor.send({ type: 'leaderElection.stop', release: options.release ?? false });
        const done = actor.getSnapshot().status === 'done' ? undefined : toPromise(actor);
        await done?.catch(() => undefined); // a failed actor was logged by the observer
        const { reason } = actor.getSnapshot().context.lastTransition;
        log.info({ lease, identity, reason }, 'leader election stopped');
      })();
      return stopping;
    },
  };
}
