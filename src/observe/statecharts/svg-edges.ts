// Transitions on the SVG chart: the arrow (a smooth path through dagre's route and an arrowhead
// drawn as its own triangle, so a page can colour it with the line: an SVG marker keeps one colour
// for every arrow using it) and, in a layer above every arrow, the label. Both carry the transition's
// data-event, data-source (absent for the machine's own handlers) and data-target.
import { ROOT } from './graph.js';
import type { PlacedEdge, PlacedState, Point } from './layout.js';
import { pseudoNode, stateNode } from './scene.js';
import { escapeXml, num, SMALL_TEXT } from './text.js';

export function drawEdgePath(edge: PlacedEdge, states: readonly PlacedState[]): string {
  const t = edge.transition;
  return [
    `<g class="${edgeClasses(edge, 'transition').join(' ')}"${dataOf(edge, states)}>`,
    ...(t === undefined ? [] : [`<title>${escapeXml(t.label)}</title>`]),
    `<path class="transition__path" d="${curve(edge.points)}"/>`,
    arrowHead(edge.points),
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

const HEAD_LENGTH = 9;
const HEAD_HALF_WIDTH = 4;

/** A triangle with its tip on the route's last point, along the route's last segment. */
function arrowHead(points: readonly Point[]): string {
  const tip = points[points.length - 1];
  const before = points[points.length - 2];
  if (tip === undefined || before === undefined) return '';
  const length = Math.hypot(tip.x - before.x, tip.y - before.y) || 1;
  const [ux, uy] = [(tip.x - before.x) / length, (tip.y - before.y) / length];
  const base = { x: tip.x - ux * HEAD_LENGTH, y: tip.y - uy * HEAD_LENGTH };
  const left = { x: base.x - uy * HEAD_HALF_WIDTH, y: base.y + ux * HEAD_HALF_WIDTH };
  const right = { x: base.x + uy * HEAD_HALF_WIDTH, y: base.y - ux * HEAD_HALF_WIDTH };
  return `<path class="transition__head" d="M${pt(tip)} L${pt(left)} L${pt(right)} z"/>`;
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
