// Chart graph → Mermaid stateDiagram-v2: composite and parallel states, initial and final
// markers, transitions declared where Mermaid can draw them, labels and ids made safe.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setup } from 'xstate';
import { chartDefinition, chartGraph, mermaidChart, type ChartGraph } from '../../../src/observe/statecharts/index.js';
import { nestedMachine } from './fixtures.js';

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
        x_y: {},
      },
    });
    const out = mermaidChart(graphOf(odd));
    const ids = [...out.matchAll(/^\s*state ".*" as (\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(ids, ['s_end', 'x_y', '_z_', 'x_y_2']);
    assert.ok(out.includes('state "x#34;y" as x_y'));
    assert.ok(out.includes('state "#60;z#62;" as _z_'));
    assert.ok(out.includes('s_end --> x_y : a#58;b#59;c#35;d'));
    assert.ok(out.includes('_z_ --> x_y_2 : go'));
  });

  it('is deterministic', () => {
    assert.equal(mermaidChart(graphOf(nestedMachine)), text);
  });
});
