// Reads YAML files and folders (recursively, *.yaml/*.yml in name order) into sourced values.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourcedValue } from '../core/config/apply.js';
import { yamlDocumentStream } from '../core/yaml-documents.js';

/** Documents parsed between two pauses: each pause lets timers (BFD, gossip probes) run. */
const DOCUMENTS_PER_SLICE = 100;
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

export class InputError extends Error {
  override readonly name = 'InputError';
}

async function listYamlFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError(`${path}: no such file or directory`);
  if (!info.isDirectory()) return [path];
  const entries = (await readdir(path)).sort();
  const out: string[] = [];
  for (const entry of entries) {
    const child = join(path, entry);
    const childInfo = await stat(child);
    if (childInfo.isDirectory()) out.push(...(await listYamlFiles(child)));
    else if (/\.ya?ml$/.test(entry)) out.push(child);
  }
  return out;
}

/** Every document of every file under `paths`, in order. Throws InputError on unreadable input. */
export async function readYamlInputs(paths: readonly string[]): Promise<SourcedValue[]> {
  const out: SourcedValue[] = [];
  for (const path of paths) {
    for (const file of await listYamlFiles(path)) {
      const text = await readFile(file, 'utf8').catch((e: unknown) => {
        throw new InputError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      });
      const errors: string[] = [];
      let count = 0;
      for (const item of yamlDocumentStream(text)) {
        if ('error' in item) errors.push(item.error);
        else out.push({ value: item.document.value, file });
        if (++count % DOCUMENTS_PER_SLICE === 0) await pause();
      }
      if (errors.length > 0) throw new InputError(`${file}: invalid YAML: ${errors.join('; ')}`);
    }
  }
  return out;
}
