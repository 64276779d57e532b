// BGPPeer v1beta1 ⇄ v1beta2, for the CRD's conversion webhook.
//
// Herald's v1beta1 spec is v1beta2's without the newer fields (dynamicASN, interface,
// connectTime, enableGracefulRestart, disableMP, dualStackAddressFamily, localASN); every shared
// field keeps its name and meaning, and nodeSelectors are label selectors in both. MetalLB drops
// the newer fields when it serves a v1beta2 object as v1beta1, so a v1beta1 client that reads
// and writes back an object loses them. Herald keeps them instead in one annotation on the
// v1beta1 form and restores them on the way back (the API server lets a conversion change
// labels and annotations, nothing else of metadata), so both round trips are lossless.
import { isRecord } from '../config/resource.js';
import { bgpPeerSpecV1beta1, bgpPeerSpecV1beta2 } from '../config/schema/metallb.js';

export const BGP_PEER_V1BETA1 = 'metallb.io/v1beta1';
export const BGP_PEER_V1BETA2 = 'metallb.io/v1beta2';

/** On a v1beta1 BGPPeer: the v1beta2-only spec fields, as JSON. */
export const V1BETA2_SPEC_ANNOTATION = 'herald-lb.io/bgppeer-v1beta2-spec';

const V1BETA1_FIELDS = new Set(Object.keys(bgpPeerSpecV1beta1.shape));
const V1BETA2_ONLY = Object.keys(bgpPeerSpecV1beta2.shape).filter((f) => !V1BETA1_FIELDS.has(f));

/**
 * A kept v1beta2-only field that a v1beta1 field excludes: when a v1beta1 client has since set
 * peerASN, the kept dynamicASN is stale (the two are mutually exclusive) and is not restored.
 */
const EXCLUDED_BY: Readonly<Record<string, string>> = { dynamicASN: 'peerASN', interface: 'peerAddress' };

export type BgpPeerConversion =
  | { readonly ok: true; readonly object: Record<string, unknown> }
  | { readonly ok: false; readonly message: string };

export function convertBgpPeer(object: unknown, desiredApiVersion: string): BgpPeerConversion {
  if (!isRecord(object) || object.kind !== 'BGPPeer') return { ok: false, message: 'not a BGPPeer object' };
  const from = object.apiVersion;
  const versions = [BGP_PEER_V1BETA1, BGP_PEER_V1BETA2];
  if (typeof from !== 'string' || !versions.includes(from))
    return { ok: false, message: `cannot convert BGPPeer from apiVersion ${String(from)}` };
  if (!versions.includes(desiredApiVersion))
    return { ok: false, message: `cannot convert BGPPeer to apiVersion ${desiredApiVersion}` };
  if (from === desiredApiVersion) return { ok: true, object: { ...object } };
  return {
    ok: true,
    object: desiredApiVersion === BGP_PEER_V1BETA1 ? toV1beta1(object) : toV1beta2(object),
  };
}

function toV1beta1(object: Record<string, unknown>): Record<string, unknown> {
  const spec = isRecord(object.spec) ? object.spec : undefined;
  const kept: Record<string, unknown> = {};
  const moved: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(spec ?? {})) {
    if (V1BETA2_ONLY.includes(field)) moved[field] = value;
    else kept[field] = value;
  }
  const annotation = Object.keys(moved).length > 0 ? JSON.stringify(moved) : undefined;
  return {
    ...object,
    apiVersion: BGP_PEER_V1BETA1,
    metadata: withAnnotation(object.metadata, annotation),
    ...(spec ? { spec: kept } : {}),
  };
}

function toV1beta2(object: Record<string, unknown>): Record<string, unknown> {
  const spec = isRecord(object.spec) ? { ...object.spec } : undefined;
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  const stash = readStash(annotations[V1BETA2_SPEC_ANNOTATION]);
  const restored: Record<string, unknown> = { ...spec };
  for (const field of V1BETA2_ONLY) {
    if (!(field in stash) || field in restored) continue;
    const excludedBy = EXCLUDED_BY[field];
    if (excludedBy !== undefined && restored[excludedBy] !== undefined) continue;
    restored[field] = stash[field];
  }
  return {
    ...object,
    apiVersion: BGP_PEER_V1BETA2,
    metadata: withAnnotation(object.metadata, undefined),
    ...(spec || Object.keys(restored).length > 0 ? { spec: restored } : {}),
  };
}

/** The kept fields; an annotation someone edited into something else is ignored. */
function readStash(value: unknown): Record<string, unknown> {
  if (typeof value !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return isRecord(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** metadata with the annotation set to value, or removed when value is undefined. */
function withAnnotation(metadata: unknown, value: string | undefined): unknown {
  if (!isRecord(metadata)) {
    return value === undefined ? metadata : { annotations: { [V1BETA2_SPEC_ANNOTATION]: value } };
  }
  const current = isRecord(metadata.annotations) ? metadata.annotations : {};
  if (value === undefined && !(V1BETA2_SPEC_ANNOTATION in current)) return metadata;
  const annotations = Object.fromEntries(
    Object.entries(current).filter(([key]) => key !== V1BETA2_SPEC_ANNOTATION),
  );
  if (value !== undefined) annotations[V1BETA2_SPEC_ANNOTATION] = value;
  const { annotations: _replaced, ...rest } = metadata;
  return Object.keys(annotations).length > 0 ? { ...rest, annotations } : rest;
}
