// A coordination.k8s.io/v1 Lease as the election sees it: the spec fields client-go's
// leader election uses, and the resourceVersion that makes a write conditional. Times are
// Kubernetes MicroTime strings (RFC 3339 with six fractional digits, UTC), kept as text: the
// election never compares its clock to them (see observe.ts).

export interface LeaseSpec {
  /** Empty or absent: nobody holds the lease (never acquired, or released). */
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
}

/** A Lease as read from (or written to) the apiserver. */
export interface StoredLease {
  readonly spec: LeaseSpec;
  readonly resourceVersion: string;
}

/** A write to make: create when there is no resourceVersion, else replace that version. */
export interface LeaseWrite {
  readonly spec: LeaseSpec;
  readonly resourceVersion: string | undefined;
}
