// A machine's chart as plain JSON: what `machine.toJSON()` returns, made safe to serialize and
// completed where XState 5 leaves gaps. The renderers (graph, mermaid, svg) and the exported
// statecharts/<id>.json take this value, never the machine, so src/observe needs no machine import.
//
// Gaps filled here:
// - `always` (eventless) transitions are not part of StateNode.definition in XState 5; they are
//   read from the state nodes and added as `always: [...]` on the state that owns them.
// - Higher-order guards (`and`, `or`, `not`) and inline actions (`assign(...)`) are functions,
//   which JSON.stringify drops or turns into null; they become `{type, guards}` / `{type}` here,
//   as XState's own toSerializableAction does for actions.
// Everything else follows JSON.stringify: `toJSON()` is called once per value, functions and
// cycles are dropped, non-finite numbers become null.

/** A JSON value as it appears in the exported files. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** The parts of an XState state node this module reads (an AnyStateMachine's root fits). */
export interface StateNodeLike {
  readonly always?: readonly unknown[] | undefined;
  readonly states: Readonly<Record<string, StateNodeLike>>;
}

/** The parts of an XState machine this module reads (any AnyStateMachine fits). */
export interface MachineLike {
  toJSON(): unknown;
  readonly root: StateNodeLike;
}

type Role = 'value' | 'guard' | 'action';

const ACTION_LISTS = new Set(['actions', 'entry', 'exit']);

/** The JSON-safe definition of `machine`, in XState's key order (see stableJson for files). */
export function chartDefinition(machine: MachineLike): Json {
  const definition = toJson(machine.toJSON(), 'value', new Set());
  return definition === undefined ? null : withAlways(definition, machine.root);
}

function withAlways(definition: Json, node: StateNodeLike): Json {
  if (!isRecord(definition)) return definition;
  const states = definition['states'];
  const out: Record<string, Json> = { ...definition };
  if (isRecord(states)) {
    const children: Record<string, Json> = {};
    for (const [key, child] of Object.entries(states)) {
      const childNode = node.states[key];
      children[key] = childNode ? withAlways(child, childNode) : child;
    }
    out['states'] = children;
  }
  const always = (node.always ?? []).map((t) => toJson(t, 'value', new Set()) ?? null);
  if (always.length > 0 && out['always'] === undefined) out['always'] = always;
  return out;
}

function toJson(value: unknown, role: Role, ancestors: Set<object>): Json | undefined {
  if (typeof value === 'function') return functionToJson(value, role, ancestors);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'object') return undefined; // undefined, symbol, bigint
  if (ancestors.has(value)) return undefined;
  const viaToJson = callToJson(value);
  if (viaToJson !== value) return toJson(viaToJson, role, ancestors);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item: unknown) => toJson(item, role, ancestors) ?? null);
    const out: Record<string, Json> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === 'toJSON') continue;
      const childRole: Role = key === 'guard' || key === 'guards' ? 'guard' : ACTION_LISTS.has(key) ? 'action' : 'value';
      const converted = toJson(child, childRole, ancestors);
      if (converted !== undefined) out[key] = converted;
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

/** `value.toJSON()` when it has one (called once, as JSON.stringify does), else `value`. */
function callToJson(value: object): unknown {
  const candidate = (value as { toJSON?: unknown }).toJSON;
  if (typeof candidate !== 'function') return value;
  const result: unknown = candidate.call(value);
  if (result === null || typeof result !== 'object') return result;
  // The result often spreads the original object, toJSON included: strip it to stop recursion.
  if (Array.isArray(result)) return result;
  const { toJSON: _dropped, ...rest } = result as Record<string, unknown>;
  return rest;
}

interface FunctionProps {
  readonly name: string;
  readonly type?: unknown;
  readonly guards?: unknown;
  readonly resolve?: unknown;
}

function functionToJson(fn: FunctionProps, role: Role, ancestors: Set<object>): Json | undefined {
  if (role === 'guard') {
    if (Array.isArray(fn.guards) && ['and', 'or', 'not'].includes(fn.name))
      return { type: `xstate.${fn.name}`, guards: (toJson(fn.guards, 'guard', ancestors) ?? []) as Json[] };
    return { type: fn.name === '' ? 'inline' : fn.name };
  }
  if (role === 'action') {
    // Built-in actions (assign, raise, sendTo, …) carry their type; plain functions their name.
    if (fn.resolve !== undefined && typeof fn.type === 'string') return { type: fn.type };
    return { type: fn.name === '' ? 'inline' : fn.name };
  }
  return undefined;
}

export function isRecord(value: unknown): value is { readonly [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
