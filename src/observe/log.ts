// Structured event logs (pino): one JSON object per line with stable keys, so a failover can be
// reconstructed with jq. Levels: every machine transition at debug; leadership changes, announce
// and withdraw, member state changes and config loads at info; refusals at warn; failures at error.
// `pretty` is the readable mode for terminals (pino-pretty, synchronous, colour when a TTY).
import { pino, stdTimeFunctions, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { TransitionRecord } from './state-board.js';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = 'json' | 'pretty';

/** The keys every component uses; a field's meaning never changes between components. */
export interface LogFields {
  /** membership | leadership | announce | config | speaker | machine | bgp | bfd | http */
  readonly component: string;
  /** What happened: `member`, `transition`, `announce`, `withdraw`, `loaded`, `rejected`, … */
  readonly event: string;
  /** The operation an effect performed, where there is one (`announce`, `withdraw`, `probe`). */
  readonly op?: string;
  readonly service?: string;
  readonly ip?: string;
  readonly ips?: readonly string[];
  /** A node of the cluster other than the logging one is a `peer`; `node` is set on every line. */
  readonly peer?: string;
  readonly iface?: string;
  readonly state?: string;
  readonly from?: string;
  readonly to?: string;
  readonly reason?: string;
  readonly err?: string;
  readonly [extra: string]: unknown;
}

export interface EventLog {
  debug(fields: LogFields): void;
  info(fields: LogFields): void;
  warn(fields: LogFields): void;
  error(fields: LogFields): void;
}

export interface EventLogOptions {
  readonly node: string;
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go; stdout when undefined. */
  readonly destination?: DestinationStream;
}

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export function createEventLog(options: EventLogOptions): EventLog {
  const settings = {
    level: options.level,
    base: { node: options.node },
    timestamp: stdTimeFunctions.isoTime,
    // Level names, not numbers: `"level":"info"` reads well and greps well.
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const destination =
    options.format === 'pretty'
      ? pretty({
          sync: true,
          colorize: process.stdout.isTTY,
          ignore: 'pid,hostname,component,event',
          messageFormat: '{component} {event}',
          translateTime: 'HH:MM:ss.l',
          singleLine: true,
          ...(options.destination ? { destination: options.destination } : {}),
        })
      : (options.destination ?? pino.destination({ dest: 1, sync: true }));
  const logger: Logger = pino(settings, destination);
  return {
    debug: (fields) => logger.debug(fields),
    info: (fields) => logger.info(fields),
    warn: (fields) => logger.warn(fields),
    error: (fields) => logger.error(fields),
  };
}

/** The debug line every machine transition gets, in the speaker and the controller alike. */
export function transitionFields(record: TransitionRecord): LogFields {
  return {
    component: 'machine',
    event: 'transition',
    machine: record.machine,
    actor: record.actor,
    from: record.from,
    to: record.to,
    reason: record.reason,
    trigger: record.event,
  };
}
