// Output helpers for CLI commands: every command writes through these so tests can capture it.
import type { TextIo } from '../ports/text-io.js';

export type CliIo = TextIo;

// A reader that goes away (`herald ... | head`) is not an error of ours: stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseOutputFormat(value: string): 'text' | 'json' {
  if (value !== 'text' && value !== 'json')
    throw new UsageError(`--output must be "text" or "json", got "${value}"`);
  return value;
}
