// Kubernetes label selectors (metav1.LabelSelector): validation and matching, pure.

export type Labels = Readonly<Record<string, string>>;

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[] | undefined;
}

export interface LabelSelector {
  matchLabels?: Record<string, string> | undefined;
  matchExpressions?: LabelSelectorRequirement[] | undefined;
}

const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why a label key is invalid, or undefined when it is valid (prefix/name rules of Kubernetes). */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `invalid label key "${key}": prefix must be a DNS subdomain`;
  }
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `invalid label key "${key}": name must be 63 characters or less, alphanumeric, '-', '_' or '.'`;
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63 || !VALUE.test(value)) {
    return `invalid label value "${value}": must be 63 characters or less, alphanumeric, '-', '_' or '.'`;
  }
  return undefined;
}

/** Problems of one selector, each with the field path below the selector. */
export function selectorProblems(selector: LabelSelector): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem) out.push({ field: `matchLabels.${key}`, message: problem });
  }
  (selector.matchExpressions ?? []).forEach((req, i) => {
    const field = `matchExpressions[${i}]`;
    const keyProblem = labelKeyProblem(req.key);
    if (keyProblem) out.push({ field: `${field}.key`, message: keyProblem });
    const values = req.values ?? [];
    if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) {
      out.push({
        field: `${field}.values`,
        message: `values must be non-empty for operator ${req.operator}`,
      });
    }
    if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0) {
      out.push({ field: `${field}.values`, message: `values must be empty for operator ${req.operator}` });
    }
    values.forEach((v, j) => {
      const problem = labelValueProblem(v);
      if (problem) out.push({ field: `${field}.values[${j}]`, message: problem });
    });
  });
  return out;
}

/** An empty selector matches everything, as in Kubernetes. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const value = labels[req.key];
    switch (req.operator) {
      case 'In':
        if (!has || value === undefined || !(req.values ?? []).includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && (req.values ?? []).includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A list of selectors matches when any of them does; an empty list matches everything. */
export const anySelectorMatches = (selectors: readonly LabelSelector[], labels: Labels): boolean =>
  selectors.length === 0 || selectors.some((s) => selectorMatches(s, labels));

/** Canonical text of a selector, to find duplicates regardless of key order. */
export function selectorKey(selector: LabelSelector): string {
  const labels = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const exprs = (selector.matchExpressions ?? [])
    .map((r) => `${r.key} ${r.operator} ${[...(r.values ?? [])].sort().join(',')}`)
    .sort();
  return JSON.stringify([labels, exprs]);
}
