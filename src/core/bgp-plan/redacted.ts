// A secret value (a BGP session's TCP-MD5 password) that cannot leak by accident: JSON, string
// conversion and util.inspect all show `<redacted>`; only `reveal()` gives the value, for the code
// that configures the socket.
const SHOWN = '<redacted>';

export class Redacted {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return SHOWN;
  }

  toString(): string {
    return SHOWN;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return SHOWN;
  }
}
