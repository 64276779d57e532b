// Small synthetic machines covering what the statechart renderers must draw: nested and parallel
// states, delays (numeric and named), eventless transitions, guard combinators, self and
// targetless transitions, invoked actors with done/error, history, final states, root handlers.
import fc from 'fast-check';
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

const KEYS = ['idle', 'run', 'a b', 'x"y', '<z>', 'end', 'state', '1st', 'ünï', 'amp&'];
const EVENTS = ['go', 'stop', 'bgp.hold.expired', 'x:y'];

export interface StateConfig {
  type?: string;
  initial?: string;
  states?: Record<string, unknown>;
  on: Record<string, unknown[]>;
  after: Record<string, unknown[]>;
  always: unknown[];
}

/** A random machine config: nested/parallel states, final leaves, guarded, delayed, eventless and self transitions. */
export function randomMachine(): fc.Arbitrary<StateConfig & { id: string }> {
  const node = fc.record({ parent: fc.nat(), key: fc.constantFrom(...KEYS), parallel: fc.boolean(), final: fc.boolean() });
  const transition = fc.record({
    from: fc.nat(),
    to: fc.option(fc.nat(), { nil: undefined }),
    kind: fc.constantFrom('event', 'event', 'after', 'always'),
    event: fc.constantFrom(...EVENTS),
    guard: fc.option(fc.constantFrom('ok', 'ready'), { nil: undefined }),
    reenter: fc.boolean(),
    delay: fc.constantFrom('500', 'holdTime'),
  });
  return fc
    .record({ nodes: fc.array(node, { minLength: 1, maxLength: 9 }), transitions: fc.array(transition, { maxLength: 12 }) })
    .map(({ nodes, transitions }) => {
      // Node i hangs under an earlier node (or the root, -1); sibling keys made unique.
      const parents = nodes.map((n, i) => (i === 0 ? -1 : (n.parent % (i + 1)) - 1));
      const keys = nodes.map((n, i) => (nodes.slice(0, i).some((m, j) => m.key === n.key && parents[j] === parents[i]) ? `${n.key}${i}` : n.key));
      const hasChildren = (i: number): boolean => parents.includes(i);
      const path = (i: number): string => (parents[i] === -1 ? keys[i]! : `${path(parents[i]!)}.${keys[i]!}`);
      const configs = nodes.map(
        (n, i): StateConfig => ({
          ...(hasChildren(i) ? {} : n.final && i > 0 ? { type: 'final' } : {}),
          ...(hasChildren(i) && n.parallel ? { type: 'parallel' } : {}),
          on: {},
          after: {},
          always: [],
        }),
      );
      const root: StateConfig & { id: string } = { id: 'rand', states: {}, on: {}, after: {}, always: [] };
      nodes.forEach((_, i) => {
        const parent = parents[i] === -1 ? root : configs[parents[i]!]!;
        parent.states = { ...parent.states, [keys[i]!]: configs[i] };
      });
      for (const config of [...configs, root]) {
        const childKeys = Object.keys(config.states ?? {});
        if (childKeys.length > 0 && config.type !== 'parallel') config.initial = childKeys[0];
        if (childKeys.length === 0) delete config.states;
      }
      for (const t of transitions) {
        const config = configs[t.from % nodes.length]!;
        if (config.type === 'final') continue;
        const target = t.to === undefined ? undefined : `#rand.${path(t.to % nodes.length)}`;
        const spec = {
          ...(target === undefined ? {} : { target }),
          ...(t.guard === undefined ? {} : { guard: t.guard }),
          ...(t.reenter && target !== undefined ? { reenter: true } : {}),
          actions: ['log'],
        };
        if (t.kind === 'always') config.always.push(spec);
        else if (t.kind === 'after') config.after[t.delay] = [...(config.after[t.delay] ?? []), spec];
        else config.on[t.event] = [...(config.on[t.event] ?? []), spec];
      }
      return root;
    });
}
