// The standalone speaker's configuration source: a directory of YAML (config objects, Services,
// optional Nodes and EndpointSlices), re-read when anything under it changes. Objects with the
// same kind, namespace and name replace earlier ones, as `kubectl apply` in file order would.
import { applyInOrder } from '../core/config/apply.js';
import type { ConfigSource } from '../ports/config-source.js';
import { watchDirectory } from './watch.js';
import { readYamlInputs } from './yaml-files.js';

export class FileConfigSource implements ConfigSource {
  readonly addresses = 'statusOrAllocate' as const;
  readonly name: string;
  private stopWatching: (() => void) | undefined;

  constructor(
    private readonly dir: string,
    private readonly namespace: string,
  ) {
    this.name = `files:${dir}`;
  }

  start(changed: () => void): Promise<void> {
    this.stopWatching = watchDirectory(this.dir, changed);
    return Promise.resolve();
  }

  async read(): Promise<readonly unknown[]> {
    const values = await readYamlInputs([this.dir]);
    return applyInOrder(values, this.namespace).kept.map((k) => k.value);
  }

  readiness(): Readonly<Record<string, boolean>> {
    return {};
  }

  stop(): void {
    this.stopWatching?.();
  }
}
