// The parsed configuration: what every component reads. Built only by parse(), so a value of
// these types has passed every rule of behaviour.md §1 and carries its defaults.
import type { LabelSelector, Labels } from '../labels.js';
import type { IpFamily, Prefix } from '../net/ip.js';

/** One `addresses` entry of a pool: its text and the CIDRs that cover it exactly. */
export interface PoolAddressEntry {
  readonly text: string;
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
  readonly cidrs: readonly Prefix[];
}

export interface ServiceAllocation {
  /** Lower number = higher priority; 0 means "no priority" and sorts after every positive one. */
  readonly priority: number;
  readonly namespaces: readonly string[];
  readonly namespaceSelectors: readonly LabelSelector[];
  readonly serviceSelectors: readonly LabelSelector[];
}

export interface Pool {
  readonly name: string;
  readonly labels: Labels;
  readonly addresses: readonly PoolAddressEntry[];
  readonly autoAssign: boolean;
  readonly avoidBuggyIPs: boolean;
  readonly serviceAllocation: ServiceAllocation | undefined;
}

export interface L2Advertisement {
  readonly name: string;
  /** Names of the pools this advertisement selects (already resolved from names and selectors). */
  readonly pools: readonly string[];
  readonly nodeSelectors: readonly LabelSelector[];
  /** Empty = every usable interface. */
  readonly interfaces: readonly string[];
  readonly serviceSelectors: readonly LabelSelector[];
}

export type BgpCommunity =
  | { readonly kind: 'standard'; readonly asn: number; readonly value: number; readonly text: string }
  | {
      readonly kind: 'large';
      readonly global: number;
      readonly local1: number;
      readonly local2: number;
      readonly text: string;
    };

export interface BgpAdvertisement {
  readonly name: string;
  readonly pools: readonly string[];
  readonly aggregationLength: number;
  readonly aggregationLengthV6: number;
  readonly localPref: number | undefined;
  readonly communities: readonly BgpCommunity[];
  readonly nodeSelectors: readonly LabelSelector[];
  /** Peer names; empty = every peer. */
  readonly peers: readonly string[];
  readonly serviceSelectors: readonly LabelSelector[];
}

export interface BgpPeer {
  readonly name: string;
  readonly myASN: number;
  readonly peerASN: number | undefined;
  readonly dynamicASN: 'internal' | 'external' | undefined;
  readonly peerAddress: string | undefined;
  readonly interface: string | undefined;
  readonly peerPort: number;
  readonly sourceAddress: string | undefined;
  readonly routerID: string | undefined;
  readonly holdTimeMs: number;
  readonly keepaliveTimeMs: number;
  readonly connectTimeMs: number | undefined;
  readonly password: string | undefined;
  readonly passwordSecret: { readonly name: string; readonly namespace: string } | undefined;
  readonly bfdProfile: string | undefined;
  readonly ebgpMultiHop: boolean;
  readonly vrf: string;
  readonly nodeSelectors: readonly LabelSelector[];
  readonly enableGracefulRestart: boolean;
  readonly disableMP: boolean;
  readonly dualStackAddressFamily: boolean;
  readonly localASN: number | undefined;
}

export interface BfdProfile {
  readonly name: string;
  readonly receiveIntervalMs: number;
  readonly transmitIntervalMs: number;
  readonly detectMultiplier: number;
  readonly echoIntervalMs: number;
  readonly echoMode: boolean;
  readonly passiveMode: boolean;
  readonly minimumTtl: number;
}

export type BgpBackend = 'native' | 'frr' | 'frr-k8s' | 'frr-k8s-external';

export interface OperatorSettings {
  readonly bgpBackend: BgpBackend;
  /** True when a MetalLB object sets spec.bgpBackend (else bgpBackend is MetalLB's default). */
  readonly bgpBackendSet: boolean;
  readonly logLevel: 'all' | 'debug' | 'info' | 'warn' | 'error' | 'none';
  readonly nodeSelector: Labels;
  readonly alwaysBlock: readonly Prefix[];
  readonly loadBalancerClass: string | undefined;
}

export interface Config {
  readonly namespace: string;
  readonly pools: ReadonlyMap<string, Pool>;
  readonly l2Advertisements: readonly L2Advertisement[];
  readonly bgpAdvertisements: readonly BgpAdvertisement[];
  readonly peers: ReadonlyMap<string, BgpPeer>;
  readonly bfdProfiles: ReadonlyMap<string, BfdProfile>;
  /** Community aliases (from Community objects) to their parsed values. */
  readonly communityAliases: ReadonlyMap<string, BgpCommunity>;
  readonly frrConfigurations: readonly import('./frr-configuration.js').FrrConfiguration[];
  readonly operator: OperatorSettings;
}
