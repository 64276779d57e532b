// The webhook's certificates: a CA of the controller's own, and a serving certificate it signs
// for the webhook Service's DNS names (plus any IP addresses asked for, e.g. 127.0.0.1 in tests).
// The API server trusts the CA through the caBundle fields; clients never see anything else.
// Keys come from node:crypto (RSA 2048, which every API server accepts); node-forge builds and
// signs the X.509 structures, which node:crypto cannot; node:crypto checks them.
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

export interface KeyPairPem {
  readonly cert: string;
  readonly key: string;
}

export interface WebhookCertificates {
  readonly ca: KeyPairPem;
  readonly serving: KeyPairPem;
}

export interface ServingNames {
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

const DAY_MS = 86_400_000;
export const CA_VALIDITY_MS = 10 * 365 * DAY_MS;
export const SERVING_VALIDITY_MS = 365 * DAY_MS;
/** Renew a serving certificate with less than this left; a CA with less than this left is replaced. */
export const RENEW_BEFORE_MS = 30 * DAY_MS;
/** notBefore is set this far in the past, for API servers whose clock is a little behind ours. */
const BACKDATE_MS = 5 * 60_000;

/** The names the API server uses for a Service-based clientConfig. */
export const serviceDnsNames = (service: string, namespace: string): string[] => [
  `${service}.${namespace}.svc`,
  `${service}.${namespace}.svc.cluster.local`,
];

export function generateCa(now: Date): KeyPairPem {
  const { key, publicKey } = newKey();
  const cert = baseCertificate(publicKey, now, CA_VALIDITY_MS);
  const subject = [{ name: 'commonName', value: 'herald-webhook-ca' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(key) };
}

export function issueServingCertificate(ca: KeyPairPem, names: ServingNames, now: Date): KeyPairPem {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const { key, publicKey } = newKey();
  const cert = baseCertificate(publicKey, now, SERVING_VALIDITY_MS);
  cert.setSubject([
    { name: 'commonName', value: names.dnsNames[0] ?? names.ipAddresses[0] ?? 'herald-webhook' },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...names.dnsNames.map((value) => ({ type: 2, value })),
        ...names.ipAddresses.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(key) };
}

/** A new CA and serving certificate. */
export function generateWebhookCertificates(names: ServingNames, now: Date): WebhookCertificates {
  const ca = generateCa(now);
  return { ca, serving: issueServingCertificate(ca, names, now) };
}

/**
 * What a stored set of certificates still lacks, as a named reason, or 'usable'. 'newCa' reasons
 * need a new CA (and so a new caBundle everywhere); 'reissue' reasons only a new serving
 * certificate from the same CA.
 */
export type CertificateVerdict =
  | { readonly action: 'usable' }
  | { readonly action: 'newCa'; readonly reason: 'unreadable' | 'caExpiring' | 'caKeyMismatch' }
  | {
      readonly action: 'reissue';
      readonly reason: 'expiring' | 'namesMissing' | 'keyMismatch' | 'notIssuedByCa';
    };

export function judgeCertificates(
  stored: WebhookCertificates,
  names: ServingNames,
  now: Date,
): CertificateVerdict {
  let ca: X509Certificate;
  let serving: X509Certificate;
  try {
    ca = new X509Certificate(stored.ca.cert);
    serving = new X509Certificate(stored.serving.cert);
    if (!ca.checkPrivateKey(createPrivateKey(stored.ca.key)))
      return { action: 'newCa', reason: 'caKeyMismatch' };
    if (!ca.ca) return { action: 'newCa', reason: 'unreadable' };
    if (expiresWithin(ca, now)) return { action: 'newCa', reason: 'caExpiring' };
    if (!serving.checkIssued(ca) || !serving.verify(ca.publicKey))
      return { action: 'reissue', reason: 'notIssuedByCa' };
    if (!serving.checkPrivateKey(createPrivateKey(stored.serving.key)))
      return { action: 'reissue', reason: 'keyMismatch' };
  } catch {
    return { action: 'newCa', reason: 'unreadable' };
  }
  if (expiresWithin(serving, now) || new Date(serving.validFrom).getTime() > now.getTime() + BACKDATE_MS)
    return { action: 'reissue', reason: 'expiring' };
  const covered =
    names.dnsNames.every((n) => serving.checkHost(n, { subject: 'never' }) === n) &&
    names.ipAddresses.every((ip) => serving.checkIP(ip) !== undefined);
  return covered ? { action: 'usable' } : { action: 'reissue', reason: 'namesMissing' };
}

const expiresWithin = (cert: X509Certificate, now: Date): boolean =>
  new Date(cert.validTo).getTime() - now.getTime() < RENEW_BEFORE_MS;

function newKey(): { key: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    key: forge.pki.privateKeyFromPem(pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
    publicKey: forge.pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}

function baseCertificate(publicKey: forge.pki.rsa.PublicKey, now: Date, validityMs: number) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // 16 random bytes, the first below 0x80 so the DER integer stays positive.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(now.getTime() + validityMs);
  return cert;
}
