// The parameters of one BGP session: our settings (from a BGPPeer), the OPEN we send, the checks
// of the peer's OPEN (RFC 4271 §6.2, RFC 6286) and what both sides agree on. Pure functions of
// data, used by the bgp-session machine; the summaries here are the machine's own, independent
// of the wire codec. See docs/design/0005-bgp-session.md.
import { parseIp, sameIp } from '../core/net/ip.js';

/** Why an OPEN is refused; each one is sent back as an OPEN Message Error subcode. */
export type OpenRejection = 'badPeerAs' | 'unacceptableHoldTime' | 'badBgpIdentifier' | 'noCommonFamily';

export type BgpFamily = 'ipv4Unicast' | 'ipv6Unicast';

/** Capabilities of an OPEN, as booleans (the codec maps "no multiprotocol capability" to IPv4). */
export interface BgpCapabilities {
  readonly fourOctetAs: boolean;
  readonly ipv4Unicast: boolean;
  readonly ipv6Unicast: boolean;
  readonly routeRefresh: boolean;
  readonly gracefulRestart: boolean;
}

/** An OPEN, decoded. `asn` is the effective ASN (the four-octet capability's when present). */
export interface BgpOpenSummary {
  readonly asn: number;
  /** Seconds, as on the wire. */
  readonly holdTime: number;
  readonly routerId: string;
  readonly capabilities: BgpCapabilities;
}

export interface BgpNotificationSummary {
  readonly code: number;
  readonly subcode: number;
  readonly data?: Uint8Array | undefined;
}

/** NOTIFICATION codes and subcodes the machine sends (RFC 4271 §4.5, RFC 6608, RFC 9384). */
export const NOTIFICATION = {
  holdTimerExpired: { code: 4, subcode: 0 },
  open: { badPeerAs: 2, badBgpIdentifier: 3, unacceptableHoldTime: 6, noCommonFamily: 7 },
  fsmError: { openSent: 1, openConfirm: 2, established: 3 },
  administrativeShutdown: { code: 6, subcode: 2 },
  bfdDown: { code: 6, subcode: 10 },
} as const;
export const OPEN_MESSAGE_ERROR = 2;
export const FSM_ERROR = 5;

/** The hold time while waiting for the peer's OPEN (RFC 4271 §8.2.2 suggests 4 minutes). */
export const OPEN_HOLD_TIME_MS = 240_000;

/** Idle hold (restart delay after a drop): doubles per drop up to the cap, reset once stable. */
export interface IdleHoldSettings {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Established this long without a drop: the next drop waits `initialMs` again. */
  readonly stableMs: number;
}
/**
 * Capped at 15 s, not FRR's 120 s: a node whose link flaps must not keep its routes away for long
 * once the link is good again (the lab benchmark cutting a node every few seconds saw 60 s waits).
 */
export const DEFAULT_IDLE_HOLD: IdleHoldSettings = { initialMs: 1_000, maxMs: 15_000, stableMs: 30_000 };
/** GoBGP's default; FRR and BIRD wait 120 s, too long for a load balancer's routes. */
export const DEFAULT_CONNECT_RETRY_MS = 5_000;

export interface BgpSessionInput {
  readonly localAsn: number;
  /** The peer's ASN, or any internal (= local) / external (≠ local) one: BGPPeer dynamicASN. */
  readonly peerAsn: number | 'internal' | 'external';
  readonly routerId: string;
  /** 0, or at least 3 s (validated by the config); 0 disables hold timer and keepalives. */
  readonly holdTimeMs: number;
  readonly keepaliveTimeMs: number;
  /** BGPPeer connectTime. */
  readonly connectRetryMs?: number;
  /** Wait for the peer to connect instead of dialing it (default false: Herald dials, like MetalLB). */
  readonly passive?: boolean;
  readonly families?: readonly BgpFamily[];
  readonly gracefulRestart?: boolean;
  readonly idleHold?: IdleHoldSettings;
  /**
   * RFC 4271 §10 jitter in [0.75, 1], applied to the connect-retry, keepalive and idle-hold
   * delays. The actor draws one per session so that speakers restarted together spread out.
   */
  readonly jitter?: number;
}

export interface BgpSessionSettings {
  readonly localAsn: number;
  readonly peerAsn: number | 'internal' | 'external';
  readonly routerId: string;
  readonly holdTimeMs: number;
  readonly keepaliveTimeMs: number;
  readonly connectRetryMs: number;
  readonly passive: boolean;
  readonly families: readonly BgpFamily[];
  readonly gracefulRestart: boolean;
  readonly idleHold: IdleHoldSettings;
  readonly jitter: number;
}

/** What both sides agreed on, from our settings and the peer's OPEN. */
export interface BgpNegotiated {
  readonly peerAsn: number;
  readonly peerRouterId: string;
  /** min(local, remote); 0 = no hold timer and no keepalives. */
  readonly holdTimeMs: number;
  readonly keepaliveTimeMs: number;
  readonly fourOctetAs: boolean;
  readonly families: readonly BgpFamily[];
  readonly routeRefresh: boolean;
  readonly gracefulRestart: boolean;
}

export type OpenVerdict =
  | { readonly ok: true; readonly negotiated: BgpNegotiated }
  | { readonly ok: false; readonly reason: OpenRejection; readonly subcode: number };

const reject = (reason: OpenRejection): OpenVerdict => ({
  ok: false,
  reason,
  subcode: NOTIFICATION.open[reason],
});

/** The hold time we offer: whole seconds, as the OPEN carries it. */
const holdTimeSeconds = (settings: BgpSessionSettings) => Math.floor(settings.holdTimeMs / 1000);

/** Checks the peer's OPEN against our settings (RFC 4271 §6.2, RFC 6286) and negotiates. */
export function negotiate(settings: BgpSessionSettings, open: BgpOpenSummary): OpenVerdict {
  const { peerAsn, localAsn } = settings;
  const asnMatches =
    peerAsn === 'internal'
      ? open.asn === localAsn
      : peerAsn === 'external'
        ? open.asn !== localAsn
        : open.asn === peerAsn;
  if (!asnMatches) return reject('badPeerAs');
  if (open.holdTime === 1 || open.holdTime === 2) return reject('unacceptableHoldTime');
  const remoteId = parseIp(open.routerId);
  const localId = parseIp(settings.routerId);
  // Zero is never valid; the same ID as ours only across an AS boundary (RFC 6286; FRR agrees).
  if (remoteId?.family !== 4 || remoteId.value === 0n) return reject('badBgpIdentifier');
  if (open.asn === localAsn && localId !== undefined && sameIp(remoteId, localId))
    return reject('badBgpIdentifier');
  const families = settings.families.filter((family) => open.capabilities[family]);
  if (families.length === 0) return reject('noCommonFamily');
  const holdTimeMs = Math.min(holdTimeSeconds(settings), open.holdTime) * 1000;
  // FRR's rule: the configured keepalive unless it exceeds a third of the negotiated hold time.
  const keepaliveTimeMs =
    holdTimeMs === 0
      ? 0
      : settings.keepaliveTimeMs > 0
        ? Math.min(settings.keepaliveTimeMs, Math.floor(holdTimeMs / 3))
        : Math.floor(holdTimeMs / 3);
  return {
    ok: true,
    negotiated: {
      peerAsn: open.asn,
      peerRouterId: open.routerId,
      holdTimeMs,
      keepaliveTimeMs,
      fourOctetAs: open.capabilities.fourOctetAs,
      families,
      routeRefresh: open.capabilities.routeRefresh,
      gracefulRestart: settings.gracefulRestart && open.capabilities.gracefulRestart,
    },
  };
}

/** The delay before restarting after `drops` drops in a row (jitter applied by the machine). */
export function idleHoldMs(idleHold: IdleHoldSettings, drops: number): number {
  if (drops <= 0) return 0;
  return Math.min(idleHold.maxMs, idleHold.initialMs * 2 ** (drops - 1));
}

export function settingsOf(input: BgpSessionInput): BgpSessionSettings {
  return {
    localAsn: input.localAsn,
    peerAsn: input.peerAsn,
    routerId: input.routerId,
    holdTimeMs: input.holdTimeMs,
    keepaliveTimeMs: input.keepaliveTimeMs,
    connectRetryMs: input.connectRetryMs ?? DEFAULT_CONNECT_RETRY_MS,
    passive: input.passive ?? false,
    families: input.families ?? ['ipv4Unicast', 'ipv6Unicast'],
    gracefulRestart: input.gracefulRestart ?? false,
    idleHold: input.idleHold ?? DEFAULT_IDLE_HOLD,
    jitter: Math.min(1, Math.max(0.75, input.jitter ?? 1)),
  };
}

/** The OPEN we send: we always offer four-octet ASNs and route refresh. */
export function localOpen(settings: BgpSessionSettings): BgpOpenSummary {
  return {
    asn: settings.localAsn,
    holdTime: holdTimeSeconds(settings),
    routerId: settings.routerId,
    capabilities: {
      fourOctetAs: true,
      ipv4Unicast: settings.families.includes('ipv4Unicast'),
      ipv6Unicast: settings.families.includes('ipv6Unicast'),
      routeRefresh: true,
      gracefulRestart: settings.gracefulRestart,
    },
  };
}
