// The controller's admission webhooks, started as one unit: certificates from the Secret (made
// or renewed when needed), the HTTPS server, and the CA bundle written where the API server reads
// it. Every refresh interval the Secret is read again (another replica may have renewed it; ours
// may be due) and the CA bundles are put back if something (a re-applied manifest) reset them.
import {
  AdmissionregistrationV1Api,
  ApiextensionsV1Api,
  CoreV1Api,
  type KubeConfig,
} from '@kubernetes/client-node';
import { WEBHOOK_SERVICE } from '../core/admission/index.js';
import { describeApiError } from './api-errors.js';
import { injectIntoCrdConversion, injectIntoWebhookConfiguration } from './ca-bundle.js';
import { ensureWebhookCertificates, WEBHOOK_CERT_SECRET } from './webhook-cert-secret.js';
import { serviceDnsNames, type ServingNames, type WebhookCertificates } from './webhook-certs.js';
import { startWebhookServer, type WebhookLog } from './webhook-server.js';

export type { WebhookLog } from './webhook-server.js';

export const DEFAULT_WEBHOOK_CONFIGURATION = 'metallb-webhook-configuration';
export const CONVERSION_CRD = 'bgppeers.metallb.io';

export interface AdmissionOptions {
  readonly kubeConfig: KubeConfig;
  /** The agent's namespace: the Secret lives there, and every metallb.io object must. */
  readonly namespace: string;
  /** Where to serve HTTPS; the Service of deploy/webhooks.yaml sends port 443 to 9443. */
  readonly listen: { readonly host: string; readonly port: number };
  /** The webhook Service, whose DNS names the certificate carries (default metallb-webhook-service). */
  readonly serviceName?: string;
  /** The ValidatingWebhookConfiguration to write the CA into (default metallb-webhook-configuration). */
  readonly webhookConfigurationName?: string;
  /** IP addresses the certificate must also be valid for (127.0.0.1 for `url:` clientConfigs in tests). */
  readonly extraIpSans?: readonly string[];
  /** The metallb.io objects (and Secrets, FRRConfigurations) the API server holds now. */
  readonly currentObjects: () => readonly unknown[];
  readonly log: WebhookLog;
  /** Default metallb-webhook-cert. */
  readonly secretName?: string;
  /** How often the Secret and the CA bundles are checked again; default one minute. */
  readonly refreshIntervalMs?: number;
  readonly now?: () => Date;
}

export interface AdmissionHandle {
  /** The port served (the one asked for, or the one given for port 0). */
  readonly port: number;
  stop(): Promise<void>;
}

export async function startAdmission(options: AdmissionOptions): Promise<AdmissionHandle> {
  const { kubeConfig, namespace, log } = options;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const admissionApi = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  const extensionsApi = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const webhookConfiguration = options.webhookConfigurationName ?? DEFAULT_WEBHOOK_CONFIGURATION;
  const names: ServingNames = {
    dnsNames: serviceDnsNames(options.serviceName ?? WEBHOOK_SERVICE.name, namespace),
    ipAddresses: options.extraIpSans ?? [],
  };
  const secretOptions = {
    api: core,
    namespace,
    secretName: options.secretName ?? WEBHOOK_CERT_SECRET,
    names,
    now: options.now ?? (() => new Date()),
  };

  const loadCertificates = async (): Promise<WebhookCertificates> => {
    const { certificates, outcome, reason } = await ensureWebhookCertificates(secretOptions);
    if (outcome !== 'reused')
      log.info({ component: 'admission', event: 'certificate', op: outcome, reason }, 'webhook certificate');
    return certificates;
  };

  const injectCa = async (caPem: string): Promise<void> => {
    const targets = [
      [
        'ValidatingWebhookConfiguration',
        webhookConfiguration,
        () => injectIntoWebhookConfiguration(admissionApi, webhookConfiguration, caPem),
      ],
      [
        'CustomResourceDefinition',
        CONVERSION_CRD,
        () => injectIntoCrdConversion(extensionsApi, CONVERSION_CRD, caPem),
      ],
    ] as const;
    for (const [kind, name, injection] of targets) {
      try {
        const outcome = await injection();
        if (outcome === 'updated')
          log.info(
            { component: 'admission', event: 'caBundle', kind, name, op: outcome },
            'CA bundle written',
          );
        else if (outcome === 'missing')
          log.warn(
            { component: 'admission', event: 'caBundle', kind, name, op: outcome },
            `${kind} ${name} not found; will retry`,
          );
      } catch (e) {
        log.warn(
          { component: 'admission', event: 'caBundle', kind, name, err: describeApiError(e) },
          'cannot write the CA bundle; will retry',
        );
      }
    }
  };

  let certificates = await loadCertificates();
  const server = await startWebhookServer({
    host: options.listen.host,
    port: options.listen.port,
    tls: certificates.serving,
    namespace,
    currentObjects: options.currentObjects,
    log,
  });
  log.info(
    { component: 'admission', event: 'listening', host: options.listen.host, port: server.port },
    'webhooks served',
  );
  await injectCa(certificates.ca.cert);

  let refreshing: Promise<void> | undefined;
  const refresh = async (): Promise<void> => {
    try {
      const next = await loadCertificates();
      if (next.serving.cert !== certificates.serving.cert) server.setCertificate(next.serving);
      certificates = next;
      await injectCa(certificates.ca.cert);
    } catch (e) {
      log.error(
        { component: 'admission', event: 'certificate', err: describeApiError(e) },
        'cannot refresh the webhook certificate',
      );
    }
  };
  const timer = setInterval(() => {
    refreshing ??= refresh().finally(() => (refreshing = undefined));
  }, options.refreshIntervalMs ?? 60_000);
  timer.unref();

  return {
    port: server.port,
    stop: async () => {
      clearInterval(timer);
      await refreshing;
      await server.close();
    },
  };
}
