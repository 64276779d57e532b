// AdmissionReview → verdict for the metallb.io kinds (and frrk8s FRRConfiguration): the same
// parse() rules as `herald validate`, run on what the API server holds with the candidate in
// place. References to objects that may come later (a BFD profile, a password Secret) are
// warnings, as in `herald validate`.
//
// A candidate is refused for an error on itself, or for an error it causes elsewhere: errors are
// computed with and without it, and an error already there without it (in some other stored
// object) does not block it. Deleting a BFD profile that a BGPPeer uses is refused.
import { ADMISSION_REFUSALS, describeIssue, describeObject, issueKey, sameObject } from './issue-text.js';
import { peersUsingBfdProfile } from './bfd-profile-in-use.js';
import { identityOf, replaceObject, sameJson, storedForm, withRequestName } from './object-set.js';
import {
  ADMISSION_API_VERSION,
  admissionFailure,
  admissionReviewRequest,
  describeZodError,
  uidOf,
  type AdmissionRequest,
  type AdmissionResponse,
  type AdmissionReviewResponse,
} from './review-types.js';
import type { ConfigIssue } from '../config/issues.js';
import { findKind, METALLB_GROUP, FRRK8S_GROUP } from '../config/kinds.js';
import { parse } from '../config/parse.js';
import { isRecord, toResource } from '../config/resource.js';
import type { NodeInfo } from '../config/rules/peers.js';

export interface ReviewOptions {
  /** The agent's namespace: every metallb.io object must live there. */
  readonly namespace: string;
  /** Known nodes, as parse() takes them; without them, peer rules assume every peer shares a node. */
  readonly nodes?: readonly NodeInfo[];
}

export function reviewAdmission(
  review: unknown,
  currentObjects: readonly unknown[],
  options: ReviewOptions,
): AdmissionReviewResponse {
  const parsed = admissionReviewRequest.safeParse(review);
  if (!parsed.success) {
    const message = `invalid AdmissionReview: ${describeZodError(parsed.error)}`;
    return admissionFailure(uidOf(review), { code: 400, reason: 'BadRequest', message });
  }
  const request = parsed.data.request;
  const { group, kind } = request.kind;
  const ours = (group === METALLB_GROUP || group === FRRK8S_GROUP) && findKind(group, kind) !== undefined;
  // Status and other subresources carry no configuration; kinds that are not Herald's pass.
  if (!ours || request.subResource) return answer({ uid: request.uid, allowed: true });
  switch (request.operation) {
    case 'CREATE':
    case 'UPDATE':
      return answer(reviewWrite(request, currentObjects, options));
    case 'DELETE':
      return answer(reviewDelete(request, currentObjects, options));
    case 'CONNECT':
      return answer({ uid: request.uid, allowed: true });
  }
}

function reviewWrite(
  request: AdmissionRequest,
  currentObjects: readonly unknown[],
  options: ReviewOptions,
): AdmissionResponse {
  const { uid, kind } = request;
  if (!isRecord(request.object)) {
    const message = `${request.operation} of ${kind.kind} without an object`;
    return { uid, allowed: false, status: { code: 400, reason: 'BadRequest', message } };
  }
  const ns = options.namespace;
  const candidate = storedForm(withRequestName(request.object, request.namespace, request.name));
  const ref = toResource(candidate, ns) ?? { kind: kind.kind, namespace: ns, name: request.name ?? '' };
  if (kind.group === METALLB_GROUP && ref.namespace !== ns) {
    const message = `${describeObject(ref)}: metadata.namespace: resource must be created in ${ns} namespace`;
    return { uid, allowed: false, status: { code: 403, reason: 'Forbidden', message } };
  }
  // An object on its way out (finalizers being removed) is not judged again.
  if (isRecord(request.object.metadata) && request.object.metadata.deletionTimestamp)
    return { uid, allowed: true };

  const identity = identityOf(candidate, ns) ?? '';
  const current = currentObjects.map(storedForm);
  const old = request.operation === 'UPDATE' ? storedForm(request.oldObject) : undefined;
  const parseOptions = { namespace: ns, references: 'warn', nodes: options.nodes } as const;
  const before = parse(replaceObject(current, identity, old, ns), parseOptions).issues;
  const after = parse(replaceObject(current, identity, candidate, ns), parseOptions).issues;

  const concernsCandidate = (i: ConfigIssue) => sameObject(i, ref);
  // An update that leaves spec and labels alone (an annotation, a finalizer) changes no verdict on
  // the object itself, so only what it newly breaks elsewhere could refuse it.
  const judged = old === undefined || !sameContent(old, candidate);
  const known = new Set(before.map(issueKey));
  const isNew = (i: ConfigIssue) => !known.has(issueKey(i));
  const errors = after.filter(
    (i) => i.severity === 'error' && ((judged && concernsCandidate(i)) || isNew(i)),
  );
  const warnings = after
    .filter((i) => i.severity === 'warning' && (concernsCandidate(i) || isNew(i)))
    .map(describeIssue);
  const warned = warnings.length > 0 ? { warnings } : {};
  if (errors.length === 0) return { uid, allowed: true, ...warned };
  const message = errors.slice(0, ADMISSION_REFUSALS).map(describeIssue).join('; ');
  const more = errors.length > ADMISSION_REFUSALS ? ` (and ${errors.length - ADMISSION_REFUSALS} more)` : '';
  return {
    uid,
    allowed: false,
    status: { code: 422, reason: 'Invalid', message: message + more },
    ...warned,
  };
}

function reviewDelete(
  request: AdmissionRequest,
  currentObjects: readonly unknown[],
  options: ReviewOptions,
): AdmissionResponse {
  const { uid, kind, name, namespace } = request;
  if (kind.kind !== 'BFDProfile' || namespace !== options.namespace || !name) return { uid, allowed: true };
  const users = peersUsingBfdProfile(currentObjects.map(storedForm), namespace, name);
  if (users.length === 0) return { uid, allowed: true };
  const message =
    `BFDProfile ${namespace}/${name}: cannot be deleted: used by ` +
    users.map((u) => `BGPPeer ${u} (spec.bfdProfile)`).join(', ');
  return { uid, allowed: false, status: { code: 403, reason: 'Forbidden', message } };
}

const sameContent = (a: unknown, b: unknown): boolean => {
  if (!isRecord(a) || !isRecord(b)) return false;
  const labels = (o: Record<string, unknown>) => (isRecord(o.metadata) ? o.metadata.labels : undefined);
  return sameJson(a.spec, b.spec) && sameJson(labels(a) ?? {}, labels(b) ?? {});
};

const answer = (response: AdmissionResponse): AdmissionReviewResponse => ({
  apiVersion: ADMISSION_API_VERSION,
  kind: 'AdmissionReview',
  response,
});
