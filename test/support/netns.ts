// Network namespaces for tests: unique names per run (prefix + PID), stale ones from interrupted
// runs removed first, and everything this run made removed at the end.
import { execFileSync } from 'node:child_process';

export const isRoot = (): boolean => process.getuid?.() === 0;

export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Namespaces named `<prefix><pid>-...` whose creating process is gone. */
export function removeStale(prefix: string): void {
  const names = ip('netns', 'list')
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(prefix));
  for (const name of names) {
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isFinite(pid) || !alive(pid) || pid === process.pid) deleteNamespace(name);
  }
}

export function deleteNamespace(name: string): void {
  try {
    for (const pid of ip('netns', 'pids', name).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    ip('netns', 'delete', name);
  } catch {
    // already gone
  }
}

export class NamespaceSet {
  private readonly made: string[] = [];

  constructor(private readonly prefix: string) {
    removeStale(prefix);
  }

  name(suffix: string): string {
    return `${this.prefix}${process.pid}-${suffix}`;
  }

  create(suffix: string): string {
    const name = this.name(suffix);
    ip('netns', 'add', name);
    this.made.push(name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
    return name;
  }

  cleanup(): void {
    for (const name of this.made.reverse()) deleteNamespace(name);
    this.made.length = 0;
  }
}
