// Reads YAML files and folders (recursively, *.yaml/*.yml in name order) into sourced values.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourcedValue } from '../core/config/apply.js';
import { yamlDocumentStream } from '../core/yaml-documents.js';

/**
 * Parsing pauses once this long has passed since the last pause, so timers (gossip probes, ARP
 * answers, BGP keepalives) run in between. By time, not by count: 100 documents took 50-150 ms
 * on a loaded 2-core machine.
 */
const SLICE_MS = 10;
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
      let since = performance.now();
      for (const item of yamlDocumentStream(text)) {
        if ('error' in item) errors.push(item.error);
        else out.push({ value: item.document.value, file });
        if (performance.now() - since > SLICE_MS) {
          await pause();
          since = performance.now();
        }
      }
      if (errors.length > 0) throw new InputError(`${file}: invalid YAML: ${errors.join('; ')}`);
    }
  }
  return out;
}
