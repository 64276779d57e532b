// Machine definition → chart graph: paths of nested states, initial/final flags, readable events
// (delays, eventless, done/error), guard expressions, action names, self and targetless
// transitions, the JSON round trip, XState agreeing with the drawn targets, and decode errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { transition, type StateValue } from 'xstate';
import {
  activeStatePaths,
  chartDefinition,
  chartGraph,
  stableJson,
  type ChartGraph,
  type ChartTransition,
} from '../../../src/observe/statecharts/index.js';
import { nestedMachine, tinyMachine } from './fixtures.js';

const graphOf = (definition: unknown): ChartGraph => {
  const decoded = chartGraph(definition);
  assert.ok(decoded.ok, decoded.ok ? '' : `${decoded.error.field}: ${decoded.error.message}`);
  return decoded.graph;
};
const nested = graphOf(chartDefinition(nestedMachine));
const from = (source: string): ChartTransition[] => nested.transitions.filter((t) => t.source === source);
const one = (source: string, event: string): ChartTransition => {
  const found = from(source).filter((t) => t.event === event);
  assert.equal(found.length, 1, `${source} ${event}: ${found.length}`);
  return found[0]!;
};

describe('chartGraph', () => {
  it('lists states depth-first in declaration order with dotted paths, parents and kinds', () => {
    assert.deepEqual(
      nested.states.map((s) => [s.path, s.parent, s.kind]),
      [
        ['idle', '', 'atomic'],
        ['connecting', '', 'atomic'],
        ['up', '', 'compound'],
        ['up.established', 'up', 'atomic'],
        ['up.checking', 'up', 'atomic'],
        ['up.done', 'up', 'final'],
        ['up.hist', 'up', 'history'],
        ['both', '', 'parallel'],
        ['both.left', 'both', 'compound'],
        ['both.left.a', 'both.left', 'atomic'],
        ['both.left.b', 'both.left', 'atomic'],
        ['both.right', 'both', 'compound'],
        ['both.right.c', 'both.right', 'atomic'],
        ['both.right.d', 'both.right', 'atomic'],
        ['stopped', '', 'final'],
      ],
    );
    assert.equal(nested.id, 'session');
    assert.equal(nested.description, 'A synthetic session');
  });

  it('flags the initial child of every compound state, finals, history depth and descriptions', () => {
    const flagged = (pick: (s: ChartGraph['states'][number]) => boolean) =>
      nested.states.filter(pick).map((s) => s.path);
    assert.deepEqual(flagged((s) => s.initial), ['idle', 'up.established', 'both.left.a', 'both.right.c']);
    assert.deepEqual(flagged((s) => s.final), ['up.done', 'stopped']);
    assert.equal(nested.states.find((s) => s.path === 'up.hist')?.history, 'deep');
    assert.equal(nested.states.find((s) => s.path === 'idle')?.description, 'Waiting to start');
  });

  it('names entry and exit actions and invoked actors, without the raise/cancel that delays add', () => {
    const up = nested.states.find((s) => s.path === 'up')!;
    assert.deepEqual([up.entry, up.exit], [['log'], ['log', 'count']]);
    const established = nested.states.find((s) => s.path === 'up.established')!;
    assert.deepEqual([established.entry, established.exit], [[], []]);
    assert.deepEqual(nested.states.find((s) => s.path === 'connecting')?.invoke, ['connect']);
  });

  it('renders delayed, eventless, done and error events readably', () => {
    assert.deepEqual(one('connecting', 'after 900ms').targets, ['idle']);
    assert.equal(one('connecting', 'after 900ms').eventType, 'xstate.after.900.session.connecting');
    assert.deepEqual(one('up.established', 'after holdTime').targets, ['up.checking']);
    assert.deepEqual(
      from('up.checking').map((t) => [t.event, t.guard, t.targets]),
      [
        ['always', 'ready', ['up.established']],
        ['always', undefined, ['up.done']],
      ],
    );
    assert.deepEqual(one('connecting', 'done: connect').targets, ['up']);
    assert.deepEqual(one('connecting', 'error: connect').actions, ['count']);
    assert.deepEqual(one('up', 'done').targets, ['idle']);
  });

  it('writes guard combinators as expressions and inline assign as "assign"', () => {
    const [guarded, fallback] = from('idle').filter((t) => t.event === 'go');
    assert.equal(guarded!.guard, 'ready and (allowed or not blocked)');
    assert.equal(guarded!.label, 'go [ready and (allowed or not blocked)]');
    assert.deepEqual(fallback!.actions, ['count', 'log']);
    const leadershipLike = graphOf(
      chartDefinition({
        toJSON: () => ({
          id: 'm',
          states: { a: { id: 'm.a', on: { e: [{ eventType: 'e', actions: [{ type: 'xstate.assign' }] }] } } },
        }),
        root: { states: { a: { states: {} } } },
      }),
    );
    assert.deepEqual(leadershipLike.transitions[0]?.actions, ['assign']);
  });

  it('writes static guard parameters so transitions on the same event read apart', () => {
    const graph = graphOf({
      id: 'm',
      initial: { target: ['#m.a'] },
      states: {
        a: {
          id: 'm.a',
          on: {
            e: [
              { eventType: 'e', target: ['#m.b'], guard: { type: 'says', params: { states: ['down'] } } },
              { eventType: 'e', target: ['#m.a'], guard: { type: 'says', params: { states: ['init', 'up'] } } },
              { eventType: 'e', guard: { type: 'within', params: { min: 1, unit: 'ms' } } },
              { eventType: 'e', guard: { type: 'xstate.not', guards: [{ type: 'says', params: {} }] } },
            ],
          },
        },
        b: { id: 'm.b' },
      },
    });
    assert.deepEqual(
      graph.transitions.map((t) => t.guard),
      ['says(down)', 'says(init, up)', 'within(min=1, unit=ms)', 'not says'],
    );
  });

  it('tells re-entering self transitions from targetless ones', () => {
    const [, reenter] = from('idle').filter((t) => t.event === 'go');
    assert.deepEqual([reenter?.targets, reenter?.reenter], [['idle'], true]);
    const tick = one('idle', 'tick');
    assert.deepEqual([tick.targets, tick.reenter, tick.label], [[], false, 'tick / log']);
  });

  it('keeps transitions declared on the machine or a compound state on their declarer', () => {
    assert.deepEqual(from('').map((t) => [t.event, t.targets]), [['stop', ['stopped']]]);
    assert.deepEqual(one('up', 'tick').targets, ['up.checking']);
    assert.deepEqual(one('up.established', 'go').targets, ['idle']);
  });

  it('is the same graph from the exported JSON file (sorted keys) as from the machine', () => {
    const definition = chartDefinition(nestedMachine);
    const reread: unknown = JSON.parse(stableJson(definition));
    assert.deepEqual(graphOf(reread), nested);
  });

  it('agrees with XState: every unguarded event transition lands where the graph says', () => {
    const machine = nestedMachine.provide({ guards: { ready: () => false } });
    /** Where XState rests on entering `path`: its initial child, recursively. */
    const leafOf = (path: string): string => {
      const initial = nested.states.find((s) => s.parent === path && s.initial);
      return initial ? leafOf(initial.path) : path;
    };
    let checked = 0;
    for (const t of nested.transitions) {
      if (t.guard !== undefined || t.eventType.startsWith('xstate.') || t.eventType === '') continue;
      if (t.targets.length > 1) continue;
      // Start in the leaf the declaring state enters first; skip when something on the way
      // (the leaf, a state between, or an earlier sibling) handles the same event first.
      const start = leafOf(t.source);
      const shadowing = nested.transitions.filter(
        (o) =>
          o.eventType === t.eventType &&
          o !== t &&
          (start === o.source || (start.startsWith(`${o.source}.`) && o.source.startsWith(t.source))),
      );
      const earlierSibling = from(t.source).indexOf(t) > from(t.source).findIndex((o) => o.eventType === t.eventType);
      if (shadowing.some((o) => o.source !== t.source) || earlierSibling) continue;
      const snapshot = machine.resolveState({ value: valueOf(start), context: { tries: 0 } });
      const [next] = transition(machine, snapshot, { type: t.eventType } as never);
      const expected = t.targets[0] === undefined ? start : leafOf(t.targets[0]);
      if (from(expected).some((o) => o.eventType === '')) continue; // XState moves on at once
      assert.ok(activeStatePaths(next.value).includes(expected), `${start} --${t.event}--> ${expected}`);
      checked++;
    }
    // stop (declared on the machine), idle's targetless tick, established's go, a's tick.
    assert.equal(checked, 4);
  });

  it('decodes the smallest machine', () => {
    const tiny = graphOf(chartDefinition(tinyMachine));
    assert.deepEqual(
      tiny.states.map((s) => [s.path, s.initial]),
      [['only', true]],
    );
    assert.deepEqual(tiny.transitions, []);
  });

  it('reports bad input by field instead of throwing', () => {
    const cases: [unknown, string, RegExp][] = [
      [null, '(definition)', /object/],
      [{ states: {} }, 'id', /string/],
      [{ id: 'm', states: { a: 3 } }, 'states.a', /object/],
      [{ id: 'm', states: { a: { type: 'weird' } } }, 'states.a.type', /unknown state type "weird"/],
      [
        { id: 'm', states: { a: { transitions: [{ eventType: 'e', target: ['#m.nope'] }] } } },
        'states.a.transitions[0].target[0]',
        /no state with id "m.nope"/,
      ],
      [{ id: 'm', initial: { target: ['#m.x'] }, states: {} }, 'initial.target[0]', /no state/],
      [{ id: 'm', states: { a: { on: { e: [{ eventType: 7 }] } } } }, 'states.a.on.e[0].eventType', /string/],
    ];
    for (const [input, field, message] of cases) {
      const result = chartGraph(input);
      assert.equal(result.ok, false, JSON.stringify(input));
      assert.equal(result.error.field, field);
      assert.match(result.error.message, message);
    }
  });
});

describe('activeStatePaths', () => {
  it('lists every active state, compound ones included, as data-state paths', () => {
    assert.deepEqual(activeStatePaths('suspect'), ['suspect']);
    assert.deepEqual(activeStatePaths({ up: 'established' }), ['up', 'up.established']);
    assert.deepEqual(activeStatePaths({ both: { right: 'c', left: 'a' } }), [
      'both',
      'both.left',
      'both.left.a',
      'both.right',
      'both.right.c',
    ]);
  });
});

/** `a.b.c` → XState's `{ a: { b: 'c' } }`. */
function valueOf(path: string): StateValue {
  const [head = '', ...rest] = path.split('.');
  return rest.length === 0 ? head : { [head]: valueOf(rest.join('.')) };
}
