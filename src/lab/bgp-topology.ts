// The lab's BGP shape, as data: the router speaks BGP with every node over IPv4 (eBGP, TCP MD5)
// and IPv6 (iBGP), both with BFD. A node has one myASN for all its peers (a validation rule), so
// its IPv6 BGPPeer presents the router's own AS with `localASN` (FRR's `local-as … replace-as`),
// which makes that session iBGP. The nodes
// advertise a BGP-only pool (10.78.0.0/24, fd00:78::/120) whose Service answers on every node.
// Pure: the lab writes these texts, tests and benchmarks read the same constants.
import type { LabTopology } from './topology.js';

export type LabRouter = 'frr' | 'bird';

export interface LabBgpOptions {
  readonly router: LabRouter;
  /** BFD transmit/receive interval in ms (detect multiplier 3). */
  readonly bfdIntervalMs: number;
  /** How many Services with their own BGP address (1 = just web-bgp). */
  readonly services: number;
  /** Who carries the nodes' BGP: Herald's own speaker (default) or FRR daemons it supervises. */
  readonly backend?: 'native' | 'frr';
}

export const LAB_BGP = {
  /** The router's AS; the nodes' IPv6 sessions present it too (iBGP). */
  routerAsn: 64500,
  /** The nodes' AS (their IPv4 sessions are eBGP). */
  nodeAsn: 64512,
  password: 'herald-lab-md5',
  vipv4: '10.78.0.10',
  vipv6: 'fd00:78::10',
  community: '64512:100',
  largeCommunity: 'large:64512:7:9',
  localPref: 150,
  /** Extra services' addresses come from here (10.79.0.0/16: up to 65,534). */
  bulkPrefix: '10.79',
} as const;

/** The nth bulk service address (n from 0). */
export function bulkAddress(n: number): string {
  const host = n + 1;
  return `${LAB_BGP.bulkPrefix}.${Math.floor(host / 256)}.${host % 256}`;
}

export function labBgpConfigYaml(t: LabTopology, options: LabBgpOptions): string {
  const docs = [
    `# Written by herald lab --bgp ${options.router}: BGP to the lab router (${t.router.ipv4}).
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: bgp, namespace: metallb-system }
spec:
  addresses: [10.78.0.0/24, fd00:78::/120, ${LAB_BGP.bulkPrefix}.0.0/16]
  autoAssign: false`,
    `apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: { name: lab, namespace: metallb-system }
spec:
  receiveInterval: ${options.bfdIntervalMs}
  transmitInterval: ${options.bfdIntervalMs}
  detectMultiplier: 3`,
    `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: router-v4, namespace: metallb-system }
spec:
  myASN: ${LAB_BGP.nodeAsn}
  peerASN: ${LAB_BGP.routerAsn}
  peerAddress: ${t.router.ipv4}
  password: ${LAB_BGP.password}
  holdTime: 9s
  connectTime: 2s
  bfdProfile: lab`,
    `apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: router-v6, namespace: metallb-system }
spec:
  myASN: ${LAB_BGP.nodeAsn}${
    // FRR 8.4 refuses `local-as` equal to the remote AS: with the FRR backend the IPv6 session is eBGP too.
    v6ibgp(options) ? `\n  localASN: ${LAB_BGP.routerAsn}` : ''
  }
  peerASN: ${LAB_BGP.routerAsn}
  peerAddress: ${t.router.ipv6}
  holdTime: 9s
  connectTime: 2s
  bfdProfile: lab`,
    `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: bgp, namespace: metallb-system }
spec:
  ipAddressPools: [bgp]
  communities: ['${LAB_BGP.community}', '${LAB_BGP.largeCommunity}']
  localPref: ${LAB_BGP.localPref}`,
    serviceYaml('web-bgp', [LAB_BGP.vipv4, LAB_BGP.vipv6]),
    // The operator's object chooses the backend, as on a MetalLB cluster.
    ...(options.backend === 'frr'
      ? [
          `apiVersion: metallb.io/v1beta1
kind: MetalLB
metadata: { name: metallb, namespace: metallb-system }
spec:
  bgpBackend: frr`,
        ]
      : []),
    ...Array.from({ length: Math.max(0, options.services - 1) }, (_, i) =>
      serviceYaml(`bulk-${i}`, [bulkAddress(i)]),
    ),
  ];
  return `${docs.join('\n---\n')}\n`;
}

function serviceYaml(name: string, ips: readonly string[]): string {
  const dual = ips.length > 1;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: default
  annotations: { metallb.io/loadBalancerIPs: '${ips.join(',')}' }
spec:
  type: LoadBalancer
  ${dual ? 'ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv6]' : 'ipFamilies: [IPv4]'}
  ports: [{ port: 80, protocol: TCP }]`;
}

/** The IPv6 sessions are iBGP (localASN = the router's AS), except with the FRR backend. */
export const v6ibgp = (options: LabBgpOptions): boolean => options.backend !== 'frr';

/** FRR's configuration for the lab router: a peer group per family, BFD, multipath. */
export function frrRouterConfig(t: LabTopology, options: LabBgpOptions): string {
  const v4 = t.nodes.map((n) => ` neighbor ${n.ipv4} peer-group nodes4`);
  const v6 = t.nodes.map((n) => ` neighbor ${n.ipv6} peer-group nodes6`);
  return `frr defaults datacenter
hostname lab-router
!
bfd
 profile lab
  receive-interval ${options.bfdIntervalMs}
  transmit-interval ${options.bfdIntervalMs}
  detect-multiplier 3
 exit
exit
!
router bgp ${LAB_BGP.routerAsn}
 bgp router-id ${t.router.ipv4}
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 bgp bestpath as-path multipath-relax
 neighbor nodes4 peer-group
 neighbor nodes4 remote-as ${LAB_BGP.nodeAsn}
 neighbor nodes4 password ${LAB_BGP.password}
 neighbor nodes4 bfd profile lab
 neighbor nodes4 timers connect 1
 neighbor nodes6 peer-group
 neighbor nodes6 remote-as ${v6ibgp(options) ? LAB_BGP.routerAsn : LAB_BGP.nodeAsn}
 neighbor nodes6 bfd profile lab
 neighbor nodes6 timers connect 1
${[...v4, ...v6].join('\n')}
 address-family ipv4 unicast
  neighbor nodes4 activate
  maximum-paths 16
  maximum-paths ibgp 16
 exit-address-family
 address-family ipv6 unicast
  neighbor nodes6 activate
  maximum-paths 16
  maximum-paths ibgp 16
 exit-address-family
exit
!
`;
}

/** The name BIRD gives a node's session of one family, e.g. `node1_v4` (birdc shows it). */
export function birdProtocolName(node: string, family: 'v4' | 'v6'): string {
  return `${node.replace(/[^A-Za-z0-9_]/g, '_')}_${family}`;
}

/**
 * BIRD 2's configuration for the lab router, equivalent to frrRouterConfig: one BGP protocol per
 * node and family, BFD on each, everything imported and nothing exported, and kernel protocols
 * that merge equal paths so the router's kernel gets the same multipath route as with FRR.
 */
export function birdRouterConfig(t: LabTopology, options: LabBgpOptions): string {
  const sessions = t.nodes.flatMap((n) => [
    `protocol bgp ${birdProtocolName(n.name, 'v4')} from nodes4 {
  neighbor ${n.ipv4} as ${LAB_BGP.nodeAsn};
}`,
    `protocol bgp ${birdProtocolName(n.name, 'v6')} from nodes6 {
  neighbor ${n.ipv6} as ${LAB_BGP.routerAsn};
}`,
  ]);
  return `# Written by herald lab --bgp bird.
router id ${t.router.ipv4};
log stderr all;
timeformat log "%F %T.%3f";
timeformat protocol "%F %T.%3f";
timeformat route "%F %T.%3f";
debug protocols { states, events };

protocol device { }

protocol bfd {
  interface "*" {
    min rx interval ${options.bfdIntervalMs} ms;
    min tx interval ${options.bfdIntervalMs} ms;
    multiplier 3;
  };
}

# Every BGP path the best one ties with goes to the kernel as one multipath route.
protocol kernel kernel4 {
  ipv4 { import none; export all; };
  merge paths on;
}
protocol kernel kernel6 {
  ipv6 { import none; export all; };
  merge paths on;
}

# The defaults hold back a peer for ~60 s after an error and keep a dead peer's routes 120 s
# (graceful restart): the lab wants neither (lab-notes.md).
template bgp lab_peer {
  direct;
  bfd on;
  connect retry time 1;
  error wait time 1, 5;
  graceful restart off;
}

template bgp nodes4 from lab_peer {
  local ${t.router.ipv4} as ${LAB_BGP.routerAsn};
  password "${LAB_BGP.password}";
  ipv4 { import all; export none; };
}

# iBGP (the nodes present our AS over IPv6); direct, so next hops resolve on the LAN and BFD is
# single-hop like the IPv4 sessions'.
template bgp nodes6 from lab_peer {
  local ${t.router.ipv6} as ${LAB_BGP.routerAsn};
  ipv6 { import all; export none; gateway direct; };
}

${sessions.join('\n')}
`;
}
