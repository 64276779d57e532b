// Builders for plan tests: inline YAML → objects → plan, and MetalLB's ranking recomputed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parse } from '../../../src/core/config/parse.js';
import type { Config } from '../../../src/core/config/types.js';
import { planFromObjects, type PlanReport } from '../../../src/core/plan/index.js';
import { parseYamlDocuments } from '../../../src/core/yaml-documents.js';

export const docs = (...yaml: string[]): unknown[] =>
  yaml.flatMap((y) => parseYamlDocuments(y).documents.map((d) => d.value));

export function configOf(values: readonly unknown[]): Config {
  const result = parse(values, { references: 'warn' });
  assert.ok(result.ok, JSON.stringify(result.issues.filter((i) => i.severity === 'error')));
  return result.config;
}

export function plan(values: readonly unknown[], members?: string[]): PlanReport {
  return planFromObjects(configOf(values), values, { members });
}

/** Node names in MetalLB's order for `ip`: SHA-256(node#ip) ascending, compared as hex. */
export function ranked(names: readonly string[], ip: string): string[] {
  const hash = (n: string): string => createHash('sha256').update(`${n}#${ip}`).digest('hex');
  return [...names].sort((a, b) => (hash(a) < hash(b) ? -1 : hash(a) > hash(b) ? 1 : 0));
}

export const POOL = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: {name: p, namespace: metallb-system}
spec: {addresses: [10.0.0.1-10.0.0.9]}`;

export const L2_ALL = `apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: {name: all, namespace: metallb-system}
spec: {ipAddressPools: [p]}`;

export const node = (name: string, labels: Record<string, string> = {}, networkUnavailable = false): string =>
  `apiVersion: v1
kind: Node
metadata: {name: ${name}, labels: ${JSON.stringify(labels)}}
status: {conditions: [{type: NetworkUnavailable, status: "${networkUnavailable ? 'True' : 'False'}"}]}`;

export interface SvcOptions {
  ns?: string;
  ip?: string;
  local?: boolean;
  labels?: Record<string, string>;
  type?: string;
  loadBalancerClass?: string;
  pool?: string;
}

export const service = (name: string, o: SvcOptions = {}): string =>
  `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${o.ns ?? 'default'}
  labels: ${JSON.stringify(o.labels ?? {})}
  annotations: ${JSON.stringify(o.pool ? { 'metallb.io/address-pool': o.pool } : {})}
spec:
  type: ${o.type ?? 'LoadBalancer'}
  ports: [{port: 80}]
  externalTrafficPolicy: ${o.local ? 'Local' : 'Cluster'}
${o.loadBalancerClass ? `  loadBalancerClass: ${o.loadBalancerClass}\n` : ''}status: {loadBalancer: {ingress: ${o.ip ? `[{ip: "${o.ip}"}]` : '[]'}}}`;

/** One EndpointSlice of `svc` with an endpoint on each node given ({ready} per node). */
export const slice = (
  svc: string,
  endpoints: Record<string, { ready: boolean; serving?: boolean }>,
): string =>
  `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ${svc}-abc
  namespace: default
  labels: {kubernetes.io/service-name: ${svc}}
addressType: IPv4
endpoints: ${JSON.stringify(
    Object.entries(endpoints).map(([nodeName, c]) => ({
      addresses: ['10.244.0.1'],
      nodeName,
      conditions: { ready: c.ready, serving: c.serving ?? c.ready },
    })),
  )}`;

/** The i-th item, asserted present. */
export function at<T>(items: readonly T[], i = 0): T {
  const item = items[i];
  assert.ok(item !== undefined, `no item ${i} in ${JSON.stringify(items)}`);
  return item;
}
