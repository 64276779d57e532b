// Calls back (debounced) whenever something under a directory changes.
import { watch, type FSWatcher } from 'node:fs';

export function watchDirectory(dir: string, onChange: () => void, debounceMs = 150): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watcher: FSWatcher = watch(dir, { recursive: true }, () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  return () => {
    if (timer) clearTimeout(timer);
    watcher.close();
  };
}
