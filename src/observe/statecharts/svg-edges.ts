// Transitions on the SVG chart: the arrow (a smooth path through dagre's route, ending in the
// arrowhead marker) and, in a layer above every arrow, the label. Both carry the transition's
// data-event, data-source (absent for the machine's own handlers) and data-target.
import { ROOT } from './graph.js';
import type { PlacedEdge, PlacedState, Point } from './layout.js';
import { pseudoNode, stateNode } from './scene.js';
import { escapeXml, num, SMALL_TEXT } from './text.js';

export function drawEdgePath(edge: PlacedEdge, arrowId: string, states: readonly PlacedState[]): string {
  const t = edge.transition;
  return [
    `<g class="${edgeClasses(edge, 'transition').join(' ')}"${dataOf(edge, states)}>`,
    ...(t === undefined ? [] : [`<title>${escapeXml(t.label)}</title>`]),
    `<path class="transition__path" d="${curve(edge.points)}" marker-end="url(#${arrowId})"/>`,
    '</g>',
  ].join('');
}

export function drawEdgeLabel(edge: PlacedEdge, states: readonly PlacedState[]): string {
  if (edge.label === undefined || edge.transition === undefined) return '';
  const { box, lines } = edge.label;
  const x = num(box.x + 4);
  return [
    `<g class="${edgeClasses(edge, 'transition-label').join(' ')}"${dataOf(edge, states)}>`,
    `<title>${escapeXml(edge.transition.label)}</title>`,
    `<rect class="transition__label-bg" x="${num(box.x)}" y="${num(box.y)}" width="${num(box.width)}" ` +
      `height="${num(box.height)}" rx="3"/>`,
    `<text class="transition__label" x="${x}" y="${num(box.y + 4)}">`,
    ...lines.map(
      (line, i) =>
        `<tspan x="${x}" dy="${i === 0 ? SMALL_TEXT.lineHeight - 3 : SMALL_TEXT.lineHeight}"` +
        `${i === 0 ? ' class="transition__event"' : ''}>${escapeXml(line)}</tspan>`,
    ),
    '</text></g>',
  ].join('');
}

function edgeClasses(edge: PlacedEdge, base: string): string[] {
  const t = edge.transition;
  if (t === undefined) return [base, 'transition--initial'];
  if (t.targets.length === 0) return [base, 'transition--internal'];
  return edge.selfLoop ? [base, 'transition--self'] : [base];
}

function dataOf(edge: PlacedEdge, states: readonly PlacedState[]): string {
  const t = edge.transition;
  if (t === undefined) return '';
  return (
    ` data-event="${escapeXml(t.eventType)}"` +
    (t.source === ROOT ? '' : ` data-source="${escapeXml(t.source)}"`) +
    ` data-target="${escapeXml(targetPath(edge.target, t.targets, states))}"`
  );
}

/** The state path an edge ends at: a cluster for its initial dot, its own state when targetless. */
function targetPath(node: string, targets: readonly string[], states: readonly PlacedState[]): string {
  const hit = states.find(
    (s) => stateNode(s.state.path) === node || pseudoNode('initial', s.state.path) === node,
  );
  return hit?.state.path ?? targets[0] ?? '';
}

/** A smooth path through the points (uniform cubic B-spline, clamped to the first and last). */
function curve(points: readonly Point[]): string {
  const [first, second] = points;
  if (first === undefined) return '';
  if (second === undefined || points.length === 2) {
    const last = second ?? first;
    return `M${pt(first)} L${pt(last)}`;
  }
  const p = (i: number): Point => points[Math.min(i, points.length - 1)] ?? first;
  const d = [`M${pt(first)}`, `L${pt(mix([first, 5], [second, 1]))}`];
  for (let i = 2; i <= points.length; i++) {
    const [a, b, c] = [p(i - 2), p(i - 1), p(i)];
    d.push(`C${pt(mix([a, 2], [b, 1]))} ${pt(mix([a, 1], [b, 2]))} ${pt(mix([a, 1], [b, 4], [c, 1]))}`);
  }
  d.push(`L${pt(p(points.length - 1))}`);
  return d.join(' ');
}

/** The weighted average of points. */
function mix(...weighted: [Point, number][]): Point {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  return {
    x: weighted.reduce((sum, [q, w]) => sum + q.x * w, 0) / total,
    y: weighted.reduce((sum, [q, w]) => sum + q.y * w, 0) / total,
  };
}

function pt(point: Point): string {
  return `${num(point.x)},${num(point.y)}`;
}
