// The gossip options shared by `herald speaker` and `herald membership`, and the wait for a
// stop signal both end with.
import type { Command } from 'commander';
import { TIMING_PROFILES, type MembershipTiming } from '../core/membership/timing.js';
import { UsageError } from './output.js';

export interface GossipCliOptions {
  nodeName: string;
  gossipListen: string;
  gossipPeers: string;
  gossipKeyFile?: string;
  profile: string;
  liveness: boolean;
}

export interface GossipSettings {
  readonly node: string;
  readonly listen: string;
  readonly seeds: string[];
  readonly keyFile: string | undefined;
  readonly timing: MembershipTiming;
}

export function addGossipOptions(command: Command): Command {
  return command
    .requiredOption('--node-name <name>', "this node's name (members are identified by it)")
    .requiredOption('--gossip-listen <addr:port>', 'gossip address to listen on, e.g. 10.0.0.1:7946')
    .option('--gossip-peers <list>', 'comma-separated addr:port of members to join through', '')
    .option('--gossip-key-file <file>', 'shared secret file; members without it cannot join')
    .option(
      '--profile <name>',
      `failure-detection timing: ${Object.keys(TIMING_PROFILES).join(', ')}`,
      'fast',
    )
    .option(
      '--no-liveness',
      "no UDP liveness datagrams (on the gossip port number) between members: SWIM's probes alone",
    );
}

export function gossipSettings(opts: GossipCliOptions): GossipSettings {
  if (!(opts.profile in TIMING_PROFILES)) throw new UsageError(`unknown --profile "${opts.profile}"`);
  return {
    node: opts.nodeName,
    listen: opts.gossipListen,
    seeds: opts.gossipPeers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    keyFile: opts.gossipKeyFile,
    timing: withLiveness(TIMING_PROFILES[opts.profile as keyof typeof TIMING_PROFILES], opts.liveness),
  };
}

function withLiveness(timing: MembershipTiming, on: boolean): MembershipTiming {
  if (on) return timing;
  const { liveness: _off, ...rest } = timing;
  return rest;
}

/** Resolves on SIGTERM or SIGINT (or after `maxMs`, when given). */
export function stopSignal(maxMs?: number): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
    if (maxMs !== undefined) setTimeout(resolve, maxMs);
  });
}
