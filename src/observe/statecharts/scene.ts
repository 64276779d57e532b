// What the SVG chart is made of, before anything is placed: a box per state (sized from its text),
// pseudo-nodes, and an arrow per transition target with its label lines. Dagre cannot attach
// arrows to a cluster (a compound state drawn around its children), so:
// - entering a compound state points at its initial dot, which points at the initial child
//   (a parallel state's dot points at every region);
// - transitions declared on a compound state (or on the machine) start at a dashed "any state"
//   box inside it: the event is handled whichever substate is active.
// Targetless transitions become arrows from a node to itself, like re-entering ones.
import { ROOT, type ChartGraph, type ChartState, type ChartTransition } from './graph.js';
import { NAME_TEXT, SMALL_TEXT, textWidth, wrap } from './text.js';
import { childrenByParent } from './tree.js';

export type PseudoKind = 'initial' | 'any';

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface SceneNode {
  /** `state:<path>` or `<kind>:<container>` (see stateNode, pseudoNode). */
  readonly name: string;
  /** The state whose frame encloses it (ROOT: none). */
  readonly container: string;
  /** Undefined for a cluster: dagre sizes it around its children. */
  readonly size: Size | undefined;
}

export interface SceneEdge {
  /** Undefined for the arrow out of an initial dot. */
  readonly transition: ChartTransition | undefined;
  readonly source: string;
  readonly target: string;
  readonly lines: readonly string[];
}

export interface Scene {
  readonly nodes: readonly SceneNode[];
  readonly pseudos: readonly { readonly kind: PseudoKind; readonly container: string }[];
  readonly edges: readonly SceneEdge[];
  /** States drawn as frames around their children. */
  readonly clusters: ReadonlySet<string>;
  /** `entry / …`, `exit / …`, `invoke / …` lines under each state's name. */
  readonly details: ReadonlyMap<string, readonly string[]>;
}

const PAD_X = 12;
const NAME_HEIGHT = 28;
const DOT = 14;
const HISTORY = 26;
const ANY_LABEL = 'any state';
const WRAP_AT = 34;
const LABEL_PAD = 4;

export function stateNode(path: string): string {
  return `state:${path}`;
}

export function pseudoNode(kind: PseudoKind, container: string): string {
  return `${kind}:${container}`;
}

export function buildScene(graph: ChartGraph, withActions: boolean): Scene {
  const children = childrenByParent(graph);
  const byPath = new Map(graph.states.map((s) => [s.path, s]));
  const clusters = new Set(graph.states.filter((s) => (children.get(s.path) ?? []).length > 0).map((s) => s.path));
  const details = new Map(graph.states.map((s) => [s.path, stateDetails(s)]));
  const nodes: SceneNode[] = graph.states.map((s) => ({
    name: stateNode(s.path),
    container: s.parent,
    size: clusters.has(s.path) ? undefined : stateSize(s, details.get(s.path) ?? []),
  }));
  const pseudos: { kind: PseudoKind; container: string }[] = [];
  const pseudo = (kind: PseudoKind, container: string): string => {
    const name = pseudoNode(kind, container);
    if (!pseudos.some((p) => p.kind === kind && p.container === container)) {
      pseudos.push({ kind, container });
      nodes.push({ name, container, size: kind === 'initial' ? { width: DOT, height: DOT } : anySize() });
    }
    return name;
  };
  const entryOf = (path: string): string =>
    path !== ROOT && !clusters.has(path) ? stateNode(path) : pseudo('initial', path);

  const edges: SceneEdge[] = [];
  for (const container of [ROOT, ...clusters]) {
    const own = children.get(container) ?? [];
    const entered = byPath.get(container)?.kind === 'parallel' ? own : own.filter((s) => s.initial);
    if (entered.length === 0) continue;
    const dot = pseudo('initial', container);
    for (const child of entered)
      edges.push({ transition: undefined, source: dot, target: entryOf(child.path), lines: [] });
  }
  for (const transition of graph.transitions) {
    const { source } = transition;
    const from = source === ROOT || clusters.has(source) ? pseudo('any', source) : stateNode(source);
    const lines = labelLines(transition, withActions);
    const targets = transition.targets.map(entryOf);
    for (const to of targets.length === 0 ? [from] : targets)
      edges.push({ transition, source: from, target: to, lines });
  }
  return { nodes, pseudos, edges, clusters, details };
}

/** The label's lines: the event, `[guard]`, `/ actions` if asked for (long ones wrapped). */
export function labelLines(transition: ChartTransition, withActions: boolean): string[] {
  return [
    transition.event,
    ...(transition.guard === undefined ? [] : wrap(`[${transition.guard}]`, WRAP_AT)),
    ...(transition.actions.length === 0 || !withActions
      ? []
      : wrap(`/ ${transition.actions.join(', ')}`, WRAP_AT)),
  ];
}

export function labelSize(lines: readonly string[]): Size {
  if (lines.length === 0) return { width: 0, height: 0 };
  const width = Math.max(...lines.map((line) => textWidth(line, SMALL_TEXT)));
  return { width: width + 2 * LABEL_PAD, height: lines.length * SMALL_TEXT.lineHeight + 2 * LABEL_PAD };
}

function stateDetails(state: ChartState): string[] {
  return [
    ...(state.entry.length > 0 ? wrap(`entry / ${state.entry.join(', ')}`, WRAP_AT) : []),
    ...(state.exit.length > 0 ? wrap(`exit / ${state.exit.join(', ')}`, WRAP_AT) : []),
    ...state.invoke.map((src) => `invoke / ${src}`),
  ];
}

function stateSize(state: ChartState, details: readonly string[]): Size {
  if (state.kind === 'history') return { width: HISTORY, height: HISTORY };
  const widest = Math.max(
    textWidth(state.key, NAME_TEXT),
    ...details.map((line) => textWidth(line, SMALL_TEXT)),
  );
  const detailHeight = details.length === 0 ? 0 : 6 + details.length * SMALL_TEXT.lineHeight;
  return {
    width: Math.max(80, widest + 2 * PAD_X),
    height: NAME_HEIGHT + detailHeight + (state.final ? 6 : 0),
  };
}

function anySize(): Size {
  return { width: textWidth(ANY_LABEL, SMALL_TEXT) + 2 * PAD_X, height: 22 };
}
