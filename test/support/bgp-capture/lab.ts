// The capture lab's configuration, shared by the harness (which renders FRR and BIRD configs from
// it) and the fixture tests (which assert that the captured messages carry exactly these values).
// Two namespaces joined by a veth pair; three sessions between FRR and BIRD:
//   ebgp4  FRR AS 64501 ↔ BIRD AS 4200000002 over IPv4, IPv4 unicast
//   ebgp6  the same ASes over IPv6, IPv6 unicast
//   ibgp4  FRR AS 64501 ↔ BIRD as AS 64501 on a second address pair, 2-octet AS numbers (BIRD
//          does not offer the 4-octet capability); FRR prepends a 4-byte AS on the way out, so it
//          must send AS_TRANS in AS_PATH and the real path in AS4_PATH.

export type Speaker = 'frr' | 'bird';
export type SessionName = 'ebgp4' | 'ebgp6' | 'ibgp4';

export const FRR_ASN = 64501;
export const BIRD_ASN = 4200000002;
export const FRR_ROUTER_ID = '10.203.0.1';
export const BIRD_ROUTER_ID = '10.203.0.2';
export const HOLD_TIME = 9;
export const KEEPALIVE_TIME = 3;

export const SESSIONS: Readonly<Record<SessionName, { frr: string; bird: string; birdAsn: number }>> = {
  ebgp4: { frr: '10.203.0.1', bird: '10.203.0.2', birdAsn: BIRD_ASN },
  ebgp6: { frr: 'fd00:203::1', bird: 'fd00:203::2', birdAsn: BIRD_ASN },
  ibgp4: { frr: '10.203.1.1', bird: '10.203.1.2', birdAsn: FRR_ASN },
};

/** FRR originates these with communities, large community, MED and (to iBGP) LOCAL_PREF. */
export const FRR_ROUTES = {
  ipv4: ['198.51.100.0/24', '198.51.101.0/24'],
  ipv4Plain: ['203.0.113.128/25'],
  ipv6: ['2001:db8:100::/48', '2001:db8:101::/64'],
  /** Removed in the "withdraw" phase. */
  withdrawn: ['198.51.101.0/24', '2001:db8:101::/64'],
  communities: ['64501:100', '64501:200'],
  largeCommunities: ['64501:1:2'],
  localPref: 150,
  med: 20,
};

/** BIRD originates these (static routes) with its own communities and MED. */
export const BIRD_ROUTES = {
  ipv4: ['192.0.2.0/25'],
  ipv4Withdrawn: ['192.0.2.128/26', '192.0.2.192/27'],
  ipv6: ['2001:db8:200::/48'],
  ipv6Withdrawn: ['2001:db8:201::/64'],
  communities: ['65010:10', '65010:20'],
  largeCommunities: ['4200000002:7:8'],
  med: 30,
  localPref: 250,
};

/** Prepended by FRR towards the 2-octet iBGP peer. */
export const FRR_IBGP_PREPEND = 4200000009;

export const FRR_SHUTDOWN_MESSAGE = 'herald capture: FRR maintenance';
export const BIRD_SHUTDOWN_MESSAGE = 'herald capture: BIRD maintenance';

export const IFACE = { frr: 'frr0', bird: 'bird0' } as const;
export const ADDRESSES: Readonly<Record<Speaker, string[]>> = {
  frr: ['10.203.0.1/24', '10.203.1.1/24', 'fd00:203::1/64'],
  bird: ['10.203.0.2/24', '10.203.1.2/24', 'fd00:203::2/64'],
};

export function frrConfig(): string {
  const e4 = SESSIONS.ebgp4.bird;
  const e6 = SESSIONS.ebgp6.bird;
  const i4 = SESSIONS.ibgp4.bird;
  return [
    'frr defaults datacenter',
    'hostname frr-capture',
    '!',
    'route-map ORIGINATE permit 10',
    ` set community ${FRR_ROUTES.communities.join(' ')}`,
    ` set large-community ${FRR_ROUTES.largeCommunities.join(' ')}`,
    ` set local-preference ${FRR_ROUTES.localPref}`,
    ` set metric ${FRR_ROUTES.med}`,
    'exit',
    'route-map PREPEND-4-OCTET permit 10',
    ` set as-path prepend ${FRR_IBGP_PREPEND}`,
    'exit',
    '!',
    `router bgp ${FRR_ASN}`,
    ` bgp router-id ${FRR_ROUTER_ID}`,
    ' no bgp ebgp-requires-policy',
    ' no bgp default ipv4-unicast',
    ' no bgp network import-check',
    ` timers bgp ${KEEPALIVE_TIME} ${HOLD_TIME}`,
    ` neighbor ${e4} remote-as ${BIRD_ASN}`,
    ` neighbor ${e6} remote-as ${BIRD_ASN}`,
    ` neighbor ${i4} remote-as ${FRR_ASN}`,
    ` neighbor ${i4} update-source ${SESSIONS.ibgp4.frr}`,
    ' address-family ipv4 unicast',
    ...FRR_ROUTES.ipv4.map((p) => `  network ${p} route-map ORIGINATE`),
    ...FRR_ROUTES.ipv4Plain.map((p) => `  network ${p}`),
    `  neighbor ${e4} activate`,
    `  neighbor ${e4} send-community all`,
    `  neighbor ${i4} activate`,
    `  neighbor ${i4} send-community all`,
    `  neighbor ${i4} route-map PREPEND-4-OCTET out`,
    ' exit-address-family',
    ' address-family ipv6 unicast',
    ...FRR_ROUTES.ipv6.map((p) => `  network ${p} route-map ORIGINATE`),
    `  neighbor ${e6} activate`,
    `  neighbor ${e6} send-community all`,
    ' exit-address-family',
    'exit',
    '',
  ].join('\n');
}

const birdPair = (text: string): string => `(${text.split(':').join(',')})`;

export function birdConfig(logFile: string): string {
  const statics = (name: string, family: 'ipv4' | 'ipv6', routes: readonly string[]): string =>
    `protocol static ${name} {\n  ${family};\n${routes.map((r) => `  route ${r} blackhole;`).join('\n')}\n}\n`;
  const exportFilter = (name: string, localPref: boolean): string =>
    [
      `filter ${name} {`,
      '  if source != RTS_STATIC then reject;',
      ...BIRD_ROUTES.communities.map((c) => `  bgp_community.add(${birdPair(c)});`),
      ...BIRD_ROUTES.largeCommunities.map((c) => `  bgp_large_community.add(${birdPair(c)});`),
      `  bgp_med = ${BIRD_ROUTES.med};`,
      ...(localPref ? [`  bgp_local_pref = ${BIRD_ROUTES.localPref};`] : []),
      '  accept;',
      '}',
      '',
    ].join('\n');
  const session = (name: SessionName, family: 'ipv4' | 'ipv6', extra: string[]): string => {
    const s = SESSIONS[name];
    return [
      `protocol bgp frr_${name} {`,
      `  local ${s.bird} as ${s.birdAsn};`,
      `  neighbor ${s.frr} as ${FRR_ASN};`,
      `  hold time ${HOLD_TIME};`,
      `  keepalive time ${KEEPALIVE_TIME};`,
      '  connect retry time 1;',
      '  error wait time 1, 5;',
      ...extra,
      `  ${family} { import all; export filter ${name === 'ibgp4' ? 'to_ibgp' : 'to_ebgp'}; next hop self; };`,
      '}',
      '',
    ].join('\n');
  };
  return [
    `log "${logFile}" all;`,
    `router id ${BIRD_ROUTER_ID};`,
    'protocol device {}',
    statics('static4', 'ipv4', BIRD_ROUTES.ipv4),
    statics('static4w', 'ipv4', BIRD_ROUTES.ipv4Withdrawn),
    statics('static6', 'ipv6', BIRD_ROUTES.ipv6),
    statics('static6w', 'ipv6', BIRD_ROUTES.ipv6Withdrawn),
    exportFilter('to_ebgp', false),
    exportFilter('to_ibgp', true),
    session('ebgp4', 'ipv4', ['  graceful restart on;']),
    session('ebgp6', 'ipv6', ['  graceful restart off;']),
    session('ibgp4', 'ipv4', ['  graceful restart off;', '  enable as4 off;']),
  ].join('\n');
}
