// FRR's own parsers over every golden frr.conf, offline (no daemon runs, nothing is loaded):
// - `vtysh -C -f FILE`: the integrated grammar of every daemon (exit 0, no output);
// - as root, each daemon's dry run (`zebra|bgpd|bfdd -C -f FILE` in a fresh network namespace):
//   the commands' own handlers, which refuse values the grammar lets through (a malformed
//   community, local-as equal to the router's ASN, ...). A line fails when no daemon accepts it.
//   Each daemon reads a copy whose `exit` lines are blanked (same line numbers): a daemon that
//   does not know a block (bgpd and `bfd`) would otherwise take its `exit` as leaving config
//   mode and refuse the rest of the file; without them each daemon closes blocks by itself.
// Skipped where FRR is not installed (scripts/setup.sh installs it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const GOLDEN_DIR = join(import.meta.dirname, '..', '..', 'golden', 'frr');
const FRR = '/usr/lib/frr';
const vtysh = spawnSync('vtysh', ['--help'], { encoding: 'utf8' });
const hasVtysh = vtysh.error === undefined;
const canDryRunDaemons =
  process.getuid?.() === 0 && existsSync('/usr/bin/unshare') && existsSync(join(FRR, 'bgpd'));

const goldens = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.frr.conf'))
  .sort();
const scratch = mkdtempSync(join(tmpdir(), 'herald-frr-check-'));
// The daemons read their file as the frr user after dropping root.
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * `neighbor X graceful-restart` reports "% Invalid value" in every dry run, even in a file of
 * nothing but `router bgp` and that neighbour (checked on FRR 8.4): bgpd then has no zebra to
 * tell. The grammar check still covers it.
 */
const DRY_RUN_ONLY = [/^\s*neighbor \S+ graceful-restart\t/];

function daemonArgs(daemon: string): string[] {
  const common = ['-C', '-i', join(scratch, `${daemon}.pid`), '--vty_socket', scratch];
  switch (daemon) {
    case 'bgpd':
      return [...common, '-p', '0', '-n'];
    case 'bfdd':
      return [...common, '--bfdctl', join(scratch, 'bfdd.sock')];
    case 'zebra':
      return [...common, '-z', join(scratch, 'zserv.api')];
    default:
      return common;
  }
}

const DAEMONS = ['zebra', 'bgpd', 'bfdd', 'staticd'];

/** Line number → what each daemon said, for the lines no daemon took. */
function refusedByAll(file: string): string[] {
  const copy = join(scratch, 'no-exit.conf');
  writeFileSync(copy, readFileSync(file, 'utf8').replace(/^[ \t]*exit[ \t]*$/gm, '!'), { mode: 0o644 });
  const byDaemon = DAEMONS.map((d) => refusedLines(d, copy));
  const [first, ...rest] = byDaemon;
  return [...(first ?? new Map<number, string>())]
    .filter(([line]) => rest.every((r) => r.has(line)))
    .filter(([, text]) => !DRY_RUN_ONLY.some((re) => re.test(text)))
    .map(
      ([line, text]) =>
        `line ${line}: ${text} (${byDaemon.map((r) => r.get(line)?.split('\t')[1]).join('; ')})`,
    );
}

/** Line numbers the daemon did not take (line text, then a tab and why), from its dry run. */
function refusedLines(daemon: string, file: string): Map<number, string> {
  const run = spawnSync('unshare', ['-n', join(FRR, daemon), ...daemonArgs(daemon), '-f', file], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  const output = `${run.stdout}\n${run.stderr}`;
  // A file the daemon cannot open would pass silently: that is a failure of the check itself.
  assert.doesNotMatch(output, /can't open configuration file/, `${daemon} did not read ${file}`);
  assert.equal(run.status, 0, `${daemon} -C exited ${run.status}: ${output}`);
  const refused = new Map<number, string>();
  for (const line of output.split('\n')) {
    const m = /(No such command|Config Failed) on config line (\d+): (.*)$/.exec(line);
    if (m) refused.set(Number(m[2]), `${m[3] ?? ''}\t${daemon}: ${m[1] ?? ''}`);
  }
  return refused;
}

describe('FRR parses every golden frr.conf', () => {
  it('there are golden files to check', () => assert.ok(goldens.length >= 20, goldens.join(', ')));

  for (const name of goldens) {
    const file = join(GOLDEN_DIR, name);
    it(`vtysh -C: ${name}`, { skip: !hasVtysh && 'vtysh (FRR) is not installed' }, () => {
      const run = spawnSync('vtysh', ['-C', '-f', file], { encoding: 'utf8', timeout: 10_000 });
      assert.equal(`${run.stdout}${run.stderr}`.trim(), '', 'vtysh reported problems');
      assert.equal(run.status, 0);
    });

    it(
      `zebra/bgpd/bfdd/staticd -C: ${name}`,
      { skip: !canDryRunDaemons && 'needs root, unshare and FRR daemons' },
      () => assert.deepEqual(refusedByAll(file), []),
    );
  }

  it(
    'the daemon check does catch a value only the handler refuses',
    { skip: !canDryRunDaemons && 'needs root, unshare and FRR daemons' },
    () => {
      const bad = join(scratch, 'bad.conf');
      writeFileSync(
        bad,
        'route-map x permit 10\n set community 1:2:3 additive\nexit\nbfd\n profile p\n  receive-interval 5\n exit\nexit\n',
        { mode: 0o644 },
      );
      assert.deepEqual(
        refusedByAll(bad).map((p) => p.split(':')[0]),
        ['line 2', 'line 6'],
      );
    },
  );
});
