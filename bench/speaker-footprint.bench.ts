// The standalone speaker's footprint: a real `herald speaker --standalone` process, alone in a
// network namespace this bench makes (a veth pair inside it; layer 2 announces only there), with
// N LoadBalancer Services of one layer-2 pool. Per N: time to ready (spawn → the `started` line
// and an `announce` line for every Service), event-loop delay p50/p99/max and peak RSS during that
// cold load, then RSS, heap used and external memory after a steady window, and the event-loop
// delay of a reload (one Service added to the directory). Method and results: bench/footprint.md.
// A probe loaded with --import (generated below, no loader: tsx alone would add ~80 MiB) keeps a
// perf_hooks.monitorEventLoopDelay histogram and writes it with process.memoryUsage() on SIGUSR2.
// Environment: FOOTPRINT_N (default "1,1000,10000"), FOOTPRINT_STEADY_S (default 15),
// FOOTPRINT_FROM (`source`, the default: src/ as it is now, transpiled to a temporary directory;
// `dist`: dist/ as built), FOOTPRINT_SOURCE_TREE (whose src/ `source` transpiles, default this
// checkout: e.g. a `git archive` of a revision, for before/after), FOOTPRINT_NODE_FLAGS (node flags; default: those of bin/herald's
// shebang), FOOTPRINT_LOG_LEVEL (the speaker's --log-level, default info), FOOTPRINT_KEEP=1 (keep
// the temporary directory: logs, probe output), HERALD_FOOTPRINT_SNAPSHOTS (a directory: a heap
// snapshot after each sample).
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { NamespaceSet, ip, isRoot } from '../test/support/netns.js';

const ROOT = join(import.meta.dirname, '..');
const SIZES = (process.env.FOOTPRINT_N ?? '1,1000,10000').split(',').map(Number);
const STEADY_MS = Number(process.env.FOOTPRINT_STEADY_S ?? 15) * 1000;
const FROM = process.env.FOOTPRINT_FROM === 'dist' ? 'dist' : 'source';
const LOG_LEVEL = process.env.FOOTPRINT_LOG_LEVEL ?? 'info';
const KEEP = process.env.FOOTPRINT_KEEP === '1';
/** The tree whose src/ is transpiled (a `git archive` of a revision, say); default this checkout. */
const SOURCE_TREE = process.env.FOOTPRINT_SOURCE_TREE ?? join(import.meta.dirname, '..');
const NODE_IP = '10.98.0.1';
const MiB = 1024 * 1024;

/** node flags from bin/herald's `#!/usr/bin/env -S node ...` line: what the speaker runs with. */
function shebangFlags(): string[] {
  const first = readFileSync(join(ROOT, 'bin/herald'), 'utf8').split('\n')[0] ?? '';
  return first
    .replace(/^#!.*?\bnode\b/, '')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
}
const NODE_FLAGS = process.env.FOOTPRINT_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? shebangFlags();

// Blocks: a 10 ms timer's lateness over 20 ms is written with the time it ended, so the bench can
// tell start-up (module loading) from the configuration load by the log's timestamps.
const PROBE = `
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { appendFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
const out = process.env.HERALD_FOOTPRINT_OUT;
const h = monitorEventLoopDelay({ resolution: 5 });
h.enable();
let expected = Date.now() + 10;
setInterval(() => {
  const now = Date.now();
  if (now - expected > 20) appendFileSync(out, JSON.stringify({ kind: 'block', at: now, ms: now - expected }) + '\\n');
  expected = now + 10;
}, 10).unref();
process.on('SIGUSR2', () => {
  const m = process.memoryUsage();
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  appendFileSync(out, JSON.stringify({
    kind: 'sample', at: Date.now(),
    rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external,
    arrayBuffers: m.arrayBuffers, maxRss: process.resourceUsage().maxRSS * 1024,
    p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), samples: h.count,
  }) + '\\n');
  h.reset();
  const dir = process.env.HERALD_FOOTPRINT_SNAPSHOTS;
  if (dir) writeHeapSnapshot(dir + '/' + process.pid + '-' + Date.now() + '.heapsnapshot');
});
`;

interface Sample {
  kind: 'sample';
  at: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  maxRss: number;
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

interface Block {
  kind: 'block';
  /** Date.now() when the block ended. */
  at: number;
  ms: number;
}

interface Row {
  n: number;
  readyMs: number;
  /** Longest block before the config source started (module loading, start-up). */
  startupMaxMs: number;
  /** Longest block from the config source's start to ready, and how many were over 50 ms. */
  loadMaxMs: number;
  loadBlocksOver50: number;
  load: Sample;
  steady: Sample;
  reloadMs: number;
  reload: Sample;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** src/ transpiled file by file (no type check) into `out`, seeing node_modules and native/. */
function transpileSource(out: string): void {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  for (const file of walk(join(SOURCE_TREE, 'src'))) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const dest = join(out, relative(SOURCE_TREE, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, outputText);
  }
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  symlinkSync(join(ROOT, 'native'), join(out, 'native'));
}

/**
 * node's arguments that run `herald <args>` from dist/ or the transpiled src/, through an entry
 * file as bin/herald's (not `-e`: worker threads inherit --input-type and refuse it).
 */
function heraldArgs(code: string, work: string, args: readonly string[]): string[] {
  const entry = join(work, 'herald.mjs');
  const polyfill = pathToFileURL(join(code, 'polyfill.js')).href;
  const main = pathToFileURL(join(code, 'cli/main.js')).href;
  writeFileSync(
    entry,
    `await import(${JSON.stringify(polyfill)});\n` +
      `const { main } = await import(${JSON.stringify(main)});\n` +
      'process.exitCode = await main(process.argv.slice(2));\n',
  );
  return [...NODE_FLAGS, entry, ...args];
}

const header = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: bench, namespace: metallb-system }
spec: { addresses: [10.99.0.0/16] }
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: bench, namespace: metallb-system }
`;
const service = (i: number) => `---
apiVersion: v1
kind: Service
metadata: { name: svc-${i}, namespace: default }
spec: { type: LoadBalancer, ports: [{ port: 80, protocol: TCP }] }
`;

async function scenario(n: number, code: string, work: string, namespaces: NamespaceSet): Promise<Row> {
  const ns = namespaces.create(`n${n}`);
  ip('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1');
  ip('-n', ns, 'addr', 'add', `${NODE_IP}/24`, 'dev', 'eth0');
  ip('-n', ns, 'link', 'set', 'eth0', 'up');
  ip('-n', ns, 'link', 'set', 'eth1', 'up');
  const config = join(work, `config-${n}`);
  mkdirSync(config);
  writeFileSync(join(config, 'a.yaml'), header + Array.from({ length: n }, (_, i) => service(i)).join(''));
  const probeOut = join(work, `probe-${n}.jsonl`);
  const logFile = join(work, `speaker-${n}.log`);
  const started = performance.now();
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      ns,
      process.execPath,
      ...heraldArgs(code, work, [
        'speaker',
        '--standalone',
        '--config',
        config,
        '--node-name',
        'n1',
        '--gossip-listen',
        `${NODE_IP}:7946`,
        '--metrics-listen',
        `${NODE_IP}:7472`,
        '--log-level',
        LOG_LEVEL,
      ]),
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        NODE_OPTIONS: `--import=${pathToFileURL(join(work, 'probe.mjs')).href}`,
        HERALD_FOOTPRINT_OUT: probeOut,
      },
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('speaker did not start');
  const announced = new Set<string>();
  let startedAt: number | undefined;
  let sourceAt: number | undefined;
  let lastAnnounce = 0;
  const loads: number[] = [];
  // A stream, not a write per line: a slow reader fills the pipe and the speaker's synchronous
  // log writes wait (pino's sync destination sleeps on EAGAIN), which is not the speaker's cost.
  const logStream = createWriteStream(logFile);
  createInterface({ input: child.stdout }).on('line', (line) => {
    logStream.write(line + '\n');
    let l: Record<string, unknown>;
    try {
      l = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (l.event === 'started') startedAt = performance.now();
    if (l.component === 'config' && l.event === 'source' && typeof l.time === 'string')
      sourceAt = Date.parse(l.time);
    if (l.component === 'config' && l.event === 'loaded') loads.push(performance.now());
    if (l.event === 'announce' && typeof l.service === 'string') {
      announced.add(l.service);
      lastAnnounce = performance.now();
    }
  });
  let exited = false;
  child.on('exit', () => (exited = true));
  const until = async (check: () => boolean, ms: number, what: string) => {
    const deadline = performance.now() + ms;
    while (!check()) {
      if (exited) throw new Error(`speaker exited while waiting for ${what} (log: ${logFile})`);
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what} (log: ${logFile})`);
      await sleep(10);
    }
  };
  const probes = () =>
    readFileSync(probeOut, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Sample | Block);
  const sample = async (): Promise<Sample> => {
    const before = (() => {
      try {
        return probes().filter((p) => p.kind === 'sample').length;
      } catch {
        return 0;
      }
    })();
    process.kill(pid, 'SIGUSR2');
    let got: Sample[] = [];
    await until(
      () => {
        try {
          got = probes().filter((p): p is Sample => p.kind === 'sample');
        } catch {
          return false;
        }
        return got.length > before;
      },
      30_000,
      'the probe',
    );
    const last = got.at(-1);
    if (!last) throw new Error('no probe sample');
    return last;
  };
  try {
    await until(() => startedAt !== undefined && announced.size >= n, 300_000, `${n} announcements`);
    const readyMs = Math.max(startedAt ?? 0, lastAnnounce) - started;
    const load = await sample();
    const blocks = probes().filter((p): p is Block => p.kind === 'block' && p.at <= load.at);
    // A block belongs to the load when it began after the source's log line (the timer fires
    // 10 ms after its previous run, so a block began at most at - ms - 10).
    const inLoad = (b: Block) => sourceAt !== undefined && b.at - b.ms - 10 >= sourceAt - 1;
    const startupMaxMs = Math.max(0, ...blocks.filter((b) => !inLoad(b)).map((b) => b.ms));
    const loadBlocks = blocks.filter(inLoad).map((b) => b.ms);
    const loadMaxMs = Math.max(0, ...loadBlocks);
    const loadBlocksOver50 = loadBlocks.filter((ms) => ms > 50).length;
    await sleep(STEADY_MS);
    const steady = await sample();
    // A reload: one more Service in a second file.
    const loadsBefore = loads.length;
    const reloadStart = performance.now();
    writeFileSync(join(config, 'b.yaml'), service(n));
    await until(() => announced.has(`default/svc-${n}`), 300_000, 'the reload');
    const reloadMs = performance.now() - reloadStart;
    if (loads.length === loadsBefore) throw new Error('no config load logged for the reload');
    await sleep(500);
    const reload = await sample();
    return { n, readyMs, startupMaxMs, loadMaxMs, loadBlocksOver50, load, steady, reloadMs, reload };
  } finally {
    child.kill('SIGTERM');
    await until(() => exited, 10_000, 'exit').catch(() => child.kill('SIGKILL'));
    namespaces.cleanup();
    logStream.end();
  }
}

const mib = (bytes: number) => (bytes / MiB).toFixed(1);

async function main(): Promise<void> {
  if (!isRoot()) {
    console.log('needs root (network namespaces): skipped');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'herald-footprint-'));
  const namespaces = new NamespaceSet('hfp');
  const rows: Row[] = [];
  try {
    writeFileSync(join(work, 'probe.mjs'), PROBE);
    let code = join(ROOT, 'dist');
    if (FROM === 'source') {
      transpileSource(join(work, 'code'));
      code = join(work, 'code', 'src');
    }
    console.log(`from ${FROM}, node flags: ${NODE_FLAGS.join(' ') || '(none)'}, log level ${LOG_LEVEL}`);
    for (const n of SIZES) {
      const row = await scenario(n, code, work, namespaces);
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    namespaces.cleanup();
    if (!KEEP) rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
  console.log(
    '\n| Services | ready | start-up: longest block | cold load: loop delay p50 / p99 (with start-up) | cold load: longest block, blocks > 50 ms | peak RSS | steady RSS | heap used | external | reload | reload: loop delay p99 / max |',
  );
  console.log('|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---|');
  for (const r of rows)
    console.log(
      `| ${r.n} | ${(r.readyMs / 1000).toFixed(2)} s | ${r.startupMaxMs} ms | ${r.load.p50} / ${r.load.p99} ms | ${r.loadMaxMs} ms, ${r.loadBlocksOver50} | ${mib(r.load.maxRss)} MiB | ${mib(r.steady.rss)} MiB | ${mib(r.steady.heapUsed)} MiB | ${mib(r.steady.external)} MiB | ${(r.reloadMs / 1000).toFixed(2)} s | ${r.reload.p99} / ${r.reload.max} ms |`,
    );
}

await main();
