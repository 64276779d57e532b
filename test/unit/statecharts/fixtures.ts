// Small synthetic machines covering what the statechart renderers must draw: nested and parallel
// states, delays (numeric and named), eventless transitions, guard combinators, self and
// targetless transitions, invoked actors with done/error, history, final states, root handlers.
import { and, assign, fromPromise, not, or, setup } from 'xstate';

export const nestedMachine = setup({
  types: { context: {} as { tries: number }, events: {} as { type: 'go' } | { type: 'stop' } | { type: 'tick' } },
  actions: { log: () => undefined, count: assign(({ context }) => ({ tries: context.tries + 1 })) },
  guards: { ready: () => true, allowed: () => true, blocked: () => false },
  delays: { holdTime: 90_000 },
  actors: { connect: fromPromise(async () => Promise.resolve('ok')) },
}).createMachine({
  id: 'session',
  description: 'A synthetic session',
  context: { tries: 0 },
  initial: 'idle',
  on: { stop: { target: '.stopped', actions: 'log' } },
  states: {
    idle: {
      description: 'Waiting to start',
      on: {
        go: [
          { guard: and(['ready', or(['allowed', not('blocked')])]), target: 'connecting' },
          { target: 'idle', reenter: true, actions: ['count', 'log'] },
        ],
        tick: { actions: 'log' },
      },
    },
    connecting: {
      invoke: { id: 'dial', src: 'connect', onDone: 'up', onError: { target: 'idle', actions: 'count' } },
      after: { 900: { target: 'idle', actions: 'log' } },
    },
    up: {
      initial: 'established',
      entry: 'log',
      exit: ['log', 'count'],
      on: { tick: '.checking' },
      states: {
        established: {
          after: { holdTime: 'checking' },
          on: { go: '#session.idle' },
        },
        checking: {
          always: [{ guard: 'ready', target: 'established' }, { target: 'done' }],
        },
        done: { type: 'final' },
        hist: { type: 'history', history: 'deep' },
      },
      onDone: 'idle',
    },
    both: {
      type: 'parallel',
      states: {
        left: { initial: 'a', states: { a: { on: { tick: 'b' } }, b: {} } },
        right: { initial: 'c', states: { c: {}, d: {} } },
      },
    },
    stopped: { type: 'final' },
  },
});

/** The smallest machine: one state, no transitions. */
export const tinyMachine = setup({}).createMachine({ id: 'tiny', initial: 'only', states: { only: {} } });
