// The admission and conversion decisions of the controller's webhooks (pure; the HTTPS server
// and the certificates are in src/k8s/).
export { reviewAdmission, type ReviewOptions } from './review.js';
export { convertBgpPeers } from './conversion-review.js';
export {
  BGP_PEER_V1BETA1,
  BGP_PEER_V1BETA2,
  convertBgpPeer,
  V1BETA2_SPEC_ANNOTATION,
  type BgpPeerConversion,
} from './bgp-peer-conversion.js';
export {
  CONVERSION_PATH,
  validatedKinds,
  validatePath,
  WEBHOOK_SERVICE,
  type ValidatedKind,
} from './webhook-paths.js';
export {
  ADMISSION_API_VERSION,
  admissionFailure,
  CONVERSION_API_VERSION,
  conversionFailure,
  uidOf,
  type AdmissionResponse,
  type AdmissionStatus,
  type AdmissionReviewResponse,
  type ConversionReviewResponse,
} from './review-types.js';
