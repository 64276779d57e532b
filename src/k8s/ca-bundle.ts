// Tells the API server which CA to trust for Herald's webhooks: the caBundle of every webhook in
// the ValidatingWebhookConfiguration, and of the BGPPeer CRD's conversion webhook. Changed with a
// JSON patch of those fields alone, guarded by a test of the resourceVersion read, so nothing else
// of either object is rewritten (a typed replace would drop fields this client version does not
// know) and a concurrent edit is read again rather than overwritten.
import {
  PatchStrategy,
  setHeaderOptions,
  type AdmissionregistrationV1Api,
  type ApiextensionsV1Api,
} from '@kubernetes/client-node';
import { isConflict, isNotFound, statusOf } from './api-errors.js';

/** What one injection found: the object already right, patched, absent, or not using a webhook. */
export type InjectionOutcome = 'unchanged' | 'updated' | 'missing' | 'noWebhookConversion';

interface JsonPatchOp {
  readonly op: 'test' | 'add';
  readonly path: string;
  readonly value: unknown;
}

const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
const ATTEMPTS = 3;

export async function injectIntoWebhookConfiguration(
  api: AdmissionregistrationV1Api,
  name: string,
  caPem: string,
): Promise<InjectionOutcome> {
  const caBundle = Buffer.from(caPem, 'utf8').toString('base64');
  return withRetries(async () => {
    const config = await api.readValidatingWebhookConfiguration({ name });
    const webhooks = config.webhooks ?? [];
    const stale = webhooks.flatMap((w, i) => (w.clientConfig.caBundle === caBundle ? [] : [i]));
    if (stale.length === 0) return 'unchanged';
    const body: JsonPatchOp[] = [
      { op: 'test', path: '/metadata/resourceVersion', value: config.metadata?.resourceVersion },
      ...stale.map((i) => ({
        op: 'add' as const,
        path: `/webhooks/${i}/clientConfig/caBundle`,
        value: caBundle,
      })),
    ];
    await api.patchValidatingWebhookConfiguration({ name, body }, jsonPatch);
    return 'updated';
  });
}

export async function injectIntoCrdConversion(
  api: ApiextensionsV1Api,
  name: string,
  caPem: string,
): Promise<InjectionOutcome> {
  const caBundle = Buffer.from(caPem, 'utf8').toString('base64');
  return withRetries(async () => {
    const crd = await api.readCustomResourceDefinition({ name });
    const conversion = crd.spec.conversion;
    if (conversion?.strategy !== 'Webhook' || !conversion.webhook?.clientConfig) return 'noWebhookConversion';
    if (conversion.webhook.clientConfig.caBundle === caBundle) return 'unchanged';
    const body: JsonPatchOp[] = [
      { op: 'test', path: '/metadata/resourceVersion', value: crd.metadata?.resourceVersion },
      { op: 'add', path: '/spec/conversion/webhook/clientConfig/caBundle', value: caBundle },
    ];
    await api.patchCustomResourceDefinition({ name, body }, jsonPatch);
    return 'updated';
  });
}

/** A failed `test` (the object changed since it was read) is 409 or 422: read again. */
async function withRetries(step: () => Promise<InjectionOutcome>): Promise<InjectionOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (e) {
      if (isNotFound(e)) return 'missing';
      const raced = isConflict(e) || statusOf(e) === 422;
      if (!raced || attempt >= ATTEMPTS) throw e;
    }
  }
}
