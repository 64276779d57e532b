// What leader election needs from the Kubernetes API: one Lease, read and written with
// optimistic concurrency. Implemented by src/k8s/lease-client.ts, and by fakes in tests.
// Every call takes an AbortSignal: the election abandons a request it no longer waits for.
import type { LeaseSpec, StoredLease } from '../core/lease/types.js';

/** A conditional write either lands, or loses a race to another writer (HTTP 409). */
export type LeaseWriteResult = { readonly ok: true; readonly lease: StoredLease } | { readonly ok: false };

export interface LeaseStore {
  /** The Lease, or undefined when it does not exist. Throws on any other failure. */
  get(signal: AbortSignal): Promise<StoredLease | undefined>;
  /** Creates the Lease; `{ok: false}` when it already exists. */
  create(spec: LeaseSpec, signal: AbortSignal): Promise<LeaseWriteResult>;
  /** Replaces the Lease if it is still at `resourceVersion`; `{ok: false}` when it is not. */
  replace(spec: LeaseSpec, resourceVersion: string, signal: AbortSignal): Promise<LeaseWriteResult>;
}
