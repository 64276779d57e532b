// A chaos run's report: the summary (faults by kind, outage percentiles, split-brain windows,
// violations with the seed to replay), its text table, and an SVG timeline of faults, the node
// answering each VIP and the client-visible outages. Pure: data in, text out.
import type { EpisodeWindow, FaultWindow, Gap, HttpSample, Violation } from './invariants.js';
import { percentile } from './invariants.js';
import type { ChaosMode } from './schedule.js';

export interface OwnerSegment {
  readonly vip: string;
  readonly node: string;
  readonly from: number;
  readonly to: number;
}

export interface SplitBrain {
  readonly episode: number;
  /** Two MACs answering while the partition lasted. */
  readonly duringMs: number;
  /** Two MACs answering after it healed. */
  readonly afterHealMs: number;
}

export interface ChaosResult {
  readonly seed: number;
  readonly mode: ChaosMode;
  readonly nodes: readonly string[];
  readonly startedAt: number;
  readonly endedAt: number;
  /** Faults scheduled but not run (--duration reached). */
  readonly skipped: number;
  readonly faults: readonly (FaultWindow & {
    readonly description: string;
    readonly nodes: readonly string[];
  })[];
  readonly episodes: readonly EpisodeWindow[];
  /** Longest client-visible outage per fault id. */
  readonly outageMs: Readonly<Record<number, number>>;
  readonly splitBrain: readonly SplitBrain[];
  readonly owners: readonly OwnerSegment[];
  readonly gaps: readonly Gap[];
  readonly violations: readonly Violation[];
  readonly speakerStarts: number;
  readonly maxRssMiB: Readonly<Record<string, number>>;
  readonly maxFds: Readonly<Record<string, number>>;
}

export interface KindRow {
  readonly kind: string;
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Of those, faults on the node serving the VIP, and their outages. */
  readonly onLeader: { readonly count: number; readonly p50: number; readonly p99: number };
}

export interface ChaosSummary {
  readonly seed: number;
  readonly faults: number;
  readonly episodes: number;
  readonly byKind: readonly KindRow[];
  readonly splitBrain: {
    readonly partitions: number;
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly afterHealMax: number;
  };
  readonly violations: number;
  readonly replay: string;
}

/** Contiguous runs of the same answering node per VIP (from successful answers). */
export function ownerSegments(samples: readonly HttpSample[]): OwnerSegment[] {
  const byVip = new Map<string, HttpSample[]>();
  for (const s of samples) if (s.node !== undefined) byVip.set(s.vip, [...(byVip.get(s.vip) ?? []), s]);
  const out: OwnerSegment[] = [];
  for (const [vip, list] of byVip) {
    list.sort((a, b) => a.at - b.at);
    let current: { node: string; from: number; to: number } | undefined;
    for (const s of list) {
      const node = s.node ?? '';
      if (current?.node === node) current.to = s.at;
      else {
        if (current) out.push({ vip, ...current });
        current = { node, from: s.at, to: s.at };
      }
    }
    if (current) out.push({ vip, ...current });
  }
  return out;
}

export function summarize(result: ChaosResult, replay: string): ChaosSummary {
  const kinds = [...new Set(result.faults.map((f) => f.kind))].sort();
  const byKind = kinds.map((kind) => {
    const mine = result.faults.filter((f) => f.kind === kind);
    const values = mine.map((f) => result.outageMs[f.id] ?? 0);
    const leader = mine.filter((f) => f.onLeader === true).map((f) => result.outageMs[f.id] ?? 0);
    return {
      kind,
      count: values.length,
      p50: percentile(values, 50),
      p99: percentile(values, 99),
      max: Math.max(0, ...values),
      onLeader: { count: leader.length, p50: percentile(leader, 50), p99: percentile(leader, 99) },
    };
  });
  const during = result.splitBrain.map((s) => s.duringMs);
  return {
    seed: result.seed,
    faults: result.faults.length,
    episodes: result.episodes.length,
    byKind,
    splitBrain: {
      partitions: during.length,
      p50: percentile(during, 50),
      p99: percentile(during, 99),
      max: Math.max(0, ...during),
      afterHealMax: Math.max(0, ...result.splitBrain.map((s) => s.afterHealMs)),
    },
    violations: result.violations.length,
    replay,
  };
}

/** The summary as a Markdown table plus the violations, one per line. */
export function summaryTable(summary: ChaosSummary, violations: readonly Violation[]): string {
  const lines = [
    `chaos seed ${summary.seed}: ${summary.faults} faults in ${summary.episodes} episodes, ${summary.violations} invariant violation(s)`,
    '',
    '| fault | count | outage p50 (ms) | p99 (ms) | max (ms) | on the serving node | its outage p50 / p99 (ms) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...summary.byKind.map(
      (r) =>
        `| ${r.kind} | ${r.count} | ${r.p50} | ${r.p99} | ${r.max} | ${r.onLeader.count} | ${r.onLeader.count > 0 ? `${r.onLeader.p50} / ${r.onLeader.p99}` : '–'} |`,
    ),
    '',
    `split brain (two MACs answer ARP), ${summary.splitBrain.partitions} partition(s): p50 ${summary.splitBrain.p50} ms, p99 ${summary.splitBrain.p99} ms, max ${summary.splitBrain.max} ms; after heal max ${summary.splitBrain.afterHealMax} ms`,
  ];
  for (const v of violations)
    lines.push(
      `VIOLATION ${v.kind}${v.episode !== undefined ? ` episode ${v.episode}` : ''}${v.fault !== undefined ? ` fault #${v.fault}` : ''}: ${v.detail}`,
    );
  if (violations.length > 0) lines.push(`replay: ${summary.replay}`);
  return lines.join('\n');
}

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#db2777', '#65a30d', '#dc2626'];

/** Faults (one lane per node plus one for cluster-wide faults), owners per VIP, outages in red. */
export function timelineSvg(result: ChaosResult): string {
  const vips = [...new Set(result.owners.map((o) => o.vip).concat(result.gaps.map((g) => g.vip)))].sort();
  const lanes = [...result.nodes, 'cluster'];
  const left = 150;
  const width = 1400;
  const laneH = 16;
  const span = Math.max(1, result.endedAt - result.startedAt);
  const x = (t: number): number => left + ((t - result.startedAt) / span) * (width - left - 10);
  const rows: string[] = [];
  let y = 30;
  rows.push(
    `<text x="10" y="18" font-size="13" font-weight="bold">${esc(`herald lab chaos, seed ${result.seed}, ${result.faults.length} faults, ${result.violations.length} violation(s)`)}</text>`,
  );
  for (const lane of lanes) {
    rows.push(`<text x="10" y="${y + 12}" font-size="11">${esc(`fault ${lane}`)}</text>`);
    for (const f of result.faults.filter((f) =>
      lane === 'cluster' ? f.nodes.length !== 1 : f.nodes.length === 1 && f.nodes[0] === lane,
    )) {
      const w = Math.max(2, x(f.endAt) - x(f.startAt));
      const colour = PALETTE[Math.abs(hash(f.kind)) % PALETTE.length] ?? '#666';
      rows.push(
        `<rect x="${x(f.startAt).toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${laneH - 2}" fill="${colour}" opacity="0.8"><title>${esc(f.description)}</title></rect>`,
      );
    }
    y += laneH;
  }
  y += 8;
  const nodeColour = (node: string) =>
    PALETTE[Math.max(0, result.nodes.indexOf(node)) % PALETTE.length] ?? '#666';
  for (const vip of vips) {
    rows.push(`<text x="10" y="${y + 12}" font-size="11">${esc(`owner ${vip}`)}</text>`);
    for (const o of result.owners.filter((o) => o.vip === vip))
      rows.push(
        `<rect x="${x(o.from).toFixed(1)}" y="${y}" width="${Math.max(1, x(o.to) - x(o.from)).toFixed(1)}" height="${laneH - 2}" fill="${nodeColour(o.node)}"><title>${esc(`${o.node} answers ${vip}`)}</title></rect>`,
      );
    for (const g of result.gaps.filter((g) => g.vip === vip))
      rows.push(
        `<rect x="${x(g.from).toFixed(1)}" y="${y - 1}" width="${Math.max(2, x(g.to) - x(g.from)).toFixed(1)}" height="${laneH}" fill="#dc2626"><title>${esc(`outage ${g.to - g.from} ms`)}</title></rect>`,
      );
    y += laneH;
  }
  for (const v of result.violations)
    rows.push(
      `<line x1="${x(v.at).toFixed(1)}" y1="24" x2="${x(v.at).toFixed(1)}" y2="${y}" stroke="#dc2626" stroke-dasharray="3 2"><title>${esc(`${v.kind}: ${v.detail}`)}</title></line>`,
    );
  const legend = result.nodes.map(
    (n, i) =>
      `<rect x="${left + i * 90}" y="${y + 8}" width="10" height="10" fill="${nodeColour(n)}"/><text x="${left + i * 90 + 14}" y="${y + 17}" font-size="11">${esc(n)}</text>`,
  );
  rows.push(
    ...legend,
    `<text x="${left + result.nodes.length * 90}" y="${y + 17}" font-size="11" fill="#dc2626">red: client-visible outage</text>`,
  );
  const height = y + 30;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" viewBox="0 0 ${width} ${height}">\n<rect width="100%" height="100%" fill="white"/>\n${rows.join('\n')}\n</svg>\n`;
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}
