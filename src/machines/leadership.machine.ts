// Layer-2 leadership of ONE service on the local node (behaviour.md §3): whether this speaker
// announces the service's addresses. The election itself is core/election (pure ranking); this
// machine turns its results into announce/withdraw effects, named here and supplied by the actor
// through machine.provide(). `announce` is declarative: "announce exactly these ips on exactly
// these interfaces now", so a change while leader is a second announce, never a withdraw+announce.
import { assign, setup } from 'xstate';

export type LeadershipStateValue = 'waitingForConfig' | 'follower' | 'leader' | 'removed' | 'stopped';

export interface LeadershipTransition {
  readonly from: LeadershipStateValue | 'none';
  readonly to: LeadershipStateValue;
  /** The election's reason (`announcing`, `notOwner`, `memberNotAlive`, …) or a lifecycle one. */
  readonly reason: string;
}

export interface LeadershipContext {
  /** `namespace/name` of the service. */
  readonly service: string;
  readonly self: string;
  readonly ips: readonly string[];
  /** Winner of the last election result taken into account, and its reason for this node. */
  readonly winner: string | undefined;
  readonly reason: string;
  /** Interfaces to announce on; empty = every usable interface. */
  readonly interfaces: readonly string[];
  /** Every transition records itself here; `lastTransition.to` is always the current state. */
  readonly lastTransition: LeadershipTransition;
}

export interface LeadershipInput {
  readonly service: string;
  readonly self: string;
  readonly ips: readonly string[];
}

export type LeadershipEvent =
  | { type: 'config.loaded' }
  | {
      type: 'election.result';
      winner: string | undefined;
      reason: string;
      interfaces: readonly string[];
    }
  | { type: 'service.updated'; ips: readonly string[] }
  | { type: 'service.deleted' }
  | { type: 'speaker.stopping' };

export interface AnnounceParams {
  readonly service: string;
  readonly ips: readonly string[];
  readonly interfaces: readonly string[];
}

/** Same members, any order. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

const announceParams = ({ context }: { context: LeadershipContext }): AnnounceParams => ({
  service: context.service,
  ips: context.ips,
  interfaces: context.interfaces,
});

const notify = {
  type: 'notifyTransition',
  params: ({ context }: { context: LeadershipContext }) => ({
    ...context.lastTransition,
    service: context.service,
  }),
} as const;

export const leadershipMachine = setup({
  types: {
    context: {} as LeadershipContext,
    events: {} as LeadershipEvent,
    input: {} as LeadershipInput,
  },
  actions: {
    /** Start (or update) answering ARP/NDP for these ips on these interfaces. No-op here. */
    announce: (_, _params: AnnounceParams) => undefined,
    /** Stop answering for every ip of the service. No-op here. */
    withdraw: (_, _params: { service: string; ips: readonly string[] }) => undefined,
    /** Publish the transition (log, metric, Kubernetes event). No-op here. */
    notifyTransition: (_, _params: LeadershipTransition & { service: string }) => undefined,
    /** Records {from, to, reason}; `from` is the previous transition's `to`. */
    record: assign(({ context }, params: { to: LeadershipStateValue; reason: string }) => ({
      lastTransition: { from: context.lastTransition.to, to: params.to, reason: params.reason },
    })),
    takeResult: assign(({ event }) =>
      event.type === 'election.result'
        ? { winner: event.winner, reason: event.reason, interfaces: event.interfaces }
        : {},
    ),
    takeAddresses: assign(({ event }) => (event.type === 'service.updated' ? { ips: event.ips } : {})),
  },
  guards: {
    won: ({ context, event }) => event.type === 'election.result' && event.winner === context.self,
    lost: ({ context, event }) => event.type === 'election.result' && event.winner !== context.self,
    /** Another winner or another reason: worth a transition; the same result again is not. */
    resultChanged: ({ context, event }) =>
      event.type === 'election.result' &&
      (event.winner !== context.winner || event.reason !== context.reason),
    interfacesChanged: ({ context, event }) =>
      event.type === 'election.result' && !sameSet(event.interfaces, context.interfaces),
    addressesChanged: ({ context, event }) =>
      event.type === 'service.updated' && !sameSet(event.ips, context.ips),
  },
}).createMachine({
  id: 'leadership',
  context: ({ input }) => ({
    service: input.service,
    self: input.self,
    ips: input.ips,
    winner: undefined,
    reason: 'created',
    interfaces: [],
    lastTransition: { from: 'none', to: 'waitingForConfig', reason: 'created' },
  }),
  initial: 'waitingForConfig',
  on: {
    // From any state that is not final: leader's exit withdraws first.
    'service.deleted': {
      target: '.removed',
      actions: [{ type: 'record', params: { to: 'removed', reason: 'serviceDeleted' } }, notify],
    },
    'speaker.stopping': {
      target: '.stopped',
      actions: [{ type: 'record', params: { to: 'stopped', reason: 'speakerStopping' } }, notify],
    },
  },
  states: {
    // Until a valid configuration is loaded, election results are ignored: they were computed
    // without one. The actor re-runs the election after config.loaded.
    waitingForConfig: {
      on: {
        'config.loaded': {
          target: 'follower',
          actions: [
            assign({ reason: 'configLoaded' }),
            { type: 'record', params: { to: 'follower', reason: 'configLoaded' } },
            notify,
          ],
        },
        'service.updated': {
          guard: 'addressesChanged',
          actions: [
            'takeAddresses',
            { type: 'record', params: { to: 'waitingForConfig', reason: 'addressesChanged' } },
            notify,
          ],
        },
      },
    },
    follower: {
      on: {
        'election.result': [
          {
            guard: 'won',
            target: 'leader',
            actions: ['takeResult', { type: 'record', params: toFrom('leader') }, notify],
          },
          {
            guard: 'resultChanged',
            actions: ['takeResult', { type: 'record', params: toFrom('follower') }, notify],
          },
        ],
        'service.updated': {
          guard: 'addressesChanged',
          actions: [
            'takeAddresses',
            { type: 'record', params: { to: 'follower', reason: 'addressesChanged' } },
            notify,
          ],
        },
      },
    },
    leader: {
      entry: { type: 'announce', params: announceParams },
      exit: { type: 'withdraw', params: ({ context }) => ({ service: context.service, ips: context.ips }) },
      on: {
        'election.result': [
          {
            guard: 'lost',
            target: 'follower',
            actions: ['takeResult', { type: 'record', params: toFrom('follower') }, notify],
          },
          {
            guard: 'interfacesChanged',
            actions: [
              'takeResult',
              { type: 'record', params: { to: 'leader', reason: 'interfacesChanged' } },
              notify,
              { type: 'announce', params: announceParams },
            ],
          },
        ],
        'service.updated': {
          guard: 'addressesChanged',
          actions: [
            'takeAddresses',
            { type: 'record', params: { to: 'leader', reason: 'addressesChanged' } },
            notify,
            { type: 'announce', params: announceParams },
          ],
        },
      },
    },
    removed: { type: 'final' },
    stopped: { type: 'final' },
  },
});

function toFrom(to: LeadershipStateValue) {
  return ({ event }: { event: LeadershipEvent }) => ({
    to,
    reason: event.type === 'election.result' ? event.reason : 'electionResult',
  });
}
