// The pool a service's addresses come from, as a speaker finds it: the one pool whose address
// ranges hold every address (pools never overlap).
import type { Config } from '../config/types.js';
import { parseIp } from '../net/ip.js';

export function poolOf(config: Config, ips: readonly string[]): string | undefined {
  const parsed = ips.map(parseIp);
  if (parsed.length === 0) return undefined;
  for (const pool of config.pools.values()) {
    const holdsAll = parsed.every(
      (ip) =>
        ip !== undefined &&
        pool.addresses.some((e) => e.family === ip.family && e.first <= ip.value && ip.value <= e.last),
    );
    if (holdsAll) return pool.name;
  }
  return undefined;
}
