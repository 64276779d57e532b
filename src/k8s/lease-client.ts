// The Lease of leader election in the Kubernetes API (coordination.k8s.io/v1), as the LeaseStore
// port: get, create, and replace conditional on the resourceVersion last read. A 409 (the
// object changed, or already exists) is a lost race and comes back as `{ok: false}`, not an
// error. Every request is abandoned after `requestTimeoutMs`, so a hung apiserver cannot wedge
// the election: its deadline logic only works if requests end.
import {
  ApiException,
  CoordinationV1Api,
  Observable,
  V1Lease,
  V1LeaseSpec,
  V1MicroTime,
  V1ObjectMeta,
  type ConfigurationOptions,
  type KubeConfig,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';
import type { LeaseSpec, StoredLease } from '../core/lease/types.js';
import type { LeaseStore, LeaseWriteResult } from '../ports/lease-store.js';

export interface LeaseClientOptions {
  readonly namespace: string;
  readonly name: string;
  /** Per request; keep it under the renew deadline so a leader gets another try in time. */
  readonly requestTimeoutMs: number;
}

/** A request that failed for another reason than a lost race: unreachable, timed out, refused. */
export class LeaseRequestError extends Error {
  override readonly name = 'LeaseRequestError';
  constructor(
    message: string,
    /** The HTTP status, when the apiserver answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

const CONFLICT = 409;
const NOT_FOUND = 404;

/** Request options that tie the request to a signal (the client takes it through a middleware). */
function abortingWith(signal: AbortSignal): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (context: RequestContext) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}

const statusOf = (error: unknown): number | undefined =>
  error instanceof ApiException ? (error as ApiException<unknown>).code : undefined;

/** The apiserver's own message (a Status object's `message`), not the whole response body. */
function messageOf(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = (error as ApiException<unknown>).body;
    try {
      const status = (typeof body === 'string' ? JSON.parse(body) : body) as { message?: unknown };
      if (typeof status.message === 'string') return `HTTP ${error.code}: ${status.message}`;
    } catch {
      // not JSON
    }
    return `HTTP ${error.code}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The client leaves MicroTime fields as the text it received (its type says Date): take either. */
const timeText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : value instanceof Date ? value.toISOString() : undefined;

function toStored(lease: V1Lease): StoredLease {
  const spec: Partial<V1LeaseSpec> = lease.spec ?? {};
  return {
    spec: {
      holderIdentity: spec.holderIdentity,
      leaseDurationSeconds: spec.leaseDurationSeconds,
      acquireTime: timeText(spec.acquireTime),
      renewTime: timeText(spec.renewTime),
      leaseTransitions: spec.leaseTransitions,
    },
    resourceVersion: lease.metadata?.resourceVersion ?? '',
  };
}

/** MicroTime text → the client's type (it serializes as six fractional digits; ours end in 000). */
const wireTime = (text: string | undefined): V1MicroTime | undefined =>
  text === undefined ? undefined : new V1MicroTime(text);

const wireFields = (spec: LeaseSpec): Partial<V1LeaseSpec> => ({
  holderIdentity: spec.holderIdentity,
  leaseDurationSeconds: spec.leaseDurationSeconds,
  acquireTime: wireTime(spec.acquireTime),
  renewTime: wireTime(spec.renewTime),
  leaseTransitions: spec.leaseTransitions,
});

/** The object to send: `base` (the Lease as last read) with our spec fields and version. */
function leaseObject(
  names: { name: string; namespace: string },
  spec: LeaseSpec,
  resourceVersion: string | undefined,
  base: V1Lease | undefined,
): V1Lease {
  const metadata = Object.assign(new V1ObjectMeta(), base?.metadata, { ...names, resourceVersion });
  const wireSpec = Object.assign(new V1LeaseSpec(), base?.spec, wireFields(spec));
  return Object.assign(new V1Lease(), base, { metadata, spec: wireSpec });
}

export function createLeaseClient(kubeConfig: KubeConfig, options: LeaseClientOptions): LeaseStore {
  const { namespace, name, requestTimeoutMs } = options;
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  // The last Lease seen: a replace of that version keeps its labels, annotations and spec fields
  // the election does not own (a PUT replaces the whole object).
  let latest: V1Lease | undefined;
  const remember = (lease: V1Lease): StoredLease => {
    latest = lease;
    return toStored(lease);
  };

  const request = async <T>(
    what: string,
    signal: AbortSignal,
    send: (o: ConfigurationOptions) => Promise<T>,
  ) => {
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    try {
      return await send(abortingWith(AbortSignal.any([signal, timeout])));
    } catch (error) {
      const status = statusOf(error);
      if (status === CONFLICT || status === NOT_FOUND) throw error;
      if (timeout.aborted && !signal.aborted) {
        throw new LeaseRequestError(
          `${what} lease ${namespace}/${name}: no answer in ${requestTimeoutMs} ms`,
        );
      }
      throw new LeaseRequestError(`${what} lease ${namespace}/${name}: ${messageOf(error)}`, status);
    }
  };
  const lostRace = (error: unknown): LeaseWriteResult => {
    if (statusOf(error) === CONFLICT) return { ok: false };
    throw error;
  };

  return {
    async get(signal) {
      try {
        return remember(await request('get', signal, (o) => api.readNamespacedLease({ name, namespace }, o)));
      } catch (error) {
        if (statusOf(error) !== NOT_FOUND) throw error;
        latest = undefined;
        return undefined;
      }
    },
    async create(spec, signal) {
      const body = leaseObject({ name, namespace }, spec, undefined, undefined);
      try {
        const created = await request('create', signal, (o) =>
          api.createNamespacedLease({ namespace, body }, o),
        );
        return { ok: true, lease: remember(created) };
      } catch (error) {
        return lostRace(error);
      }
    },
    async replace(spec, resourceVersion, signal) {
      const base = latest?.metadata?.resourceVersion === resourceVersion ? latest : undefined;
      const body = leaseObject({ name, namespace }, spec, resourceVersion, base);
      try {
        const replaced = await request('replace', signal, (o) =>
          api.replaceNamespacedLease({ name, namespace, body }, o),
        );
        return { ok: true, lease: remember(replaced) };
      } catch (error) {
        return lostRace(error);
      }
    },
  };
}
