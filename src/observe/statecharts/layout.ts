// Positions for the SVG chart: the scene (scene.ts) laid out by dagre (layered layout), compound
// states as dagre clusters. Arrows between the same two nodes share one route with their labels
// stacked; self-loops are routed here, to their labels, since dagre's own loop routes are unreliable.
import type { ChartGraph, ChartState, ChartTransition } from './graph.js';
import { newDagreGraph, runDagreLayout, type DagreGraph } from './dagre.js';
import { buildScene, labelSize, pseudoNode, stateNode, type PseudoKind, type Scene, type SceneEdge } from './scene.js';

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
  readonly kind: PseudoKind;
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

export function layoutChart(graph: ChartGraph, options: LayoutOptions = {}): ChartLayout {
  const scene = buildScene(graph, options.actions ?? false);
  const g = newDagreGraph();
  g.setGraph({
    rankdir: options.direction ?? 'TB',
    nodesep: 36,
    ranksep: 44,
    edgesep: 16,
    marginx: MARGIN,
    marginy: MARGIN,
  });
  for (const node of scene.nodes) {
    g.setNode(node.name, node.size === undefined ? { width: 0, height: 0 } : { ...node.size });
    if (node.container !== '') g.setParent(node.name, stateNode(node.container));
  }
  const bundles = bundle(g, scene.edges);
  runDagreLayout(g);

  const boxOf = (node: string): Box => centred(g.node(node));
  const isCluster = (s: ChartState): boolean => scene.clusters.has(s.path);
  const depth = (s: ChartState): number => s.path.split('.').length;
  const clusters = graph.states.filter(isCluster).sort((a, b) => depth(a) - depth(b));
  const size = g.graph();
  return {
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    states: [...clusters, ...graph.states.filter((s) => !isCluster(s))].map((state) => ({
      state,
      box: boxOf(stateNode(state.path)),
      cluster: isCluster(state),
      details: scene.details.get(state.path) ?? [],
    })),
    pseudos: scene.pseudos.map((p) => ({ ...p, box: boxOf(pseudoNode(p.kind, p.container)) })),
    edges: placeEdges(g, scene, bundles, boxOf),
  };
}

/**
 * One dagre edge per (source, target) pair, its label the members' labels stacked: one route per
 * pair keeps busy charts narrow, and self-loops' labels sit together beside their node.
 * Returns the members (indices into `edges`) by dagre edge name.
 */
function bundle(g: DagreGraph, edges: readonly SceneEdge[]): Map<string, number[]> {
  const bundles = new Map<string, number[]>();
  edges.forEach((edge, i) => {
    const key = `${edge.source}\u0000${edge.target}`;
    bundles.set(key, [...(bundles.get(key) ?? []), i]);
  });
  for (const [key, members] of bundles) {
    const sizes = members.map((i) => labelSize(edges[i]?.lines ?? []));
    const first = edges[members[0] ?? 0];
    if (first === undefined) continue;
    g.setEdge(first.source, first.target, {
      width: Math.max(...sizes.map((z) => z.width)),
      height: sizes.reduce((h, z) => h + z.height, 0),
      labelpos: 'c',
    }, key);
  }
  return bundles;
}

/** Each arrow with its route and its slice of the bundle's label slot, in scene order. */
function placeEdges(
  g: DagreGraph,
  scene: Scene,
  bundles: ReadonlyMap<string, readonly number[]>,
  boxOf: (node: string) => Box,
): PlacedEdge[] {
  const placed = new Array<PlacedEdge | undefined>(scene.edges.length);
  for (const [key, members] of bundles) {
    const first = scene.edges[members[0] ?? 0];
    const data = first && g.edge(first.source, first.target, key);
    if (!first || !data) continue;
    const slot = centred(data);
    let top = slot.y;
    members.forEach((i, k) => {
      const edge = scene.edges[i];
      if (edge === undefined) return;
      const box = { x: slot.x, y: top, ...labelSize(edge.lines) };
      top += box.height;
      const selfLoop = edge.source === edge.target;
      placed[i] = {
        transition: edge.transition,
        source: edge.source,
        target: edge.target,
        selfLoop,
        points: selfLoop ? selfLoopPoints(boxOf(edge.source), box, k, members.length) : (data.points ?? []),
        label: edge.lines.length === 0 ? undefined : { lines: edge.lines, box },
      };
    });
  }
  return placed.filter((e): e is PlacedEdge => e !== undefined);
}

/** Dagre gives centres; the SVG wants top-left corners. */
function centred(data: { width: number; height: number; x?: number; y?: number }): Box {
  return { x: (data.x ?? 0) - data.width / 2, y: (data.y ?? 0) - data.height / 2, width: data.width, height: data.height };
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
