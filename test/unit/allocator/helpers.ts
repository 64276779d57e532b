// Builders for allocator tests: configurations from pool objects, Services from a few fields.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../../src/core/config/parse.js';
import type { Config } from '../../../src/core/config/types.js';
import { readService, type ServiceModel } from '../../../src/core/service/model.js';
import { parseYamlDocuments } from '../../../src/core/yaml-documents.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'seed-examples');

export function fixtureValues(...numbers: string[]): unknown[] {
  return numbers.flatMap((n) => {
    const name = readdirSync(FIXTURES).find((f) => f.startsWith(`${n}-`));
    if (!name) throw new Error(`no fixture ${n}`);
    return parseYamlDocuments(readFileSync(join(FIXTURES, name), 'utf8')).documents.map((d) => d.value);
  });
}

export function configOf(values: readonly unknown[]): Config {
  const result = parse(values, { references: 'warn' });
  assert.ok(result.ok, JSON.stringify(result.issues.filter((i) => i.severity === 'error')));
  return result.config;
}

export const servicesOf = (values: readonly unknown[]): ServiceModel[] =>
  values.flatMap((v) => readService(v) ?? []);

export interface PoolOptions {
  autoAssign?: boolean;
  avoidBuggyIPs?: boolean;
  serviceAllocation?: Record<string, unknown>;
}

export const poolObject = (name: string, addresses: string[], options: PoolOptions = {}) => ({
  apiVersion: 'metallb.io/v1beta1',
  kind: 'IPAddressPool',
  metadata: { name, namespace: 'metallb-system' },
  spec: { addresses, ...options },
});

export const pools = (...objects: ReturnType<typeof poolObject>[]): Config => configOf(objects);

export interface ServiceOptions {
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  type?: string;
  loadBalancerIP?: string;
  loadBalancerClass?: string;
  ipFamilyPolicy?: string;
  ipFamilies?: string[];
  clusterIPs?: string[];
  ports?: { protocol?: string; port: number }[];
  externalTrafficPolicy?: string;
  selector?: Record<string, string>;
  ingress?: string[];
  pool?: string;
  share?: string;
  ips?: string;
}

export function serviceObject(name: string, o: ServiceOptions = {}): Record<string, unknown> {
  const annotations: Record<string, string> = { ...o.annotations };
  if (o.pool !== undefined) annotations['metallb.io/address-pool'] = o.pool;
  if (o.share !== undefined) annotations['metallb.io/allow-shared-ip'] = o.share;
  if (o.ips !== undefined) annotations['metallb.io/loadBalancerIPs'] = o.ips;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.namespace ?? 'default', labels: o.labels ?? {}, annotations },
    spec: {
      type: o.type ?? 'LoadBalancer',
      loadBalancerIP: o.loadBalancerIP,
      loadBalancerClass: o.loadBalancerClass,
      ipFamilyPolicy: o.ipFamilyPolicy,
      ipFamilies: o.ipFamilies,
      clusterIPs: o.clusterIPs,
      ports: o.ports ?? [{ protocol: 'TCP', port: 80 }],
      externalTrafficPolicy: o.externalTrafficPolicy,
      selector: o.selector ?? { app: name },
    },
    status: { loadBalancer: { ingress: (o.ingress ?? []).map((ip) => ({ ip })) } },
  };
}

export function service(name: string, o: ServiceOptions = {}): ServiceModel {
  const model = readService(serviceObject(name, o));
  assert.ok(model);
  return model;
}
