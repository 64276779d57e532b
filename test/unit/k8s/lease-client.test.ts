// The Lease adapter against a scripted HTTP apiserver: 404 is "no Lease", 409 a lost race, a
// replace is conditional and keeps what the election does not own, and a server that never
// answers costs one request timeout, not a wedged election.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createLeaseClient, LeaseRequestError } from '../../../src/k8s/lease-client.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

const PATH = '/apis/coordination.k8s.io/v1/namespaces/herald/leases';
const LEASE = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'ctl', namespace: 'herald', resourceVersion: '7', labels: { team: 'net' } },
  spec: {
    holderIdentity: 'controller-b',
    leaseDurationSeconds: 4,
    acquireTime: '2025-01-02T03:04:05.000000Z',
    renewTime: '2025-01-02T03:04:06.500000Z',
    leaseTransitions: 3,
  },
};

const reply = (res: ServerResponse, code: number, body: unknown) => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const status = (code: number, reason: string) => ({
  kind: 'Status',
  code,
  reason,
  message: `${reason} (test)`,
});

describe('lease client', () => {
  let server: Server;
  let handler: Handler = () => undefined;
  const seen: { method: string; url: string; body: string }[] = [];
  let config: KubeConfig;
  const client = (requestTimeoutMs = 2000) =>
    createLeaseClient(config, { namespace: 'herald', name: 'ctl', requestTimeoutMs });
  const signal = () => new AbortController().signal;

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', body });
        handler(req, body, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'test', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'test', token: 'x' }],
      contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
      currentContext: 'test',
    });
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reads the Lease, MicroTimes as text; a 404 is no Lease', async () => {
    handler = (_req, _body, res) => reply(res, 200, LEASE);
    assert.deepEqual(await client().get(signal()), { spec: LEASE.spec, resourceVersion: '7' });
    assert.equal(seen.at(-1)?.url, `${PATH}/ctl`);
    handler = (_req, _body, res) => reply(res, 404, status(404, 'NotFound'));
    assert.equal(await client().get(signal()), undefined);
  });

  it('replaces on the version read, keeping labels; a 409 is a lost race', async () => {
    const leases = client();
    handler = (_req, _body, res) => reply(res, 200, LEASE);
    await leases.get(signal());
    const spec = { ...LEASE.spec, holderIdentity: 'controller-a', renewTime: '2025-01-02T03:04:09.123000Z' };
    handler = (_req, body, res) => reply(res, 200, { ...LEASE, ...(JSON.parse(body) as object) });
    const written = await leases.replace(spec, '7', signal());
    const sent = JSON.parse(seen.at(-1)?.body ?? '{}') as typeof LEASE;
    assert.equal(seen.at(-1)?.method, 'PUT');
    assert.deepEqual(sent.metadata, LEASE.metadata);
    assert.deepEqual(sent.spec, spec);
    assert.deepEqual(written, { ok: true, lease: { spec, resourceVersion: '7' } });
    handler = (_req, _body, res) => reply(res, 409, status(409, 'Conflict'));
    assert.deepEqual(await leases.replace(spec, '7', signal()), { ok: false });
    assert.deepEqual(await leases.create(spec, signal()), { ok: false });
  });

  it('reports other failures as LeaseRequestError with the status and the apiserver message', async () => {
    handler = (_req, _body, res) => reply(res, 403, status(403, 'Forbidden'));
    await assert.rejects(client().get(signal()), (e: unknown) => {
      assert.ok(e instanceof LeaseRequestError);
      assert.equal(e.status, 403);
      assert.equal(e.message, 'get lease herald/ctl: HTTP 403: Forbidden (test)');
      return true;
    });
  });

  it('gives up on a request the apiserver never answers', async () => {
    handler = () => undefined; // accepted, never answered
    const began = performance.now();
    await assert.rejects(client(200).get(signal()), /get lease herald\/ctl: no answer in 200 ms/);
    const took = performance.now() - began;
    assert.ok(took >= 190 && took < 1000, `gave up after ${took} ms`);
    // And the caller's own signal (the machine leaving the state) ends it at once.
    const abort = new AbortController();
    const pending = client(5000).get(abort.signal);
    abort.abort();
    await assert.rejects(pending, LeaseRequestError);
  });
});
