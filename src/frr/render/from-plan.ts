// Herald's BGP plan of one node as FRR sees it: a router per VRF with the node's sessions as
// neighbours, each allowed exactly the routes the plan sends it (with the plan's LOCAL_PREF and
// communities), nothing accepted from any of them, and every BFDProfile. The plan stays the
// single source of what is advertised: this file only translates it.
import {
  formatCommunity,
  formatLargeCommunity,
  type BgpNodePlan,
  type BgpSession,
} from '../../core/bgp-plan/index.js';
import type { BfdProfile, Config } from '../../core/config/types.js';
import { parseIp } from '../../core/net/ip.js';
import type { FrrBfdProfile, OutgoingPrefix, RemoteAs } from './model.js';
import type { FrrModelBuilder } from './merge.js';

export type SecretPassword = (namespace: string, name: string) => string | undefined;

const DEFAULT_BGP_PORT = 179;

export function addPlan(
  builder: FrrModelBuilder,
  config: Config,
  plan: BgpNodePlan,
  secretPassword: SecretPassword,
): void {
  for (const profile of config.bfdProfiles.values())
    builder.bfdProfile(bfdProfileOf(profile, `BFDProfile ${config.namespace}/${profile.name}`));

  const servicesByPeerPrefix = servicesOf(plan);
  for (const session of plan.sessions) {
    const source = `BGPPeer ${config.namespace}/${session.name}`;
    const router = builder.router(source, {
      asn: session.myASN,
      vrf: session.vrf,
      routerId: session.routerID,
      importVrfs: [],
    });
    if (!router) continue;
    const password = passwordOf(session, secretPassword);
    if (typeof password === 'object') {
      builder.error(source, password.error);
      continue;
    }
    if (session.bfd && !session.bfd.settings) {
      builder.error(source, `BFD profile "${session.bfd.profile}" does not exist`);
      continue;
    }
    const localAs =
      session.localASN !== undefined && session.localASN !== session.myASN ? session.localASN : undefined;
    if (localAs !== undefined && localAs === session.peerASN) {
      builder.error(source, localAsRefusal(localAs));
      continue;
    }
    const outgoing = new Map<string, OutgoingPrefix>();
    for (const route of plan.routes.get(session.name)?.values() ?? []) {
      outgoing.set(route.prefix, {
        prefix: route.prefix,
        family: route.family,
        localPref: route.localPref,
        communities: route.communities.map(formatCommunity),
        largeCommunities: route.largeCommunities.map(formatLargeCommunity),
      });
      const services = servicesByPeerPrefix.get(`${session.name} ${route.prefix}`) ?? [];
      for (const service of services) builder.network(router, route.prefix, `Service ${service}`);
    }
    builder.neighbor(router, source, {
      target: session.peerAddress ?? session.interface ?? '',
      unnumbered: session.peerAddress === undefined,
      family: session.peerAddress === undefined ? undefined : parseIp(session.peerAddress)?.family,
      remoteAs: remoteAsOf(session),
      localAs,
      port: session.peerPort === DEFAULT_BGP_PORT ? undefined : session.peerPort,
      sourceAddress: session.sourceAddress,
      password,
      // FRR counts timers in whole seconds; a keepalive derived as hold / 3 is rounded down.
      holdTime: Math.floor(session.holdTimeMs / 1000),
      keepaliveTime: Math.floor(session.keepaliveTimeMs / 1000),
      connectTime: Math.floor(session.connectTimeMs / 1000),
      ebgpMultiHop: session.ebgpMultiHop,
      gracefulRestart: session.gracefulRestart,
      bfdProfile: session.bfd?.profile,
      families: session.families,
      outgoing,
      // Herald installs nothing learned from its peers, whichever backend carries the routes.
      incoming: { all: false, prefixes: [] },
    });
  }
}

/**
 * FRR 8.4 refuses `neighbor X local-as N` when N is the neighbour's remote AS ("AS specified for
 * local as is the same as the remote as and this is not allowed."), so an iBGP session made with
 * localASN = peerASN cannot be carried: refused here, naming the field, not by frr-reload.py.
 */
export function localAsRefusal(localAsn: number): string {
  return (
    `localASN ${localAsn} equals peerASN: FRR refuses local-as equal to the remote AS, so the FRR ` +
    "backend cannot carry this session (for iBGP set myASN to the peer's AS, or use the native backend)"
  );
}

export function bfdProfileOf(p: BfdProfile, source: string): FrrBfdProfile {
  return {
    name: p.name,
    receiveIntervalMs: p.receiveIntervalMs,
    transmitIntervalMs: p.transmitIntervalMs,
    detectMultiplier: p.detectMultiplier,
    echoMode: p.echoMode,
    echoIntervalMs: p.echoIntervalMs,
    passiveMode: p.passiveMode,
    minimumTtl: p.minimumTtl,
    sources: [source],
  };
}

function remoteAsOf(session: BgpSession): RemoteAs {
  return session.peerASN ?? session.dynamicASN ?? 'external';
}

function passwordOf(
  session: BgpSession,
  secretPassword: SecretPassword,
): string | undefined | { error: string } {
  switch (session.auth.kind) {
    case 'none':
      return undefined;
    case 'password':
      return checkedPassword(session.auth.password.reveal());
    case 'secret': {
      const { namespace, name } = session.auth;
      const found = secretPassword(namespace, name);
      if (found === undefined)
        return { error: `password Secret ${namespace}/${name} not found (or it has no "password" key)` };
      return checkedPassword(found);
    }
  }
}

/** frr.conf carries the password as one word: whitespace or an empty value cannot be written. */
export function checkedPassword(password: string): string | { error: string } {
  if (password === '' || /\s/.test(password))
    return { error: 'the TCP MD5 password is empty or contains whitespace, which frr.conf cannot carry' };
  return password;
}

/** `peer prefix` → the services (`namespace/name`) whose routes to that peer give that prefix. */
function servicesOf(plan: BgpNodePlan): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [service, outcome] of plan.services) {
    if (outcome.kind !== 'peers') continue;
    for (const [peer, result] of outcome.peers) {
      if (result.kind !== 'routes') continue;
      for (const prefix of result.prefixes) {
        const key = `${peer} ${prefix}`;
        const list = out.get(key);
        if (list) list.push(service);
        else out.set(key, [service]);
      }
    }
  }
  return out;
}
