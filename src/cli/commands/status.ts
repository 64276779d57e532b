// herald status --speaker URL: what one speaker does now, in a terminal — what it announces, its
// machines' states, the members it sees and its latest transitions (from /debug/state).
import type { Command } from 'commander';
import { getJson, parseSpeakerAddress } from '../../observe/debug-client.js';
import { type CliIo, EXIT, UsageError } from '../output.js';

interface SpeakerState {
  node: string;
  ready: Record<string, boolean>;
  announcing: { service: string; ips: string[]; interfaces: string[] }[];
  leadership: Record<string, string>;
  members: Record<string, { state: string; incarnation: number }>;
  localHealth: number;
  bgp?: {
    sessions?: { peer: string; address: string; state: string; routes: number }[];
    bfd?: Record<string, { up: boolean }>;
    backend?: string;
    frr?: { daemons: string; config: string; restarts: number; lastError?: string };
  };
  actors: { id: string; machine: string; state: string; since: number }[];
  transitions: { at: number; actor: string; from: string; to: string; reason: string }[];
}

const time = (ms: number) => new Date(ms).toISOString().slice(11, 23);

export function formatStatus(s: SpeakerState, recent: number): string[] {
  const checks = Object.entries(s.ready)
    .map(([k, v]) => `${k} ${v ? 'yes' : 'NO'}`)
    .join(', ');
  const lines = [
    `speaker ${s.node}: ${Object.values(s.ready).every(Boolean) ? 'ready' : 'NOT READY'} (${checks})`,
  ];
  lines.push('', `announcing (${s.announcing.length}):`);
  for (const a of s.announcing)
    lines.push(
      `  ${a.service}  ${a.ips.join(', ')}  on ${a.interfaces.length ? a.interfaces.join(', ') : 'every interface'}`,
    );
  const services = Object.entries(s.leadership).sort(([a], [b]) => a.localeCompare(b));
  lines.push('', `leadership (${services.length} services):`);
  for (const [service, state] of services) lines.push(`  ${service.padEnd(32)} ${state}`);
  const members = Object.entries(s.members).sort(([a], [b]) => a.localeCompare(b));
  lines.push('', `members (${members.length + 1}, local health ${s.localHealth}):`);
  lines.push(`  ${s.node.padEnd(16)} alive (self)`);
  for (const [node, m] of members)
    lines.push(`  ${node.padEnd(16)} ${m.state.padEnd(8)} incarnation ${m.incarnation}`);
  const frr = s.bgp?.frr;
  if (frr) {
    lines.push(
      '',
      `bgp backend frr: daemons ${frr.daemons} (${frr.restarts} restarts), config ${frr.config}`,
    );
    if (frr.lastError)
      lines.push(`  FRR refused the last config (the one before keeps running): ${frr.lastError}`);
  }
  const sessions = s.bgp?.sessions ?? [];
  if (sessions.length > 0) {
    lines.push('', `bgp sessions (${sessions.length}):`);
    for (const b of sessions) {
      const bfd = s.bgp?.bfd?.[b.peer];
      const bfdText = bfd ? `  bfd ${bfd.up ? 'up' : 'down'}` : '';
      lines.push(
        `  ${b.peer.padEnd(16)} ${b.address.padEnd(24)} ${b.state.padEnd(12)} ${b.routes} routes${bfdText}`,
      );
    }
  }
  const last = s.transitions.slice(-recent);
  lines.push('', `recent transitions (${last.length} of ${s.transitions.length}):`);
  for (const t of last) lines.push(`  ${time(t.at)}  ${t.actor}: ${t.from} -> ${t.to} (${t.reason})`);
  return lines;
}

export function registerStatus(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('status')
    .description("Show a running speaker's announcements, machine states, members and recent transitions")
    .requiredOption('--speaker <url>', "the speaker's --metrics-listen: http://host:port or unix:/path")
    .option('--json', 'print /debug/state as JSON')
    .option('--recent <n>', 'transitions to show', '10')
    .action(async (opts: { speaker: string; json?: boolean; recent: string }) => {
      let address;
      try {
        address = parseSpeakerAddress(opts.speaker);
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      let state: SpeakerState;
      try {
        state = (await getJson(address, '/debug/state')) as SpeakerState;
      } catch (error) {
        io.err(
          `herald status: cannot read ${opts.speaker}: ${error instanceof Error ? error.message : String(error)}`,
        );
        setExit(EXIT.findings);
        return;
      }
      if (opts.json) io.out(JSON.stringify(state, null, 2));
      else for (const line of formatStatus(state, Number(opts.recent) || 10)) io.out(line);
      setExit(Object.values(state.ready).every(Boolean) ? EXIT.ok : EXIT.findings);
    });
}
