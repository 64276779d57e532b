// Diagnostic codes (RFC 5880 §4.1): why the sender's session last changed state. 9–31 are
// reserved; a packet may still carry one, so names are looked up, never assumed.

export const BfdDiagnostic = {
  noDiagnostic: 0,
  controlDetectionTimeExpired: 1,
  echoFunctionFailed: 2,
  neighborSignaledSessionDown: 3,
  forwardingPlaneReset: 4,
  pathDown: 5,
  concatenatedPathDown: 6,
  administrativelyDown: 7,
  reverseConcatenatedPathDown: 8,
} as const;

export type BfdDiagnosticName = keyof typeof BfdDiagnostic;
export type BfdDiagnosticCode = (typeof BfdDiagnostic)[BfdDiagnosticName];

const NAMES = Object.fromEntries(Object.entries(BfdDiagnostic).map(([name, code]) => [code, name])) as Record<
  number,
  BfdDiagnosticName | undefined
>;

/** The RFC name of a code, or `reserved(<code>)` for 9–31. */
export function diagnosticName(code: number): BfdDiagnosticName | `reserved(${number})` {
  return NAMES[code] ?? `reserved(${code})`;
}
