// Pretty JSON with every object's keys sorted, so an exported chart changes only when the machine
// does (and not when XState reorders a definition's fields). Arrays keep their order: it is the
// machine's (transitions are tried in array order).
import type { Json } from './definition.js';

export function stableJson(value: Json): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: Json): Json {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly Json[]).map(sortKeys);
  const record = value as { readonly [key: string]: Json };
  const out: Record<string, Json> = {};
  for (const key of Object.keys(record).sort()) out[key] = sortKeys(record[key] ?? null);
  return out;
}
