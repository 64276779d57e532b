// Captures real BGP messages between FRR and BIRD for the codec fixtures (test/fixtures/bgp).
// Run as root: node --import tsx test/support/bgp-capture/capture.ts [output.json]
// Builds two namespaces (prefix hcapbgp-), starts bgpd+zebra and bird with the sessions of lab.ts,
// records everything on the veth with tcpdump while it walks through four phases (establish,
// withdraw, refresh, shutdown), then cuts the TCP streams into messages and writes them as hex.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { splitMessages } from '../../../src/core/bgp/framing.js';
import { parseIp, sameIp } from '../../../src/core/net/ip.js';
import { netnsExec, processAlive, signal, startInNamespace } from '../../../src/lab/system.js';
import { NamespaceSet, ip, isRoot } from '../netns.js';
import { tcpStreams, timeAt } from './pcap.js';
import {
  ADDRESSES,
  BIRD_ROUTES,
  BIRD_SHUTDOWN_MESSAGE,
  FRR_ASN,
  FRR_ROUTES,
  FRR_SHUTDOWN_MESSAGE,
  IFACE,
  SESSIONS,
  birdConfig,
  frrConfig,
  type SessionName,
  type Speaker,
} from './lab.js';

const PHASES = {
  establish: 'sessions come up and exchange their routes',
  withdraw: `FRR removes ${FRR_ROUTES.withdrawn.join(', ')}; BIRD disables ${[...BIRD_ROUTES.ipv4Withdrawn, ...BIRD_ROUTES.ipv6Withdrawn].join(', ')}`,
  refresh: 'FRR asks BIRD for IPv4 routes again (clear soft in); BIRD asks FRR for IPv6 routes (reload in)',
  shutdown: `FRR shuts ebgp4 down ("${FRR_SHUTDOWN_MESSAGE}"); BIRD disables ebgp6 ("${BIRD_SHUTDOWN_MESSAGE}")`,
} as const;
type Phase = keyof typeof PHASES;

const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'open',
  2: 'update',
  3: 'notification',
  4: 'keepalive',
  5: 'route-refresh',
};

export interface CapturedMessage {
  readonly id: string;
  readonly from: Speaker;
  readonly session: SessionName;
  /** The TCP connection, as tcpdump prints it: source.port > destination.port */
  readonly tcp: string;
  readonly phase: Phase;
  readonly type: string;
  readonly description: string;
  readonly hex: string;
}

const started: number[] = [];
const start = (ns: string, command: string[], log: string): number => {
  const pid = startInNamespace(ns, command, log);
  started.push(pid);
  return pid;
};

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

const tryRun = (fn: () => string): string => {
  try {
    return fn();
  } catch {
    return '';
  }
};

interface Capture {
  readonly versions: { frr: string; bird: string };
  readonly messages: CapturedMessage[];
}

/** What the fixture tests rely on; timing (a session flapping, a late answer) can leave one out. */
function missing(messages: readonly CapturedMessage[]): string[] {
  const has = (what: string, test: (m: CapturedMessage, bytes: Buffer) => boolean): string[] =>
    messages.some((m) => test(m, Buffer.from(m.hex, 'hex'))) ? [] : [what];
  return [
    ...(['frr', 'bird'] as const).flatMap((from) =>
      ['open', 'keepalive', 'update', 'notification', 'route-refresh'].flatMap((type) =>
        has(`${from} ${type}`, (m) => m.from === from && m.type === type),
      ),
    ),
    ...(['ebgp4', 'ebgp6'] as const).flatMap((session) =>
      (['frr', 'bird'] as const).flatMap((from) =>
        has(
          `${from} ${session} withdrawal`,
          (m) => m.from === from && m.session === session && m.type === 'update' && m.phase === 'withdraw',
        ),
      ),
    ),
    ...has('BIRD BoRR', (m, b) => m.from === 'bird' && m.type === 'route-refresh' && b[21] === 1),
    ...has('BIRD EoRR', (m, b) => m.from === 'bird' && m.type === 'route-refresh' && b[21] === 2),
    ...has(
      'BIRD IPv6 refresh request',
      (m, b) => m.from === 'bird' && m.type === 'route-refresh' && b[20] === 2,
    ),
  ];
}

async function main(): Promise<void> {
  if (!isRoot()) throw new Error('run as root: the capture builds network namespaces');
  const output = process.argv[2] ?? join(import.meta.dirname, '..', '..', 'fixtures', 'bgp', 'captured.json');
  for (let attempt = 1; attempt <= 3; attempt++) {
    const { versions, messages } = await captureOnce();
    const gaps = missing(messages);
    if (gaps.length > 0) {
      console.log(`attempt ${attempt}: capture incomplete (${gaps.join(', ')}); trying again`);
      continue;
    }
    const regenerate = 'sudo node --import tsx test/support/bgp-capture/capture.ts';
    writeFileSync(output, `${JSON.stringify({ regenerate, versions, phases: PHASES, messages }, null, 2)}\n`);
    console.log(`${messages.length} messages written to ${output}`);
    return;
  }
  throw new Error('no complete capture in 3 attempts');
}

async function captureOnce(): Promise<Capture> {
  const namespaces = new NamespaceSet('hcapbgp-');
  const dir = mkdtempSync(join(tmpdir(), 'hcapbgp-'));
  chownSync(
    dir,
    Number(execFileSync('id', ['-u', 'frr'], { encoding: 'utf8' })),
    Number(execFileSync('id', ['-g', 'frr'], { encoding: 'utf8' })),
  );
  const ns = { frr: namespaces.create('frr'), bird: namespaces.create('bird') };
  try {
    ip(
      'link',
      'add',
      IFACE.frr,
      'netns',
      ns.frr,
      'type',
      'veth',
      'peer',
      'name',
      IFACE.bird,
      'netns',
      ns.bird,
    );
    for (const side of ['frr', 'bird'] as const) {
      for (const address of ADDRESSES[side])
        ip('-n', ns[side], 'addr', 'add', address, 'dev', IFACE[side], 'nodad');
      ip('-n', ns[side], 'link', 'set', IFACE[side], 'up');
    }
    const pcap = join(dir, 'bgp.pcap');
    const tcpdumpLog = join(dir, 'tcpdump.log');
    const tcpdump = start(
      ns.frr,
      ['tcpdump', '-i', IFACE.frr, '-s', '0', '-U', '-w', pcap, 'tcp port 179'],
      tcpdumpLog,
    );
    await until(
      'tcpdump',
      () => existsSync(tcpdumpLog) && readFileSync(tcpdumpLog, 'utf8').includes('listening'),
    );

    const phaseStarts: [Phase, number][] = [['establish', Date.now()]];
    const frrDir = join(dir, 'frr');
    execFileSync('install', ['-d', '-o', 'frr', '-g', 'frr', frrDir]);
    writeFileSync(join(frrDir, 'empty.conf'), '');
    const frrCommon = [
      '-F',
      'datacenter',
      '-P',
      '0',
      '--vty_socket',
      frrDir,
      '-z',
      join(frrDir, 'zserv.api'),
      '-f',
      join(frrDir, 'empty.conf'),
    ];
    start(
      ns.frr,
      ['/usr/lib/frr/zebra', ...frrCommon, '-i', join(frrDir, 'zebra.pid')],
      join(dir, 'zebra.log'),
    );
    await until('zebra', () => existsSync(join(frrDir, 'zserv.api')));
    start(ns.frr, ['/usr/lib/frr/bgpd', ...frrCommon, '-i', join(frrDir, 'bgpd.pid')], join(dir, 'bgpd.log'));
    await until('bgpd', () => existsSync(join(frrDir, 'bgpd.vty')));
    const vtysh = (...commands: string[]): string =>
      netnsExec(ns.frr, ['vtysh', '--vty_socket', frrDir, ...commands.flatMap((c) => ['-c', c])]);
    const configure = (...lines: string[]): string => vtysh('configure terminal', ...lines);

    const birdSocket = join(dir, 'bird.ctl');
    writeFileSync(join(dir, 'bird.conf'), birdConfig(join(dir, 'bird.log')));
    start(ns.bird, ['bird', '-f', '-c', join(dir, 'bird.conf'), '-s', birdSocket], join(dir, 'bird.out'));
    const birdc = (...command: string[]): string =>
      netnsExec(ns.bird, ['birdc', '-s', birdSocket, ...command]);
    await until('bird', () => existsSync(birdSocket));

    writeFileSync(join(dir, 'frr.conf'), frrConfig());
    netnsExec(ns.frr, ['vtysh', '--vty_socket', frrDir, '-f', join(dir, 'frr.conf')]);

    const established = (): number => {
      const summary = tryRun(() => vtysh('show bgp summary json'));
      return (summary.match(/"state":"Established"/g) ?? []).length;
    };
    await until('three established sessions', () => established() >= 3);
    const birdHas = (prefix: string): boolean =>
      tryRun(() => birdc('show', 'route', prefix)).includes(prefix.split('/')[0] ?? '');
    const frrHas = (prefix: string): boolean =>
      tryRun(() =>
        vtysh(`show bgp ${prefix.includes(':') ? 'ipv6' : 'ipv4'} unicast ${prefix} json`),
      ).includes('"paths"');
    await until(
      'routes exchanged',
      () =>
        [...FRR_ROUTES.ipv4, ...FRR_ROUTES.ipv6].every(birdHas) &&
        [...BIRD_ROUTES.ipv4, ...BIRD_ROUTES.ipv4Withdrawn, ...BIRD_ROUTES.ipv6Withdrawn].every(frrHas),
    );
    await sleep(1500);

    phaseStarts.push(['withdraw', Date.now()]);
    configure(
      `router bgp ${FRR_ASN}`,
      'address-family ipv4 unicast',
      `no network ${FRR_ROUTES.withdrawn[0]}`,
      'exit-address-family',
      'address-family ipv6 unicast',
      `no network ${FRR_ROUTES.withdrawn[1]}`,
    );
    birdc('disable', 'static4w');
    birdc('disable', 'static6w');
    await until(
      'withdrawals',
      () =>
        !FRR_ROUTES.withdrawn.some(birdHas) &&
        ![...BIRD_ROUTES.ipv4Withdrawn, ...BIRD_ROUTES.ipv6Withdrawn].some(frrHas),
    );
    await sleep(1500);

    phaseStarts.push(['refresh', Date.now()]);
    vtysh(`clear bgp ipv4 unicast ${SESSIONS.ebgp4.bird} soft in`);
    birdc('reload', 'in', 'frr_ebgp6');
    await sleep(2500);

    phaseStarts.push(['shutdown', Date.now()]);
    configure(
      `router bgp ${FRR_ASN}`,
      `neighbor ${SESSIONS.ebgp4.bird} shutdown message ${FRR_SHUTDOWN_MESSAGE}`,
    );
    birdc('disable', 'frr_ebgp6', `"${BIRD_SHUTDOWN_MESSAGE}"`);
    await sleep(2000);

    const versions = {
      frr: /FRRouting \S+/.exec(vtysh('show version'))?.[0] ?? 'FRRouting',
      bird: /BIRD \S+/.exec(birdc('show', 'status'))?.[0] ?? 'BIRD',
    };
    signal(tcpdump, 'SIGINT');
    await until('tcpdump to finish', () => !processAlive(tcpdump), 5000);

    return { versions, messages: extract(readFileSync(pcap), phaseStarts) };
  } finally {
    for (const pid of started.reverse()) signal(pid, 'SIGTERM');
    await sleep(300);
    for (const pid of started) signal(pid, 'SIGKILL');
    // Forget them: a later attempt must never signal a recycled PID.
    started.length = 0;
    namespaces.cleanup();
    if (process.env.KEEP_CAPTURE_DIR) console.log(`capture files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function whoAndWhich(address: string): { from: Speaker; session: SessionName } | undefined {
  const ipAddress = parseIp(address);
  if (!ipAddress) return undefined;
  for (const [name, session] of Object.entries(SESSIONS) as [SessionName, (typeof SESSIONS)[SessionName]][]) {
    for (const side of ['frr', 'bird'] as const) {
      const candidate = parseIp(session[side]);
      if (candidate && sameIp(candidate, ipAddress)) return { from: side, session: name };
    }
  }
  return undefined;
}

const SESSION_TEXT: Readonly<Record<SessionName, string>> = {
  ebgp4: 'eBGP over IPv4 (IPv4 unicast)',
  ebgp6: 'eBGP over IPv6 (IPv6 unicast)',
  ibgp4: 'iBGP over IPv4 with 2-octet AS numbers (IPv4 unicast)',
};

interface Framed {
  readonly origin: { from: Speaker; session: SessionName };
  readonly connectionKey: string;
  readonly tcp: string;
  readonly time: number;
  readonly message: Uint8Array;
}

function framed(pcap: Uint8Array): Framed[] {
  const out: Framed[] = [];
  for (const stream of tcpStreams(pcap)) {
    const origin = whoAndWhich(stream.source);
    if (!origin) continue;
    const frames = splitMessages(stream.bytes);
    if (frames.error) throw new Error(`broken BGP stream from ${stream.source}: ${frames.error.message}`);
    let offset = 0;
    for (const message of frames.messages) {
      const time = timeAt(stream, offset);
      offset += message.length;
      const connectionKey = `${origin.from}-${origin.session}-${stream.sourcePort}-${stream.connection}`;
      const tcp = `${stream.source}.${stream.sourcePort} > ${stream.destination}.${stream.destinationPort}`;
      out.push({ origin, connectionKey, tcp, time, message });
    }
  }
  return out.sort((a, b) => a.time - b.time);
}

function extract(pcap: Uint8Array, phaseStarts: readonly [Phase, number][]): CapturedMessage[] {
  const out: CapturedMessage[] = [];
  const counts = new Map<string, number>();
  const keepalives = new Set<string>();
  for (const { origin, connectionKey, tcp, time, message } of framed(pcap)) {
    const type = TYPE_NAMES[message[18] ?? 0] ?? `type-${message[18] ?? 0}`;
    if (type === 'keepalive') {
      if (keepalives.has(connectionKey)) continue;
      keepalives.add(connectionKey);
    }
    const phase = [...phaseStarts].reverse().find(([, at]) => at <= time)?.[0] ?? 'establish';
    const base = `${origin.from}-${origin.session}-${type}`;
    const n = (counts.get(base) ?? 0) + 1;
    counts.set(base, n);
    const to = origin.from === 'frr' ? 'BIRD' : 'FRR';
    out.push({
      id: `${base}-${n}`,
      from: origin.from,
      session: origin.session,
      tcp,
      phase,
      type,
      description: `${origin.from === 'frr' ? 'FRR' : 'BIRD'} → ${to}, ${SESSION_TEXT[origin.session]}, ${type.toUpperCase()} #${n}, phase ${phase}: ${PHASES[phase]}`,
      hex: Buffer.from(message).toString('hex'),
    });
  }
  return out;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
