// A chart definition (statecharts/<id>.json, or chartDefinition() of a live machine) decoded into
// the small graph the renderers draw: states by dotted path, transitions with readable labels.
// The decoder never throws: bad input gives an error naming the field.
import { isRecord, type Json } from './definition.js';
import { actionNames, eventLabel, guardLabel, transitionLabel } from './labels.js';

/** The machine itself: parent of top-level states, source of transitions declared on the root. */
export const ROOT = '';

export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

export interface ChartState {
  /** State keys from the root, dot-separated (`connected.established`); the SVG's data-state. */
  readonly path: string;
  readonly key: string;
  /** Path of the enclosing state; ROOT for top-level states. */
  readonly parent: string;
  readonly kind: StateKind;
  /** The state its parent enters first. */
  readonly initial: boolean;
  readonly final: boolean;
  /** For history states: whether they remember the whole nested configuration. */
  readonly history: 'shallow' | 'deep' | undefined;
  readonly description: string | undefined;
  readonly entry: readonly string[];
  readonly exit: readonly string[];
  /** Names (`src`) of the actors invoked while in the state. */
  readonly invoke: readonly string[];
}

export interface ChartTransition {
  /** Path of the state that declares it; ROOT when declared on the machine (from any state). */
  readonly source: string;
  /** Paths entered; empty for a targetless transition (actions only, the state is not left). */
  readonly targets: readonly string[];
  /** XState's event type (`''` for eventless ones). */
  readonly eventType: string;
  /** Readable event: `member.alive`, `after 900ms`, `always`, `done: connect`. */
  readonly event: string;
  readonly guard: string | undefined;
  readonly actions: readonly string[];
  /** Leaves and re-enters its own state (re-running exit and entry actions). */
  readonly reenter: boolean;
  /** `event [guard] / actions`. */
  readonly label: string;
}

export interface ChartGraph {
  /** The machine's id. */
  readonly id: string;
  readonly description: string | undefined;
  /** Depth-first, in the order the machine declares them. */
  readonly states: readonly ChartState[];
  /** Grouped by source (root first, then states in order), each in the machine's order. */
  readonly transitions: readonly ChartTransition[];
}

export interface ChartDecodeError {
  /** Where in the definition, e.g. `states.suspect.transitions[2].target[0]`. */
  readonly field: string;
  readonly message: string;
}

export type ChartGraphResult =
  | { readonly ok: true; readonly graph: ChartGraph }
  | { readonly ok: false; readonly error: ChartDecodeError };

type JsonRecord = { readonly [key: string]: Json };

/** Thrown inside the decoder only; chartGraph() turns it into its result. */
class Invalid extends Error {
  constructor(readonly error: ChartDecodeError) {
    super(`${error.field}: ${error.message}`);
  }
}

const KINDS: readonly string[] = ['atomic', 'compound', 'parallel', 'final', 'history'];

/** A state node met on the walk (the root has path ROOT and field ''). */
interface Visited {
  readonly path: string;
  readonly field: string;
  readonly node: JsonRecord;
}

interface RawTransition {
  readonly node: JsonRecord;
  readonly field: string;
  readonly eventType: string;
}

export function chartGraph(definition: unknown): ChartGraphResult {
  try {
    return { ok: true, graph: decode(definition) };
  } catch (caught) {
    if (caught instanceof Invalid) return { ok: false, error: caught.error };
    throw caught;
  }
}

function decode(definition: unknown): ChartGraph {
  const root = record(definition, '(definition)');
  const id = text(root['id'], 'id');
  const visited: Visited[] = [{ path: ROOT, field: '', node: root }];
  collect(root, ROOT, '', visited);
  const stateIdOf = (v: Visited): string =>
    v.path === ROOT ? id : typeof v.node['id'] === 'string' ? v.node['id'] : `${id}.${v.path}`;
  const pathById = new Map(visited.map((v) => [stateIdOf(v), v.path]));
  const initials = new Set(visited.flatMap((v) => initialChildren(v, pathById)));
  return {
    id,
    description: optionalText(root['description'], 'description'),
    states: visited.slice(1).map((v) => state(v, initials)),
    transitions: visited.flatMap((v) => transitionsOf(v, pathById, stateIdOf(v))),
  };
}

/** Depth-first, children in declaration order (XState's `order`, else key order). */
function collect(node: JsonRecord, path: string, field: string, out: Visited[]): void {
  const children = node['states'];
  if (children === undefined || children === null) return;
  const childrenField = join(field, 'states');
  const entries = Object.entries(record(children, childrenField)).map(([key, child]) => {
    const childField = join(childrenField, key);
    return { key, field: childField, node: record(child, childField) };
  });
  const order = (e: { node: JsonRecord }): number =>
    typeof e.node['order'] === 'number' ? e.node['order'] : Number.MAX_SAFE_INTEGER;
  entries.sort((a, b) => order(a) - order(b));
  for (const entry of entries) {
    const childPath = path === ROOT ? entry.key : `${path}.${entry.key}`;
    out.push({ path: childPath, field: entry.field, node: entry.node });
    collect(entry.node, childPath, entry.field, out);
  }
}

function state(v: Visited, initials: ReadonlySet<string>): ChartState {
  const typeField = join(v.field, 'type');
  const kind = text(v.node['type'] ?? 'atomic', typeField);
  if (!isKind(kind)) throw new Invalid({ field: typeField, message: `unknown state type "${kind}"` });
  const dot = v.path.lastIndexOf('.');
  const hasDelays = transitionList(v).some((t) => t.eventType.startsWith('xstate.after.'));
  // Delayed transitions add a raise (entry) and cancel (exit) of their event: not the machine's own.
  const own = (name: string): boolean => !(hasDelays && (name === 'raise' || name === 'cancel'));
  return {
    path: v.path,
    key: v.path.slice(dot + 1),
    parent: dot < 0 ? ROOT : v.path.slice(0, dot),
    kind,
    initial: initials.has(v.path),
    final: kind === 'final',
    history: kind !== 'history' ? undefined : v.node['history'] === 'deep' ? 'deep' : 'shallow',
    description: optionalText(v.node['description'], join(v.field, 'description')),
    entry: actionNames(v.node['entry']).filter(own),
    exit: actionNames(v.node['exit']).filter(own),
    invoke: [...invokeSources(v.node).values()],
  };
}

function isKind(kind: string): kind is StateKind {
  return KINDS.includes(kind);
}

/** Paths of the children a compound state (or the root) enters first. */
function initialChildren(v: Visited, pathById: ReadonlyMap<string, string>): string[] {
  const initial = v.node['initial'];
  if (initial === undefined || initial === null) return [];
  const field = join(v.field, 'initial');
  const target = isRecord(initial) ? initial['target'] : initial;
  return references(target, join(field, 'target'), pathById);
}

/** The state's transitions: `transitions` (else the `on` map flattened), then `always`. */
function transitionList(v: Visited): RawTransition[] {
  const listed: { node: Json; field: string }[] = [];
  const add = (list: Json | undefined, field: string): void => {
    if (Array.isArray(list))
      (list as readonly Json[]).forEach((node, i) => listed.push({ node, field: `${field}[${i}]` }));
  };
  const on = v.node['on'];
  if (Array.isArray(v.node['transitions'])) add(v.node['transitions'], join(v.field, 'transitions'));
  else if (isRecord(on)) for (const [event, list] of Object.entries(on)) add(list, join(v.field, `on.${event}`));
  add(v.node['always'], join(v.field, 'always'));
  return listed.map(({ node, field }) => {
    const raw = record(node, field);
    return { node: raw, field, eventType: text(raw['eventType'] ?? '', join(field, 'eventType')) };
  });
}

function transitionsOf(v: Visited, pathById: ReadonlyMap<string, string>, stateId: string): ChartTransition[] {
  const context = { stateId, invokeSources: invokeSources(v.node) };
  return transitionList(v).map((raw) => {
    const event = eventLabel(raw.eventType, raw.node['delay'], context);
    const guard = guardLabel(raw.node['guard']);
    const actions = actionNames(raw.node['actions']);
    return {
      source: v.path,
      targets: references(raw.node['target'], join(raw.field, 'target'), pathById),
      eventType: raw.eventType,
      event,
      guard,
      actions,
      reenter: raw.node['reenter'] === true,
      label: transitionLabel(event, guard, actions),
    };
  });
}

/** Target references (`#member.suspect`, XState's form, or a bare id) → state paths. */
function references(value: Json | undefined, field: string, pathById: ReadonlyMap<string, string>): string[] {
  if (value === undefined || value === null) return [];
  const list: readonly Json[] = Array.isArray(value) ? (value as readonly Json[]) : [value];
  return list.map((item, i) => {
    const itemField = Array.isArray(value) ? `${field}[${i}]` : field;
    const reference = text(item, itemField);
    const id = reference.startsWith('#') ? reference.slice(1) : reference;
    const path = pathById.get(id);
    if (path === undefined) throw new Invalid({ field: itemField, message: `no state with id "${id}"` });
    return path;
  });
}

/** Invoke id → the invoked logic's name. */
function invokeSources(node: JsonRecord): Map<string, string> {
  const out = new Map<string, string>();
  const invoke = node['invoke'];
  if (!Array.isArray(invoke)) return out;
  for (const item of invoke as readonly Json[]) {
    if (!isRecord(item) || typeof item['id'] !== 'string') continue;
    out.set(item['id'], typeof item['src'] === 'string' ? item['src'] : item['id']);
  }
  return out;
}

function record(value: unknown, field: string): JsonRecord {
  if (!isRecord(value)) throw new Invalid({ field, message: 'expected an object' });
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new Invalid({ field, message: 'expected a string' });
  return value;
}

function optionalText(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : text(value, field);
}

function join(field: string, key: string): string {
  return field === '' ? key : `${field}.${key}`;
}
