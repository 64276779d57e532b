// Questions about the state hierarchy the renderers share: children of a state, containment,
// the innermost state enclosing two others. States are named by their dotted path; ROOT is ''.
import { ROOT, type ChartGraph, type ChartState } from './graph.js';

/** Parent path → its children in declaration order (ROOT → top-level states). */
export function childrenByParent(graph: ChartGraph): ReadonlyMap<string, readonly ChartState[]> {
  const out = new Map<string, ChartState[]>();
  for (const state of graph.states) {
    const list = out.get(state.parent) ?? [];
    list.push(state);
    out.set(state.parent, list);
  }
  return out;
}

/** `path` is `ancestor` itself or lies inside it. */
export function isWithin(path: string, ancestor: string): boolean {
  return ancestor === ROOT || path === ancestor || path.startsWith(`${ancestor}.`);
}

export function parentOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? ROOT : path.slice(0, dot);
}

/** The innermost state strictly enclosing every path (ROOT when nothing smaller does). */
export function enclosing(paths: readonly string[]): string {
  let candidate = paths.length === 0 ? ROOT : parentOf(paths[0] ?? ROOT);
  while (candidate !== ROOT && !paths.every((p) => p !== candidate && isWithin(p, candidate)))
    candidate = parentOf(candidate);
  return candidate;
}

/** The ancestor of `path` (or `path` itself) that is a direct child of `container`. */
export function childOnTheWay(path: string, container: string): string {
  let current = path;
  while (parentOf(current) !== container && current !== ROOT) current = parentOf(current);
  return current;
}
