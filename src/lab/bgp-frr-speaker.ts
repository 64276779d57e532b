// A reference BGP speaker for the routes benchmark: FRR's own bgpd (with zebra) in a host of the
// lab's LAN that the lab itself does not have, advertising the same prefixes as the nodes with
// `network` statements (no import check, so bgpd originates them without waiting for zebra).
// Its namespace carries the lab's prefix, so `herald lab down` removes it and its daemons.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_BGP } from './bgp-topology.js';
import { attach } from './lab.js';
import { startFrrDaemons } from './router.js';
import { netnsExec, stateDir } from './system.js';
import type { LabHost, LabTopology } from './topology.js';

export const FRR_SPEAKER_ASN = 64513;

export interface FrrSpeaker {
  readonly host: LabHost;
  readonly dir: string;
  /** Runs vtysh on the speaker (commands, or `-f file`), asynchronously. */
  vtyshArgs(args: readonly string[]): string[];
}

export function frrSpeakerHost(t: LabTopology): LabHost {
  return {
    name: 'frrspk',
    namespace: `${t.prefix}frrspk`,
    bridgePort: 'p-frrspk',
    ipv4: '10.77.0.60',
    ipv6: 'fd00:77::3c',
    mac: '02:77:00:00:00:3c',
  };
}

/** Starts zebra and bgpd in a new host on the lab bridge, peered with the router (no prefixes yet). */
export async function startFrrSpeaker(t: LabTopology, id: string): Promise<FrrSpeaker> {
  const host = frrSpeakerHost(t);
  attach(t, host);
  const dir = join(stateDir(id), 'frr-speaker');
  await startFrrDaemons(host.namespace, dir, join(stateDir(id), 'logs', 'frr-speaker.log'), ['bgpd']);
  const vtyshArgs = (args: readonly string[]) => [
    'ip',
    'netns',
    'exec',
    host.namespace,
    'vtysh',
    '--vty_socket',
    dir,
    ...args,
  ];
  writeFileSync(join(dir, 'frr.conf'), speakerConfig(t, host));
  netnsExec(host.namespace, ['vtysh', '--vty_socket', dir, '-f', join(dir, 'frr.conf')]);
  return { host, dir, vtyshArgs };
}

function speakerConfig(t: LabTopology, host: LabHost): string {
  return `frr defaults datacenter
hostname frr-speaker
router bgp ${FRR_SPEAKER_ASN}
 bgp router-id ${host.ipv4}
 no bgp ebgp-requires-policy
 no bgp network import-check
 ! Send the first UPDATEs at once (the subgroup coalesce time is 1 s by default).
 coalesce-time 0
 no bgp default ipv4-unicast
 neighbor ${t.router.ipv4} remote-as ${LAB_BGP.routerAsn}
 neighbor ${t.router.ipv4} password ${LAB_BGP.password}
 neighbor ${t.router.ipv4} timers connect 1
 address-family ipv4 unicast
  neighbor ${t.router.ipv4} activate
 exit-address-family
exit
`;
}

/** The `network` statements for `prefixes` (written to a file, loaded with vtysh -f). */
export function networksConfig(prefixes: readonly string[]): string {
  return `router bgp ${FRR_SPEAKER_ASN}
 address-family ipv4 unicast
${prefixes.map((p) => `  network ${p}/32`).join('\n')}
 exit-address-family
exit
`;
}

/** vtysh commands that make the lab router peer with the FRR speaker (eBGP, MD5 like the nodes). */
export function routerPeersWith(host: LabHost): string[] {
  return [
    'configure terminal',
    `router bgp ${LAB_BGP.routerAsn}`,
    `neighbor ${host.ipv4} remote-as ${FRR_SPEAKER_ASN}`,
    `neighbor ${host.ipv4} password ${LAB_BGP.password}`,
    `neighbor ${host.ipv4} timers connect 1`,
    'address-family ipv4 unicast',
    `neighbor ${host.ipv4} activate`,
  ];
}
