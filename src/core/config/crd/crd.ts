// KINDS → CustomResourceDefinitions (apiextensions.k8s.io/v1). The spec schema of every version
// is derived from its zod schema, so the CRDs and parse() read the same fields.
import { CONVERSION_PATH, WEBHOOK_SERVICE } from '../../admission/webhook-paths.js';
import { KINDS, STATUS_KINDS, type KindInfo, type KindVersion } from '../kinds.js';
import { refinementsFor, REFINEMENTS, type FieldRefinement } from './rules.js';
import { StructuralSchemaError, structuralFromZod, type StructuralSchema } from './structural.js';

export interface PrinterColumn {
  readonly name: string;
  readonly type: string;
  readonly jsonPath: string;
}

export interface CrdVersion {
  readonly name: string;
  readonly served: true;
  readonly storage: boolean;
  readonly deprecated?: true;
  readonly deprecationWarning?: string;
  readonly additionalPrinterColumns?: readonly PrinterColumn[];
  readonly schema: { readonly openAPIV3Schema: StructuralSchema };
  readonly subresources?: { readonly status: Record<string, never> };
}

export interface CustomResourceDefinition {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly group: string;
    readonly names: {
      readonly kind: string;
      readonly listKind: string;
      readonly plural: string;
      readonly singular: string;
      readonly shortNames?: readonly string[];
    };
    readonly scope: 'Namespaced';
    readonly conversion?: WebhookConversion;
    readonly versions: readonly CrdVersion[];
  };
}

/**
 * A kind served in several versions is converted by the controller's webhook (BGPPeer v1beta1 ⇄
 * v1beta2, src/core/admission/bgp-peer-conversion.ts), behind the Service of deploy/webhooks.yaml.
 * The controller fills in caBundle at run time.
 */
export interface WebhookConversion {
  readonly strategy: 'Webhook';
  readonly webhook: {
    readonly conversionReviewVersions: readonly ['v1'];
    readonly clientConfig: {
      readonly service: {
        readonly namespace: string;
        readonly name: string;
        readonly path: string;
        readonly port: number;
      };
    };
  };
}

const webhookConversion: WebhookConversion = {
  strategy: 'Webhook',
  webhook: {
    conversionReviewVersions: ['v1'],
    clientConfig: { service: { ...WEBHOOK_SERVICE, path: CONVERSION_PATH } },
  },
};

/** The CRDs of the configuration kinds Herald serves (watched, validated by webhooks), in KINDS order. */
export function buildCrds(kinds: readonly KindInfo[] = KINDS): CustomResourceDefinition[] {
  return kinds.filter((k) => k.crd).map(buildCrd);
}

/** Every CRD deploy/crds/ holds: the configuration kinds', then the speaker's status objects'. */
export function buildAllCrds(): CustomResourceDefinition[] {
  return [...buildCrds(KINDS), ...buildCrds(STATUS_KINDS)];
}

export function buildCrd(info: KindInfo): CustomResourceDefinition {
  const storage = info.versions.filter((v) => v.storage);
  if (storage.length !== 1) throw new Error(`${info.kind}: exactly one version must be the storage version`);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${info.plural}.${info.group}` },
    spec: {
      group: info.group,
      names: {
        kind: info.kind,
        listKind: `${info.kind}List`,
        plural: info.plural,
        singular: info.kind.toLowerCase(),
        ...(info.shortNames ? { shortNames: info.shortNames } : {}),
      },
      scope: 'Namespaced',
      ...(info.versions.length > 1 ? { conversion: webhookConversion } : {}),
      versions: info.versions.map((v) => buildVersion(info, v)),
    },
  };
}

function buildVersion(info: KindInfo, version: KindVersion): CrdVersion {
  const status = REFINEMENTS[info.kind]?.status;
  const columns = info.printerColumns?.map((c) => ({ name: c.name, type: c.type, jsonPath: c.jsonPath }));
  return {
    name: version.name,
    served: true,
    storage: version.storage,
    ...(version.deprecationWarning
      ? { deprecated: true, deprecationWarning: version.deprecationWarning }
      : {}),
    ...(columns?.length ? { additionalPrinterColumns: columns } : {}),
    schema: { openAPIV3Schema: objectSchema(info, version, status) },
    ...(status ? { subresources: { status: {} } } : {}),
  };
}

/** The whole object: apiVersion, kind, metadata, spec and (when the kind has one) status. */
function objectSchema(
  info: KindInfo,
  version: KindVersion,
  status: StructuralSchema | undefined,
): StructuralSchema {
  const spec = specSchema(info, version);
  const properties: Record<string, StructuralSchema> = {
    apiVersion: {
      type: 'string',
      description: 'APIVersion defines the versioned schema of this representation of an object.',
    },
    kind: {
      type: 'string',
      description: 'Kind is a string value representing the REST resource this object represents.',
    },
    metadata: { type: 'object' },
    spec,
  };
  if (status) properties.status = status;
  return {
    type: 'object',
    description:
      info.description ??
      `${info.kind} (${info.group}/${version.name}); generated from Herald's configuration schema.`,
    properties,
    ...(info.specOptional ? {} : { required: ['spec'] }),
  };
}

/** The spec schema of one version: derived from zod, then refined with ranges and CEL rules. */
export function specSchema(info: KindInfo, version: KindVersion): StructuralSchema {
  const spec = structuralFromZod(version.spec);
  for (const refinement of refinementsFor(info.kind, version.name)) {
    for (const field of refinement.fields ?? []) refineField(spec, field, `${info.kind} ${version.name}`);
    if (refinement.specRules?.length) {
      spec['x-kubernetes-validations'] = [
        ...(spec['x-kubernetes-validations'] ?? []),
        ...refinement.specRules,
      ];
    }
  }
  return spec;
}

/** Same as specSchema, without ranges or CEL rules: exactly what the zod schema says. */
export function derivedSpecSchema(version: KindVersion): StructuralSchema {
  return structuralFromZod(version.spec);
}

function refineField(spec: StructuralSchema, field: FieldRefinement, where: string): void {
  let node = spec;
  for (const step of field.path) {
    const next = step === '[]' ? node.items : node.properties?.[step];
    if (!next)
      throw new StructuralSchemaError(
        `${where} spec.${field.path.join('.')}`,
        'refined field not in the schema',
      );
    node = next;
  }
  Object.assign(node, field.schema);
  if (field.rules?.length)
    node['x-kubernetes-validations'] = [...(node['x-kubernetes-validations'] ?? []), ...field.rules];
}
