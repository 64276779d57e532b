// Chart graph → SVG: well-formed and standalone, one g.state[data-state] per state with the
// classes a page toggles, transitions with their events, and a layout where states do not
// overlap, sit inside their parents and inside the canvas. A property test runs random machines.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createMachine } from 'xstate';
import {
  chartDefinition,
  chartGraph,
  svgChart,
  type ChartGraph,
  type ChartTransition,
} from '../../../src/observe/statecharts/index.js';
import { labelLines } from '../../../src/observe/statecharts/scene.js';
import { nestedMachine, randomMachine } from './fixtures.js';
import { allElements, classes, deepText, parseXml, type XmlElement } from './xml.js';

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const graphOf = (machine: Parameters<typeof chartDefinition>[0]): ChartGraph => {
  const decoded = chartGraph(chartDefinition(machine));
  assert.ok(decoded.ok, decoded.ok ? '' : `${decoded.error.field}: ${decoded.error.message}`);
  return decoded.graph;
};
const nested = graphOf(nestedMachine);
const source = svgChart(nested);
const svg = parseXml(source);
const elements = allElements(svg);
const stateGroups = (root: XmlElement): XmlElement[] =>
  allElements(root).filter((e) => e.name === 'g' && classes(e).includes('state'));
const numberAttr = (e: XmlElement, name: string): number => Number(e.attributes.get(name));

/** The box drawn for a state group: its rect, or the square around its circle (history). */
function boxOf(group: XmlElement): Rect {
  const shape = group.children.find((c) => c.name === 'rect' || c.name === 'circle')!;
  if (shape.name === 'circle') {
    const r = numberAttr(shape, 'r');
    return { x: numberAttr(shape, 'cx') - r, y: numberAttr(shape, 'cy') - r, width: 2 * r, height: 2 * r };
  }
  const [x, y, width, height] = ['x', 'y', 'width', 'height'].map((n) => numberAttr(shape, n)) as [
    number,
    number,
    number,
    number,
  ];
  return { x, y, width, height };
}
const inside = (inner: Rect, outer: Rect): boolean =>
  inner.x >= outer.x - 0.05 &&
  inner.y >= outer.y - 0.05 &&
  inner.x + inner.width <= outer.x + outer.width + 0.05 &&
  inner.y + inner.height <= outer.y + outer.height + 0.05;
const overlap = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Layout invariants every chart must keep. */
function checkLayout(graph: ChartGraph, root: XmlElement): void {
  const canvas = { x: 0, y: 0, width: numberAttr(root, 'width'), height: numberAttr(root, 'height') };
  const groups = new Map(stateGroups(root).map((g) => [g.attributes.get('data-state') ?? '', g]));
  assert.deepEqual([...groups.keys()].sort(), graph.states.map((s) => s.path).sort());
  const parents = new Set(graph.states.map((s) => s.parent));
  for (const state of graph.states) {
    const box = boxOf(groups.get(state.path)!);
    assert.ok(box.width > 0 && box.height > 0, `${state.path} has a size`);
    assert.ok(inside(box, canvas), `${state.path} inside the canvas`);
    if (state.parent !== '') assert.ok(inside(box, boxOf(groups.get(state.parent)!)), `${state.path} in its parent`);
  }
  const leaves = graph.states.filter((s) => !parents.has(s.path));
  for (const [i, a] of leaves.entries())
    for (const b of leaves.slice(i + 1))
      assert.ok(!overlap(boxOf(groups.get(a.path)!), boxOf(groups.get(b.path)!)), `${a.path} overlaps ${b.path}`);
  for (const label of allElements(root).filter((e) => classes(e).includes('transition__label-bg')))
    for (const leaf of leaves)
      assert.ok(!overlap(boxOf({ ...label, children: [label] }), boxOf(groups.get(leaf.path)!)), `label over ${leaf.path}`);
}

describe('svgChart', () => {
  it('is a standalone, well-formed SVG: namespace, viewBox, title, style, no external references', () => {
    assert.equal(svg.name, 'svg');
    assert.equal(svg.attributes.get('xmlns'), 'http://www.w3.org/2000/svg');
    assert.equal(svg.attributes.get('viewBox'), `0 0 ${svg.attributes.get('width')} ${svg.attributes.get('height')}`);
    assert.deepEqual(classes(svg), ['statechart']);
    assert.equal(svg.attributes.get('data-machine'), 'session');
    assert.equal(deepText(svg.children.find((c) => c.name === 'title')!), 'session: A synthetic session');
    const style = deepText(elements.find((e) => e.name === 'style')!);
    assert.match(style, /\.state--active > \.state__box \{[^}]*fill: #[0-9a-f]{6};[^}]*stroke: #[0-9a-f]{6}/);
    assert.match(style, /\.transition--active > \.transition__path \{[^}]*stroke: #[0-9a-f]{6}/);
    assert.match(style, /\.transition--active > \.transition__head \{[^}]*fill: #[0-9a-f]{6}/);
    assert.doesNotMatch(source, /@import|@font-face|href="http|xlink:href|<image/);
    for (const rule of style.split('\n').filter((l) => l.includes('{')))
      assert.ok(rule.startsWith('svg.statechart'), `scoped: ${rule}`);
  });

  it('gives every state a g.state with data-state and classes for kind, initial and final', () => {
    const byPath = new Map(stateGroups(svg).map((g) => [g.attributes.get('data-state'), g]));
    assert.equal(byPath.size, nested.states.length);
    for (const state of nested.states) {
      const group = byPath.get(state.path);
      assert.ok(group, state.path);
      assert.ok(classes(group).includes(`state--${state.kind}`), state.path);
      assert.equal(classes(group).includes('state--initial'), state.initial, state.path);
      assert.equal(classes(group).includes('state--final'), state.final, state.path);
    }
    assert.equal(deepText(byPath.get('up.hist')!), 'H*');
    assert.equal(deepText(byPath.get('idle')!.children.find((c) => c.name === 'title')!), 'Waiting to start');
  });

  it('draws every transition as an arrow with an arrowhead, and its label above all arrows', () => {
    const arrows = elements.filter((e) => classes(e).includes('transition'));
    const labels = elements.filter((e) => classes(e).includes('transition-label'));
    for (const arrow of arrows) {
      const [line, head] = arrow.children.filter((c) => c.name === 'path');
      const d = line?.attributes.get('d') ?? '';
      assert.match(d, /^M[\d.-]+,[\d.-]+ /);
      // The arrowhead's tip is where the line ends.
      assert.ok(classes(head!).includes('transition__head'));
      const tip = head!.attributes.get('d')?.match(/^M([\d.-]+,[\d.-]+) /)?.[1];
      assert.ok(tip !== undefined && d.endsWith(tip), `${d} ends at ${tip ?? '?'}`);
    }
    // Labels come after every arrow, so no arrow of a bundle crosses another's label.
    const order = svg.children;
    const lastArrow = Math.max(...arrows.map((e) => order.indexOf(e)));
    assert.ok(labels.every((l) => order.indexOf(l) > lastArrow));
    const same = (e: XmlElement, t: ChartTransition): boolean =>
      e.attributes.get('data-event') === t.eventType &&
      (e.attributes.get('data-source') ?? '') === t.source &&
      deepText(e.children.find((c) => c.name === 'title')!) === t.label;
    for (const t of nested.transitions) {
      const drawn = Math.max(1, t.targets.length);
      assert.equal(arrows.filter((e) => same(e, t)).length, drawn, `arrow ${t.source} ${t.label}`);
      const labelled = labels.filter((e) => same(e, t));
      assert.equal(labelled.length, drawn, `label ${t.source} ${t.label}`);
      for (const label of labelled)
        assert.deepEqual(
          label.children.find((c) => c.name === 'text')!.children.map(deepText),
          labelLines(t, false),
        );
    }
    const targets = (cls: string): (string | undefined)[][] =>
      arrows
        .filter((e) => classes(e).includes(cls))
        .map((e) => [e.attributes.get('data-source'), e.attributes.get('data-event'), e.attributes.get('data-target')]);
    assert.deepEqual(targets('transition--internal'), [['idle', 'tick', 'idle']]);
    assert.deepEqual(targets('transition--self'), [['idle', 'go', 'idle']]);
    // Entering a parallel state enters every region; entering `up` goes through its initial dot.
    assert.equal(arrows.filter((t) => classes(t).includes('transition--initial')).length, 6);
    assert.ok(arrows.some((e) => e.attributes.get('data-event') === 'xstate.done.actor.dial' && e.attributes.get('data-target') === 'up'));
  });

  it('labels arrows with event and guard, the full label (actions too) as a tooltip; actions on request', () => {
    const label = (root: XmlElement, event: string): XmlElement =>
      allElements(root).find(
        (e) => classes(e).includes('transition-label') && e.attributes.get('data-event') === event,
      )!;
    const lines = (group: XmlElement): string[] => group.children.find((c) => c.name === 'text')!.children.map(deepText);
    const go = allElements(svg).filter(
      (e) => classes(e).includes('transition-label') && e.attributes.get('data-target') === 'connecting',
    );
    assert.equal(go.length, 1);
    assert.equal(deepText(go[0]!.children.find((c) => c.name === 'title')!), 'go [ready and (allowed or not blocked)]');
    assert.deepEqual(lines(go[0]!), ['go', '[ready and (allowed or', '  not blocked)]']);
    assert.deepEqual(lines(label(svg, 'xstate.error.actor.dial')), ['error: connect']);
    assert.equal(deepText(label(svg, 'xstate.error.actor.dial').children[0]!), 'error: connect / count');
    const full = parseXml(svgChart(nested, { actions: true }));
    assert.deepEqual(lines(label(full, 'xstate.error.actor.dial')), ['error: connect', '/ count']);
    checkLayout(nested, full);
  });

  it('marks the initial dots and the "any state" boxes of the machine and of `up`', () => {
    const pseudo = elements.filter((e) => classes(e).includes('pseudo'));
    assert.deepEqual(
      pseudo.filter((p) => classes(p).includes('pseudo--any')).map((p) => p.attributes.get('data-container')),
      ['', 'up'],
    );
    assert.deepEqual(
      pseudo
        .filter((p) => classes(p).includes('pseudo--initial'))
        .map((p) => p.attributes.get('data-container'))
        .sort(),
      ['', 'both', 'both.left', 'both.right', 'up'],
    );
  });

  it('lays states out without overlaps, inside their parents and the canvas', () => {
    checkLayout(nested, svg);
  });

  it('escapes text and is deterministic', () => {
    const odd = createMachine({
      id: 'a&b',
      initial: '<x>',
      states: { '<x>': { on: { 'e"&\'': 'y' } }, y: {} },
    });
    const out = svgChart(graphOf(odd));
    const root = parseXml(out);
    assert.equal(root.attributes.get('data-machine'), 'a&b');
    assert.ok(stateGroups(root).some((g) => g.attributes.get('data-state') === '<x>' && deepText(g) === '<x>'));
    assert.equal(svgChart(nested), source);
  });

  it('keeps its invariants on random machines', () => {
    fc.assert(
      fc.property(randomMachine(), (config) => {
        const graph = graphOf(createMachine(config as never));
        const root = parseXml(svgChart(graph));
        checkLayout(graph, root);
        const events = allElements(root)
          .filter((e) => classes(e).includes('transition__event'))
          .map(deepText);
        assert.equal(events.length, graph.transitions.reduce((n, t) => n + Math.max(1, t.targets.length), 0));
        for (const t of graph.transitions) assert.ok(events.includes(t.event), t.event);
      }),
      { numRuns: 40 },
    );
  });
});
