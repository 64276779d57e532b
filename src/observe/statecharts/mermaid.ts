// A chart graph as Mermaid `stateDiagram-v2` text (GitHub renders it in ```mermaid blocks).
// Deterministic: same graph, same text. Nested states become composite states.
//
// Mermaid's limits shape the output:
// - A transition is written inside the innermost composite enclosing both ends; an end deeper than
//   that composite's direct children is drawn at the child containing it, and the label names the
//   real state (`(from a.b)`, `(to c.d)`): Mermaid cannot link states inside two different
//   composites.
// - Transitions declared on the machine itself start at a dashed "any state" box; those of a
//   compound state start at the composite, or at an "any state" box inside it when they stay
//   within it.
// - Targetless transitions (actions only) are drawn as self-loops, like re-entering ones.
import { ROOT, type ChartGraph, type ChartState, type ChartTransition } from './graph.js';
import { childOnTheWay, childrenByParent, enclosing, isWithin, parentOf } from './tree.js';

/** Key of the virtual "any state" box inside a compound state (`*`, `connected.*`). */
const ANY = '*';
/** Words Mermaid's state-diagram lexer takes as keywords (case-insensitively), never ids. */
const RESERVED = new Set([
  'as',
  'class',
  'classdef',
  'click',
  'default',
  'direction',
  'end',
  'hide',
  'note',
  'scale',
  'state',
  'statediagram',
  'style',
]);

interface Placed {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

export function mermaidChart(graph: ChartGraph): string {
  const ids = mermaidIds(graph);
  const children = childrenByParent(graph);
  const kinds = new Map(graph.states.map((s) => [s.path, s.kind]));
  const placedIn = new Map<string, Placed[]>();
  const pseudos = new Set<string>();
  for (const transition of graph.transitions) {
    const from = sourceAnchor(transition, kinds);
    if (from.endsWith(ANY)) pseudos.add(from);
    for (const target of transition.targets.length === 0 ? [from] : transition.targets) {
      const container = enclosing([from, target]);
      const shownFrom = childOnTheWay(from, container);
      const shownTo = childOnTheWay(target, container);
      const notes = [
        shownFrom === from ? '' : ` (from ${from})`,
        shownTo === target ? '' : ` (to ${target})`,
      ].join('');
      const list = placedIn.get(container) ?? [];
      list.push({ from: shownFrom, to: shownTo, label: `${transition.label}${notes}` });
      placedIn.set(container, list);
    }
  }
  for (const pseudo of pseudos) ids.set(pseudo, pseudoId(pseudo, ids));
  const idOf = (path: string): string => ids.get(path) ?? sanitize(path);
  const lines = [
    'stateDiagram-v2',
    `  %% generated from the machine "${graph.id}" by scripts/export-statecharts.ts; do not edit`,
  ];
  const block = (container: string, indent: string): void => {
    const own = children.get(container) ?? [];
    if (pseudos.has(anyIn(container)))
      lines.push(`${indent}state "any state" as ${idOf(anyIn(container))}`);
    own.forEach((state, i) => {
      if (kinds.get(container) === 'parallel' && i > 0) lines.push(`${indent}--`);
      declare(state, indent);
    });
    const initial = own.find((s) => s.initial);
    if (initial) lines.push(`${indent}[*] --> ${idOf(initial.path)}`);
    for (const t of placedIn.get(container) ?? [])
      lines.push(`${indent}${idOf(t.from)} --> ${idOf(t.to)} : ${escapeLabel(t.label)}`);
  };
  const declare = (state: ChartState, indent: string): void => {
    const id = idOf(state.path);
    const nested = (children.get(state.path) ?? []).length > 0 || pseudos.has(anyIn(state.path));
    lines.push(`${indent}state "${escapeLabel(state.key)}" as ${id}${nested ? ' {' : ''}`);
    if (nested) {
      block(state.path, `${indent}  `);
      lines.push(`${indent}}`);
    }
    for (const note of stateNotes(state)) lines.push(`${indent}${id} : ${escapeLabel(note)}`);
    if (state.final) lines.push(`${indent}${id} --> [*]`);
  };
  block(ROOT, '  ');
  if (pseudos.size > 0) {
    lines.push('  classDef anyState fill:none,stroke-dasharray:4 4');
    lines.push(`  class ${[...pseudos].map(idOf).join(',')} anyState`);
  }
  return `${lines.join('\n')}\n`;
}

/** Where a transition's arrow starts (see the file comment). */
function sourceAnchor(transition: ChartTransition, kinds: ReadonlyMap<string, string>): string {
  const { source, targets } = transition;
  if (source === ROOT) return anyIn(ROOT);
  const kind = kinds.get(source);
  if (kind !== 'compound' && kind !== 'parallel') return source;
  const leaves = targets.length > 0 && targets.every((t) => !isWithin(t, source));
  return leaves ? source : anyIn(source);
}

function anyIn(container: string): string {
  return container === ROOT ? ANY : `${container}.${ANY}`;
}

/** Description, entry/exit actions and invoked actors, one line each. */
function stateNotes(state: ChartState): string[] {
  return [
    ...(state.description === undefined ? [] : [state.description]),
    ...(state.entry.length > 0 ? [`entry / ${state.entry.join(', ')}`] : []),
    ...(state.exit.length > 0 ? [`exit / ${state.exit.join(', ')}`] : []),
    ...state.invoke.map((src) => `invoke / ${src}`),
  ];
}

/** Path → Mermaid id: keys joined by `__`, other characters `_`, unique, never a keyword. */
function mermaidIds(graph: ChartGraph): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const state of graph.states) ids.set(state.path, unique(sanitize(state.path), taken));
  return ids;
}

function pseudoId(path: string, ids: ReadonlyMap<string, string>): string {
  const container = parentOf(path);
  const base = container === ROOT ? 'any_state' : `${ids.get(container) ?? sanitize(container)}__any_state`;
  return unique(base, new Set(ids.values()));
}

function sanitize(path: string): string {
  const id = path
    .split('.')
    .map((key) => key.replace(/[^A-Za-z0-9_]/g, '_'))
    .join('__');
  return RESERVED.has(id.toLowerCase()) || /^[0-9]/.test(id) ? `s_${id}` : id;
}

function unique(base: string, taken: Set<string>): string {
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

/** Mermaid reads `:`, `;`, `#`, quotes and angle brackets in labels: write them as entity codes. */
function escapeLabel(text: string): string {
  return text.replace(/[#:;"<>]/g, (c) => `#${c.charCodeAt(0)};`);
}
