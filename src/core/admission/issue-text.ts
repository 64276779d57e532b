// How a configuration issue reads in an admission answer (kubectl prints it after "denied the
// request:"): `IPAddressPool metallb-system/p2: spec.addresses[0]: CIDR "…" overlaps …`.
import type { ConfigIssue, ObjectRef } from '../config/issues.js';

/** At most this many errors are spelled out in one refusal; the rest are counted. */
export const ADMISSION_REFUSALS = 10;

export function describeIssue(issue: ConfigIssue): string {
  const field = issue.field ? `${issue.field}: ` : '';
  return `${describeObject(issue)}: ${field}${issue.message}`;
}

export const describeObject = (ref: ObjectRef): string => `${ref.kind} ${ref.namespace}/${ref.name}`;

/** Two runs of parse() report the same issue with the same key. */
export const issueKey = (i: ConfigIssue): string =>
  JSON.stringify([i.severity, i.kind, i.namespace, i.name, i.field, i.message]);

export const sameObject = (a: ObjectRef, b: ObjectRef): boolean =>
  a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
