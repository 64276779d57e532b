// The webhook HTTPS server on loopback: review answers for good and bad bodies, bounded bodies,
// a failing callback answered rather than thrown, and certificates swapped without a restart.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { generateWebhookCertificates, type WebhookCertificates } from '../../src/k8s/webhook-certs.js';
import { startWebhookServer, type WebhookServer } from '../../src/k8s/webhook-server.js';

const names = { dnsNames: ['metallb-webhook-service.metallb-system.svc'], ipAddresses: ['127.0.0.1'] };
const POOL_PATH = '/validate-metallb-io-v1beta1-ipaddresspool';

interface Reply {
  status: number;
  body: {
    kind?: string;
    response?: { uid?: string; allowed?: boolean; status?: { code?: number }; result?: { status: string } };
  };
}

function post(
  port: number,
  ca: string,
  path: string,
  body: string | Buffer,
  method = 'POST',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        ca,
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Reply['body'] }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const review = (object: unknown) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u1',
      kind: { group: 'metallb.io', version: 'v1beta1', kind: 'IPAddressPool' },
      name: 'p',
      namespace: 'metallb-system',
      operation: 'CREATE',
      object,
    },
  });
const pool = {
  apiVersion: 'metallb.io/v1beta1',
  kind: 'IPAddressPool',
  metadata: { name: 'p', namespace: 'metallb-system' },
  spec: { addresses: ['10.0.0.0/24'] },
};

describe('webhook HTTPS server', () => {
  let certs: WebhookCertificates;
  let server: WebhookServer;
  let failing = false;
  const errors: unknown[] = [];

  before(async () => {
    certs = generateWebhookCertificates(names, new Date());
    server = await startWebhookServer({
      host: '127.0.0.1',
      port: 0,
      tls: certs.serving,
      namespace: 'metallb-system',
      currentObjects: () => {
        if (failing) throw new Error('informers not synced');
        return [];
      },
      log: { info: () => undefined, warn: () => undefined, error: (f) => errors.push(f) },
      maxBodyBytes: 64 * 1024,
    });
  });
  after(() => server.close());

  it('answers an AdmissionReview with the verdict', async () => {
    const reply = await post(server.port, certs.ca.cert, POOL_PATH, review(pool));
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.body.response, { uid: 'u1', allowed: true });
  });

  it('answers a body that is not JSON with a review-shaped refusal (400), and a bad ConversionReview with Failure', async () => {
    const bad = await post(server.port, certs.ca.cert, POOL_PATH, '{nope');
    assert.equal(bad.status, 200);
    assert.equal(bad.body.kind, 'AdmissionReview');
    assert.equal(bad.body.response?.allowed, false);
    assert.equal(bad.body.response.status?.code, 400);
    const conversion = await post(server.port, certs.ca.cert, '/convert', '[]');
    assert.equal(conversion.body.kind, 'ConversionReview');
    assert.equal(conversion.body.response?.result?.status, 'Failure');
  });

  it('refuses unknown paths, other methods and oversized bodies, and keeps serving', async () => {
    assert.equal((await post(server.port, certs.ca.cert, '/validate-nothing', '{}')).status, 404);
    assert.equal((await post(server.port, certs.ca.cert, POOL_PATH, '', 'GET')).status, 405);
    const big = Buffer.alloc(200 * 1024, 0x20);
    assert.equal((await post(server.port, certs.ca.cert, POOL_PATH, big)).status, 413);
    assert.equal(
      (await post(server.port, certs.ca.cert, POOL_PATH, review(pool))).body.response?.allowed,
      true,
    );
  });

  it('answers 500 in the review when the current objects cannot be had', async () => {
    failing = true;
    const reply = await post(server.port, certs.ca.cert, POOL_PATH, review(pool));
    failing = false;
    assert.equal(reply.body.response?.allowed, false);
    assert.equal(reply.body.response.status?.code, 500);
    assert.equal(errors.length, 1);
  });

  it('serves new certificates to new connections after setCertificate', async () => {
    const next = generateWebhookCertificates(names, new Date());
    server.setCertificate(next.serving);
    assert.equal((await post(server.port, next.ca.cert, POOL_PATH, review(pool))).status, 200);
    await assert.rejects(post(server.port, certs.ca.cert, POOL_PATH, review(pool)), /certificate/);
  });
});
