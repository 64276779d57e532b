// The BGP session's messages on the wire: core/bgp's codecs mapped to the session machine's
// events (what a received message means) and back (the OPEN, KEEPALIVE and NOTIFICATION it
// sends), plus the UPDATE encoder that turns a node's planned routes into as few UPDATEs as fit.
// Routes learned from peers are never installed, so a received UPDATE only matters for errors:
// RFC 7606 treat-as-withdraw and attribute-discard keep the session; a reset answers with the
// NOTIFICATION the decoder chose.
import type { BgpInboundEvent, BgpMessageCodec } from './bgp-session.actor.js';
import type { BgpUpdateEncoder, LiveSession } from './bgp-speaker.actor.js';
import type { BgpRoute } from '../core/bgp-plan/index.js';
import {
  Afi,
  asnOf,
  buildAnnouncements,
  buildWithdrawals,
  capabilitiesOf,
  decodeMessage,
  encodeMessage,
  isBgpError,
  openFor,
  Safi,
  type Capability,
  type OpenMessage,
  type RouteSet,
} from '../core/bgp/index.js';
import { parseIp, parsePrefix, type Ip, type Prefix } from '../core/net/ip.js';
import type { BgpOpenSummary } from '../machines/bgp-session.params.js';

const ipv4ToNumber = (text: string): number =>
  text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const numberToIpv4 = (n: number): string => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');

function openSummary(open: OpenMessage): BgpOpenSummary {
  const capabilities = capabilitiesOf(open);
  const multiprotocol = capabilities.filter((c) => c.kind === 'multiprotocol');
  const has = (afi: number) => multiprotocol.some((c) => c.afi === afi && c.safi === Safi.unicast);
  return {
    asn: asnOf(open),
    holdTime: open.holdTime,
    routerId: numberToIpv4(open.identifier),
    capabilities: {
      fourOctetAs: capabilities.some((c) => c.kind === 'four-octet-as'),
      // RFC 4760 §8: a speaker that advertises no multiprotocol capability speaks IPv4 unicast.
      ipv4Unicast: multiprotocol.length === 0 || has(Afi.ipv4),
      ipv6Unicast: has(Afi.ipv6),
      routeRefresh: capabilities.some((c) => c.kind === 'route-refresh'),
      gracefulRestart: capabilities.some((c) => c.kind === 'graceful-restart'),
    },
  };
}

function openMessage(open: BgpOpenSummary): Uint8Array {
  const capabilities: Capability[] = [];
  if (open.capabilities.ipv4Unicast)
    capabilities.push({ kind: 'multiprotocol', afi: Afi.ipv4, safi: Safi.unicast });
  if (open.capabilities.ipv6Unicast)
    capabilities.push({ kind: 'multiprotocol', afi: Afi.ipv6, safi: Safi.unicast });
  if (open.capabilities.routeRefresh) capabilities.push({ kind: 'route-refresh' });
  if (open.capabilities.gracefulRestart)
    capabilities.push({ kind: 'graceful-restart', flags: 0, restartTime: 120, families: [] });
  return encodeMessage(
    openFor({
      asn: open.asn,
      holdTime: open.holdTime,
      identifier: ipv4ToNumber(open.routerId),
      capabilities,
    }),
  );
}

export const wireCodec: BgpMessageCodec<Uint8Array> = {
  read(bytes, context): BgpInboundEvent {
    // Before the OPENs are exchanged only OPEN, KEEPALIVE and NOTIFICATION can arrive.
    const message = decodeMessage(bytes, context ?? { fourOctetAs: true });
    if (isBgpError(message)) {
      if (message.action !== 'session-reset') return { type: 'bgp.update' };
      const { code, subcode, data } = message.notification;
      return { type: 'bgp.decodeError', code, subcode, data };
    }
    switch (message.type) {
      case 'open':
        return { type: 'bgp.open', ...openSummary(message) };
      case 'keepalive':
        return { type: 'bgp.keepalive' };
      case 'update':
        return { type: 'bgp.update' };
      case 'notification':
        return { type: 'bgp.notification', code: message.code, subcode: message.subcode, data: message.data };
      case 'route-refresh':
        return { type: 'bgp.routeRefresh' };
    }
  },
  open: openMessage,
  keepalive: () => encodeMessage({ type: 'keepalive' }),
  notification: (n) =>
    encodeMessage({
      type: 'notification',
      code: n.code,
      subcode: n.subcode,
      data: n.data ?? new Uint8Array(0),
    }),
};

/** Routes with identical attributes travel together, many prefixes per UPDATE. */
function routeSets(routes: readonly BgpRoute[], live: LiveSession): RouteSet[] {
  const session = live.config;
  const asPath = session.ibgp ? [] : [session.localASN ?? session.myASN];
  const local = live.localAddress();
  const groups = new Map<string, { nextHop: Ip; route: BgpRoute; prefixes: Prefix[] }>();
  for (const route of routes) {
    const nextHop = parseIp(route.nextHop === 'self' ? (local ?? '') : route.nextHop);
    const prefix = parsePrefix(route.prefix);
    if (!nextHop || !prefix) continue; // no local address yet: the table goes out when connected
    const key = JSON.stringify([
      route.nextHop,
      route.localPref,
      route.communities,
      route.largeCommunities,
      route.family,
    ]);
    const group = groups.get(key) ?? { nextHop, route, prefixes: [] };
    group.prefixes.push(prefix);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ nextHop, route, prefixes }) => ({
    prefixes,
    origin: 'igp',
    asPath,
    nextHop,
    ...(route.localPref !== undefined ? { localPref: route.localPref } : {}),
    communities: route.communities.map((c) => ({ asn: Math.floor(c / 0x10000), value: c % 0x10000 })),
    largeCommunities: route.largeCommunities.map(([global, local1, local2]) => ({ global, local1, local2 })),
  }));
}

export const wireUpdates: BgpUpdateEncoder<Uint8Array> = {
  announce(routes, live) {
    if (routes.length === 0) return [];
    const built = buildAnnouncements(routeSets(routes, live), {
      fourOctetAs: live.negotiated()?.fourOctetAs ?? true,
    });
    // The planner only produces valid routes; a build error would be a bug, not bad input.
    if (!Array.isArray(built)) throw new Error(`UPDATE for ${live.config.name}: ${built.message}`);
    return built;
  },
  withdraw(prefixes) {
    const parsed = prefixes.map((p) => parsePrefix(p)).filter((p): p is Prefix => p !== undefined);
    return parsed.length === 0 ? [] : buildWithdrawals(parsed);
  },
};
