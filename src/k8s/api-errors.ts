// The HTTP status of a failed Kubernetes API call (client-node throws ApiException with `code`),
// so callers can tell "not there" and "someone else wrote first" from real failures.
import { ApiException } from '@kubernetes/client-node';

export const statusOf = (error: unknown): number | undefined =>
  error instanceof ApiException ? (error as ApiException<unknown>).code : undefined;

export const isNotFound = (error: unknown): boolean => statusOf(error) === 404;

/** 409: created by someone else meanwhile, or changed since we read it (resourceVersion). */
export const isConflict = (error: unknown): boolean => statusOf(error) === 409;

export const describeApiError = (error: unknown): string => {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return status === undefined ? (message ?? '') : `HTTP ${status}: ${message ?? ''}`;
};
