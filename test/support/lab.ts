// Running `herald lab` from integration tests: a lab id per test process (`<letter><pid>`), the
// CLI, the client namespace's curl, and removal of labs left by interrupted runs of the same test
// (ids with this letter whose process is gone) — never another live lab.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive, stateDir } from '../../src/lab/system.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface TestLab {
  readonly id: string;
  herald(...args: string[]): SpawnSyncReturns<string>;
  /** Runs a command in the lab's client namespace; stdout, trimmed ('' on failure). */
  client(...command: string[]): string;
  /** `ip route show VIP` in the lab router's namespace. */
  routerRoute(vip: string): string;
  /** The node's JSON log lines so far. */
  logs(node: string): Record<string, unknown>[];
  down(): void;
}

export function testLab(letter: string): TestLab {
  const id = `${letter}${process.pid}`;
  const herald = (...args: string[]) =>
    spawnSync(join(ROOT, 'bin', 'herald'), args, { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
  removeStaleLabs(letter, herald);
  return {
    id,
    herald,
    client: (...command: string[]) => {
      const run = spawnSync('ip', ['netns', 'exec', `hlab-${id}-client`, ...command], {
        encoding: 'utf8',
        timeout: 10_000,
      });
      return run.status === 0 ? run.stdout.trim() : '';
    },
    routerRoute: (vip: string) =>
      spawnSync(
        'ip',
        ['-n', `hlab-${id}-router`, ...(vip.includes(':') ? ['-6'] : []), 'route', 'show', vip],
        {
          encoding: 'utf8',
        },
      ).stdout,
    logs: (node: string) =>
      readFileSync(join(stateDir(id), 'logs', `${node}.log`), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    down: () => void herald('lab', 'down', '--id', id),
  };
}

function removeStaleLabs(letter: string, herald: (...args: string[]) => unknown): void {
  const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  const stale = new Set<string>();
  for (const match of namespaces.matchAll(new RegExp(`^hlab-(${letter}(\\d+))-`, 'gm'))) {
    const [, labId = '', pid = ''] = match;
    if (!processAlive(Number(pid))) stale.add(labId);
  }
  for (const labId of stale) herald('lab', 'down', '--id', labId);
}

/**
 * Polls `count()` until `done(count)`; fails naming `what` and the last count after `ms` (counted
 * from `since`). Returns the milliseconds from `since` until it was done.
 */
export async function until(
  what: string,
  count: () => number,
  done: (n: number) => boolean,
  ms: number,
  since = Date.now(),
  stepMs = 20,
): Promise<number> {
  for (let n = count(); !done(n); n = count()) {
    if (Date.now() - since > ms) throw new Error(`${what}: ${n} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return Date.now() - since;
}
