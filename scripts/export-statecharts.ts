// Writes statecharts/ (JSON, Mermaid and SVG of every machine in src/machines/registry.ts, and a
// README) from the machines' definitions.
//   node --import tsx scripts/export-statecharts.ts           regenerate
//   node --import tsx scripts/export-statecharts.ts --check   write nothing; exit 1 listing the
//                                                             files that differ
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { machines } from '../src/machines/registry.js';
import { GENERATED_EXTENSIONS, STATECHART_DIR, statechartFiles } from '../src/observe/statecharts/files.js';

const check = process.argv.includes('--check');
const root = join(import.meta.dirname, '..');
const generated = statechartFiles(machines);
if (!generated.ok) {
  console.error(generated.error);
  process.exit(1);
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
};
const listed = (): string[] => {
  try {
    return readdirSync(join(root, STATECHART_DIR)).sort();
  } catch {
    return [];
  }
};

const problems: string[] = [];
if (!check) mkdirSync(join(root, STATECHART_DIR), { recursive: true });
for (const file of generated.files) {
  const current = read(file.path);
  if (current === file.content) continue;
  if (check) problems.push(`${file.path}: ${current === undefined ? 'missing' : 'differs from the machine'}`);
  else {
    writeFileSync(join(root, file.path), file.content);
    console.log(`wrote ${file.path}`);
  }
}
// Files of machines no longer registered: the folder is all generated, so they go.
const expected = new Set(generated.files.map((f) => f.path));
for (const name of listed()) {
  const path = `${STATECHART_DIR}/${name}`;
  if (expected.has(path) || !(GENERATED_EXTENSIONS as readonly string[]).includes(extname(name))) continue;
  if (check) problems.push(`${path}: no registered machine generates it (stale)`);
  else {
    rmSync(join(root, path));
    console.log(`removed ${path}`);
  }
}

for (const problem of problems) console.error(problem);
if (problems.length > 0) {
  console.error('statecharts/ is out of date: run `node --import tsx scripts/export-statecharts.ts`');
  process.exit(1);
}
if (check) console.log(`${machines.length} statecharts up to date`);
