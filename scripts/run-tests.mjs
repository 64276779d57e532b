// Runs one test tier with node's test runner. Node 20's `node --test` takes no globs, so the
// files are listed here. Tiers: unit (pure, fast; machines included) and integration (root,
// network namespaces, real daemons).
import { readdirSync, statSync } from 'node:fs';
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
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--import', './src/polyfill.ts', '--test', '--test-reporter=spec', ...files, ...process.argv.slice(3)],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
