// Go-style durations as used by Kubernetes APIs ("10s", "1m30s", "250ms"), in milliseconds.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(trimmed)) !== null) {
    const [, amount, unit] = match;
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== trimmed.length || !Number.isFinite(total)) return undefined;
  return total;
}

/** Formats whole seconds the way Go prints them for these fields ("1m30s", "10s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const seconds = ms / 1000;
  if (!Number.isInteger(seconds)) return `${ms}ms`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`;
}
