// Throughput of the BGP codecs (messages/s): decoding and encoding captured FRR/BIRD messages and
// full 4096-byte UPDATEs, framing a stream, and the update builder packing 100,000 routes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BgpFramer,
  buildAnnouncements,
  decodeMessage,
  encodeMessage,
  isBgpError,
  type BgpMessage,
  type DecodeOptions,
  type UpdateBuildError,
} from '../src/core/bgp/index.js';
import { parseIp, type Ip, type Prefix } from '../src/core/net/ip.js';

const captured = (
  JSON.parse(
    readFileSync(join(import.meta.dirname, '..', 'test', 'fixtures', 'bgp', 'captured.json'), 'utf8'),
  ) as {
    messages: { id: string; hex: string }[];
  }
).messages;
function fixture(id: string): Uint8Array {
  const found = captured.find((m) => m.id === id);
  if (!found) throw new Error(`no captured message ${id}`);
  return Buffer.from(found.hex, 'hex');
}
function ip(text: string): Ip {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(text);
  return parsed;
}
function firstMessage(built: Uint8Array[] | UpdateBuildError): Uint8Array {
  if (!Array.isArray(built) || !built[0]) throw new Error('nothing built');
  return built[0];
}

function rate(name: string, seconds: number, fn: () => void): number {
  for (let i = 0; i < 2000; i++) fn();
  let count = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    for (let i = 0; i < 500; i++) fn();
    count += 500;
  }
  const perSecond = count / ((performance.now() - started) / 1000);
  console.log(`${name.padEnd(58)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} /s`);
  return perSecond;
}

const v4Prefixes = (n: number, length = 32): Prefix[] =>
  Array.from({ length: n }, (_, i) => ({
    family: 4,
    length,
    base: BigInt(0x0a000000 + i * 2 ** (32 - length)),
  }));
const v6Prefixes = (n: number): Prefix[] =>
  Array.from({ length: n }, (_, i) => ({ family: 6, length: 128, base: (0x20010db8n << 96n) + BigInt(i) }));
const routeSet = (prefixes: Prefix[], nextHop: string) => ({
  prefixes,
  origin: 'igp' as const,
  asPath: [64500],
  nextHop: ip(nextHop),
  localPref: 100,
  communities: [{ asn: 64500, value: 1 }],
  largeCommunities: [{ global: 64500, local1: 1, local2: 2 }],
});
const full4 = firstMessage(buildAnnouncements([routeSet(v4Prefixes(5000), '10.0.0.1')]));
const full6 = firstMessage(buildAnnouncements([routeSet(v6Prefixes(5000), 'fd00::1')]));

const samples: [string, Uint8Array, DecodeOptions][] = [
  ['KEEPALIVE', fixture('frr-ebgp4-keepalive-1'), {}],
  ['OPEN (FRR, 10 capabilities)', fixture('frr-ebgp4-open-1'), {}],
  ['UPDATE IPv4, communities (BIRD)', fixture('bird-ebgp4-update-1'), {}],
  ['UPDATE IPv6 MP_REACH (FRR)', fixture('frr-ebgp6-update-1'), {}],
  [`UPDATE IPv4 full (${full4.length} B, /32s)`, full4, {}],
  [`UPDATE IPv6 full (${full6.length} B, /128s)`, full6, {}],
];

console.log(`BGP codec throughput (node ${process.version})`);
for (const [name, bytes, options] of samples) {
  const decoded = decodeMessage(bytes, options);
  if (isBgpError(decoded)) throw new Error(decoded.message);
  const routes =
    decoded.type === 'update' ? decoded.nlri.length + (decoded.attributes.mpReach?.nlri.length ?? 0) : 0;
  const d = rate(`decode ${name}`, 0.6, () => decodeMessage(bytes, options));
  if (routes > 1)
    console.log(
      `${'  = routes decoded'.padEnd(58)} ${Math.round(d * routes)
        .toLocaleString('en-US')
        .padStart(12)} /s`,
    );
  const message: BgpMessage = decoded;
  rate(`encode ${name}`, 0.6, () => encodeMessage(message, options));
}

const stream = Buffer.concat(captured.map((m) => Buffer.from(m.hex, 'hex')));
const framerRate = rate(`frame a stream of ${captured.length} captured messages (1 KiB chunks)`, 0.6, () => {
  const framer = new BgpFramer();
  for (let at = 0; at < stream.length; at += 1024) framer.push(stream.subarray(at, at + 1024));
});
console.log(
  `${'  = messages framed'.padEnd(58)} ${Math.round(framerRate * captured.length)
    .toLocaleString('en-US')
    .padStart(12)} /s`,
);

const many = [routeSet(v4Prefixes(100_000, 32), '10.0.0.1'), routeSet(v6Prefixes(100_000), 'fd00::1')];
let messages = 0;
const started = performance.now();
const runs = 5;
for (let i = 0; i < runs; i++) messages = (buildAnnouncements(many) as Uint8Array[]).length;
const seconds = (performance.now() - started) / 1000 / runs;
console.log(
  `build 100,000 IPv4 + 100,000 IPv6 routes: ${messages} UPDATEs in ${(seconds * 1000).toFixed(0)} ms (${Math.round(200_000 / seconds).toLocaleString('en-US')} routes/s)`,
);
