// CI's chaos run: `herald lab chaos` with a fixed seed (20 faults covering every layer-2 kind:
// kill, stop, term, cut, partition, one-way and random loss, CPU starvation, restart storm,
// config churn) must end with 0 invariant violations, write its JSON and SVG, and leave nothing
// behind (namespaces, nft tables go with them, CPU cgroups).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isRoot } from '../support/netns.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ID = `c${process.pid}`;
const SEED = 31;
const OUT = mkdtempSync(join(tmpdir(), 'herald-chaos-'));
const herald = (...args: string[]) =>
  spawnSync(join(ROOT, 'bin', 'herald'), args, { encoding: 'utf8', cwd: ROOT, timeout: 300_000 });

interface Report {
  summary: { faults: number; violations: number; byKind: { kind: string; count: number }[] };
  violations: { kind: string; detail: string }[];
  files: string[];
}

describe('herald lab chaos', { skip: !isRoot() && 'needs root for network namespaces' }, () => {
  after(() => {
    herald('lab', 'down', '--id', ID);
    rmSync(OUT, { recursive: true, force: true });
  });

  it(`20 seeded faults (seed ${SEED}): 0 invariant violations, report written, everything cleaned up`, () => {
    const run = herald(
      'lab',
      'chaos',
      '--id',
      ID,
      '--faults',
      '20',
      '--seed',
      String(SEED),
      '--output',
      'json',
      '--out',
      OUT,
    );
    // Progress (episodes, settling) is on stderr; the report is stdout's last line.
    const progress = run.stderr.split('\n').slice(-40).join('\n');
    assert.ok(
      run.stdout.trim() !== '',
      `no report (exit ${run.status}, ${run.signal ?? 'no signal'}):\n${progress}`,
    );
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Report;
    assert.deepEqual(
      report.violations,
      [],
      `${progress}\nreplay: herald lab chaos --seed ${SEED} --faults 20`,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(report.summary.faults, 20);
    assert.equal(report.summary.violations, 0);
    assert.deepEqual(
      report.summary.byKind.map((r) => r.kind),
      ['churn', 'cpu', 'cut', 'kill', 'loss', 'oneWay', 'partition', 'stop', 'storm', 'term'],
    );
    for (const file of report.files) assert.ok(existsSync(file), file);
    const svg = readFileSync(
      report.files.find((f) => f.endsWith('.svg'))!,
      'utf8',
    );
    assert.match(svg, /^<svg /);
    const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
    assert.ok(!namespaces.includes(`hlab-${ID}-`), namespaces);
    assert.deepEqual(
      readdirSync('/sys/fs/cgroup/cpu').filter((n) => n.startsWith(`herald-chaos-${ID}-`)),
      [],
    );
  });
});
