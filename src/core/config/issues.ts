// What validation says about an object: errors refuse the whole config, warnings do not,
// "ignored" marks objects that are not Herald's to read.

export type Severity = 'error' | 'warning' | 'ignored';

export interface ObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface ConfigIssue extends ObjectRef {
  readonly severity: Severity;
  /** Field path inside the object, e.g. `spec.addresses[1]`; empty for the object as a whole. */
  readonly field: string;
  readonly message: string;
}

/** `IPAddressPool metallb-system/pool1 spec.addresses[0]: invalid CIDR "x"` */
export function formatIssue(issue: ConfigIssue): string {
  const ns = issue.namespace ? `${issue.namespace}/` : '';
  const field = issue.field ? ` ${issue.field}` : '';
  const object = issue.kind ? ` ${issue.kind} ${ns}${issue.name}${field}` : '';
  return `${issue.severity}:${object}: ${issue.message}`;
}

/** Collects issues for one object; rules call `error`/`warning` with a field path and a reason. */
export class IssueSink {
  readonly issues: ConfigIssue[] = [];

  error(ref: ObjectRef, field: string, message: string): void {
    this.issues.push({ ...pickRef(ref), severity: 'error', field, message });
  }

  warning(ref: ObjectRef, field: string, message: string): void {
    this.issues.push({ ...pickRef(ref), severity: 'warning', field, message });
  }

  ignored(ref: ObjectRef, message: string): void {
    this.issues.push({ ...pickRef(ref), severity: 'ignored', field: '', message });
  }

  get hasErrors(): boolean {
    return this.issues.some((i) => i.severity === 'error');
  }
}

const pickRef = (ref: ObjectRef): ObjectRef => ({ kind: ref.kind, namespace: ref.namespace, name: ref.name });
