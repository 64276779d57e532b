// Building blocks shared by the kind schemas. Objects are strict: an unknown field is an error,
// as with `kubectl apply`'s strict field validation.
import { z } from 'zod';

export const uint32 = z.int().min(0).max(4294967295);
export const asn = z.int().min(1).max(4294967295);

export const labelSelectorRequirement = z.strictObject({
  key: z.string(),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
  values: z.array(z.string()).optional(),
});

export const labelSelector = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(labelSelectorRequirement).optional(),
});

export const durationString = z.string().describe('a duration such as "90s" or "1m30s"');

export const metadata = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** A top-level object: apiVersion/kind/metadata plus a strict spec (and optional status). */
export function objectSchema<S extends z.ZodType>(spec: S, specRequired = true) {
  return z.strictObject({
    apiVersion: z.string(),
    kind: z.string(),
    metadata,
    spec: specRequired ? spec : spec.optional(),
    status: z.unknown().optional(),
  });
}
