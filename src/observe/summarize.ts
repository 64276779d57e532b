// A JSON-safe, bounded copy of a machine's context for /debug/state: long arrays and strings are
// cut, functions and actor refs dropped, Maps/Sets turned into objects/arrays, depth limited.
const MAX_DEPTH = 4;
const MAX_ITEMS = 20;
const MAX_STRING = 200;

export function summarize(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      break;
    case 'undefined':
      return null;
  }
  if (depth >= MAX_DEPTH) return '…';
  if (value instanceof Map) return summarize(Object.fromEntries(value), depth);
  if (value instanceof Set) return summarize([...value], depth);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => summarize(item, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `… ${value.length - MAX_ITEMS} more`] : items;
  }
  // Actor refs (children, spawned actors) carry their whole system: show only their id.
  if (typeof value !== 'object') return undefined; // (narrows for the checker; the switch returned)
  const object = value;
  if ('sessionId' in object && 'send' in object) return `actor:${String((value as { id?: unknown }).id)}`;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(object).slice(0, MAX_ITEMS * 2)) {
    const summary = summarize(inner, depth + 1);
    if (summary !== undefined) out[key] = summary;
  }
  return out;
}
