// `herald allocate` as a user runs it: bin/herald from the checkout (needs `npm run build`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FIXTURES } from './helpers.js';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'herald');
const fixture = (n: string): string =>
  join(FIXTURES, readdirSync(FIXTURES).find((f) => f.startsWith(`${n}-`)) ?? n);

function herald(...args: string[]) {
  const result = spawnSync(BIN, args, { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Output {
  services: {
    namespace: string;
    name: string;
    ips: string[];
    pool: string | null;
    events: { type: string; reason: string; message: string }[];
  }[];
  pools: {
    name: string;
    assignedIPv4: number;
    availableIPv4: number | string;
    availableIPv6: number | string;
  }[];
  skipped: { namespace: string; name: string; reason: string }[];
}

const tmp = mkdtempSync(join(tmpdir(), 'herald-allocate-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('herald allocate', () => {
  it('allocates the fixtures and prints JSON with every key', () => {
    const run = herald(
      'allocate',
      '--output',
      'json',
      ...['005', '010', '045', '046', '047', '048'].map(fixture),
    );
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Output;
    assert.deepEqual(Object.keys(out), ['services', 'pools', 'skipped']);
    assert.deepEqual(Object.keys(out.services[0] ?? {}), ['namespace', 'name', 'ips', 'pool', 'events']);
    const byName = new Map(out.services.map((s) => [s.name, s]));
    assert.deepEqual(byName.get('doc-example-request-ip')?.ips, ['203.0.113.5']);
    assert.deepEqual(byName.get('doc-example-request-ip')?.events, [
      { type: 'Normal', reason: 'IPAllocated', message: 'Assigned IP ["203.0.113.5"]' },
    ]);
    assert.equal(byName.get('doc-example-request-pool')?.pool, 'doc-example');
    assert.deepEqual(byName.get('service-http')?.ips, []);
    assert.equal(byName.get('service-http')?.pool, null);
    assert.equal(
      byName.get('service-https')?.events[0]?.message,
      'Failed to allocate IP for "default/service-https": "172.31.249.7" is not allowed in config',
    );
    const docExample = out.pools.find((p) => p.name === 'doc-example');
    assert.ok(docExample);
    assert.equal(docExample.assignedIPv4, 3);
    assert.equal(docExample.availableIPv4, 18);
  });

  it('keeps addresses from status first, then allocates the rest in file order', () => {
    const file = join(tmp, 'restart.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: p, namespace: metallb-system}\nspec: {addresses: [10.0.0.1-10.0.0.3, "2001:db8::/64"]}',
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: apps}',
        'apiVersion: v1\nkind: Service\nmetadata: {name: new, namespace: apps}\nspec: {type: LoadBalancer, ports: [{port: 80}]}',
        'apiVersion: v1\nkind: Service\nmetadata: {name: old, namespace: apps}\nspec: {type: LoadBalancer, ports: [{port: 80}]}\nstatus: {loadBalancer: {ingress: [{ip: 10.0.0.1}]}}',
        'apiVersion: v1\nkind: Service\nmetadata: {name: internal, namespace: apps}\nspec: {type: ClusterIP}',
        'apiVersion: v1\nkind: Service\nmetadata: {name: other-class, namespace: apps}\nspec: {type: LoadBalancer, loadBalancerClass: x.io/lb}',
      ].join('\n---\n'),
    );
    const run = herald('allocate', '-o', 'json', file);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as Output;
    assert.deepEqual(
      out.services.map((s) => [s.name, s.ips, s.events.length]),
      [
        ['new', ['10.0.0.2'], 1],
        ['old', ['10.0.0.1'], 0],
      ],
    );
    assert.deepEqual(
      out.skipped.map((s) => s.name),
      ['other-class'],
    );
    assert.equal(out.pools[0]?.availableIPv6, '18446744073709551616');
  });

  it('prints text by default and exits 0 even when a Service gets no address', () => {
    const run = herald('allocate', fixture('005'), fixture('048'));
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /default\/service-http: <pending>\n {2}Warning AllocationFailed: Failed to allocate IP/,
    );
    assert.match(run.stdout, /pool doc-example: IPv4 0 assigned, 21 available/);
  });

  it('exits 2 on an invalid configuration, printing its errors as herald validate does', () => {
    const run = herald('allocate', fixture('006'), fixture('008'), fixture('047'));
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /008-ipaddresspool-doc-example-cidr\.yaml: error: IPAddressPool metallb-system\/doc-example-cidr .*overlaps/,
    );
    assert.equal(run.stdout, '');
  });

  it('exits 2 on usage errors and unreadable input', () => {
    assert.equal(herald('allocate', '--output', 'yaml', fixture('005')).code, 2);
    assert.equal(herald('allocate').code, 2);
    assert.equal(herald('allocate', join(tmp, 'missing.yaml')).code, 2);
  });
});
