// Runs a kind's schema and turns its complaints into issues with Kubernetes-style field paths.
import type { z } from 'zod';
import type { IssueSink, ObjectRef } from './issues.js';

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Validates `value` against `schema`; on failure reports every problem and returns undefined. */
export function checkShape<T>(
  schema: z.ZodType<T>,
  value: unknown,
  ref: ObjectRef,
  basePath: string,
  sink: IssueSink,
): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = fieldPath([...(basePath ? [basePath] : []), ...issue.path]);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = path ? `${path}.${key}` : key;
        sink.error(ref, field, `unknown field "${field}"`);
      }
    } else if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
      sink.error(ref, path, 'required field is missing');
    } else {
      sink.error(ref, path, issue.message.replace(/^Invalid input: /, ''));
    }
  }
  return undefined;
}
