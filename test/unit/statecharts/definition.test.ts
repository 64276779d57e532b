// chartDefinition: machine.toJSON() made JSON-safe (functions gone, guard combinators and
// inline actions named, eventless transitions added), and stableJson's sorted, stable output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { machines } from '../../../src/machines/registry.js';
import { chartDefinition, stableJson, type Json } from '../../../src/observe/statecharts/index.js';
import { nestedMachine } from './fixtures.js';

type Rec = { readonly [key: string]: Json };
const rec = (value: Json | undefined): Rec => {
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value), JSON.stringify(value));
  return value as Rec;
};
const list = (value: Json | undefined): readonly Json[] => {
  assert.ok(Array.isArray(value), JSON.stringify(value));
  return value as readonly Json[];
};

/** Every value in a JSON tree, with its path. */
function* walk(value: unknown, path = '$'): Generator<[string, unknown]> {
  yield [path, value];
  if (value !== null && typeof value === 'object')
    for (const [key, child] of Object.entries(value)) yield* walk(child, `${path}.${key}`);
}

describe('chartDefinition', () => {
  it('holds only JSON values (no functions, undefined or non-finite numbers) and survives a round trip', () => {
    for (const machine of [nestedMachine, ...machines.map((m) => m.machine)]) {
      const definition = chartDefinition(machine);
      for (const [path, value] of walk(definition)) {
        assert.notEqual(typeof value, 'function', path);
        assert.notEqual(value, undefined, path);
        if (typeof value === 'number') assert.ok(Number.isFinite(value), path);
      }
      assert.deepEqual(JSON.parse(JSON.stringify(definition)), definition);
    }
  });

  it('keeps what JSON.stringify(machine) keeps', () => {
    const definition = rec(chartDefinition(nestedMachine));
    const plain = JSON.parse(JSON.stringify(nestedMachine)) as Rec;
    assert.equal(definition['id'], plain['id']);
    assert.deepEqual(Object.keys(rec(definition['states'])), Object.keys(rec(plain['states'])));
    assert.deepEqual(rec(definition['initial'])['target'], rec(plain['initial'])['target']);
  });

  it('names guard combinators and inline actions instead of dropping them', () => {
    const idle = rec(rec(rec(chartDefinition(nestedMachine))['states'])['idle']);
    const [guarded, fallback] = list(rec(idle['on'])['go']);
    assert.deepEqual(rec(guarded)['guard'], {
      type: 'xstate.and',
      guards: ['ready', { type: 'xstate.or', guards: ['allowed', { type: 'xstate.not', guards: ['blocked'] }] }],
    });
    assert.deepEqual(rec(fallback)['actions'], ['count', 'log']);
    // Inline assign in the registered leadership machine: XState's own JSON has null there.
    const leadership = machines.find((m) => m.id === 'leadership');
    if (leadership) {
      const waiting = rec(rec(rec(chartDefinition(leadership.machine))['states'])['waitingForConfig']);
      const loaded = rec(list(rec(waiting['on'])['config.loaded'])[0]);
      assert.deepEqual(list(loaded['actions'])[0], { type: 'xstate.assign' });
    }
  });

  it('adds the eventless (always) transitions toJSON() leaves out, with their targets', () => {
    const up = rec(rec(rec(chartDefinition(nestedMachine))['states'])['up']);
    const checking = rec(rec(up['states'])['checking']);
    assert.deepEqual(
      list(checking['always']).map((t) => [rec(t)['target'], rec(t)['guard'] ?? null]),
      [
        [['#session.up.established'], 'ready'],
        [['#session.up.done'], null],
      ],
    );
    const plain = JSON.parse(JSON.stringify(nestedMachine)) as Rec;
    assert.equal(rec(rec(rec(plain['states'])['up'])['states'])['checking'] !== undefined, true);
    assert.equal(rec(rec(rec(rec(plain['states'])['up'])['states'])['checking'])['always'], undefined);
  });

  it('drops cycles and stops at values toJSON returns', () => {
    const cyclic: Record<string, unknown> = { id: 'm', states: {} };
    cyclic['self'] = cyclic;
    const definition = rec(chartDefinition({ toJSON: () => cyclic, root: { states: {} } }));
    assert.deepEqual(definition, { id: 'm', states: {} });
  });
});

describe('stableJson', () => {
  it('sorts keys at every level, keeps array order, ends with a newline', () => {
    const text = stableJson({ b: 1, a: { d: [3, 1, { z: 0, y: 1 }], c: null } });
    assert.equal(text, JSON.stringify({ a: { c: null, d: [3, 1, { y: 1, z: 0 }] }, b: 1 }, null, 2) + '\n');
  });

  it('writes the same text for the same machine', () => {
    assert.equal(stableJson(chartDefinition(nestedMachine)), stableJson(chartDefinition(nestedMachine)));
  });
});
