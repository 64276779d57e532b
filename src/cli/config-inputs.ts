// Reading configuration for the commands that act on it (allocate, plan, later the standalone
// speaker): YAML files applied in order, parsed all-or-nothing; on errors, the same lines
// `herald validate` prints, on stderr, and exit status 2.
import type { Command } from 'commander';
import { applyInOrder } from '../core/config/apply.js';
import { formatIssue } from '../core/config/issues.js';
import { DEFAULT_NAMESPACE, parse } from '../core/config/parse.js';
import { validateInputs } from '../core/config/report.js';
import type { Config } from '../core/config/types.js';
import { readYamlInputs } from '../files/yaml-files.js';
import { type CliIo, EXIT } from './output.js';

export interface ConfigInputs {
  readonly config: Config;
  /** Every object, after same-name replacement, in input order. */
  readonly objects: readonly unknown[];
}

export function addNamespaceOption(command: Command): Command {
  return command.option(
    '-n, --namespace <ns>',
    "the agent's namespace; objects without one are placed there",
    DEFAULT_NAMESPACE,
  );
}

/** The inputs, or undefined after reporting the configuration's errors (exit status set to 2). */
export async function readConfigInputs(
  paths: readonly string[],
  namespace: string,
  io: CliIo,
  setExit: (code: number) => void,
  consequence: string,
): Promise<ConfigInputs | undefined> {
  const values = await readYamlInputs(paths);
  const objects = applyInOrder(values, namespace).kept.map((k) => k.value);
  const result = parse(objects, { namespace, references: 'warn' });
  if (result.ok) return { config: result.config, objects };
  const report = validateInputs(values, { namespace, references: 'warn' });
  for (const e of report.entries.filter((x) => x.severity === 'error'))
    io.err(`${e.file}: ${formatIssue(e)}`);
  io.err(`herald: the configuration has ${report.errorCount} error(s); ${consequence}`);
  setExit(EXIT.usage);
  return undefined;
}
