// The slice of @dagrejs/dagre (v3) the chart layout uses, typed here: the package's own
// declarations import relative paths without extensions, which NodeNext resolution cannot follow,
// so without this every call would be `any` to the type checker.
import dagre from '@dagrejs/dagre';

export interface DagrePoint {
  readonly x: number;
  readonly y: number;
}

export interface DagreNode {
  width: number;
  height: number;
  /** Centre, set by layout(). */
  x?: number;
  y?: number;
}

export interface DagreEdge {
  /** Size of the edge's label (0 × 0 for none). */
  width: number;
  height: number;
  labelpos?: 'l' | 'c' | 'r';
  /** Centre of the label and the route, set by layout(). */
  x?: number;
  y?: number;
  points?: DagrePoint[];
}

export interface DagreGraphLabel {
  rankdir?: 'TB' | 'BT' | 'LR' | 'RL';
  nodesep?: number;
  edgesep?: number;
  ranksep?: number;
  marginx?: number;
  marginy?: number;
  /** Set by layout(). */
  width?: number;
  height?: number;
}

export interface DagreGraph {
  setGraph(label: DagreGraphLabel): void;
  graph(): DagreGraphLabel;
  setNode(name: string, label: DagreNode): void;
  hasNode(name: string): boolean;
  node(name: string): DagreNode;
  setParent(child: string, parent: string): void;
  setEdge(source: string, target: string, label: DagreEdge, name: string): void;
  /** Undefined when there is no such edge. */
  edge(source: string, target: string, name: string): DagreEdge | undefined;
}

interface DagreModule {
  readonly graphlib: {
    readonly Graph: new (options: { compound: boolean; multigraph: boolean }) => DagreGraph;
  };
  layout(graph: DagreGraph): void;
}

const lib = dagre as unknown as DagreModule;

/** An empty graph that may hold clusters (setParent) and several edges between two nodes. */
export function newDagreGraph(): DagreGraph {
  return new lib.graphlib.Graph({ compound: true, multigraph: true });
}

export function runDagreLayout(graph: DagreGraph): void {
  lib.layout(graph);
}
