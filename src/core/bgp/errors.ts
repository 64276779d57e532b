// Decoding never throws: what is wrong with a message comes back as a BgpError naming the field,
// the RFC 7606 action the receiver must take, and the NOTIFICATION RFC 4271 prescribes for it
// (sent only when the action is a session reset; logged otherwise).

/**
 * RFC 7606 §2, from strongest to weakest: close the session with a NOTIFICATION; keep the session
 * but handle the UPDATE's routes as withdrawn; drop just the malformed attribute.
 */
export type ErrorAction = 'session-reset' | 'treat-as-withdraw' | 'attribute-discard';

export interface NotificationFields {
  readonly code: number;
  readonly subcode: number;
  readonly data: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export class BgpError {
  readonly name = 'BgpError';

  constructor(
    readonly action: ErrorAction,
    /** Where the problem is, e.g. `UPDATE.attributes.ORIGIN` or `OPEN.holdTime`. */
    readonly field: string,
    readonly detail: string,
    readonly notification: NotificationFields,
  ) {}

  get message(): string {
    return `${this.field}: ${this.detail}`;
  }
}

export const isBgpError = (value: unknown): value is BgpError => value instanceof BgpError;

/** A session-closing error with its NOTIFICATION. */
export const sessionReset = (
  field: string,
  detail: string,
  code: number,
  subcode: number,
  data: Uint8Array = EMPTY,
): BgpError => new BgpError('session-reset', field, detail, { code, subcode, data });

const STRENGTH: Readonly<Record<ErrorAction, number>> = {
  'attribute-discard': 1,
  'treat-as-withdraw': 2,
  'session-reset': 3,
};

/** RFC 7606 §3(h): with several errors in one UPDATE, the strongest action wins. */
export function strongestAction(errors: readonly BgpError[]): ErrorAction | undefined {
  let best: ErrorAction | undefined;
  for (const error of errors) if (!best || STRENGTH[error.action] > STRENGTH[best]) best = error.action;
  return best;
}
