// The chaos ARP monitor: runs inside the lab's monitor namespace (its own address and MAC, so the
// client's neighbour table never learns from it), asks for every VIP each round over an AF_PACKET
// socket and prints, per round and VIP, the distinct MACs that answered it and those that sent
// gratuitous ARP meanwhile — one JSON line each. Exits when stdin closes or after maxMs.
// Usage: node arp-monitor.js IFACE SENDER_IP VIP[,VIP...] ROUND_MS MAX_MS
import { ARP_REPLY, ARP_REQUEST, decodeArp, encodeArp, ETHERTYPE_ARP } from '../../core/packets/arp.js';
import { isDecodeError } from '../../core/packets/errors.js';
import { BROADCAST_MAC, formatMac, ZERO_MAC } from '../../core/packets/mac.js';
import { openPacketSocket } from '../../announce/packet-socket.js';

const [iface = 'eth0', senderText = '', vipList = '', roundText = '200', maxText = '60000'] =
  process.argv.slice(2);
const toNumber = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const vips = vipList.split(',').filter(Boolean);
const senderIp = toNumber(senderText);
const socket = openPacketSocket(iface, ETHERTYPE_ARP);
const answered = new Map<string, Set<string>>();
const gratuitous = new Map<string, Set<string>>();
const byNumber = new Map(vips.map((v) => [toNumber(v), v]));

socket.start((frame, outgoing) => {
  if (outgoing) return;
  const packet = decodeArp(frame);
  if (isDecodeError(packet)) return;
  const vip = byNumber.get(packet.senderIp);
  if (vip === undefined) return;
  const mac = formatMac(packet.senderMac);
  if (packet.targetIp === packet.senderIp) gratuitous.get(vip)?.add(mac);
  else if (packet.operation === ARP_REPLY && packet.targetIp === senderIp) answered.get(vip)?.add(mac);
});

let roundStart = 0;
const round = (): void => {
  const now = Date.now();
  if (roundStart > 0)
    for (const vip of vips)
      process.stdout.write(
        `${JSON.stringify({ v: vip, a: roundStart, m: [...(answered.get(vip) ?? [])], g: [...(gratuitous.get(vip) ?? [])] })}\n`,
      );
  roundStart = now;
  for (const vip of vips) {
    answered.set(vip, new Set());
    gratuitous.set(vip, new Set());
    socket.send(
      encodeArp({
        ethernetDestination: BROADCAST_MAC,
        ethernetSource: socket.mac,
        operation: ARP_REQUEST,
        senderMac: socket.mac,
        senderIp,
        targetMac: ZERO_MAC,
        targetIp: toNumber(vip),
      }),
    );
  }
};
const timer = setInterval(round, Number(roundText));
round();
const stop = (): void => {
  clearInterval(timer);
  socket.close();
  process.exit(0);
};
setTimeout(stop, Number(maxText)).unref();
process.stdin.on('close', stop);
process.stdin.resume();
