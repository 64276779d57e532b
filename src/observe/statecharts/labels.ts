// How a transition reads on a chart: its event (XState's internal event names made human), its
// guard as an expression, its actions by name. Inputs are pieces of a chart definition (JSON).
import { isRecord, type Json } from './definition.js';

const AFTER = 'xstate.after.';
const DONE_STATE = 'xstate.done.state.';
const DONE_ACTOR = 'xstate.done.actor.';
const ERROR_ACTOR = 'xstate.error.actor.';

/** Facts about the owning state the event name refers to. */
export interface EventContext {
  /** The owning state's XState id (delayed events end with it). */
  readonly stateId: string;
  /** Invoke id → the invoked logic's name (`src`), for done/error events. */
  readonly invokeSources: ReadonlyMap<string, string>;
}

/**
 * `after 900ms` / `after suspicionRemaining` for delayed transitions, `always` for eventless ones,
 * `done` when a compound state finishes, `done: <src>` / `error: <src>` for invoked actors, the
 * event type itself otherwise.
 */
export function eventLabel(eventType: string, delay: Json | undefined, context: EventContext): string {
  if (eventType === '') return 'always';
  if (eventType.startsWith(AFTER)) {
    if (typeof delay === 'number') return `after ${delay}ms`;
    if (typeof delay === 'string') return `after ${delay}`;
    const suffix = `.${context.stateId}`;
    const name = eventType.slice(AFTER.length);
    const bare = name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
    return /^\d+$/.test(bare) ? `after ${bare}ms` : `after ${bare}`;
  }
  if (eventType.startsWith(DONE_STATE)) return 'done';
  if (eventType.startsWith(DONE_ACTOR)) return `done: ${invokeName(eventType.slice(DONE_ACTOR.length), context)}`;
  if (eventType.startsWith(ERROR_ACTOR))
    return `error: ${invokeName(eventType.slice(ERROR_ACTOR.length), context)}`;
  return eventType;
}

function invokeName(invokeId: string, context: EventContext): string {
  return context.invokeSources.get(invokeId) ?? invokeId;
}

/** A guard as an expression: `isNewer`, `a and not b`, `not (a or b)`; undefined when there is none. */
export function guardLabel(guard: Json | undefined): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (!isRecord(guard)) return '?';
  const type = typeof guard['type'] === 'string' ? guard['type'] : '?';
  const parts = Array.isArray(guard['guards']) ? (guard['guards'] as readonly Json[]) : [];
  const operand = (part: Json): string => {
    const text = guardLabel(part) ?? '?';
    return isCombination(part) ? `(${text})` : text;
  };
  if (type === 'xstate.and' || type === 'xstate.or')
    return parts.map(operand).join(type === 'xstate.and' ? ' and ' : ' or ');
  if (type === 'xstate.not') return `not ${parts.map(operand).join(', ')}`;
  return `${type}${paramsLabel(guard['params'])}`;
}

/**
 * Static guard parameters, so `remoteSays` for `down` and for `init` read apart:
 * `(down)` for one parameter, `(a=1, b=x)` for several; nothing when there are none.
 */
function paramsLabel(params: Json | undefined): string {
  if (!isRecord(params)) return '';
  const entries = Object.entries(params);
  if (entries.length === 0) return '';
  const value = (v: Json): string =>
    Array.isArray(v)
      ? (v as readonly Json[]).map(value).join(', ')
      : typeof v === 'object' && v !== null
        ? JSON.stringify(v)
        : String(v);
  const [only] = entries;
  if (entries.length === 1 && only) return `(${value(only[1])})`;
  return `(${entries.map(([k, v]) => `${k}=${value(v)}`).join(', ')})`;
}

function isCombination(guard: Json): boolean {
  const type = isRecord(guard) ? guard['type'] : undefined;
  return type === 'xstate.and' || type === 'xstate.or';
}

/** Action names in order; XState's built-ins lose their `xstate.` prefix (`assign`, `raise`). */
export function actionNames(actions: Json | undefined): string[] {
  if (!Array.isArray(actions)) return [];
  return (actions as readonly Json[]).flatMap((action) => {
    const type = typeof action === 'string' ? action : isRecord(action) ? action['type'] : undefined;
    if (typeof type !== 'string') return [];
    return [type.startsWith('xstate.') ? type.slice('xstate.'.length) : type];
  });
}

/** `event [guard] / action, action` — the UML transition label, one line. */
export function transitionLabel(event: string, guard: string | undefined, actions: readonly string[]): string {
  const guardPart = guard === undefined ? '' : ` [${guard}]`;
  const actionPart = actions.length === 0 ? '' : ` / ${actions.join(', ')}`;
  return `${event}${guardPart}${actionPart}`;
}
