// The wire types of the two reviews the API server sends: AdmissionReview (admission.k8s.io/v1)
// and ConversionReview (apiextensions.k8s.io/v1). Requests are read with zod, leniently beyond
// the fields Herald uses, so an unexpected body is answered rather than thrown on.
import { z } from 'zod';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
export const CONVERSION_API_VERSION = 'apiextensions.k8s.io/v1';

const groupVersionKind = z.looseObject({ group: z.string(), version: z.string(), kind: z.string() });

export const admissionRequest = z.looseObject({
  uid: z.string(),
  kind: groupVersionKind,
  subResource: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
  object: z.unknown().optional(),
  oldObject: z.unknown().optional(),
});
export type AdmissionRequest = z.infer<typeof admissionRequest>;

export const admissionReviewRequest = z.looseObject({
  apiVersion: z.literal(ADMISSION_API_VERSION),
  kind: z.literal('AdmissionReview'),
  request: admissionRequest,
});

export interface AdmissionStatus {
  readonly code: number;
  readonly reason: 'Invalid' | 'Forbidden' | 'BadRequest' | 'InternalError';
  readonly message: string;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: AdmissionStatus;
  readonly warnings?: readonly string[];
}

export interface AdmissionReviewResponse {
  readonly apiVersion: typeof ADMISSION_API_VERSION;
  readonly kind: 'AdmissionReview';
  readonly response: AdmissionResponse;
}

export const conversionReviewRequest = z.looseObject({
  apiVersion: z.literal(CONVERSION_API_VERSION),
  kind: z.literal('ConversionReview'),
  request: z.looseObject({
    uid: z.string(),
    desiredAPIVersion: z.string(),
    objects: z.array(z.unknown()),
  }),
});

export interface ConversionResponse {
  readonly uid: string;
  readonly convertedObjects: readonly unknown[];
  readonly result: { readonly status: 'Success' } | { readonly status: 'Failure'; readonly message: string };
}

export interface ConversionReviewResponse {
  readonly apiVersion: typeof CONVERSION_API_VERSION;
  readonly kind: 'ConversionReview';
  readonly response: ConversionResponse;
}

/** The uid of a review that failed to parse, when one can still be found (answers must echo it). */
export function uidOf(review: unknown): string {
  const request = z.looseObject({ request: z.looseObject({ uid: z.string() }) }).safeParse(review);
  return request.success ? request.data.request.uid : '';
}

/** zod's first few complaints as one line: `request.operation: Invalid option ...`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/** An AdmissionReview answer refusing a request that could not be judged. */
export const admissionFailure = (uid: string, status: AdmissionStatus): AdmissionReviewResponse => ({
  apiVersion: ADMISSION_API_VERSION,
  kind: 'AdmissionReview',
  response: { uid, allowed: false, status },
});

/** A ConversionReview answer failing the whole conversion. */
export const conversionFailure = (uid: string, message: string): ConversionReviewResponse => ({
  apiVersion: CONVERSION_API_VERSION,
  kind: 'ConversionReview',
  response: { uid, convertedObjects: [], result: { status: 'Failure', message } },
});
