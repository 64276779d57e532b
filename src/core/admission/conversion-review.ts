// ConversionReview → response: every object converted to the desired version, or a Failure
// naming the first object that could not be (the API server then fails the whole request).
import { convertBgpPeer } from './bgp-peer-conversion.js';
import {
  CONVERSION_API_VERSION,
  conversionFailure,
  conversionReviewRequest,
  describeZodError,
  uidOf,
  type ConversionReviewResponse,
} from './review-types.js';

export function convertBgpPeers(review: unknown): ConversionReviewResponse {
  const parsed = conversionReviewRequest.safeParse(review);
  if (!parsed.success) {
    return conversionFailure(uidOf(review), `invalid ConversionReview: ${describeZodError(parsed.error)}`);
  }
  const { uid, desiredAPIVersion, objects } = parsed.data.request;
  const convertedObjects: unknown[] = [];
  for (const [i, object] of objects.entries()) {
    const converted = convertBgpPeer(object, desiredAPIVersion);
    if (!converted.ok) {
      return conversionFailure(uid, `objects[${i}]: ${converted.message}`);
    }
    convertedObjects.push(converted.object);
  }
  return {
    apiVersion: CONVERSION_API_VERSION,
    kind: 'ConversionReview',
    response: { uid, convertedObjects, result: { status: 'Success' } },
  };
}
