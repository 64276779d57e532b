// BFDProfile rules: interval and multiplier ranges, with MetalLB's defaults.
import type { IssueSink } from '../issues.js';
import type { Resource } from '../resource.js';
import type { BFDProfileSpec } from '../schema/metallb.js';
import type { BfdProfile } from '../types.js';

interface RangeRule {
  field: keyof BFDProfileSpec;
  min: number;
  max: number;
  fallback: number;
}

const RANGES: RangeRule[] = [
  { field: 'receiveInterval', min: 10, max: 60000, fallback: 300 },
  { field: 'transmitInterval', min: 10, max: 60000, fallback: 300 },
  { field: 'echoInterval', min: 10, max: 60000, fallback: 50 },
  { field: 'detectMultiplier', min: 2, max: 255, fallback: 3 },
  { field: 'minimumTtl', min: 1, max: 254, fallback: 254 },
];

export function parseBfdProfile(
  resource: Resource,
  spec: BFDProfileSpec,
  sink: IssueSink,
  fieldPrefix = 'spec',
  name = resource.name,
): BfdProfile | undefined {
  const values: Record<string, number> = {};
  let ok = true;
  for (const rule of RANGES) {
    const value = spec[rule.field];
    if (typeof value === 'number' && (value < rule.min || value > rule.max)) {
      sink.error(
        resource,
        `${fieldPrefix}.${rule.field}`,
        `${rule.field} must be between ${rule.min} and ${rule.max}, got ${value}`,
      );
      ok = false;
    }
    values[rule.field] = typeof value === 'number' ? value : rule.fallback;
  }
  if (!ok) return undefined;
  return {
    name,
    receiveIntervalMs: values.receiveInterval ?? 300,
    transmitIntervalMs: values.transmitInterval ?? 300,
    echoIntervalMs: values.echoInterval ?? 50,
    detectMultiplier: values.detectMultiplier ?? 3,
    minimumTtl: values.minimumTtl ?? 254,
    echoMode: spec.echoMode ?? false,
    passiveMode: spec.passiveMode ?? false,
  };
}
