// What one node's frr.conf says, before it is text: BGP routers (one per VRF) with their
// neighbours, what each neighbour may be sent (with attributes) and may send us, the BFD
// profiles, and raw snippets. Built from Herald's BGP plan and from FRRConfiguration objects
// (two sources, one shape), merged as FRR-K8s merges, then printed by text.ts.
import type { IpFamily } from '../../core/net/ip.js';

/** A neighbour's remote AS: a number, or FRR's `internal` / `external` (dynamicASN). */
export type RemoteAs = number | 'internal' | 'external';

/** A prefix sent to one neighbour and the attributes set on it there. */
export interface OutgoingPrefix {
  /** Canonical text, host bits zero. */
  readonly prefix: string;
  readonly family: IpFamily;
  /** LOCAL_PREF to set; undefined = leave FRR's default. */
  readonly localPref: number | undefined;
  /** Standard communities as `AA:NN`, each once, in numeric order. */
  readonly communities: readonly string[];
  /** Large communities as `G:L1:L2`, each once, in numeric order. */
  readonly largeCommunities: readonly string[];
}

/** One `toReceive` selector: the prefix and, optionally, the lengths accepted inside it. */
export interface IncomingPrefix {
  readonly prefix: string;
  readonly family: IpFamily;
  readonly ge: number | undefined;
  readonly le: number | undefined;
}

export interface Incoming {
  /** Accept everything (except what alwaysBlock names). */
  readonly all: boolean;
  /** When not `all`: the selectors accepted; empty = nothing. */
  readonly prefixes: readonly IncomingPrefix[];
}

export interface FrrNeighbor {
  /** The address, or the interface of an unnumbered session: what FRR names it by. */
  readonly target: string;
  readonly unnumbered: boolean;
  /** The address's family; undefined when unnumbered. */
  readonly family: IpFamily | undefined;
  readonly remoteAs: RemoteAs;
  /** `local-as … no-prepend replace-as`: the ASN presented on this session instead of the router's. */
  readonly localAs: number | undefined;
  readonly port: number | undefined;
  readonly sourceAddress: string | undefined;
  readonly password: string | undefined;
  /** Whole seconds. */
  readonly holdTime: number | undefined;
  readonly keepaliveTime: number | undefined;
  readonly connectTime: number | undefined;
  readonly ebgpMultiHop: boolean;
  readonly gracefulRestart: boolean;
  readonly bfdProfile: string | undefined;
  /** Address families activated on the session, ascending. */
  readonly families: readonly IpFamily[];
  /** By prefix text. */
  readonly outgoing: ReadonlyMap<string, OutgoingPrefix>;
  readonly incoming: Incoming;
  /** The objects this neighbour comes from (`BGPPeer ns/name`, `FRRConfiguration ns/name`), sorted. */
  readonly sources: readonly string[];
}

export interface FrrRouter {
  readonly asn: number;
  /** '' = the default VRF. */
  readonly vrf: string;
  readonly routerId: string | undefined;
  /** By target. */
  readonly neighbors: ReadonlyMap<string, FrrNeighbor>;
  /** `network` statements: prefix text → why (the Services or objects it serves), sorted. */
  readonly networks: ReadonlyMap<string, readonly string[]>;
  /** `import vrf` (FRRConfiguration routers[].imports). */
  readonly importVrfs: readonly string[];
  readonly sources: readonly string[];
}

export interface FrrBfdProfile {
  readonly name: string;
  readonly receiveIntervalMs: number;
  readonly transmitIntervalMs: number;
  readonly detectMultiplier: number;
  readonly echoMode: boolean;
  readonly echoIntervalMs: number;
  readonly passiveMode: boolean;
  readonly minimumTtl: number;
  readonly sources: readonly string[];
}

export interface RawSnippet {
  /** `FRRConfiguration ns/name`. */
  readonly source: string;
  readonly priority: number;
  readonly text: string;
}

/** A prefix never accepted from any neighbour (MetalLB `frrk8sConfig.alwaysBlock`). */
export interface BlockedPrefix {
  readonly prefix: string;
  readonly family: IpFamily;
}

export interface FrrModel {
  readonly hostname: string;
  /** By VRF ('' first when printed). */
  readonly routers: ReadonlyMap<string, FrrRouter>;
  readonly bfdProfiles: ReadonlyMap<string, FrrBfdProfile>;
  /** In the order they are appended. */
  readonly raw: readonly RawSnippet[];
  readonly alwaysBlock: readonly BlockedPrefix[];
}

/** Why a node's frr.conf cannot be rendered: the object at fault and what is wrong. */
export interface FrrRenderError {
  readonly source: string;
  readonly message: string;
}
