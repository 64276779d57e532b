// `herald validate`'s report: every issue of parse() with the file it came from, plus the
// replacements of same-named objects across files and the documents that are not objects.
import { applyInOrder, type SourcedValue } from './apply.js';
import type { ConfigIssue } from './issues.js';
import { parse, type ParseOptions } from './parse.js';
import { toResource } from './resource.js';
import { checkServiceRequests } from './service-requests.js';

export interface ReportEntry extends ConfigIssue {
  readonly file: string;
}

export interface ValidationReport {
  readonly entries: readonly ReportEntry[];
  readonly errorCount: number;
  readonly warningCount: number;
}

export function validateInputs(
  values: readonly SourcedValue[],
  options: ParseOptions & { namespace: string },
): ValidationReport {
  const entries: ReportEntry[] = [];
  const objects: SourcedValue[] = [];
  for (const item of values) {
    if (toResource(item.value, options.namespace)) objects.push(item);
    else
      entries.push({
        severity: 'ignored',
        file: item.file,
        kind: '',
        namespace: '',
        name: '',
        field: '',
        message: 'not a Kubernetes object (no kind): a fragment',
      });
  }
  const { kept, replacements } = applyInOrder(objects, options.namespace);
  for (const r of replacements) {
    if (!r.changed) continue;
    entries.push({
      severity: 'warning',
      file: r.file,
      kind: r.kind,
      namespace: r.namespace,
      name: r.name,
      field: '',
      message: `replaces the ${r.kind} of the same name from ${r.replacedFile} (applied in order)`,
    });
  }
  const fileOf = new Map<string, string>();
  for (const item of kept) {
    const r = toResource(item.value, options.namespace);
    if (r) fileOf.set(`${r.kind}/${r.namespace}/${r.name}`, item.file);
  }
  const result = parse(
    kept.map((k) => k.value),
    { ...options, references: options.references ?? 'warn' },
  );
  for (const issue of result.issues) {
    entries.push({ ...issue, file: fileOf.get(`${issue.kind}/${issue.namespace}/${issue.name}`) ?? '' });
  }
  if (result.ok) {
    for (const item of kept) {
      const r = toResource(item.value, options.namespace);
      if (r?.kind !== 'Service' || r.apiVersion !== 'v1') continue;
      for (const issue of checkServiceRequests(r, result.config)) entries.push({ ...issue, file: item.file });
    }
  }
  return {
    entries,
    errorCount: entries.filter((e) => e.severity === 'error').length,
    warningCount: entries.filter((e) => e.severity === 'warning').length,
  };
}
