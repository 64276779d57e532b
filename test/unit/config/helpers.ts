// Shared helpers for configuration tests: build objects compactly, run parse, find issues.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SourcedValue } from '../../../src/core/config/apply.js';
import type { ConfigIssue } from '../../../src/core/config/issues.js';
import { parse, type ParseOptions } from '../../../src/core/config/parse.js';
import { parseYamlDocuments } from '../../../src/core/yaml-documents.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'seed-examples');

export function fixtureFile(number: string): string {
  const name = readdirSync(FIXTURES).find((f) => f.startsWith(`${number}-`));
  if (!name) throw new Error(`no fixture ${number}`);
  return join(FIXTURES, name);
}

export function readFixture(number: string): SourcedValue[] {
  const file = fixtureFile(number);
  return parseYamlDocuments(readFileSync(file, 'utf8')).documents.map((d) => ({ value: d.value, file }));
}

export const NS = 'metallb-system';

export function obj(
  kind: string,
  name: string,
  spec: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const apiVersion =
    kind === 'FRRConfiguration'
      ? 'frrk8s.metallb.io/v1beta1'
      : kind === 'BGPPeer'
        ? 'metallb.io/v1beta2'
        : 'metallb.io/v1beta1';
  return { apiVersion, kind, metadata: { name, namespace: NS }, spec, ...extra };
}

export const pool = (name: string, addresses: string[], more: Record<string, unknown> = {}) =>
  obj('IPAddressPool', name, { addresses, ...more });
export const peer = (name: string, spec: Record<string, unknown>) =>
  obj('BGPPeer', name, { myASN: 64500, peerASN: 64501, peerAddress: '10.0.0.1', ...spec });
export const bgpAd = (name: string, spec: Record<string, unknown>) => obj('BGPAdvertisement', name, spec);

export function errorsOf(inputs: unknown[], options: ParseOptions = {}): ConfigIssue[] {
  return parse(inputs, options).issues.filter((i) => i.severity === 'error');
}
