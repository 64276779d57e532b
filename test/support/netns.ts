// Network namespaces for tests: unique names per run (prefix + PID), stale ones from interrupted
// runs removed first, and everything this run made removed at the end.
import { ip, listNamespaces, processAlive as alive } from '../../src/lab/system.js';

export { ip };

export const isRoot = (): boolean => process.getuid?.() === 0;

/** Namespaces named `<prefix><pid>-...` whose creating process is gone. */
export function removeStale(prefix: string): void {
  const names = listNamespaces().filter((n) => n.startsWith(prefix));
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
