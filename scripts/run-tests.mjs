// Runs one test tier with node's test runner. Node 20's `node --test` takes no globs, so the
// files are listed here. Tiers: unit (pure core and machines, fast, no root) and integration
// (root, network namespaces, real daemons). Prints a closing "N passed, N failed" line.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const tier = process.argv[2] ?? 'unit';
const root = join('test', tier);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts')) files.push(path);
  }
};
walk(root);
if (files.length === 0) {
  console.log(`no ${tier} tests found under ${root}`);
  process.exit(tier === 'unit' ? 1 : 0);
}
const scratch = mkdtempSync(join(tmpdir(), 'herald-tests-'));
const tap = join(scratch, 'results.tap');
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--import',
    './src/polyfill.ts',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
    ...process.argv.slice(3),
  ],
  { stdio: 'inherit' },
);
const summary = readFileSync(tap, 'utf8');
const count = (label) => Number(summary.match(new RegExp(`^# ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
rmSync(scratch, { recursive: true, force: true });
console.log(`${tier}: ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
process.exit(result.status ?? 1);
