// The standalone FRR-K8s backend's output: one YAML file per FRRConfiguration in a directory
// (`<name>.yaml`), written atomically (a temporary file renamed over the old one), so whatever
// reads the directory (a sync job, `kubectl apply -f`) never sees half a file.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { FrrConfigurationStore, StoredObject } from '../ports/frr-configuration-store.js';

export class FrrConfigurationDir implements FrrConfigurationStore {
  readonly where: string;

  constructor(private readonly dir: string) {
    this.where = `directory ${dir}`;
  }

  fileOf(name: string): string {
    return join(this.dir, `${name}.yaml`);
  }

  async put(object: StoredObject): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.fileOf(object.metadata.name);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, stringify(object, { lineWidth: 0 }), { mode: 0o600 });
    await rename(temporary, file);
  }

  async remove(_namespace: string, name: string): Promise<void> {
    await rm(this.fileOf(name), { force: true });
  }
}
