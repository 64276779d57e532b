// The BGP sessions of one node: every BGPPeer whose nodeSelectors select it, with everything the
// speaker needs to open the session resolved (defaults, BFD profile values, address families).
import type { BfdProfile, BgpPeer, Config } from '../config/types.js';
import { anySelectorMatches, type Labels } from '../labels.js';
import { formatIp, parseIp, type IpFamily } from '../net/ip.js';
import { Redacted } from './redacted.js';

/** RFC 4271's suggested ConnectRetryTime, and FRR's default, when a peer sets no connectTime. */
export const DEFAULT_CONNECT_TIME_MS = 120_000;

export type SessionAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'password'; readonly password: Redacted }
  /** The password is in this Secret (type basic-auth, key `password`); the speaker reads it. */
  | { readonly kind: 'secret'; readonly namespace: string; readonly name: string };

export interface SessionBfd {
  readonly profile: string;
  /** The profile's values; undefined while the profile does not exist (herald plan only). */
  readonly settings: BfdProfile | undefined;
}

export interface BgpSession {
  /** The BGPPeer's name: advertisements name peers by it. */
  readonly name: string;
  readonly peerAddress: string | undefined;
  /** Unnumbered session on this interface (instead of peerAddress). */
  readonly interface: string | undefined;
  readonly peerPort: number;
  readonly sourceAddress: string | undefined;
  readonly vrf: string;
  readonly myASN: number;
  /** The ASN presented on this session instead of myASN (FRR `local-as … replace-as`). */
  readonly localASN: number | undefined;
  readonly peerASN: number | undefined;
  readonly dynamicASN: 'internal' | 'external' | undefined;
  /** iBGP: LOCAL_PREF is sent and the AS_PATH stays empty. */
  readonly ibgp: boolean;
  readonly routerID: string | undefined;
  readonly holdTimeMs: number;
  readonly keepaliveTimeMs: number;
  readonly connectTimeMs: number;
  readonly ebgpMultiHop: boolean;
  readonly gracefulRestart: boolean;
  /** Address families whose prefixes this session carries, ascending. */
  readonly families: readonly IpFamily[];
  readonly auth: SessionAuth;
  readonly bfd: SessionBfd | undefined;
}

/** Sessions of a node with these labels, by peer name. */
export function sessionsForNode(config: Config, nodeLabels: Labels): BgpSession[] {
  return [...config.peers.values()]
    .filter((peer) => anySelectorMatches(peer.nodeSelectors, nodeLabels))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((peer) => toSession(config, peer));
}

export function toSession(config: Config, peer: BgpPeer): BgpSession {
  const sessionASN = peer.localASN ?? peer.myASN;
  return {
    name: peer.name,
    peerAddress: peer.peerAddress,
    interface: peer.interface,
    peerPort: peer.peerPort,
    sourceAddress: peer.sourceAddress,
    vrf: peer.vrf,
    myASN: peer.myASN,
    localASN: peer.localASN,
    peerASN: peer.peerASN,
    dynamicASN: peer.dynamicASN,
    ibgp: peer.dynamicASN === 'internal' || (peer.peerASN !== undefined && peer.peerASN === sessionASN),
    routerID: peer.routerID,
    holdTimeMs: peer.holdTimeMs,
    keepaliveTimeMs: peer.keepaliveTimeMs,
    connectTimeMs: peer.connectTimeMs ?? DEFAULT_CONNECT_TIME_MS,
    ebgpMultiHop: peer.ebgpMultiHop,
    gracefulRestart: peer.enableGracefulRestart,
    families: familiesOf(peer),
    auth: authOf(peer),
    bfd:
      peer.bfdProfile === undefined
        ? undefined
        : { profile: peer.bfdProfile, settings: config.bfdProfiles.get(peer.bfdProfile) },
  };
}

/**
 * The peer address's family; both when dualStackAddressFamily is set or the session is
 * unnumbered (MetalLB activates a neighbour only for its own family otherwise).
 */
function familiesOf(peer: BgpPeer): IpFamily[] {
  if (peer.dualStackAddressFamily || peer.interface !== undefined) return [4, 6];
  const family = peer.peerAddress === undefined ? undefined : parseIp(peer.peerAddress)?.family;
  return family === undefined ? [4, 6] : [family];
}

function authOf(peer: BgpPeer): SessionAuth {
  if (peer.password !== undefined && peer.password !== '')
    return { kind: 'password', password: new Redacted(peer.password) };
  if (peer.passwordSecret) return { kind: 'secret', ...peer.passwordSecret };
  return { kind: 'none' };
}

/** NEXT_HOP for a prefix of this family: the source address when it has the family, else 'self'. */
export function nextHopFor(session: BgpSession, family: IpFamily): string {
  const source = session.sourceAddress === undefined ? undefined : parseIp(session.sourceAddress);
  return source?.family === family ? formatIp(source) : 'self';
}
