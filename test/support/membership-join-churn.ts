// Counts false suspicions and deaths while speakers join: `cold` builds a 3-node `herald lab`
// again and again; `restart` kills one speaker of a running lab and starts it again, again and
// again. Both read the speakers' JSON logs. Run as root from the repository root:
//
//   node --import tsx --import ./src/polyfill.ts test/support/membership-join-churn.ts cold --trials 20
//   node --import tsx --import ./src/polyfill.ts test/support/membership-join-churn.ts restart --node node2
//
// `--burn N` keeps N busy-looping processes running meanwhile: the bug shows on a loaded machine
// (load ≥ 2 per core), and other people's load comes and goes; a fixed extra load makes runs
// comparable.
//
// Lab ids start with `j` (namespaces hlab-j...-*); every lab it builds is removed at the end.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..', '..');
const HERALD = join(ROOT, 'bin', 'herald');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LogEvent {
  readonly at: number;
  readonly observer: string;
  readonly component: string;
  readonly event: string;
  readonly peer?: string;
  readonly from?: string;
  readonly to?: string;
  readonly reason?: string;
  readonly op?: string;
  readonly ip?: string;
}

/** The JSON lines of one speaker's log (anything else is skipped). */
export function parseLog(observer: string, text: string): LogEvent[] {
  const out: LogEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const raw = JSON.parse(line) as Record<string, unknown>;
      const at = Date.parse(String(raw.time));
      if (!Number.isFinite(at)) continue;
      out.push({ ...(raw as object), at, observer } as LogEvent);
    } catch {
      // not a log line
    }
  }
  return out;
}

export interface ChurnCount {
  /** alive → suspect transitions of a live member, as `observer→peer reason @time`. */
  readonly suspicions: string[];
  /** → dead transitions of a live member. */
  readonly deaths: string[];
  /**
   * IPv4 announcements by a node other than the one holding the address at the end, made while
   * that node already knew the holder alive: a false failover. (A node announcing before the
   * holder has even started, during a cold start, is not counted.)
   */
  readonly falseAnnouncements: string[];
}

/** What went wrong after `since` among members that were all alive (nobody was failed on purpose). */
export function countFalseAlarms(events: readonly LogEvent[], since: number, holder?: string): ChurnCount {
  const after = events.filter((e) => e.at >= since);
  const members = after.filter((e) => e.component === 'membership' && e.event === 'member');
  const label = (e: LogEvent) => `${e.observer}→${e.peer ?? '?'} ${e.reason ?? ''} @${e.at}`;
  /** Whether `observer` had seen the holder alive before `at` (its own log). */
  const knewHolder = (observer: string, at: number): boolean =>
    events.some(
      (e) =>
        e.observer === observer &&
        e.peer === holder &&
        e.event === 'member' &&
        e.to === 'alive' &&
        e.at <= at,
    );
  return {
    suspicions: members.filter((e) => e.to === 'suspect').map(label),
    deaths: members.filter((e) => e.to === 'dead').map(label),
    falseAnnouncements: after
      .filter(
        (e) =>
          e.component === 'announce' &&
          e.op === 'announce' &&
          !e.ip?.includes(':') &&
          holder !== undefined &&
          e.observer !== holder &&
          knewHolder(e.observer, e.at),
      )
      .map((e) => `${e.observer} @${e.at}`),
  };
}

/** How long after its first log line each speaker saw every other one alive (ms; -1: never). */
export function joinTimes(
  events: readonly LogEvent[],
  nodes: readonly string[],
  since: number,
  joiners: readonly string[] = nodes,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const node of joiners) {
    const own = events.filter((e) => e.observer === node && e.at >= since);
    const first = own[0]?.at;
    const seen = new Set<string>();
    let done = -1;
    for (const e of own) {
      if (e.component === 'membership' && e.event === 'member' && e.to === 'alive' && e.peer)
        seen.add(e.peer);
      if (nodes.every((n) => n === node || seen.has(n))) {
        done = first === undefined ? -1 : e.at - first;
        break;
      }
    }
    out[node] = done;
  }
  return out;
}

function speakerPid(id: string, node: string): number {
  const state = JSON.parse(readFileSync(`/run/herald-lab/${id}/state.json`, 'utf8')) as {
    speakers: Record<string, number>;
  };
  return state.speakers[node] ?? -1;
}

function lab(...args: string[]): string {
  const run = spawnSync(HERALD, ['lab', ...args], { encoding: 'utf8', cwd: ROOT });
  return `${run.stdout}${run.stderr}`;
}

const NODES = ['node1', 'node2', 'node3'];

function readLogs(id: string): LogEvent[] {
  const dir = `/run/herald-lab/${id}/logs`;
  return NODES.flatMap((n) => {
    const file = join(dir, `${n}.log`);
    return existsSync(file) ? parseLog(n, readFileSync(file, 'utf8')) : [];
  }).sort((a, b) => a.at - b.at);
}

/** The node announcing the IPv4 VIP at the end (the last announce without a later withdraw). */
function holderOf(events: readonly LogEvent[]): string | undefined {
  const holding = new Set<string>();
  for (const e of events) {
    if (e.component !== 'announce' || e.ip?.includes(':')) continue;
    if (e.op === 'announce') holding.add(e.observer);
    if (e.op === 'withdraw') holding.delete(e.observer);
  }
  return holding.size === 1 ? [...holding][0] : undefined;
}

interface Trial {
  readonly trial: number;
  readonly suspicions: number;
  readonly deaths: number;
  readonly falseAnnouncements: number;
  readonly joinMs: Record<string, number>;
  readonly detail: ChurnCount;
}

async function cold(trials: number, id: string, settleMs: number): Promise<Trial[]> {
  const out: Trial[] = [];
  for (let trial = 1; trial <= trials; trial++) {
    lab('up', '--id', id);
    await sleep(settleMs);
    const events = readLogs(id);
    lab('down', '--id', id);
    const detail = countFalseAlarms(events, 0, holderOf(events));
    out.push(summarize(trial, detail, joinTimes(events, NODES, 0)));
  }
  return out;
}

async function restart(trials: number, id: string, node: string, settleMs: number): Promise<Trial[]> {
  const out: Trial[] = [];
  lab('up', '--id', id);
  await sleep(settleMs);
  try {
    for (let trial = 1; trial <= trials; trial++) {
      const pid = speakerPid(id, node);
      lab('kill', node, '--id', id);
      const killedAt = Date.now();
      // Wait until the others have declared it dead: that death is real, not counted.
      for (let i = 0; i < 50; i++) {
        const events = readLogs(id).filter((e) => e.at >= killedAt);
        const dead = new Set(events.filter((e) => e.peer === node && e.to === 'dead').map((e) => e.observer));
        if (NODES.every((n) => n === node || dead.has(n))) break;
        await sleep(100);
      }
      // `lab heal` restarts only a speaker that is gone, and a killed one stays a zombie until
      // init reaps it (more than a second in some containers).
      for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) await sleep(100);
      await sleep(300);
      const restartedAt = Date.now();
      lab('heal', node, '--id', id);
      await sleep(settleMs);
      const events = readLogs(id);
      const detail = countFalseAlarms(events, restartedAt, holderOf(events));
      out.push(summarize(trial, detail, joinTimes(events, NODES, restartedAt, [node])));
    }
  } finally {
    if (!process.env.CHURN_KEEP_LAB) lab('down', '--id', id);
  }
  return out;
}

/** N processes spinning on the CPU until stopped (killed by PID). */
export function burnCpu(n: number): () => void {
  const burners: ChildProcess[] = Array.from({ length: n }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  return () => {
    for (const b of burners) b.kill('SIGKILL');
  };
}

function summarize(trial: number, detail: ChurnCount, joinMs: Record<string, number>): Trial {
  const t = {
    trial,
    suspicions: detail.suspicions.length,
    deaths: detail.deaths.length,
    falseAnnouncements: detail.falseAnnouncements.length,
    joinMs,
    detail,
  };
  process.stderr.write(`${JSON.stringify(t)}\n`);
  return t;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      trials: { type: 'string', default: '20' },
      id: { type: 'string' },
      node: { type: 'string', default: 'node2' },
      'settle-ms': { type: 'string', default: '4000' },
      burn: { type: 'string', default: '0' },
    },
  });
  const mode = positionals[0];
  const trials = Number(values.trials);
  const settle = Number(values['settle-ms']);
  if (mode !== 'cold' && mode !== 'restart') throw new Error('usage: membership-join-churn.ts cold|restart');
  const id = values.id ?? (mode === 'cold' ? 'jcold' : 'jrst');
  if (!id.startsWith('j')) throw new Error('lab ids of this tool start with j');
  const stopBurning = burnCpu(Number(values.burn));
  const results = await (
    mode === 'cold' ? cold(trials, id, settle) : restart(trials, id, values.node, settle)
  ).finally(stopBurning);
  const total = (k: 'suspicions' | 'deaths' | 'falseAnnouncements') => results.reduce((s, r) => s + r[k], 0);
  const affected = (k: 'suspicions' | 'deaths' | 'falseAnnouncements') =>
    results.filter((r) => r[k] > 0).length;
  const joins = results.flatMap((r) => Object.values(r.joinMs)).sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({
      mode,
      trials,
      burn: Number(values.burn),
      suspicions: total('suspicions'),
      trialsWithSuspicion: affected('suspicions'),
      deaths: total('deaths'),
      trialsWithDeath: affected('deaths'),
      falseAnnouncements: total('falseAnnouncements'),
      trialsWithFalseAnnouncement: affected('falseAnnouncements'),
      joinMs: { p50: joins[Math.floor(joins.length / 2)], max: joins.at(-1) },
    })}\n`,
  );
}

if (process.argv[1] && import.meta.filename === process.argv[1]) await main();
