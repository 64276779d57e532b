// Composition of Herald's own BGP speaker for one node: the BGP speaker actor with the wire codec
// and TCP transport (MD5, TTL), and per session with a BFD profile a BFD session actor over the
// UDP transport (one per local address, shared by the sessions from it). Fed the node's BGP plan
// on every change of config, services or endpoints; reports to the state board, log and metrics.
import dgram from 'node:dgram';
import type { InspectionEvent } from 'xstate';
import { BfdSessionActor } from '../actors/bfd-session.actor.js';
import { BgpSpeakerActor, type BfdHandle } from '../actors/bgp-speaker.actor.js';
import { wireCodec, wireUpdates } from '../actors/bgp-wire-codec.js';
import { planBgpNode, type BgpNodePlan, type BgpSession } from '../core/bgp-plan/index.js';
import { toNodeModel } from '../core/election/nodes.js';
import type { ClusterView } from '../core/plan/view.js';
import { BfdUdpTransport } from '../bfd/udp-transport.js';
import { TcpBgpTransport } from '../bgp/tcp-transport.js';
import type { EventLog } from '../observe/log.js';
import { systemClock } from './system-clock.js';

export interface BgpSpeakerOptions {
  readonly node: string;
  /** The router ID when a BGPPeer sets none. */
  readonly routerId: string;
  readonly log: EventLog;
  readonly inspect: (event: InspectionEvent) => void;
  /** Passwords of sessions with a passwordSecret: the Secret's `password`, if it is known. */
  readonly secretPassword: (namespace: string, name: string) => string | undefined;
}

export interface BfdCounters {
  up: boolean;
  input: number;
  output: number;
  upEvents: number;
  downEvents: number;
}

/** The local address the kernel would use towards `peer` (a connected UDP socket sends nothing). */
function localAddressTowards(peer: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(peer.includes(':') ? 'udp6' : 'udp4');
    socket.on('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.connect(9, peer, () => {
      const { address } = socket.address();
      socket.close();
      resolve(address);
    });
  });
}

/** What the native speaker cannot do yet, for a session that asks for it. */
function unsupportedBy(session: BgpSession): string | undefined {
  if (!session.peerAddress) return `spec.interface (unnumbered BGP, ${session.interface ?? '?'})`;
  if (session.vrf) return `spec.vrf (${session.vrf})`;
  return undefined;
}

export class NodeBgp {
  readonly speaker: BgpSpeakerActor<Uint8Array>;
  readonly bfd = new Map<string, BfdCounters>();
  private readonly udp = new Map<string, { transport: BfdUdpTransport; users: number }>();
  private plan: BgpNodePlan | undefined;
  private nextDiscriminator = 1 + Math.floor(Math.random() * 0x7fff0000);
  /** Sessions refused as unsupported (logged once each). */
  private readonly refused = new Set<string>();

  constructor(private readonly options: BgpSpeakerOptions) {
    const { log } = options;
    this.speaker = new BgpSpeakerActor<Uint8Array>({
      node: options.node,
      clock: systemClock,
      codec: wireCodec,
      encoder: wireUpdates,
      defaultRouterId: options.routerId,
      inspect: options.inspect,
      transport: (session) => this.transportFor(session),
      bfd: (session, events) => this.startBfd(session, events),
      onTransition: (peer, t) =>
        log.debug({ component: 'bgp', event: 'transition', peer, from: t.from, to: t.to, reason: t.reason }),
      onEstablished: (peer, n) =>
        log.info({
          component: 'bgp',
          event: 'established',
          peer,
          holdTimeMs: n.holdTimeMs,
          families: n.families,
        }),
      onDown: (peer, reason) => log.info({ component: 'bgp', event: 'down', peer, reason }),
      onBfd: (peer, up, reason) => log.info({ component: 'bfd', event: up ? 'up' : 'down', peer, reason }),
    });
  }

  /** Plans this node's sessions and routes from the view and hands them to the speaker. */
  update(view: ClusterView): void {
    const self = view.nodes.find((n) => n.name === this.options.node) ??
      toNodeModel({ kind: 'Node', metadata: { name: this.options.node } }) ?? {
        name: this.options.node,
        labels: {},
        networkUnavailable: false,
      };
    const plan = planBgpNode(
      { config: view.config, services: view.services, endpoints: view.endpoints },
      self,
    );
    const sessions = plan.sessions.filter((session) => {
      const unsupported = unsupportedBy(session);
      if (unsupported && !this.refused.has(session.name))
        this.options.log.error({
          component: 'bgp',
          event: 'sessionUnsupported',
          peer: session.name,
          err: `BGPPeer ${session.name}: ${unsupported} is not supported by Herald's own BGP speaker yet`,
        });
      if (unsupported) this.refused.add(session.name);
      else this.refused.delete(session.name);
      return !unsupported;
    });
    this.plan = { ...plan, sessions };
    this.speaker.update(this.plan);
  }

  /** Ceases every session, then (once BFD has said AdminDown) closes the BFD sockets. */
  async stop(): Promise<void> {
    this.speaker.stop();
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const { transport } of this.udp.values()) transport.stop();
    this.udp.clear();
  }

  /** Peers with their state and route counts, for /debug/state. */
  status(): Record<string, unknown> {
    return {
      sessions: this.speaker.sessions(),
      bfd: Object.fromEntries(this.bfd),
    };
  }

  private password(session: BgpSession): string | undefined {
    const { auth } = session;
    if (auth.kind === 'password') return auth.password.reveal();
    if (auth.kind === 'secret') return this.options.secretPassword(auth.namespace, auth.name);
    return undefined;
  }

  private transportFor(session: BgpSession): TcpBgpTransport {
    const password = this.password(session);
    if (session.auth.kind === 'secret' && password === undefined)
      this.options.log.error({
        component: 'bgp',
        event: 'passwordMissing',
        peer: session.name,
        err: `Secret ${session.auth.namespace}/${session.auth.name} has no password: the session cannot authenticate`,
      });
    return new TcpBgpTransport({
      peerAddress: session.peerAddress ?? '',
      peerPort: session.peerPort,
      sourceAddress: session.sourceAddress,
      password,
      ibgp: session.ibgp,
      ebgpMultiHop: session.ebgpMultiHop,
    });
  }

  private startBfd(session: BgpSession, events: { up(): void; down(reason: string): void }): BfdHandle {
    const settings = session.bfd?.settings;
    const peer = session.peerAddress;
    const counters: BfdCounters = { up: false, input: 0, output: 0, upEvents: 0, downEvents: 0 };
    this.bfd.set(session.name, counters);
    let actor: BfdSessionActor | undefined;
    let release: (() => void) | undefined;
    let stopped = false;
    if (settings && peer) {
      const source = session.sourceAddress
        ? Promise.resolve(session.sourceAddress)
        : localAddressTowards(peer);
      source.then(
        (local) => {
          if (stopped) return;
          const udp = this.udpFor(local);
          release = udp.release;
          actor = new BfdSessionActor(
            {
              localDiscriminator: this.nextDiscriminator++,
              desiredMinTxUs: settings.transmitIntervalMs * 1000,
              requiredMinRxUs: settings.receiveIntervalMs * 1000,
              detectMultiplier: settings.detectMultiplier,
              passive: settings.passiveMode,
              // Single hop (RFC 5881 §5): exactly 255. The profile's minimumTtl is for multihop.
              minimumTtl: 255,
            },
            {
              clock: systemClock,
              transport: udp.transport.peer(peer),
              id: `bfd:${session.name}`,
              inspect: this.options.inspect,
              onUp: () => {
                counters.up = true;
                counters.upEvents++;
                events.up();
              },
              onDown: (down) => {
                counters.up = false;
                counters.downEvents++;
                events.down(down.reason);
              },
              onPacket: (direction) => {
                if (direction === 'input') counters.input++;
                else counters.output++;
              },
            },
          );
          actor.start();
        },
        (error: unknown) =>
          this.options.log.error({
            component: 'bfd',
            event: 'noLocalAddress',
            peer: session.name,
            err: String(error),
          }),
      );
    }
    return {
      stop: () => {
        stopped = true;
        actor?.stop();
        release?.();
        this.bfd.delete(session.name);
      },
    };
  }

  private udpFor(local: string): { transport: BfdUdpTransport; release: () => void } {
    let entry = this.udp.get(local);
    if (!entry) {
      const transport = new BfdUdpTransport({ localAddress: local });
      transport.start();
      entry = { transport, users: 0 };
      this.udp.set(local, entry);
    }
    entry.users++;
    const used = entry;
    return {
      transport: used.transport,
      release: () => {
        used.users--;
        if (used.users === 0) {
          used.transport.stop();
          this.udp.delete(local);
        }
      },
    };
  }
}
