// Where the API server reaches Herald's webhooks: one validating path per served kind and
// version (named as MetalLB names them, so existing webhook configurations keep working), the
// CRD conversion path, and the Service that fronts them in deploy/webhooks.yaml.
import { KINDS, type KindInfo } from '../config/kinds.js';

export const CONVERSION_PATH = '/convert';

/** The Service of deploy/webhooks.yaml; its port 443 forwards to the controller's 9443. */
export const WEBHOOK_SERVICE = { namespace: 'metallb-system', name: 'metallb-webhook-service', port: 443 };

/** `/validate-metallb-io-v1beta1-ipaddresspool`: group dots become dashes, kind in lower case. */
export function validatePath(group: string, version: string, kind: string): string {
  return `/validate-${group.replaceAll('.', '-')}-${version}-${kind.toLowerCase()}`;
}

export interface ValidatedKind {
  readonly info: KindInfo;
  readonly version: string;
  readonly path: string;
}

/** Every kind and version Herald serves a CRD for, with its validating path. */
export function validatedKinds(kinds: readonly KindInfo[] = KINDS): ValidatedKind[] {
  return kinds
    .filter((info) => info.crd)
    .flatMap((info) =>
      info.versions.map((v) => ({
        info,
        version: v.name,
        path: validatePath(info.group, v.name, info.kind),
      })),
    );
}
