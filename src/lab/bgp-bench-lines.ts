// What the BGP benchmarks read, as pure functions over text: `ip -ts -o monitor` lines (kernel
// routes and nexthop objects in the router namespace, links on the bridge), FRR's debug log,
// tcpdump's `-tt` lines and the speakers' JSON logs. Every timestamp becomes epoch milliseconds
// with a fraction, so times from the kernel, FRR and tcpdump can be subtracted from each other.

/** `YYYY-MM-DD[T ]HH:MM:SS.ffffff` (or with `/`) in local time → epoch ms, fraction kept. */
export function localTimeMs(text: string): number | undefined {
  const m = /^(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = ''] = m;
  const whole = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)).getTime();
  return whole + (frac === '' ? 0 : Number(`0.${frac}`) * 1000);
}

export interface MonitorLine {
  readonly atMs: number;
  readonly text: string;
}

/** `[2026-11-30T10:22:01.724540] text` (ip -ts -o monitor) → its time and text. */
export function parseMonitorLine(line: string): MonitorLine | undefined {
  const m = /^\[([^\]]+)\]\s?(.*)$/.exec(line);
  const atMs = m ? localTimeMs(m[1] ?? '') : undefined;
  return m && atMs !== undefined ? { atMs, text: m[2] ?? '' } : undefined;
}

/** A monitor line saying the bridge port went down (`p-node1@...: <...> ... state DOWN`). */
export function isLinkDown(text: string, port: string): boolean {
  return new RegExp(`^\\d+: ${escape(port)}[@:]`).test(text) && /\bstate DOWN\b/.test(text);
}

/**
 * The kernel's routes and nexthop objects as the monitor reports them. FRR's zebra installs
 * multipath routes through nexthop groups (`nhid`), so a route's gateways are the ones printed
 * on its line or, when none are, those of its group — which may also change in place.
 */
export class KernelRouteView {
  private readonly routes = new Map<string, { nhid?: string; gateways: readonly string[] }>();
  private readonly nexthops = new Map<string, string>();
  private readonly groups = new Map<string, readonly string[]>();

  /** Applies one line of `ip -o route`, `ip -o nexthop` or their monitor (without timestamp). */
  apply(text: string): void {
    const deleted = text.startsWith('Deleted ');
    const body = deleted ? text.slice('Deleted '.length) : text;
    const object = /^id (\d+) (.*)$/.exec(body);
    if (object) {
      const [, id = '', rest = ''] = object;
      const group = /\bgroup (\S+)/.exec(rest)?.[1];
      const via = /\bvia (\S+)/.exec(rest)?.[1];
      if (deleted) {
        this.groups.delete(id);
        this.nexthops.delete(id);
      } else if (group)
        this.groups.set(
          id,
          group.split('/').map((m) => m.split(',')[0] ?? ''),
        );
      else if (via) this.nexthops.set(id, via);
      return;
    }
    const destination = normalise(body.split(/\s/)[0] ?? '');
    if (destination === '') return;
    if (deleted) {
      this.routes.delete(destination);
      return;
    }
    const nhid = /\bnhid (\d+)/.exec(body)?.[1];
    const gateways = [...body.matchAll(/\bvia (?:inet6? )?(\S+)/g)].map((m) => m[1] ?? '');
    this.routes.set(destination, nhid === undefined ? { gateways } : { nhid, gateways });
  }

  /** The route's gateways now; undefined when the kernel has no route to `destination`. */
  gateways(destination: string): readonly string[] | undefined {
    const route = this.routes.get(normalise(destination));
    if (!route) return undefined;
    if (route.gateways.length > 0 || route.nhid === undefined) return route.gateways;
    const single = this.nexthops.get(route.nhid);
    if (single) return [single];
    return (this.groups.get(route.nhid) ?? []).flatMap((id) => {
      const gateway = this.nexthops.get(id);
      return gateway ? [gateway] : [];
    });
  }

  /** How many routes the view holds whose destination starts with `prefix` (e.g. `10.79.`). */
  countStartingWith(prefix: string): number {
    let n = 0;
    for (const destination of this.routes.keys()) if (destination.startsWith(prefix)) n += 1;
    return n;
  }
}

/** Host routes print without their length; keep one spelling. */
function normalise(destination: string): string {
  return destination.replace(/\/(32|128)$/, '');
}

export interface FrrEvent {
  readonly atMs: number;
  readonly kind: 'bfdDown' | 'bfdUp' | 'bgpDown' | 'bgpUp' | 'zebraRoute';
  /** The peer's address (BFD, BGP) or the prefix (zebra). */
  readonly subject: string;
  readonly detail: string;
}

/** One line of FRR's log at `log timestamp precision 6` with bfd/bgp/zebra debugging on. */
export function parseFrrLogLine(line: string): FrrEvent | undefined {
  const m = /^(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?) (\w+): (.*)$/.exec(line);
  if (!m) return undefined;
  const atMs = localTimeMs(m[1] ?? '');
  const message = m[3] ?? '';
  if (atMs === undefined) return undefined;
  const bfd = /state-change: \[.*?peer:(\S+) .*?\] (\S+) -> (\S+)(?: reason:(\S+))?/.exec(message);
  if (bfd) {
    const [, peer = '', from = '', to = '', reason = ''] = bfd;
    if (to === 'down' && from === 'up') return { atMs, kind: 'bfdDown', subject: peer, detail: reason };
    if (to === 'up') return { atMs, kind: 'bfdUp', subject: peer, detail: from };
    return undefined;
  }
  const adj = /%ADJCHANGE: neighbor (\S+?)(?:\(\S*\))? in vrf \S+ (Up|Down)(.*)$/.exec(message);
  if (adj) {
    const [, peer = '', change = '', rest = ''] = adj;
    return { atMs, kind: change === 'Up' ? 'bgpUp' : 'bgpDown', subject: peer, detail: rest.trim() };
  }
  const route = /process_subq_early_route_add: \(\d+:\d+\):(\S+?):/.exec(message);
  if (route) return { atMs, kind: 'zebraRoute', subject: normalise(route[1] ?? ''), detail: '' };
  return undefined;
}

export interface Datagram {
  readonly atMs: number;
  readonly from: string;
  readonly to: string;
}

/** `1796034165.699123 IP 10.77.0.11.49152 > 10.77.0.1.3784: UDP, length 24` (IP6 alike). */
export function parseTcpdumpLine(line: string): Datagram | undefined {
  const m = /^(\d+)\.(\d{6}) IP6? (\S+)\.\d+ > (\S+)\.\d+:/.exec(line);
  if (!m) return undefined;
  const [, seconds = '', micros = '', from = '', to = ''] = m;
  return { atMs: Number(seconds) * 1000 + Number(micros) / 1000, from, to };
}

export interface SpeakerEvent {
  readonly atMs: number;
  readonly component: string;
  readonly event: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A speaker's JSON log line (`{"time": "...Z", "component": ..., "event": ...}`). */
export function parseSpeakerLogLine(line: string): SpeakerEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const fields = JSON.parse(line) as Record<string, unknown>;
    const atMs = typeof fields.time === 'string' ? Date.parse(fields.time) : Number.NaN;
    if (Number.isNaN(atMs) || typeof fields.component !== 'string' || typeof fields.event !== 'string')
      return undefined;
    return { atMs, component: fields.component, event: fields.event, fields };
  } catch {
    return undefined;
  }
}

/** The p-th percentile (nearest rank) of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
