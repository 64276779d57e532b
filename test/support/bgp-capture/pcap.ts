// Just enough of pcap, Ethernet, IPv4/IPv6 and TCP to turn a tcpdump capture of BGP sessions into
// the byte stream each side sent: segments are put in sequence order, retransmitted bytes dropped.

export interface TcpStream {
  readonly source: string;
  readonly sourcePort: number;
  readonly destination: string;
  readonly destinationPort: number;
  /** Connection number for this address/port 4-tuple (a new SYN starts a new one). */
  readonly connection: number;
  readonly bytes: Uint8Array;
  /** Capture time (ms since the epoch) at which each byte offset began arriving: [offset, time] pairs. */
  readonly times: readonly (readonly [number, number])[];
}

interface Segment {
  readonly key: string;
  readonly syn: boolean;
  readonly seq: number;
  readonly payload: Uint8Array;
  readonly time: number;
  readonly source: string;
  readonly sourcePort: number;
  readonly destination: string;
  readonly destinationPort: number;
}

const ipv4Text = (b: Uint8Array, at: number): string => [0, 1, 2, 3].map((i) => b[at + i] ?? 0).join('.');
function ipv6Text(b: Uint8Array, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((b[at + i] ?? 0) << 8) | (b[at + i + 1] ?? 0)).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

function* packets(file: Uint8Array): Generator<{ time: number; data: Uint8Array }> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = view.getUint32(0, true);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nanos = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  if (!little && magic !== 0xd4c3b2a1 && magic !== 0x4d3cb2a1) throw new Error('not a pcap file');
  if (view.getUint32(20, little) !== 1) throw new Error('expected Ethernet link type');
  for (let at = 24; at + 16 <= file.length;) {
    const seconds = view.getUint32(at, little);
    const fraction = view.getUint32(at + 4, little);
    const captured = view.getUint32(at + 8, little);
    const time = seconds * 1000 + (nanos ? fraction / 1e6 : fraction / 1e3);
    yield { time, data: file.subarray(at + 16, at + 16 + captured) };
    at += 16 + captured;
  }
}

function segment(frame: Uint8Array, time: number): Segment | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const etherType = view.getUint16(12);
  let tcpAt: number;
  let ipEnd: number;
  let source: string;
  let destination: string;
  if (etherType === 0x0800) {
    if (frame[23] !== 6) return undefined;
    tcpAt = 14 + ((frame[14] ?? 0) & 0x0f) * 4;
    ipEnd = 14 + view.getUint16(16);
    source = ipv4Text(frame, 26);
    destination = ipv4Text(frame, 30);
  } else if (etherType === 0x86dd) {
    if (frame[20] !== 6) return undefined;
    tcpAt = 54;
    ipEnd = 54 + view.getUint16(18);
    source = ipv6Text(frame, 22);
    destination = ipv6Text(frame, 38);
  } else {
    return undefined;
  }
  const sourcePort = view.getUint16(tcpAt);
  const destinationPort = view.getUint16(tcpAt + 2);
  const seq = view.getUint32(tcpAt + 4);
  const dataAt = tcpAt + ((frame[tcpAt + 12] ?? 0) >> 4) * 4;
  const syn = ((frame[tcpAt + 13] ?? 0) & 0x02) !== 0;
  return {
    key: `${source}|${sourcePort}|${destination}|${destinationPort}`,
    syn,
    seq,
    payload: frame.subarray(dataAt, ipEnd),
    time,
    source,
    sourcePort,
    destination,
    destinationPort,
  };
}

/** Every TCP byte stream in the capture, in order of first packet. */
export function tcpStreams(file: Uint8Array): TcpStream[] {
  interface Building {
    stream: Omit<TcpStream, 'bytes' | 'times'>;
    next: number;
    chunks: Uint8Array[];
    length: number;
    times: [number, number][];
  }
  const open = new Map<string, Building>();
  const connections = new Map<string, number>();
  const done: Building[] = [];
  for (const { time, data } of packets(file)) {
    const s = segment(data, time);
    if (!s) continue;
    let building = open.get(s.key);
    if (s.syn) {
      const connection = connections.get(s.key) ?? 0;
      connections.set(s.key, connection + 1);
      const { source, sourcePort, destination, destinationPort } = s;
      building = {
        stream: { source, sourcePort, destination, destinationPort, connection },
        next: (s.seq + 1) >>> 0,
        chunks: [],
        length: 0,
        times: [],
      };
      open.set(s.key, building);
      done.push(building);
      continue;
    }
    if (!building || s.payload.length === 0) continue;
    // Offset of this segment relative to the next byte we expect (mod 2^32).
    const delta = (s.seq - building.next) | 0;
    if (delta > 0) throw new Error(`gap in ${s.key}: a segment was not captured`);
    const fresh = s.payload.subarray(-delta);
    if (fresh.length === 0) continue;
    building.times.push([building.length, s.time]);
    building.chunks.push(fresh);
    building.length += fresh.length;
    building.next = (building.next + fresh.length) >>> 0;
  }
  return done.map((b) => {
    const bytes = new Uint8Array(b.length);
    let at = 0;
    for (const chunk of b.chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return { ...b.stream, bytes, times: b.times };
  });
}

/** The capture time at which the byte at `offset` arrived. */
export function timeAt(stream: TcpStream, offset: number): number {
  let time = stream.times[0]?.[1] ?? 0;
  for (const [start, t] of stream.times) {
    if (start > offset) break;
    time = t;
  }
  return time;
}
