// Shared checks for lists of label selectors: each must be valid, and no two may be equal.
import { type LabelSelector, selectorKey, selectorProblems } from '../../labels.js';
import type { IssueSink, ObjectRef } from '../issues.js';

export function checkSelectors(
  ref: ObjectRef,
  field: string,
  selectors: readonly LabelSelector[] | undefined,
  sink: IssueSink,
): void {
  const seen = new Set<string>();
  (selectors ?? []).forEach((selector, i) => {
    for (const problem of selectorProblems(selector))
      sink.error(ref, `${field}[${i}].${problem.field}`, problem.message);
    const key = selectorKey(selector);
    if (seen.has(key)) sink.error(ref, `${field}[${i}]`, 'duplicate selector');
    seen.add(key);
  });
}

/** Reports repeated names in a list field (pools, peers, communities, interfaces). */
export function checkUniqueNames(
  ref: ObjectRef,
  field: string,
  names: readonly string[] | undefined,
  what: string,
  sink: IssueSink,
): void {
  const seen = new Set<string>();
  (names ?? []).forEach((name, i) => {
    if (seen.has(name)) sink.error(ref, `${field}[${i}]`, `duplicate definition of ${what} "${name}"`);
    seen.add(name);
  });
}
