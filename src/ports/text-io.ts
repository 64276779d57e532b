// Where a command's text goes: the CLI writes to stdout/stderr, tests capture it. Lab commands
// (src/lab/) take it too, so it lives here rather than in cli/.
export interface TextIo {
  out(text: string): void;
  err(text: string): void;
}
