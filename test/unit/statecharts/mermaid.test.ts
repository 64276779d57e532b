// Chart graph → Mermaid stateDiagram-v2: composite and parallel states, initial and final
// markers, transitions declared where Mermaid can draw them, labels and ids made safe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createMachine, setup } from 'xstate';
import { chartDefinition, chartGraph, mermaidChart, type ChartGraph } from '../../../src/observe/statecharts/index.js';
import { nestedMachine, randomMachine } from './fixtures.js';

const graphOf = (machine: Parameters<typeof chartDefinition>[0]): ChartGraph => {
  const decoded = chartGraph(chartDefinition(machine));
  assert.ok(decoded.ok);
  return decoded.graph;
};
const text = mermaidChart(graphOf(nestedMachine));
const lines = text.split('\n').map((l) => l.trim());

/** The lines directly inside `state "..." as <id> {`, nested blocks left out. */
function blockOf(id: string): string[] {
  const all = text.split('\n');
  const start = all.findIndex((l) => l.trim().endsWith(`as ${id} {`));
  assert.ok(start >= 0, `no composite ${id}`);
  const indent = (all[start]!.match(/^ */)?.[0].length ?? 0) + 2;
  const out: string[] = [];
  for (const line of all.slice(start + 1)) {
    const own = line.match(/^ */)?.[0].length ?? 0;
    if (own < indent) break;
    if (own === indent) out.push(line.trim());
  }
  return out;
}

describe('mermaidChart', () => {
  it('is a stateDiagram-v2 with balanced composite blocks', () => {
    assert.equal(lines[0], 'stateDiagram-v2');
    assert.equal(text.split('{').length, text.split('}').length);
    assert.ok(text.endsWith('\n'));
  });

  it('nests compound states as composites with their own initial and final markers', () => {
    const up = blockOf('up');
    assert.ok(up.includes('[*] --> up__established'));
    assert.ok(up.includes('up__done --> [*]'));
    assert.ok(up.includes('up__established --> up__checking : after holdTime'));
    assert.ok(up.includes('up__checking --> up__established : always [ready]'));
    assert.ok(up.includes('up__checking --> up__done : always'));
    assert.ok(lines.includes('[*] --> idle'));
    assert.ok(lines.includes('stopped --> [*]'));
    assert.ok(lines.includes('up : entry / log'));
    assert.ok(lines.includes('up : exit / log, count'));
    assert.ok(lines.includes('connecting : invoke / connect'));
    assert.ok(lines.includes('idle : Waiting to start'));
  });

  it('separates the regions of a parallel state with --', () => {
    assert.deepEqual(
      blockOf('both').filter((l) => l.startsWith('state') || l === '--'),
      ['state "left" as both__left {', '--', 'state "right" as both__right {'],
    );
  });

  it('draws self transitions and targetless ones as self-loops, delays and done/error readably', () => {
    assert.ok(lines.includes('idle --> idle : go / count, log'));
    assert.ok(lines.includes('idle --> idle : tick / log'));
    assert.ok(lines.includes('connecting --> idle : after 900ms / log'));
    assert.ok(lines.includes('connecting --> up : done#58; connect'));
    assert.ok(lines.includes('connecting --> idle : error#58; connect / count'));
    assert.ok(lines.includes('idle --> connecting : go [ready and (allowed or not blocked)]'));
  });

  it('starts machine-wide transitions at a dashed "any state" and compound ones at the composite', () => {
    assert.ok(lines.includes('state "any state" as any_state'));
    assert.ok(lines.includes('any_state --> stopped : stop / log'));
    assert.ok(lines.includes('up --> idle : done'));
    // tick stays inside up: it starts at up's own "any state" box.
    assert.ok(blockOf('up').includes('up__any_state --> up__checking : tick'));
    assert.ok(lines.includes('class any_state,up__any_state anyState'));
  });

  it('draws a compound state\'s targetless and inward transitions from its own "any state" box', () => {
    const machine = setup({ actions: { log: () => undefined } }).createMachine({
      id: 'm',
      initial: 'c',
      states: {
        c: {
          initial: 'x',
          on: { ping: { actions: 'log' }, reset: '.x', leave: 'out' },
          states: { x: { on: { go: 'y' } }, y: {} },
        },
        out: {},
      },
    });
    const out = mermaidChart(graphOf(machine)).split('\n').map((l) => l.trim());
    assert.ok(out.includes('c__any_state --> c__any_state : ping / log'));
    assert.ok(out.includes('c__any_state --> c__x : reset'));
    assert.ok(out.includes('c --> out : leave'));
    assert.ok(out.includes('c__x --> c__y : go'));
  });

  it('lifts an end nested in a composite to the composite and names the real state', () => {
    assert.ok(lines.includes('up --> idle : go (from up.established)'));
    assert.ok(!text.includes('up__established --> idle'));
  });

  it('sanitizes ids, avoids keywords and escapes labels', () => {
    const odd = setup({}).createMachine({
      id: 'odd',
      initial: 'end',
      states: {
        end: { on: { 'a:b;c#d': 'x"y' } },
        'x"y': { on: { go: '<z>' } },
        '<z>': { on: { go: 'x_y' } },
        x_y: { on: { go: 'Default' } },
        Default: { on: { go: 'State' } },
        State: {},
      },
    });
    const out = mermaidChart(graphOf(odd));
    const ids = [...out.matchAll(/^\s*state ".*" as (\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(ids, ['s_end', 'x_y', '_z_', 'x_y_2', 's_Default', 's_State']);
    assert.ok(out.includes('state "x#34;y" as x_y'));
    assert.ok(out.includes('state "#60;z#62;" as _z_'));
    assert.ok(out.includes('s_end --> x_y : a#58;b#59;c#35;d'));
    assert.ok(out.includes('_z_ --> x_y_2 : go'));
  });

  it('is deterministic', () => {
    assert.equal(mermaidChart(graphOf(nestedMachine)), text);
  });

  it("writes only lines Mermaid's state-diagram lexer reads as meant, on random machines", () => {
    fc.assert(
      fc.property(randomMachine(), (config) => {
        const graph = graphOf(createMachine(config as never));
        checkMermaidLines(mermaidChart(graph));
      }),
      { numRuns: 60 },
    );
    checkMermaidLines(text);
  });
});

/**
 * The lexical rules of Mermaid's stateDiagram grammar the output relies on: ids are word
 * characters and never keywords; labels and descriptions hold no `:`, `;` or `#` outside entity
 * codes (`#58;`); every id is declared before an arrow uses it; blocks balance.
 */
function checkMermaidLines(mermaid: string): void {
  const ID = '[A-Za-z_][A-Za-z0-9_]*';
  const keyword = /^(as|class|classdef|click|default|direction|end|hide|note|scale|state|statediagram|style)$/i;
  const label = (t: string): boolean => !/[:;#"<>]/.test(t.replace(/#\d+;/g, '')) && t.trim() !== '';
  const declared = new Set<string>();
  let depth = 0;
  const use = (id: string): void => {
    assert.ok(id === '[*]' || declared.has(id), `${id} used before it is declared`);
  };
  for (const raw of mermaid.trimEnd().split('\n').slice(1)) {
    const line = raw.trim();
    let m: RegExpMatchArray | null;
    if (line.startsWith('%%') || line === '--') continue;
    if (line === '}') {
      depth--;
      continue;
    }
    if ((m = line.match(new RegExp(`^state "([^"]*)" as (${ID})( \\{)?$`)))) {
      const [, name = '', id = '', open] = m;
      assert.ok(label(name) || name === '', `state name ${name}`);
      assert.doesNotMatch(id, keyword);
      assert.ok(!declared.has(id), `${id} declared twice`);
      declared.add(id);
      if (open) depth++;
      continue;
    }
    if ((m = line.match(new RegExp(`^(${ID}|\\[\\*\\]) --> (${ID}|\\[\\*\\])(?: : (.*))?$`)))) {
      const [, from = '', to = '', text] = m;
      use(from);
      if (to !== '[*]') use(to);
      assert.ok(text === undefined || label(text), `label ${text ?? ''}`);
      continue;
    }
    if ((m = line.match(new RegExp(`^(${ID}) : (.*)$`)))) {
      use(m[1]!);
      assert.ok(label(m[2]!), `description ${m[2]!}`);
      continue;
    }
    if (/^classDef anyState [^\n]+$/.test(line)) continue;
    if ((m = line.match(new RegExp(`^class (${ID}(?:,${ID})*) anyState$`)))) {
      for (const id of m[1]!.split(',')) use(id);
      continue;
    }
    assert.fail(`unexpected line: ${line}`);
  }
  assert.equal(depth, 0);
}
