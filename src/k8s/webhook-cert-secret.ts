// The webhook certificates live in one Secret of the agent's namespace (MetalLB's name,
// metallb-webhook-cert), so every controller replica serves the same certificate and the
// caBundle the API server holds fits all of them. A replica reuses what it finds while it is
// usable, renews it near expiry, and loses gracefully to a replica that wrote first (409:
// it reads again and takes that one).
import { V1ObjectMeta, V1Secret, type CoreV1Api } from '@kubernetes/client-node';
import { isConflict, isNotFound } from './api-errors.js';
import {
  generateCa,
  issueServingCertificate,
  judgeCertificates,
  type CertificateVerdict,
  type ServingNames,
  type WebhookCertificates,
} from './webhook-certs.js';

export const WEBHOOK_CERT_SECRET = 'metallb-webhook-cert';

/** The keys of the Secret's data, as cert-manager and MetalLB's cert-controller name them. */
const KEYS = { caCert: 'ca.crt', caKey: 'ca.key', cert: 'tls.crt', key: 'tls.key' } as const;

export interface CertificateOutcome {
  readonly certificates: WebhookCertificates;
  /** 'reused' when the Secret already held usable certificates (ours or another replica's). */
  readonly outcome: 'reused' | 'created' | CertificateVerdict['action'];
  readonly reason?: string;
}

export interface SecretStoreOptions {
  readonly api: CoreV1Api;
  readonly namespace: string;
  readonly secretName: string;
  readonly names: ServingNames;
  readonly now: () => Date;
}

const ATTEMPTS = 5;

/** Usable certificates from the Secret, written there first when missing or due for renewal. */
export async function ensureWebhookCertificates(options: SecretStoreOptions): Promise<CertificateOutcome> {
  const { api, namespace, secretName: name, names, now } = options;
  for (let attempt = 1; ; attempt++) {
    const secret = await readSecret(api, namespace, name);
    const stored = secret ? certificatesOf(secret) : undefined;
    const verdict: CertificateVerdict = stored
      ? judgeCertificates(stored, names, now())
      : { action: 'newCa', reason: 'unreadable' };
    if (stored && verdict.action === 'usable') return { certificates: stored, outcome: 'reused' };

    const ca = stored && verdict.action === 'reissue' ? stored.ca : generateCa(now());
    const certificates = { ca, serving: issueServingCertificate(ca, names, now()) };
    try {
      if (secret) {
        await api.replaceNamespacedSecret({ name, namespace, body: withCertificates(secret, certificates) });
        const reason = 'reason' in verdict ? verdict.reason : undefined;
        return { certificates, outcome: verdict.action, ...(reason ? { reason } : {}) };
      }
      await api.createNamespacedSecret({ namespace, body: newSecret(name, namespace, certificates) });
      return { certificates, outcome: 'created' };
    } catch (e) {
      // Another replica wrote between our read and our write: take what it wrote.
      if (!isConflict(e) || attempt >= ATTEMPTS) throw e;
    }
  }
}

async function readSecret(api: CoreV1Api, namespace: string, name: string): Promise<V1Secret | undefined> {
  try {
    return await api.readNamespacedSecret({ name, namespace });
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

function certificatesOf(secret: V1Secret): WebhookCertificates | undefined {
  const data = secret.data ?? {};
  const text = (key: string) => (data[key] ? Buffer.from(data[key], 'base64').toString('utf8') : undefined);
  const [caCert, caKey, cert, key] = [text(KEYS.caCert), text(KEYS.caKey), text(KEYS.cert), text(KEYS.key)];
  if (!caCert || !caKey || !cert || !key) return undefined;
  return { ca: { cert: caCert, key: caKey }, serving: { cert, key } };
}

function dataOf(c: WebhookCertificates): Record<string, string> {
  const b64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');
  return {
    [KEYS.caCert]: b64(c.ca.cert),
    [KEYS.caKey]: b64(c.ca.key),
    [KEYS.cert]: b64(c.serving.cert),
    [KEYS.key]: b64(c.serving.key),
  };
}

/** The Secret as read (its resourceVersion makes the replace conditional), with new data. */
function withCertificates(secret: V1Secret, c: WebhookCertificates): V1Secret {
  secret.data = { ...secret.data, ...dataOf(c) };
  return secret;
}

function newSecret(name: string, namespace: string, c: WebhookCertificates): V1Secret {
  const secret = new V1Secret();
  secret.apiVersion = 'v1';
  secret.kind = 'Secret';
  secret.metadata = new V1ObjectMeta();
  secret.metadata.name = name;
  secret.metadata.namespace = namespace;
  secret.metadata.labels = {
    'app.kubernetes.io/name': 'herald',
    'app.kubernetes.io/component': 'controller',
  };
  secret.type = 'Opaque';
  secret.data = dataOf(c);
  return secret;
}
