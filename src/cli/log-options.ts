// --log-level / --log-format, shared by the long-running commands. The level may also come from
// HERALD_LOG_LEVEL (a DaemonSet sets it without changing args); the flag wins.
import { Option, type Command } from 'commander';
import { createEventLog, isLogLevel, LOG_LEVELS, type EventLog, type LogFormat } from '../observe/log.js';
import { UsageError } from './output.js';

export interface LogCliOptions {
  logLevel?: string;
  logFormat?: LogFormat;
}

export function addLogOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--log-level <level>',
        'trace | debug (every machine transition) | info | warn | error | silent',
      )
        .choices(LOG_LEVELS)
        .env('HERALD_LOG_LEVEL')
        .default('info'),
    )
    .addOption(
      new Option(
        '--log-format <format>',
        'json lines, or pretty for terminals (default: pretty on a TTY)',
      ).choices(['json', 'pretty']),
    );
}

export function eventLogFrom(opts: LogCliOptions, node: string): EventLog {
  const level = opts.logLevel ?? 'info';
  if (!isLogLevel(level)) throw new UsageError(`invalid --log-level "${level}"`);
  const format = opts.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
  return createEventLog({ node, level, format });
}
