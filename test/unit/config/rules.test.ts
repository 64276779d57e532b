// One case per rule of behaviour.md §1: each bad input must be refused with the object, the
// field path and the reason named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bgpAd, errorsOf, obj, peer, pool } from './helpers.js';

interface Case {
  readonly rule: string;
  readonly inputs: unknown[];
  readonly kind: string;
  readonly name: string;
  readonly field: string;
  readonly message: RegExp;
  readonly references?: 'require' | 'warn';
}

const p1 = pool('p1', ['10.0.0.0/24']);
const secret = (name: string, type: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'metallb-system' },
  type,
  stringData: data,
});

const CASES: Case[] = [
  // --- envelope
  { rule: 'object outside the agent namespace', inputs: [{ ...p1, metadata: { name: 'p1', namespace: 'default' } }], kind: 'IPAddressPool', name: 'p1', field: 'metadata.namespace', message: /^resource must be created in metallb-system namespace$/ },
  { rule: 'unknown metallb.io kind', inputs: [obj('IPPool', 'x', {})], kind: 'IPPool', name: 'x', field: 'kind', message: /unknown kind "IPPool" in API group metallb\.io/ },
  { rule: 'unserved version', inputs: [{ ...p1, apiVersion: 'metallb.io/v1' }], kind: 'IPAddressPool', name: 'p1', field: 'apiVersion', message: /not served in version "v1"/ },
  { rule: 'unknown spec field', inputs: [pool('p1', ['10.0.0.0/24'], { autoassign: true })], kind: 'IPAddressPool', name: 'p1', field: 'spec.autoassign', message: /unknown field "spec\.autoassign"/ },
  { rule: 'unknown top-level field', inputs: [{ ...p1, data: {} }], kind: 'IPAddressPool', name: 'p1', field: 'data', message: /unknown field "data"/ },
  { rule: 'wrong type', inputs: [pool('p1', ['10.0.0.0/24'], { autoAssign: 'yes' })], kind: 'IPAddressPool', name: 'p1', field: 'spec.autoAssign', message: /expected boolean/ },
  { rule: 'missing spec', inputs: [{ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'p1', namespace: 'metallb-system' } }], kind: 'IPAddressPool', name: 'p1', field: 'spec', message: /required field is missing/ },
  { rule: 'duplicate object name', inputs: [p1, pool('p1', ['10.0.1.0/24'])], kind: 'IPAddressPool', name: 'p1', field: 'metadata.name', message: /duplicate IPAddressPool name "p1"/ },
  // --- IPAddressPool
  { rule: 'addresses required', inputs: [obj('IPAddressPool', 'p', {})], kind: 'IPAddressPool', name: 'p', field: 'spec.addresses', message: /required field is missing/ },
  { rule: 'addresses non-empty', inputs: [pool('p', [])], kind: 'IPAddressPool', name: 'p', field: 'spec.addresses', message: />=1/ },
  { rule: 'invalid CIDR', inputs: [pool('p', ['10.0.0.0/33'])], kind: 'IPAddressPool', name: 'p', field: 'spec.addresses[0]', message: /^invalid CIDR "10\.0\.0\.0\/33"$/ },
  { rule: 'garbage address', inputs: [pool('p', ['10.0.0.1', 'banana'])], kind: 'IPAddressPool', name: 'p', field: 'spec.addresses[0]', message: /^invalid CIDR "10\.0\.0\.1"$/ },
  { rule: 'invalid range start', inputs: [pool('p', ['10.0.0.300-10.0.0.5'])], kind: 'IPAddressPool', name: 'p', field: 'spec.addresses[0]', message: /invalid start IP "10\.0\.0\.300"/ },
  { rule: 'invalid range end', inputs: [pool('p', ['10.0.0.1-x'])], kind: 'IPAddressPool', name: 'p', field: 'spec.addresses[0]', message: /invalid end IP "x"/ },
  { rule: 'range start after end', inputs: [pool('p', ['10.0.0.9-10.0.0.5'])], kind: 'IPAddressPool', name: 'p', field: 'spec.addresses[0]', message: /start IP is after the end IP/ },
  { rule: 'range of mixed families', inputs: [pool('p', ['10.0.0.1-fc00::1'])], kind: 'IPAddressPool', name: 'p', field: 'spec.addresses[0]', message: /different IP families/ },
  { rule: 'overlap inside one pool', inputs: [pool('p', ['10.0.0.0/24', '10.0.0.128/25'])], kind: 'IPAddressPool', name: 'p', field: 'spec.addresses[1]', message: /^CIDR "10\.0\.0\.128\/25" in pool "p" overlaps with already defined CIDR "10\.0\.0\.0\/24"$/ },
  { rule: 'overlap across pools', inputs: [p1, pool('p2', ['10.0.0.5-10.0.0.6'])], kind: 'IPAddressPool', name: 'p2', field: 'spec.addresses[0]', message: /in pool "p2" overlaps with already defined CIDR "10\.0\.0\.0\/24"/ },
  { rule: 'IPv6 overlap', inputs: [pool('a', ['fc00::/64']), pool('b', ['fc00::1/128'])], kind: 'IPAddressPool', name: 'b', field: 'spec.addresses[0]', message: /overlaps with already defined CIDR "fc00::\/64"/ },
  { rule: 'duplicate serviceAllocation namespace', inputs: [pool('p', ['10.0.0.0/24'], { serviceAllocation: { namespaces: ['a', 'a'] } })], kind: 'IPAddressPool', name: 'p', field: 'spec.serviceAllocation.namespaces[1]', message: /duplicate definition of namespace "a"/ },
  { rule: 'negative priority', inputs: [pool('p', ['10.0.0.0/24'], { serviceAllocation: { priority: -1 } })], kind: 'IPAddressPool', name: 'p', field: 'spec.serviceAllocation.priority', message: /0 or positive/ },
  { rule: 'duplicate namespace selector', inputs: [pool('p', ['10.0.0.0/24'], { serviceAllocation: { namespaceSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] } })], kind: 'IPAddressPool', name: 'p', field: 'spec.serviceAllocation.namespaceSelectors[1]', message: /duplicate selector/ },
  { rule: 'invalid selector label value', inputs: [pool('p', ['10.0.0.0/24'], { serviceAllocation: { serviceSelectors: [{ matchLabels: { a: 'b c' } }] } })], kind: 'IPAddressPool', name: 'p', field: 'spec.serviceAllocation.serviceSelectors[0].matchLabels.a', message: /invalid label value "b c"/ },
  { rule: 'invalid selector operator', inputs: [pool('p', ['10.0.0.0/24'], { serviceAllocation: { serviceSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Has' }] }] } })], kind: 'IPAddressPool', name: 'p', field: 'spec.serviceAllocation.serviceSelectors[0].matchExpressions[0].operator', message: /expected one of/ },
  { rule: 'In without values', inputs: [pool('p', ['10.0.0.0/24'], { serviceAllocation: { serviceSelectors: [{ matchExpressions: [{ key: 'a', operator: 'In' }] }] } })], kind: 'IPAddressPool', name: 'p', field: 'spec.serviceAllocation.serviceSelectors[0].matchExpressions[0].values', message: /must be non-empty for operator In/ },
  { rule: 'Exists with values', inputs: [pool('p', ['10.0.0.0/24'], { serviceAllocation: { serviceSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }] } })], kind: 'IPAddressPool', name: 'p', field: 'spec.serviceAllocation.serviceSelectors[0].matchExpressions[0].values', message: /must be empty for operator Exists/ },
  { rule: 'invalid label key', inputs: [pool('p', ['10.0.0.0/24'], { serviceAllocation: { serviceSelectors: [{ matchLabels: { '-bad': 'x' } }] } })], kind: 'IPAddressPool', name: 'p', field: 'spec.serviceAllocation.serviceSelectors[0].matchLabels.-bad', message: /invalid label key "-bad"/ },
  // --- L2Advertisement
  { rule: 'L2: duplicate pool', inputs: [p1, obj('L2Advertisement', 'l2', { ipAddressPools: ['p1', 'p1'] })], kind: 'L2Advertisement', name: 'l2', field: 'spec.ipAddressPools[1]', message: /duplicate definition of pool "p1"/ },
  { rule: 'L2: duplicate node selector', inputs: [obj('L2Advertisement', 'l2', { nodeSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] })], kind: 'L2Advertisement', name: 'l2', field: 'spec.nodeSelectors[1]', message: /duplicate selector/ },
  { rule: 'L2: duplicate pool selector', inputs: [obj('L2Advertisement', 'l2', { ipAddressPoolSelectors: [{ matchLabels: { a: 'b' } }, { matchLabels: { a: 'b' } }] })], kind: 'L2Advertisement', name: 'l2', field: 'spec.ipAddressPoolSelectors[1]', message: /duplicate selector/ },
  { rule: 'L2: invalid service selector', inputs: [obj('L2Advertisement', 'l2', { serviceSelectors: [{ matchExpressions: [{ key: 'a/b/c', operator: 'Exists' }] }] })], kind: 'L2Advertisement', name: 'l2', field: 'spec.serviceSelectors[0].matchExpressions[0].key', message: /invalid label key/ },
  { rule: 'L2: duplicate interface', inputs: [obj('L2Advertisement', 'l2', { interfaces: ['eth0', 'eth0'] })], kind: 'L2Advertisement', name: 'l2', field: 'spec.interfaces[1]', message: /duplicate definition of interface "eth0"/ },
  // --- BGPAdvertisement
  { rule: 'aggregationLength above 32', inputs: [p1, bgpAd('a', { aggregationLength: 33 })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.aggregationLength', message: /invalid aggregation length 33: must be between 1 and 32/ },
  { rule: 'aggregationLength below 1', inputs: [p1, bgpAd('a', { aggregationLength: 0 })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.aggregationLength', message: /invalid aggregation length 0/ },
  { rule: 'aggregationLengthV6 above 128', inputs: [p1, bgpAd('a', { aggregationLengthV6: 129 })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.aggregationLengthV6', message: /between 1 and 128/ },
  { rule: 'aggregation shorter than a pool CIDR', inputs: [pool('p', ['1.2.3.0/28']), bgpAd('a', { ipAddressPools: ['p'], aggregationLength: 26 })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.aggregationLength', message: /^invalid aggregation length 26: prefix 1\.2\.3\.0\/28 in pool "p" is more specific than the aggregation length$/ },
  { rule: 'aggregation shorter than the widest CIDR of a range', inputs: [pool('p', ['3.3.3.2-3.3.3.254']), bgpAd('a', { ipAddressPools: ['p'], aggregationLength: 24 })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.aggregationLength', message: /prefix 3\.3\.3\.64\/26 in pool "p"/ },
  { rule: 'IPv6 aggregation shorter than the pool', inputs: [pool('p', ['fc00::/124']), bgpAd('a', { aggregationLengthV6: 120 })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.aggregationLengthV6', message: /invalid aggregation length 120: prefix fc00::\/124/ },
  { rule: 'aggregation checked on pools chosen by selector', inputs: [pool('p', ['1.2.3.0/28'], {}), { ...pool('q', ['1.2.4.0/28']), metadata: { name: 'q', namespace: 'metallb-system', labels: { zone: 'east' } } }, bgpAd('a', { ipAddressPoolSelectors: [{ matchLabels: { zone: 'east' } }], aggregationLength: 27 })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.aggregationLength', message: /pool "q"/ },
  { rule: 'serviceSelectors with a non-default aggregation', inputs: [p1, bgpAd('a', { aggregationLength: 30, serviceSelectors: [{ matchLabels: { a: 'b' } }] })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.serviceSelectors', message: /non-default aggregation length/ },
  { rule: 'malformed community (too large)', inputs: [p1, bgpAd('a', { communities: ['99999999:1'] })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.communities[0]', message: /invalid community "99999999:1": both parts must be at most 65535/ },
  { rule: 'malformed large community prefix', inputs: [p1, bgpAd('a', { communities: ['lar:123:9999:123'] })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.communities[0]', message: /invalid community "lar:123:9999:123"/ },
  { rule: 'large community part too large', inputs: [p1, bgpAd('a', { communities: ['large:1:2:4294967296'] })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.communities[0]', message: /invalid large community/ },
  { rule: 'large community with two parts', inputs: [p1, bgpAd('a', { communities: ['large:1:2'] })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.communities[0]', message: /expected large:X:Y:Z/ },
  { rule: 'duplicate community', inputs: [p1, bgpAd('a', { communities: ['1:1', '1:1'] })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.communities[1]', message: /duplicate definition of community "1:1"/ },
  { rule: 'too many communities', inputs: [p1, bgpAd('a', { communities: Array.from({ length: 64 }, (_, i) => `1:${i}`) })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.communities', message: /at most 63 communities/ },
  { rule: 'duplicate peer', inputs: [p1, bgpAd('a', { peers: ['x', 'x'] })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.peers[1]', message: /duplicate definition of peer "x"/ },
  { rule: 'duplicate pool in a BGP advertisement', inputs: [p1, bgpAd('a', { ipAddressPools: ['p1', 'p1'] })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.ipAddressPools[1]', message: /duplicate definition of pool "p1"/ },
  { rule: 'unknown community alias at run time', inputs: [p1, bgpAd('a', { communities: ['NO_ADVERTISE'] })], kind: 'BGPAdvertisement', name: 'a', field: 'spec.communities[0]', message: /community alias "NO_ADVERTISE" is not defined/, references: 'require' },
  { rule: 'two identical advertisements', inputs: [p1, bgpAd('a', { ipAddressPools: ['p1'] }), bgpAd('b', { ipAddressPools: ['p1'] })], kind: 'BGPAdvertisement', name: 'b', field: 'spec', message: /identical to "a"/ },
  { rule: 'same pool, different localPref, same aggregation', inputs: [p1, bgpAd('a', { ipAddressPools: ['p1'], localPref: 100 }), bgpAd('b', { ipAddressPools: ['p1'], localPref: 200 })], kind: 'BGPAdvertisement', name: 'b', field: 'spec.localPref', message: /pool "p1" is advertised by "a" too with a different localPref \(100 vs 200\)/ },
  { rule: 'dual-stack pool: only the v4 aggregation differs', inputs: [pool('d', ['10.1.0.0/24', 'fc00::/120']), bgpAd('a', { localPref: 100 }), bgpAd('b', { localPref: 200, aggregationLength: 30 })], kind: 'BGPAdvertisement', name: 'b', field: 'spec.localPref', message: /pool "d"/ },
  // --- BGPPeer
  { rule: 'myASN required', inputs: [obj('BGPPeer', 'x', { peerASN: 1, peerAddress: '10.0.0.1' })], kind: 'BGPPeer', name: 'x', field: 'spec.myASN', message: /required field is missing/ },
  { rule: 'myASN out of range', inputs: [peer('x', { myASN: 4294967296 })], kind: 'BGPPeer', name: 'x', field: 'spec.myASN', message: /<=4294967295/ },
  { rule: 'peerASN and dynamicASN both set', inputs: [peer('x', { dynamicASN: 'external' })], kind: 'BGPPeer', name: 'x', field: 'spec.dynamicASN', message: /mutually exclusive/ },
  { rule: 'neither peerASN nor dynamicASN', inputs: [obj('BGPPeer', 'x', { myASN: 1, peerAddress: '10.0.0.1' })], kind: 'BGPPeer', name: 'x', field: 'spec.peerASN', message: /one of peerASN or dynamicASN must be set/ },
  { rule: 'invalid dynamicASN', inputs: [obj('BGPPeer', 'x', { myASN: 1, dynamicASN: 'both', peerAddress: '10.0.0.1' })], kind: 'BGPPeer', name: 'x', field: 'spec.dynamicASN', message: /expected one of/ },
  { rule: 'peerAddress and interface both set', inputs: [peer('x', { interface: 'eth0' })], kind: 'BGPPeer', name: 'x', field: 'spec.interface', message: /peerAddress and interface are mutually exclusive/ },
  { rule: 'neither peerAddress nor interface', inputs: [obj('BGPPeer', 'x', { myASN: 1, peerASN: 2 })], kind: 'BGPPeer', name: 'x', field: 'spec.peerAddress', message: /one of peerAddress or interface must be set/ },
  { rule: 'invalid peerAddress', inputs: [peer('x', { peerAddress: '10.0.0' })], kind: 'BGPPeer', name: 'x', field: 'spec.peerAddress', message: /invalid peer IP "10\.0\.0"/ },
  { rule: 'invalid sourceAddress', inputs: [peer('x', { sourceAddress: 'eth0' })], kind: 'BGPPeer', name: 'x', field: 'spec.sourceAddress', message: /invalid source IP/ },
  { rule: 'invalid routerID', inputs: [peer('x', { routerID: 'fc00::1' })], kind: 'BGPPeer', name: 'x', field: 'spec.routerID', message: /must be an IPv4 address/ },
  { rule: 'peerPort 0', inputs: [peer('x', { peerPort: 0 })], kind: 'BGPPeer', name: 'x', field: 'spec.peerPort', message: /between 1 and 16384, got 0/ },
  { rule: 'peerPort above 16384', inputs: [peer('x', { peerPort: 16385 })], kind: 'BGPPeer', name: 'x', field: 'spec.peerPort', message: /got 16385/ },
  { rule: 'holdTime below 3s', inputs: [peer('x', { holdTime: '2s' })], kind: 'BGPPeer', name: 'x', field: 'spec.holdTime', message: /invalid hold time "2s": must be 0 or at least 3s/ },
  { rule: 'holdTime not a duration', inputs: [peer('x', { holdTime: 'soon' })], kind: 'BGPPeer', name: 'x', field: 'spec.holdTime', message: /invalid duration "soon"/ },
  { rule: 'keepalive above hold', inputs: [peer('x', { holdTime: '9s', keepaliveTime: '10s' })], kind: 'BGPPeer', name: 'x', field: 'spec.keepaliveTime', message: /must not exceed holdTime "9s"/ },
  { rule: 'keepalive alone derives a too-short hold', inputs: [peer('x', { keepaliveTime: '500ms' })], kind: 'BGPPeer', name: 'x', field: 'spec.holdTime', message: /invalid hold time "1500ms"/ },
  { rule: 'connectTime zero', inputs: [peer('x', { connectTime: '0s' })], kind: 'BGPPeer', name: 'x', field: 'spec.connectTime', message: /between 1s and 65535s/ },
  { rule: 'connectTime fractional', inputs: [peer('x', { connectTime: '1500ms' })], kind: 'BGPPeer', name: 'x', field: 'spec.connectTime', message: /whole number of seconds/ },
  { rule: 'connectTime too long', inputs: [peer('x', { connectTime: '65536s' })], kind: 'BGPPeer', name: 'x', field: 'spec.connectTime', message: /65535s/ },
  { rule: 'password and passwordSecret', inputs: [peer('x', { password: 'a', passwordSecret: { name: 's' } })], kind: 'BGPPeer', name: 'x', field: 'spec.passwordSecret', message: /^can not have both password and secret ref set$/ },
  { rule: 'passwordSecret of the wrong type', inputs: [secret('s', 'Opaque', { password: 'p' }), peer('x', { passwordSecret: { name: 's' } })], kind: 'BGPPeer', name: 'x', field: 'spec.passwordSecret', message: /must be of type kubernetes\.io\/basic-auth/ },
  { rule: 'passwordSecret without the password key', inputs: [secret('s', 'kubernetes.io/basic-auth', { username: 'u' }), peer('x', { passwordSecret: { name: 's' } })], kind: 'BGPPeer', name: 'x', field: 'spec.passwordSecret', message: /has no "password" key/ },
  { rule: 'missing passwordSecret at run time', inputs: [peer('x', { passwordSecret: { name: 's' } })], kind: 'BGPPeer', name: 'x', field: 'spec.passwordSecret', message: /secret metallb-system\/s not found/, references: 'require' },
  { rule: 'missing bfdProfile at run time', inputs: [peer('x', { bfdProfile: 'fast' })], kind: 'BGPPeer', name: 'x', field: 'spec.bfdProfile', message: /^peer x referencing non existing bfd profile fast$/, references: 'require' },
  { rule: 'ebgpMultiHop on iBGP', inputs: [peer('x', { peerASN: 64500, ebgpMultiHop: true })], kind: 'BGPPeer', name: 'x', field: 'spec.ebgpMultiHop', message: /ibgp peer/ },
  { rule: 'ebgpMultiHop on dynamic internal', inputs: [obj('BGPPeer', 'x', { myASN: 1, dynamicASN: 'internal', peerAddress: '10.0.0.1', ebgpMultiHop: true })], kind: 'BGPPeer', name: 'x', field: 'spec.ebgpMultiHop', message: /ibgp peer/ },
  { rule: 'v1beta1 peer rejects v1beta2-only fields', inputs: [{ ...peer('x', { dynamicASN: 'internal' }), apiVersion: 'metallb.io/v1beta1' }], kind: 'BGPPeer', name: 'x', field: 'spec.dynamicASN', message: /unknown field/ },
  { rule: 'peers sharing a node with different routerIDs', inputs: [peer('a', { routerID: '1.1.1.1' }), peer('b', { peerAddress: '10.0.0.2', routerID: '2.2.2.2' })], kind: 'BGPPeer', name: 'b', field: 'spec.routerID', message: /must share the routerID: "2\.2\.2\.2" differs from "1\.1\.1\.1" of peer "a"/ },
  { rule: 'peers sharing a node with different myASN', inputs: [peer('a', {}), peer('b', { peerAddress: '10.0.0.2', myASN: 64999 })], kind: 'BGPPeer', name: 'b', field: 'spec.myASN', message: /64999 differs from 64500 of peer "a"/ },
  { rule: 'duplicate peer address', inputs: [peer('a', {}), peer('b', {})], kind: 'BGPPeer', name: 'b', field: 'spec.peerAddress', message: /peer "a" already exists with the same address 10\.0\.0\.1/ },
  { rule: 'duplicate peer interface', inputs: [obj('BGPPeer', 'a', { myASN: 1, peerASN: 2, interface: 'eth0' }), obj('BGPPeer', 'b', { myASN: 1, peerASN: 3, interface: 'eth0' })], kind: 'BGPPeer', name: 'b', field: 'spec.interface', message: /same interface eth0/ },
  // --- BFDProfile
  { rule: 'receiveInterval below 10', inputs: [obj('BFDProfile', 'b', { receiveInterval: 9 })], kind: 'BFDProfile', name: 'b', field: 'spec.receiveInterval', message: /between 10 and 60000, got 9/ },
  { rule: 'transmitInterval above 60000', inputs: [obj('BFDProfile', 'b', { transmitInterval: 60001 })], kind: 'BFDProfile', name: 'b', field: 'spec.transmitInterval', message: /got 60001/ },
  { rule: 'echoInterval below 10', inputs: [obj('BFDProfile', 'b', { echoInterval: 1 })], kind: 'BFDProfile', name: 'b', field: 'spec.echoInterval', message: /between 10 and 60000/ },
  { rule: 'detectMultiplier 1', inputs: [obj('BFDProfile', 'b', { detectMultiplier: 1 })], kind: 'BFDProfile', name: 'b', field: 'spec.detectMultiplier', message: /between 2 and 255/ },
  { rule: 'detectMultiplier 256', inputs: [obj('BFDProfile', 'b', { detectMultiplier: 256 })], kind: 'BFDProfile', name: 'b', field: 'spec.detectMultiplier', message: /got 256/ },
  { rule: 'minimumTtl 0', inputs: [obj('BFDProfile', 'b', { minimumTtl: 0 })], kind: 'BFDProfile', name: 'b', field: 'spec.minimumTtl', message: /between 1 and 254/ },
  { rule: 'minimumTtl 255', inputs: [obj('BFDProfile', 'b', { minimumTtl: 255 })], kind: 'BFDProfile', name: 'b', field: 'spec.minimumTtl', message: /got 255/ },
  { rule: 'echo mode with IPv6 pools', inputs: [pool('v6', ['fc00::/120']), obj('BFDProfile', 'b', { echoMode: true })], kind: 'BFDProfile', name: 'b', field: 'spec.echoMode', message: /echo mode is not supported with IPv6 pools/ },
  // --- Community
  { rule: 'invalid community value', inputs: [obj('Community', 'c', { communities: [{ name: 'X', value: '1:70000' }] })], kind: 'Community', name: 'c', field: 'spec.communities[0].value', message: /invalid community "1:70000"/ },
  { rule: 'alias defined twice across objects', inputs: [obj('Community', 'c1', { communities: [{ name: 'X', value: '1:1' }] }), obj('Community', 'c2', { communities: [{ name: 'X', value: '1:2' }] })], kind: 'Community', name: 'c2', field: 'spec.communities[0].name', message: /duplicate definition of community alias "X" \(also in Community "c1"\)/ },
  // --- legacy, operator, FRRConfiguration
  { rule: 'legacy AddressPool with unknown protocol', inputs: [obj('AddressPool', 'a', { protocol: 'ospf', addresses: ['10.0.0.0/24'] })], kind: 'AddressPool', name: 'a', field: 'spec.protocol', message: /expected one of/ },
  { rule: 'legacy AddressPool overlapping a pool', inputs: [p1, obj('AddressPool', 'a', { protocol: 'layer2', addresses: ['10.0.0.7/32'] })], kind: 'AddressPool', name: 'a', field: 'spec.addresses[0]', message: /overlaps with already defined CIDR "10\.0\.0\.0\/24"/ },
  { rule: 'MetalLB object must be named metallb', inputs: [obj('MetalLB', 'other', {})], kind: 'MetalLB', name: 'other', field: 'metadata.name', message: /must be named "metallb"/ },
  { rule: 'MetalLB invalid bgpBackend', inputs: [obj('MetalLB', 'metallb', { bgpBackend: 'bird' })], kind: 'MetalLB', name: 'metallb', field: 'spec.bgpBackend', message: /expected one of/ },
  { rule: 'MetalLB invalid alwaysBlock', inputs: [obj('MetalLB', 'metallb', { frrk8sConfig: { alwaysBlock: ['192.168.1.0/40'] } })], kind: 'MetalLB', name: 'metallb', field: 'spec.frrk8sConfig.alwaysBlock[0]', message: /invalid CIDR/ },
  { rule: 'FRR neighbor bfdProfile missing', inputs: [obj('FRRConfiguration', 'f', { bgp: { routers: [{ asn: 1, neighbors: [{ address: '10.0.0.1', asn: 2, bfdProfile: 'x' }] }] } })], kind: 'FRRConfiguration', name: 'f', field: 'spec.bgp.routers[0].neighbors[0].bfdProfile', message: /^neighbor 10\.0\.0\.1 referencing non existing BFDProfile x$/ },
  { rule: 'FRR toReceive ge below the prefix length', inputs: [obj('FRRConfiguration', 'f', { bgp: { routers: [{ asn: 1, neighbors: [{ address: '10.0.0.1', asn: 2, toReceive: { allowed: { prefixes: [{ prefix: '192.169.2.0/24', ge: 20 }] } } }] }] } })], kind: 'FRRConfiguration', name: 'f', field: 'spec.bgp.routers[0].neighbors[0].toReceive.allowed.prefixes[0].ge', message: /ge 20 must be between the prefix length 24 and 32/ },
  { rule: 'FRR toReceive ge above le', inputs: [obj('FRRConfiguration', 'f', { bgp: { routers: [{ asn: 1, neighbors: [{ address: '10.0.0.1', asn: 2, toReceive: { allowed: { prefixes: [{ prefix: '192.169.2.0/24', ge: 28, le: 25 }] } } }] }] } })], kind: 'FRRConfiguration', name: 'f', field: 'spec.bgp.routers[0].neighbors[0].toReceive.allowed.prefixes[0].ge', message: /must not be greater than le 25/ },
  { rule: 'FRR advertising a prefix the router lacks', inputs: [obj('FRRConfiguration', 'f', { bgp: { routers: [{ asn: 1, prefixes: ['192.168.2.0/24'], neighbors: [{ address: '10.0.0.1', asn: 2, toAdvertise: { allowed: { prefixes: ['192.168.9.0/24'] } } }] }] } })], kind: 'FRRConfiguration', name: 'f', field: 'spec.bgp.routers[0].neighbors[0].toAdvertise.allowed.prefixes[0]', message: /not among the router's prefixes/ },
  { rule: 'FRR neighbor holdTime without keepaliveTime', inputs: [obj('FRRConfiguration', 'f', { bgp: { routers: [{ asn: 1, neighbors: [{ address: '10.0.0.1', asn: 2, holdTime: '9s' }] }] } })], kind: 'FRRConfiguration', name: 'f', field: 'spec.bgp.routers[0].neighbors[0].holdTime', message: /set together/ },
  { rule: 'FRR neighbor without asn', inputs: [obj('FRRConfiguration', 'f', { bgp: { routers: [{ asn: 1, neighbors: [{ address: '10.0.0.1' }] }] } })], kind: 'FRRConfiguration', name: 'f', field: 'spec.bgp.routers[0].neighbors[0].asn', message: /exactly one of asn or dynamicASN/ },
  { rule: 'FRR two configurations, different ASN in one VRF', inputs: [obj('FRRConfiguration', 'f1', { bgp: { routers: [{ asn: 1 }] } }), obj('FRRConfiguration', 'f2', { bgp: { routers: [{ asn: 2 }] } })], kind: 'FRRConfiguration', name: 'f2', field: 'spec.bgp.routers[0].asn', message: /^different asns \(2 != 1\) specified for same vrf/ },
  { rule: 'FRR BFD profile redefined with other values', inputs: [obj('FRRConfiguration', 'f1', { bgp: { bfdProfiles: [{ name: 'p', receiveInterval: 100 }] } }), obj('FRRConfiguration', 'f2', { bgp: { bfdProfiles: [{ name: 'p', receiveInterval: 200 }] } })], kind: 'FRRConfiguration', name: 'f2', field: 'spec.bgp.bfdProfiles', message: /BFD profile "p" is defined with different values/ },
  { rule: 'FRR BFD profile interval range', inputs: [obj('FRRConfiguration', 'f', { bgp: { bfdProfiles: [{ name: 'p', receiveInterval: 5 }] } })], kind: 'FRRConfiguration', name: 'f', field: 'spec.bgp.bfdProfiles[0].receiveInterval', message: /between 10 and 60000/ },
];

describe('behaviour.md §1 rules', () => {
  it('has at least 60 cases', () => assert.ok(CASES.length >= 60, String(CASES.length)));
  for (const c of CASES) {
    it(c.rule, () => {
      const errors = errorsOf(c.inputs, { references: c.references ?? 'warn' });
      const hit = errors.find((e) => e.kind === c.kind && e.name === c.name && e.field === c.field && c.message.test(e.message));
      assert.ok(hit, `expected ${c.kind} ${c.name} ${c.field} ~ ${String(c.message)}; got ${JSON.stringify(errors, null, 1)}`);
    });
  }
});
