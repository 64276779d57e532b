// Every machine Herald runs, for the statechart exporter and /debug/statecharts: each entry's
// `machine.toJSON()` is the chart. Add a machine here when you add a *.machine.ts file.
import type { AnyStateMachine } from 'xstate';
import { bfdSessionMachine, type BfdSessionEvent } from './bfd-session.machine.js';
import { bgpSessionMachine, type BgpSessionEvent } from './bgp-session.machine.js';
import { frrDaemonsMachine, type FrrDaemonsEvent } from './frr-daemons.machine.js';
import { informerMachine, type InformerEvent } from './informer.machine.js';
import { leaderElectionMachine, type LeaderElectionEvent } from './leader-election.machine.js';
import { leadershipMachine, type LeadershipEvent } from './leadership.machine.js';
import { memberMachine, type MemberMachineEvent } from './member.machine.js';

export interface RegisteredMachine {
  /** Stable id: the machine's own `id` and the exported file's name. */
  readonly id: string;
  readonly description: string;
  readonly machine: AnyStateMachine;
}

export const machines: readonly RegisteredMachine[] = [
  {
    id: 'member',
    description: 'SWIM state of one remote member (Lifeguard suspicion)',
    machine: memberMachine,
  },
  {
    id: 'leadership',
    description: 'Layer-2 leadership of one service on this node',
    machine: leadershipMachine,
  },
  {
    id: 'bgpSession',
    description: 'BGP session with one peer (RFC 4271 §8 FSM; receive-side hold timer, BFD down)',
    machine: bgpSessionMachine,
  },
  {
    id: 'bfdSession',
    description: 'BFD session with one peer (RFC 5880 single hop: AdminDown/Down/Init/Up)',
    machine: bfdSessionMachine,
  },
  {
    id: 'frrDaemons',
    description:
      'FRR daemons of one node (zebra, bgpd, bfdd, staticd) supervised with restart backoff, and their config: debounced reloads, no-op skipped, refusals kept visible',
    machine: frrDaemonsMachine,
  },
  {
    id: 'informer',
    description:
      'One Kubernetes list + watch, supervised: restarted with backoff, watchdog for silent stalls',
    machine: informerMachine,
  },
  {
    id: 'leaderElection',
    description: 'Leader election of herald controller on a coordination.k8s.io/v1 Lease',
    machine: leaderElectionMachine,
  },
];

/** Every event any machine accepts (all dot-namespaced). */
export type MachineEvent =
  | MemberMachineEvent
  | LeadershipEvent
  | BgpSessionEvent
  | BfdSessionEvent
  | FrrDaemonsEvent
  | InformerEvent
  | LeaderElectionEvent;
