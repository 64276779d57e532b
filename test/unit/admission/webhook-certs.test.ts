// The webhook certificates: what a new pair carries, and the named verdicts on stored ones that
// decide between reuse, a new serving certificate from the same CA, and a new CA.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  generateCa,
  generateWebhookCertificates,
  judgeCertificates,
  RENEW_BEFORE_MS,
  SERVING_VALIDITY_MS,
  serviceDnsNames,
} from '../../../src/k8s/webhook-certs.js';

const names = {
  dnsNames: serviceDnsNames('metallb-webhook-service', 'metallb-system'),
  ipAddresses: ['127.0.0.1'],
};
const now = new Date('2026-06-01T00:00:00Z');
const certs = generateWebhookCertificates(names, now);

describe('webhook certificates', () => {
  it('a serving certificate for the Service names and IPs, for server auth, signed by a CA', () => {
    const ca = new X509Certificate(certs.ca.cert);
    const serving = new X509Certificate(certs.serving.cert);
    assert.equal(ca.ca, true);
    assert.equal(serving.ca, false);
    assert.equal(
      serving.subjectAltName,
      'DNS:metallb-webhook-service.metallb-system.svc, DNS:metallb-webhook-service.metallb-system.svc.cluster.local, IP Address:127.0.0.1',
    );
    assert.deepEqual(serving.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
  });

  it('reuses a stored set while it covers the names and is not near expiry', () => {
    assert.deepEqual(judgeCertificates(certs, names, now), { action: 'usable' });
  });

  it('reissues from the same CA when the serving certificate nears expiry or lacks a name', () => {
    const late = new Date(now.getTime() + SERVING_VALIDITY_MS - RENEW_BEFORE_MS + 1000);
    assert.deepEqual(judgeCertificates(certs, names, late), { action: 'reissue', reason: 'expiring' });
    assert.deepEqual(judgeCertificates(certs, { ...names, ipAddresses: ['10.0.0.1'] }, now), {
      action: 'reissue',
      reason: 'namesMissing',
    });
    const otherCa = generateCa(now);
    assert.deepEqual(judgeCertificates({ ...certs, ca: otherCa }, names, now), {
      action: 'reissue',
      reason: 'notIssuedByCa',
    });
    assert.deepEqual(
      judgeCertificates({ ...certs, serving: { ...certs.serving, key: otherCa.key } }, names, now),
      {
        action: 'reissue',
        reason: 'keyMismatch',
      },
    );
  });

  it('needs a new CA when the stored one is unreadable, near expiry, or not matching its key', () => {
    assert.deepEqual(judgeCertificates({ ...certs, ca: { cert: 'junk', key: 'junk' } }, names, now), {
      action: 'newCa',
      reason: 'unreadable',
    });
    assert.deepEqual(judgeCertificates(certs, names, new Date(now.getTime() + 3650 * 86_400_000)), {
      action: 'newCa',
      reason: 'caExpiring',
    });
    assert.deepEqual(
      judgeCertificates({ ...certs, ca: { ...certs.ca, key: certs.serving.key } }, names, now),
      {
        action: 'newCa',
        reason: 'caKeyMismatch',
      },
    );
  });
});
