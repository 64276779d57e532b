// Positions for the SVG chart, computed by dagre (layered layout) from the chart graph.
// Compound states with children are dagre clusters. Dagre cannot attach edges to a cluster, so:
// - entering a compound state points at its initial dot (which points at the initial child; for
//   a parallel state, at every region);
// - transitions declared on a compound state (or on the machine) start at a dashed "any state"
//   box inside it: the event is handled whichever substate is active.
// Targetless transitions are self-loops like re-entering ones (svg.ts draws them dashed).
import { ROOT, type ChartGraph, type ChartState, type ChartTransition } from './graph.js';
import { newDagreGraph, runDagreLayout, type DagreEdge, type DagreNode } from './dagre.js';
import { childrenByParent } from './tree.js';
import { NAME_TEXT, SMALL_TEXT, textWidth, wrap } from './text.js';

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Top-left corner and size. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedState {
  readonly state: ChartState;
  readonly box: Box;
  /** Drawn as a frame around its children. */
  readonly cluster: boolean;
  /** Lines under the name: `entry / …`, `exit / …`, `invoke / …`. */
  readonly details: readonly string[];
}

export interface PlacedPseudo {
  readonly kind: 'initial' | 'any';
  /** The state it belongs to (ROOT for the machine). */
  readonly container: string;
  readonly box: Box;
}

export interface PlacedLabel {
  readonly box: Box;
  /** Event, then `[guard]`, then `/ actions`, wrapped. */
  readonly lines: readonly string[];
}

export interface PlacedEdge {
  /** Undefined for the arrow from an initial dot. */
  readonly transition: ChartTransition | undefined;
  readonly source: string;
  readonly target: string;
  readonly points: readonly Point[];
  readonly selfLoop: boolean;
  readonly label: PlacedLabel | undefined;
}

export interface ChartLayout {
  readonly width: number;
  readonly height: number;
  /** Clusters outermost first, then the other states, in graph order. */
  readonly states: readonly PlacedState[];
  readonly pseudos: readonly PlacedPseudo[];
  readonly edges: readonly PlacedEdge[];
}

export interface LayoutOptions {
  readonly direction?: 'TB' | 'LR';
  /**
   * Write each transition's actions under its event and guard. Default false: busy machines
   * (the BGP FSM's error paths run seven actions each) would otherwise be mostly action names.
   */
  readonly actions?: boolean;
}

const MARGIN = 16;
const PAD_X = 12;
const NAME_HEIGHT = 28;
const DOT = 14;
const HISTORY = 26;
const ANY_LABEL = 'any state';
const WRAP_AT = 34;
const LABEL_PAD = 4;

export function layoutChart(graph: ChartGraph, options: LayoutOptions = {}): ChartLayout {
  const children = childrenByParent(graph);
  const withActions = options.actions ?? false;
  const isCluster = (s: ChartState): boolean => (children.get(s.path) ?? []).length > 0;
  const byPath = new Map(graph.states.map((s) => [s.path, s]));
  const g = newDagreGraph();
  g.setGraph({ rankdir: options.direction ?? 'TB', nodesep: 36, ranksep: 44, edgesep: 16, marginx: MARGIN, marginy: MARGIN });

  const place = (node: string, data: DagreNode, container: string): void => {
    g.setNode(node, data);
    if (container !== ROOT) g.setParent(node, stateNode(container));
  };
  const details = new Map(graph.states.map((s) => [s.path, stateDetails(s)]));
  for (const state of graph.states) {
    if (isCluster(state)) place(stateNode(state.path), { width: 0, height: 0 }, state.parent);
    else place(stateNode(state.path), stateSize(state, details.get(state.path) ?? []), state.parent);
  }

  const pseudos: { kind: 'initial' | 'any'; container: string }[] = [];
  const addPseudo = (kind: 'initial' | 'any', container: string): string => {
    const node = pseudoNode(kind, container);
    if (!g.hasNode(node)) {
      const size = kind === 'initial' ? { width: DOT, height: DOT } : anySize();
      place(node, size, container);
      pseudos.push({ kind, container });
    }
    return node;
  };
  const edges: { transition: ChartTransition | undefined; source: string; target: string }[] = [];
  const addEdge = (transition: ChartTransition | undefined, source: string, target: string): void => {
    edges.push({ transition, source, target });
  };

  // Where arrows end: a state, or the initial dot of a cluster (created on demand).
  const entryOf = (path: string): string => {
    const state = byPath.get(path);
    if (path !== ROOT && state && !isCluster(state)) return stateNode(path);
    return addPseudo('initial', path);
  };
  for (const container of [ROOT, ...graph.states.filter(isCluster).map((s) => s.path)]) {
    const own = children.get(container) ?? [];
    const kind = container === ROOT ? 'compound' : byPath.get(container)?.kind;
    const entered = kind === 'parallel' ? own : own.filter((s) => s.initial);
    if (entered.length === 0) continue;
    const dot = addPseudo('initial', container);
    for (const child of entered) addEdge(undefined, dot, entryOf(child.path));
  }
  for (const transition of graph.transitions) {
    const state = byPath.get(transition.source);
    const from =
      transition.source === ROOT || (state && isCluster(state))
        ? addPseudo('any', transition.source)
        : stateNode(transition.source);
    const targets = transition.targets.map(entryOf);
    for (const to of targets.length === 0 ? [from] : targets) addEdge(transition, from, to);
  }

  // Transitions between the same two nodes share one dagre edge whose label stacks theirs: one
  // route per pair keeps busy charts narrow, and self-loops' labels sit together beside the node
  // (with a slot each, loops to the far labels would cross the near ones).
  const bundles = new Map<string, number[]>();
  edges.forEach((edge, i) => {
    const key = `${edge.source}\u0000${edge.target}`;
    bundles.set(key, [...(bundles.get(key) ?? []), i]);
  });
  for (const [key, members] of bundles) {
    const sizes = members.map((i) => labelSize(edgeLines(edges[i], withActions)));
    const stacked = { width: Math.max(...sizes.map((z) => z.width)), height: sizes.reduce((h, z) => h + z.height, 0) };
    const first = edges[members[0] ?? 0];
    if (first) g.setEdge(first.source, first.target, { ...stacked, labelpos: 'c' }, key);
  }

  runDagreLayout(g);

  const boxOf = (node: string): Box => {
    const data = g.node(node);
    return { x: (data.x ?? 0) - data.width / 2, y: (data.y ?? 0) - data.height / 2, width: data.width, height: data.height };
  };
  const clusters = graph.states.filter(isCluster).sort((a, b) => depth(a.path) - depth(b.path));
  const states: PlacedState[] = [...clusters, ...graph.states.filter((s) => !isCluster(s))].map((state) => ({
    state,
    box: boxOf(stateNode(state.path)),
    cluster: isCluster(state),
    details: details.get(state.path) ?? [],
  }));
  const placed = new Array<PlacedEdge | undefined>(edges.length);
  for (const [key, members] of bundles) {
    const first = edges[members[0] ?? 0];
    const data = first && g.edge(first.source, first.target, key);
    if (!first || !data) continue;
    const slot = centred(data);
    let top = slot.y;
    members.forEach((i, k) => {
      const edge = edges[i];
      if (edge === undefined) return;
      const lines = edgeLines(edge, withActions);
      const box = { x: slot.x, y: top, ...labelSize(lines) };
      top += box.height;
      const selfLoop = edge.source === edge.target;
      const points = selfLoop ? selfLoopPoints(boxOf(edge.source), box, k, members.length) : (data.points ?? []);
      placed[i] = { ...edge, selfLoop, points, label: lines.length === 0 ? undefined : { lines, box } };
    });
  }
  const size = g.graph();
  return {
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    states,
    pseudos: pseudos.map((p) => ({ ...p, box: boxOf(pseudoNode(p.kind, p.container)) })),
    edges: placed.filter((e): e is PlacedEdge => e !== undefined),
  };
}

/** Dagre node names: states by path, pseudo-states by kind and container. */
export function stateNode(path: string): string {
  return `state:${path}`;
}

export function pseudoNode(kind: 'initial' | 'any', container: string): string {
  return `${kind}:${container}`;
}

function depth(path: string): number {
  return path.split('.').length;
}

function stateDetails(state: ChartState): string[] {
  return [
    ...(state.entry.length > 0 ? wrap(`entry / ${state.entry.join(', ')}`, WRAP_AT) : []),
    ...(state.exit.length > 0 ? wrap(`exit / ${state.exit.join(', ')}`, WRAP_AT) : []),
    ...state.invoke.map((src) => `invoke / ${src}`),
  ];
}

function stateSize(state: ChartState, details: readonly string[]): DagreNode {
  if (state.kind === 'history') return { width: HISTORY, height: HISTORY };
  const widest = Math.max(
    textWidth(state.key, NAME_TEXT),
    ...details.map((line) => textWidth(line, SMALL_TEXT)),
  );
  const detailHeight = details.length === 0 ? 0 : 6 + details.length * SMALL_TEXT.lineHeight;
  return { width: Math.max(80, widest + 2 * PAD_X), height: NAME_HEIGHT + detailHeight + (state.final ? 6 : 0) };
}

function anySize(): DagreNode {
  return { width: textWidth(ANY_LABEL, SMALL_TEXT) + 2 * PAD_X, height: 22 };
}

function centred(data: DagreEdge): Box {
  return { x: (data.x ?? 0) - data.width / 2, y: (data.y ?? 0) - data.height / 2, width: data.width, height: data.height };
}

function edgeLines(edge: { transition: ChartTransition | undefined } | undefined, withActions: boolean): string[] {
  return edge?.transition ? labelLines(edge.transition, withActions) : [];
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

function labelSize(lines: readonly string[]): { width: number; height: number } {
  if (lines.length === 0) return { width: 0, height: 0 };
  const width = Math.max(...lines.map((line) => textWidth(line, SMALL_TEXT)));
  return { width: width + 2 * LABEL_PAD, height: lines.length * SMALL_TEXT.lineHeight + 2 * LABEL_PAD };
}

/**
 * Loop `index` of `count` on a node: out of the node's side facing the labels (each loop at its
 * own height), round the near edge of its label, and back. Dagre reserves the labels' room beside
 * the node; its own self-loop routes are unreliable, so loops are drawn here.
 */
function selfLoopPoints(node: Box, label: Box, index: number, count: number): Point[] {
  const right = label.x >= node.x + node.width / 2;
  const side = right ? node.x + node.width : node.x;
  const reach = right ? label.x - 2 : label.x + label.width + 2;
  const anchor = node.y + (node.height * (index + 1)) / (count + 1);
  const spread = Math.min(4, node.height / (2 * (count + 1)));
  const labelMid = label.y + label.height / 2;
  return [
    { x: side, y: anchor - spread },
    { x: reach, y: labelMid - 7 },
    { x: reach, y: labelMid + 7 },
    { x: side, y: anchor + spread },
  ];
}
