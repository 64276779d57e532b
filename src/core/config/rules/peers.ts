// BGPPeer rules (v1beta2; v1beta1 is converted first): per-peer fields, timer derivation, and
// the rules between peers that can run on the same node.
import { anySelectorMatches, type Labels } from '../../labels.js';
import { formatDuration, parseDuration } from '../../duration.js';
import { parseIp } from '../../net/ip.js';
import type { IssueSink } from '../issues.js';
import type { Resource } from '../resource.js';
import type { BGPPeerSpec } from '../schema/metallb.js';
import type { BgpPeer } from '../types.js';
import { checkSelectors } from './selectors.js';

const DEFAULT_HOLD_MS = 90_000;

export function parsePeer(
  resource: Resource,
  spec: BGPPeerSpec,
  namespace: string,
  sink: IssueSink,
): BgpPeer | undefined {
  const before = sink.issues.length;
  const error = (field: string, message: string): void => sink.error(resource, field, message);

  if (spec.peerASN !== undefined && spec.dynamicASN !== undefined) {
    error('spec.dynamicASN', 'peerASN and dynamicASN are mutually exclusive');
  } else if (spec.peerASN === undefined && spec.dynamicASN === undefined) {
    error('spec.peerASN', 'one of peerASN or dynamicASN must be set');
  }
  if (spec.peerAddress !== undefined && spec.interface !== undefined) {
    error('spec.interface', 'peerAddress and interface are mutually exclusive');
  } else if (spec.peerAddress === undefined && spec.interface === undefined) {
    error('spec.peerAddress', 'one of peerAddress or interface must be set');
  }
  if (spec.peerAddress !== undefined && !parseIp(spec.peerAddress)) {
    error('spec.peerAddress', `invalid peer IP "${spec.peerAddress}"`);
  }
  if (spec.sourceAddress !== undefined && !parseIp(spec.sourceAddress)) {
    error('spec.sourceAddress', `invalid source IP "${spec.sourceAddress}"`);
  }
  if (spec.routerID !== undefined && parseIp(spec.routerID)?.family !== 4) {
    error('spec.routerID', `invalid router ID "${spec.routerID}": must be an IPv4 address`);
  }
  const peerPort = spec.peerPort ?? 179;
  if (peerPort < 1 || peerPort > 16384)
    error('spec.peerPort', `peerPort must be between 1 and 16384, got ${peerPort}`);

  const timers = deriveTimers(spec, error);

  let connectTimeMs: number | undefined;
  if (spec.connectTime !== undefined) {
    connectTimeMs = parseDuration(spec.connectTime);
    if (connectTimeMs === undefined) error('spec.connectTime', `invalid duration "${spec.connectTime}"`);
    else if (connectTimeMs % 1000 !== 0 || connectTimeMs < 1000 || connectTimeMs > 65_535_000) {
      error(
        'spec.connectTime',
        `connectTime must be a whole number of seconds between 1s and 65535s, got ${spec.connectTime}`,
      );
    }
  }

  if (spec.password !== undefined && spec.passwordSecret !== undefined) {
    error('spec.passwordSecret', 'can not have both password and secret ref set');
  }
  if (spec.passwordSecret !== undefined && !spec.passwordSecret.name) {
    error('spec.passwordSecret.name', 'secret name must be set');
  }
  const internal =
    spec.dynamicASN === 'internal' || (spec.peerASN !== undefined && spec.peerASN === spec.myASN);
  if (spec.ebgpMultiHop === true && internal) {
    error('spec.ebgpMultiHop', 'invalid ebgpMultiHop parameter set for an ibgp peer');
  }
  checkSelectors(resource, 'spec.nodeSelectors', spec.nodeSelectors, sink);

  if (sink.issues.length > before || !timers) return undefined;
  return {
    name: resource.name,
    myASN: spec.myASN,
    peerASN: spec.peerASN,
    dynamicASN: spec.dynamicASN,
    peerAddress: spec.peerAddress,
    interface: spec.interface,
    peerPort,
    sourceAddress: spec.sourceAddress,
    routerID: spec.routerID,
    holdTimeMs: timers.holdMs,
    keepaliveTimeMs: timers.keepaliveMs,
    connectTimeMs,
    password: spec.password,
    passwordSecret: spec.passwordSecret?.name
      ? { name: spec.passwordSecret.name, namespace: spec.passwordSecret.namespace ?? namespace }
      : undefined,
    bfdProfile: spec.bfdProfile,
    ebgpMultiHop: spec.ebgpMultiHop ?? false,
    vrf: spec.vrf ?? '',
    nodeSelectors: spec.nodeSelectors ?? [],
    enableGracefulRestart: spec.enableGracefulRestart ?? false,
    disableMP: spec.disableMP ?? false,
    dualStackAddressFamily: spec.dualStackAddressFamily ?? false,
    localASN: spec.localASN,
  };
}

/**
 * holdTime 0 (no keepalives) or ≥ 3 s; keepaliveTime ≤ holdTime. When only one is given the
 * other is derived (hold = 3 × keepalive, keepalive = hold / 3), as MetalLB does.
 */
export function deriveTimers(
  spec: Pick<BGPPeerSpec, 'holdTime' | 'keepaliveTime'>,
  error: (field: string, message: string) => void,
): { holdMs: number; keepaliveMs: number } | undefined {
  const hold = spec.holdTime === undefined ? undefined : parseDuration(spec.holdTime);
  const keepalive = spec.keepaliveTime === undefined ? undefined : parseDuration(spec.keepaliveTime);
  if (spec.holdTime !== undefined && hold === undefined) {
    error('spec.holdTime', `invalid duration "${spec.holdTime}"`);
    return undefined;
  }
  if (spec.keepaliveTime !== undefined && keepalive === undefined) {
    error('spec.keepaliveTime', `invalid duration "${spec.keepaliveTime}"`);
    return undefined;
  }
  const holdMs = hold ?? (keepalive !== undefined ? keepalive * 3 : DEFAULT_HOLD_MS);
  const keepaliveMs = keepalive ?? holdMs / 3;
  if (holdMs !== 0 && holdMs < 3000) {
    error('spec.holdTime', `invalid hold time "${formatDuration(holdMs)}": must be 0 or at least 3s`);
    return undefined;
  }
  if (keepaliveMs > holdMs) {
    error(
      'spec.keepaliveTime',
      `invalid keepaliveTime "${formatDuration(keepaliveMs)}": must not exceed holdTime "${formatDuration(holdMs)}"`,
    );
    return undefined;
  }
  return { holdMs, keepaliveMs };
}

export interface NodeInfo {
  readonly name: string;
  readonly labels: Labels;
}

/**
 * Whether two peers can be configured on the same node. Without known nodes every pair is
 * assumed to share one (the conservative reading MetalLB's webhook uses).
 */
export function peersShareNode(a: BgpPeer, b: BgpPeer, nodes: readonly NodeInfo[] | undefined): boolean {
  if (!nodes || nodes.length === 0) return true;
  return nodes.some(
    (n) => anySelectorMatches(a.nodeSelectors, n.labels) && anySelectorMatches(b.nodeSelectors, n.labels),
  );
}

/** One routerID per node, one myASN per VRF per node, and no two sessions to the same address. */
export function checkPeerCompatibility(
  peers: readonly { peer: BgpPeer; resource: Resource }[],
  nodes: readonly NodeInfo[] | undefined,
  sink: IssueSink,
): void {
  // Each peer is compared with the peers before it; each kind of conflict is reported once per
  // peer (against the first peer it clashes with) so that N inconsistent peers give N errors.
  peers.forEach(({ peer, resource }, i) => {
    const reported = new Set<string>();
    const once = (what: string): boolean => !reported.has(what) && reported.add(what).size > 0;
    for (const { peer: other } of peers.slice(0, i)) {
      if (!peersShareNode(peer, other, nodes)) continue;
      if ((peer.routerID ?? '') !== (other.routerID ?? '') && once('routerID')) {
        sink.error(
          resource,
          'spec.routerID',
          `peers selecting a common node must share the routerID: "${peer.routerID ?? ''}" differs from "${other.routerID ?? ''}" of peer "${other.name}"`,
        );
      }
      if (peer.vrf === other.vrf && peer.myASN !== other.myASN && once('myASN')) {
        sink.error(
          resource,
          'spec.myASN',
          `peers selecting a common node must share myASN within a VRF: ${peer.myASN} differs from ${other.myASN} of peer "${other.name}" (vrf "${peer.vrf}")`,
        );
      }
      const sameTarget =
        peer.vrf === other.vrf &&
        ((peer.peerAddress !== undefined && sameAddress(peer.peerAddress, other.peerAddress)) ||
          (peer.interface !== undefined && peer.interface === other.interface));
      if (sameTarget && once('address')) {
        const field = peer.peerAddress !== undefined ? 'spec.peerAddress' : 'spec.interface';
        sink.error(
          resource,
          field,
          `peer "${other.name}" already exists with the same ${peer.peerAddress !== undefined ? `address ${peer.peerAddress}` : `interface ${peer.interface ?? ''}`} (vrf "${peer.vrf}"); duplicate BGPPeers may not select the same node`,
        );
      }
    }
  });
}

function sameAddress(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  const pa = parseIp(a);
  const pb = parseIp(b);
  return pa !== undefined && pb !== undefined && pa.family === pb.family && pa.value === pb.value;
}

/** A peer's bfdProfile and passwordSecret must name objects that exist (see ParseOptions.references). */
export function checkPeerReferences(
  peers: readonly { peer: BgpPeer; resource: Resource }[],
  bfdProfiles: ReadonlyMap<string, unknown>,
  secrets: ReadonlyMap<string, Readonly<Record<string, unknown>>>,
  references: 'require' | 'warn',
  sink: IssueSink,
): void {
  const report = (resource: Resource, field: string, message: string): void => {
    if (references === 'require') sink.error(resource, field, message);
    else sink.warning(resource, field, `${message}; the speaker refuses this config until it exists`);
  };
  for (const { peer, resource } of peers) {
    if (peer.bfdProfile !== undefined && !bfdProfiles.has(peer.bfdProfile)) {
      report(
        resource,
        'spec.bfdProfile',
        `peer ${peer.name} referencing non existing bfd profile ${peer.bfdProfile}`,
      );
    }
    const ref = peer.passwordSecret;
    if (!ref) continue;
    const secret = secrets.get(ref.name);
    if (!secret) {
      report(resource, 'spec.passwordSecret', `secret ${ref.namespace}/${ref.name} not found`);
      continue;
    }
    if (secret.type !== 'kubernetes.io/basic-auth') {
      sink.error(
        resource,
        'spec.passwordSecret',
        `secret ${ref.namespace}/${ref.name} must be of type kubernetes.io/basic-auth`,
      );
    }
    const data = { ...asRecord(secret.data), ...asRecord(secret.stringData) };
    if (typeof data.password !== 'string') {
      sink.error(
        resource,
        'spec.passwordSecret',
        `secret ${ref.namespace}/${ref.name} has no "password" key`,
      );
    }
  }
}

const asRecord = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
