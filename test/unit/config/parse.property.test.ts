// parse() never throws: arbitrary values, and near-valid objects with mutated fields, always
// come back as a result (errors for bad input), never as an exception.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from '../../../src/core/config/parse.js';
import { validateInputs } from '../../../src/core/config/report.js';
import { KINDS } from '../../../src/core/config/kinds.js';
import { bgpAd, obj, peer, pool } from './helpers.js';

const templates = [
  pool('p', ['10.0.0.0/24', '10.1.0.1-10.1.0.9', 'fc00::/120'], {
    serviceAllocation: { priority: 1, namespaces: ['a'] },
  }),
  peer('x', { holdTime: '9s', bfdProfile: 'b', nodeSelectors: [{ matchLabels: { a: 'b' } }] }),
  bgpAd('a', { communities: ['1:1', 'large:1:2:3', 'ALIAS'], aggregationLength: 24, peers: ['x'] }),
  obj('L2Advertisement', 'l2', { ipAddressPools: ['p'], interfaces: ['eth0'] }),
  obj('BFDProfile', 'b', { receiveInterval: 100, detectMultiplier: 3 }),
  obj('Community', 'c', { communities: [{ name: 'ALIAS', value: '1:2' }] }),
  obj('FRRConfiguration', 'f', {
    bgp: {
      routers: [{ asn: 64500, prefixes: ['10.0.0.0/24'], neighbors: [{ address: '10.0.0.1', asn: 2 }] }],
    },
  }),
  obj('MetalLB', 'metallb', { bgpBackend: 'frr-k8s', frrk8sConfig: { alwaysBlock: ['10.9.0.0/16'] } }),
];

/** Replaces the value at a random path of a template with an arbitrary value. */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || typeof value !== 'object' || value === null) return replacement;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return replacement;
  const [head = 0, ...rest] = path;
  const index = head % entries.length;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? [...(value as unknown[])]
    : { ...(value as Record<string, unknown>) };
  const [key, child] = entries[index]!;
  (copy as Record<string, unknown>)[key] = mutate(child, rest, replacement);
  return copy;
}

describe('parse() on arbitrary input', () => {
  it('never throws on arbitrary values (10,000 cases)', () => {
    fc.assert(
      fc.property(fc.array(fc.anything({ maxDepth: 4 }), { maxLength: 5 }), (inputs) => {
        const result = parse(inputs);
        assert.equal(typeof result.ok, 'boolean');
      }),
      { numRuns: 10_000 },
    );
  });

  it('never throws on mutated near-valid objects, and reports errors as results (10,000 cases)', () => {
    const kindNames = KINDS.map((k) => k.kind);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            template: fc.nat(templates.length - 1),
            path: fc.array(fc.nat(20), { maxLength: 6 }),
            replacement: fc.oneof(
              fc.anything({ maxDepth: 2 }),
              fc.constantFrom(...kindNames),
              fc.string(),
              fc.integer(),
              fc.constant(undefined),
            ),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (mutations) => {
          const inputs = [
            ...templates,
            ...mutations.map((m) => mutate(templates[m.template], m.path, m.replacement)),
          ];
          const result = parse(inputs, { references: 'warn' });
          if (!result.ok) assert.ok(result.issues.some((i) => i.severity === 'error'));
          const report = validateInputs(
            inputs.map((value) => ({ value, file: 'x.yaml' })),
            { namespace: 'metallb-system' },
          );
          assert.ok(report.errorCount >= 0);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('the unmutated templates form a valid configuration', () => {
    const result = parse(templates, { references: 'require' });
    assert.equal(result.ok, true, JSON.stringify(result.issues));
  });
});
