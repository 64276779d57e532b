// deploy/webhooks.yaml agrees with the code: a webhook for every kind Herald serves a CRD for, on
// the paths the server answers, Fail for metallb.io, DELETE for BFD profiles; the Service sends
// 443 to 9443; the BGPPeer CRD's conversion goes to the same Service on /convert.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { CONVERSION_PATH, validatedKinds, WEBHOOK_SERVICE } from '../../../src/core/admission/index.js';
import { buildCrds } from '../../../src/core/config/crd/index.js';

interface Webhook {
  name: string;
  clientConfig: { service: { name: string; namespace: string; path: string; port?: number } };
  rules: { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }[];
  failurePolicy: string;
  matchPolicy: string;
  sideEffects: string;
  admissionReviewVersions: string[];
}

const docs = parseAllDocuments(
  readFileSync(join(import.meta.dirname, '../../../deploy/webhooks.yaml'), 'utf8'),
).map((d) => d.toJS() as Record<string, unknown>);
const find = (kind: string) => docs.find((d) => d.kind === kind);

describe('deploy/webhooks.yaml', () => {
  const config = find('ValidatingWebhookConfiguration') as {
    metadata: { name: string };
    webhooks: Webhook[];
  };
  const service = find('Service') as {
    metadata: { name: string; namespace: string };
    spec: { ports: { port: number; targetPort: number }[] };
  };

  it('has the Service the webhooks and the CRD conversion name, 443 → 9443', () => {
    assert.deepEqual(
      { name: service.metadata.name, namespace: service.metadata.namespace },
      { name: WEBHOOK_SERVICE.name, namespace: WEBHOOK_SERVICE.namespace },
    );
    assert.deepEqual(
      service.spec.ports.map((p) => [p.port, p.targetPort]),
      [[443, 9443]],
    );
    const bgpPeers = buildCrds().find((c) => c.spec.names.kind === 'BGPPeer');
    assert.deepEqual(bgpPeers?.spec.conversion?.webhook.clientConfig.service, {
      ...WEBHOOK_SERVICE,
      path: CONVERSION_PATH,
    });
  });

  it('validates every served kind, on a path the server answers, with the settings the API needs', () => {
    assert.equal(config.metadata.name, 'metallb-webhook-configuration');
    const served = new Set(validatedKinds().map((k) => k.path));
    const covered = new Set<string>();
    for (const w of config.webhooks) {
      assert.ok(served.has(w.clientConfig.service.path), `${w.name}: ${w.clientConfig.service.path}`);
      assert.equal(w.clientConfig.service.name, WEBHOOK_SERVICE.name);
      assert.equal(w.clientConfig.service.namespace, WEBHOOK_SERVICE.namespace);
      assert.equal(w.sideEffects, 'None');
      assert.equal(w.matchPolicy, 'Equivalent');
      assert.deepEqual(w.admissionReviewVersions, ['v1']);
      for (const rule of w.rules) {
        for (const group of rule.apiGroups) {
          assert.equal(w.failurePolicy, group === 'metallb.io' ? 'Fail' : 'Ignore', w.name);
          for (const resource of rule.resources) covered.add(`${group}/${resource}`);
        }
        const deletes = rule.resources.includes('bfdprofiles');
        assert.deepEqual(rule.operations, deletes ? ['CREATE', 'UPDATE', 'DELETE'] : ['CREATE', 'UPDATE']);
      }
    }
    const crds = buildCrds().map((c) => `${c.spec.group}/${c.spec.names.plural}`);
    assert.deepEqual([...covered].sort(), crds.sort());
  });
});
