// `herald controller --leader-elect`: the leader election actor over the Kubernetes Lease adapter
// (k8s/lease-client.ts), composed here so that actors/ depend on the LeaseStore port only.
import type { KubeConfig } from '@kubernetes/client-node';
import {
  runLeaderElection,
  type LeaderElection,
  type LeaderElectionCallbacks,
} from '../actors/leader-election.actor.js';
import { DEFAULT_LEASE_TIMING, type LeaseTiming } from '../core/lease/timing.js';
import { createLeaseClient } from '../k8s/lease-client.js';
import type { Clock } from '../ports/clock.js';
import { systemClock } from './system-clock.js';

export type { LeaderElection };

export interface LeaderElectionOptions extends LeaderElectionCallbacks, Partial<LeaseTiming> {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly leaseName: string;
  /** Unique per process (pod name, plus something random if a pod's container may restart). */
  readonly identity: string;
  /** Per Kubernetes request; default half the renew deadline (two tries fit in a deadline). */
  readonly requestTimeoutMs?: number;
  /** Defaults to the real clocks. */
  readonly clock?: Clock;
  readonly wallClock?: () => number;
}

/**
 * Starts electing at once. Timing defaults (core/lease/timing.ts): lease 4 s, renew deadline 3 s,
 * retry 1 s — a killed leader is replaced in about 4–5 s, a released one in about 1 s.
 */
export function startLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const timing: LeaseTiming = {
    leaseDurationMs: options.leaseDurationMs ?? DEFAULT_LEASE_TIMING.leaseDurationMs,
    renewDeadlineMs: options.renewDeadlineMs ?? DEFAULT_LEASE_TIMING.renewDeadlineMs,
    retryPeriodMs: options.retryPeriodMs ?? DEFAULT_LEASE_TIMING.retryPeriodMs,
  };
  const store = createLeaseClient(options.kubeConfig, {
    namespace: options.namespace,
    name: options.leaseName,
    requestTimeoutMs: Math.min(
      options.requestTimeoutMs ?? timing.renewDeadlineMs / 2,
      timing.renewDeadlineMs,
    ),
  });
  return runLeaderElection({
    store,
    lease: `${options.namespace}/${options.leaseName}`,
    leaseName: options.leaseName,
    identity: options.identity,
    log: options.log,
    ...(options.inspect ? { inspect: options.inspect } : {}),
    onStartedLeading: options.onStartedLeading,
    onStoppedLeading: options.onStoppedLeading,
    timing,
    clock: options.clock ?? systemClock,
    wallClock: options.wallClock ?? Date.now,
  });
}
