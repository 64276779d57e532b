// The BGP speaker of one node: one session actor per BGPPeer that selects the node, the route
// table the node advertises (core/bgp-plan), and the changes between plans sent as UPDATEs to
// every Established session — only the changes: a new session gets the whole table from its own
// actor when it comes up. Optional BFD per session: BFD down takes the BGP session down at once.
// Generic in the message type M (wire bytes in production, plain objects in tests).
import type { InspectionEvent } from 'xstate';
import {
  diffRoutes,
  type BgpNodePlan,
  type BgpRoute,
  type BgpSession,
  type RouteTable,
} from '../core/bgp-plan/index.js';
import type { BgpSessionReason, BgpSessionTransition } from '../machines/bgp-session.machine.js';
import type { BgpNegotiated, BgpSessionInput } from '../machines/bgp-session.params.js';
import type { BgpSessionTransport } from '../ports/bgp-transport.js';
import type { Clock } from '../ports/clock.js';
import { BgpSessionActor, type BgpMessageCodec } from './bgp-session.actor.js';

/** Builds UPDATE messages for one session (next hop 'self' resolved to the session's address). */
export interface BgpUpdateEncoder<M> {
  announce(routes: readonly BgpRoute[], session: LiveSession): M[];
  withdraw(prefixes: readonly string[], session: LiveSession): M[];
}

/** What the encoder and the BFD adapter need to know about a running session. */
export interface LiveSession {
  readonly config: BgpSession;
  /** Our address on the current TCP connection (the next hop of 'self' routes), once connected. */
  readonly localAddress: () => string | undefined;
  /** Whether the peer negotiated 4-octet ASNs (AS_PATH encoding). */
  readonly negotiated: () => BgpNegotiated | undefined;
}

/** A running BFD session towards a peer; `stop` ends it. */
export interface BfdHandle {
  stop(): void;
}

export interface BgpSpeakerDeps<M> {
  readonly node: string;
  readonly clock: Clock;
  readonly codec: BgpMessageCodec<M>;
  readonly encoder: BgpUpdateEncoder<M>;
  /** The router ID when a BGPPeer sets none (the node's IPv4 address). */
  readonly defaultRouterId: string;
  readonly transport: (session: BgpSession) => BgpSessionTransport<M>;
  /** Starts BFD for a session with a profile; `down` tears the BGP session down. */
  readonly bfd?: (session: BgpSession, events: { up(): void; down(reason: string): void }) => BfdHandle;
  readonly inspect?: (event: InspectionEvent) => void;
  readonly random?: () => number;
  readonly onTransition?: (peer: string, transition: BgpSessionTransition) => void;
  readonly onEstablished?: (peer: string, negotiated: BgpNegotiated) => void;
  readonly onDown?: (peer: string, reason: BgpSessionReason) => void;
  readonly onBfd?: (peer: string, up: boolean, reason: string) => void;
  /** UPDATE messages sent (for metallb_bgp_updates_total). */
  readonly onUpdatesSent?: (peer: string, count: number) => void;
  /**
   * A session machine failed (an action threw): the speaker owns it — the session is dropped
   * and started afresh after `restartInMs` (1 s doubling to 60 s; back to 1 s after 30 s up).
   */
  readonly onSessionError?: (peer: string, error: unknown, restartInMs: number) => void;
}

const BFD_STOP_DELAY_MS = 100;
const RESTART_MIN_MS = 1000;
const RESTART_MAX_MS = 60_000;
const RESET_AFTER_MS = 30_000;

interface Running<M> {
  readonly key: string;
  readonly live: LiveSession;
  readonly actor: BgpSessionActor<M>;
  readonly bfd: BfdHandle | undefined;
}

/** Everything that, when it changes, needs a new session (the machine's input or the socket's). */
function sessionKey(session: BgpSession): string {
  const { bfd, auth, ...rest } = session;
  const secret = auth.kind === 'password' ? auth.password.reveal() : auth.kind === 'secret' ? auth.name : '';
  return JSON.stringify({ ...rest, auth: auth.kind, secret, bfd: bfd?.settings ?? null });
}

export function sessionInput(session: BgpSession, defaultRouterId: string): BgpSessionInput {
  return {
    localAsn: session.localASN ?? session.myASN,
    peerAsn: session.peerASN ?? session.dynamicASN ?? 'external',
    routerId: session.routerID ?? defaultRouterId,
    holdTimeMs: session.holdTimeMs,
    keepaliveTimeMs: session.keepaliveTimeMs,
    connectRetryMs: session.connectTimeMs,
    families: session.families.map((f) => (f === 4 ? 'ipv4Unicast' : 'ipv6Unicast')),
    gracefulRestart: session.gracefulRestart,
  };
}

export class BgpSpeakerActor<M> {
  private readonly running = new Map<string, Running<M>>();
  private table: RouteTable = new Map();
  private stopped = false;
  /** The sessions of the latest plan. */
  private wanted = new Map<string, BgpSession>();
  /** Consecutive machine failures per peer, and peers waiting out their restart backoff. */
  private readonly failures = new Map<string, number>();
  private readonly restarting = new Set<string>();
  /** When each peer's session last came up: a failure after RESET_AFTER_MS up starts the backoff over. */
  private readonly establishedAt = new Map<string, number>();

  constructor(private readonly deps: BgpSpeakerDeps<M>) {}

  /** A new plan for this node: sessions started/stopped/restarted, route changes sent. */
  update(plan: BgpNodePlan): void {
    if (this.stopped) return;
    const before = this.table;
    this.table = plan.routes;
    const wanted = new Map(plan.sessions.map((s) => [s.name, s]));
    this.wanted = wanted;
    for (const [name, run] of this.running) {
      const session = wanted.get(name);
      if (!session || sessionKey(session) !== run.key) this.end(name, run);
    }
    for (const [name, session] of wanted)
      if (!this.running.has(name) && !this.restarting.has(name)) this.begin(session);
    for (const [peer, changes] of diffRoutes(before, this.table)) {
      const run = this.running.get(peer);
      if (!run || run.actor.state() !== 'established') continue; // it gets the table when it comes up
      const messages = [
        ...this.deps.encoder.withdraw(changes.withdraw, run.live),
        ...this.deps.encoder.announce(changes.announce, run.live),
      ];
      if (run.actor.advertise(messages)) this.deps.onUpdatesSent?.(peer, messages.length);
    }
  }

  /** Every session: a Cease to each Established peer; BFD stopped. */
  stop(): void {
    this.stopped = true;
    for (const [name, run] of this.running) this.end(name, run);
  }

  sessions(): { peer: string; address: string; state: string; routes: number }[] {
    return [...this.running.entries()].map(([peer, run]) => ({
      peer,
      address: run.live.config.peerAddress ?? run.live.config.interface ?? '',
      state: run.actor.state(),
      routes: this.table.get(peer)?.size ?? 0,
    }));
  }

  /** Session actors by peer, for metrics (their machine contexts hold the counters). */
  actors(): ReadonlyMap<string, BgpSessionActor<M>> {
    return new Map([...this.running].map(([peer, run]) => [peer, run.actor]));
  }

  private begin(session: BgpSession): void {
    const { deps } = this;
    const transport = deps.transport(session);
    const peer = session.name;
    // `live` and the BFD callbacks reach the actor only once it exists (after construction).
    const live: LiveSession = {
      config: session,
      localAddress: () => transport.localAddress(),
      negotiated: () => actor.context()?.negotiated,
    };
    const actor: BgpSessionActor<M> = new BgpSessionActor(sessionInput(session, deps.defaultRouterId), {
      clock: deps.clock,
      transport,
      codec: deps.codec,
      table: () => {
        const routes = [...(this.table.get(peer)?.values() ?? [])];
        const messages = deps.encoder.announce(routes, live);
        deps.onUpdatesSent?.(peer, messages.length);
        return messages;
      },
      id: `bgp:${peer}`,
      ...(deps.inspect ? { inspect: deps.inspect } : {}),
      ...(deps.random ? { random: deps.random } : {}),
      onTransition: (t) => deps.onTransition?.(peer, t),
      onEstablished: (n) => {
        this.establishedAt.set(peer, deps.clock.now());
        deps.onEstablished?.(peer, n);
      },
      onDown: (reason) => deps.onDown?.(peer, reason),
      onError: (error) => this.failed(peer, actor, error),
    });
    const bfd =
      session.bfd?.settings && deps.bfd
        ? deps.bfd(session, {
            up: () => deps.onBfd?.(peer, true, 'up'),
            down: (reason) => {
              deps.onBfd?.(peer, false, reason);
              actor.bfdDown();
            },
          })
        : undefined;
    this.running.set(peer, { key: sessionKey(session), live, actor, bfd });
    actor.start();
  }

  /** A session machine errored (it would ignore every later event): drop it, restart with backoff. */
  private failed(peer: string, actor: BgpSessionActor<M>, error: unknown): void {
    const run = this.running.get(peer);
    if (this.stopped || run?.actor !== actor) return;
    this.end(peer, run);
    const upSince = this.establishedAt.get(peer);
    this.establishedAt.delete(peer);
    if (upSince !== undefined && this.deps.clock.now() - upSince >= RESET_AFTER_MS)
      this.failures.delete(peer);
    const failures = (this.failures.get(peer) ?? 0) + 1;
    this.failures.set(peer, failures);
    const delay = Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** (failures - 1));
    this.restarting.add(peer);
    this.deps.onSessionError?.(peer, error, delay);
    this.deps.clock.setTimeout(() => {
      this.restarting.delete(peer);
      const session = this.wanted.get(peer);
      if (!this.stopped && session && !this.running.has(peer)) this.begin(session);
    }, delay);
  }

  private end(name: string, run: Running<M>): void {
    // The Cease first, BFD (AdminDown) a moment later: the peer's BGP then sees an administrative
    // shutdown rather than a BFD failure (its BFD daemon would otherwise race the NOTIFICATION).
    run.actor.stop();
    if (run.bfd) this.deps.clock.setTimeout(() => run.bfd?.stop(), BFD_STOP_DELAY_MS);
    this.running.delete(name);
  }
}
