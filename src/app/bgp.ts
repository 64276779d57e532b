// Composition of Herald's own BGP speaker for one node: the BGP speaker actor with the wire codec
// and TCP transport (MD5, TTL), and per session with a BFD profile a BFD session in the BFD
// worker thread (app/bfd-worker.ts: its deadlines must not wait for this thread). Fed the node's BGP plan
// on every change of config, services or endpoints; reports to the state board, log and metrics.
import dgram from 'node:dgram';
import type { InspectionEvent } from 'xstate';
import { Worker } from 'node:worker_threads';
import { BgpSpeakerActor, type BfdHandle } from '../actors/bgp-speaker.actor.js';
import { wireCodec, wireUpdates } from '../actors/bgp-wire-codec.js';
import {
  advertisedPeers,
  planBgpNodeSteps,
  type BgpNodePlan,
  type BgpSession,
} from '../core/bgp-plan/index.js';
import type { Config } from '../core/config/types.js';
import type { ClusterView } from '../core/plan/view.js';
import { runSteps, type Steps } from '../core/steps.js';
import { TcpBgpTransport } from '../bgp/tcp-transport.js';
import type { EventLog } from '../observe/log.js';
import type { ExternalActor, StateBoard } from '../observe/state-board.js';
import type { BgpSessionMetrics } from '../observe/metrics.js';
import type { BfdCommand, BfdReport } from './bfd-messages.js';
import type { FrrConfigurationStore } from '../ports/frr-configuration-store.js';
import { DEFAULT_FRR_RUN_DIR, FrrBgp } from './frr-backend.js';
import { FrrK8sBgp } from './frr-k8s-backend.js';
import { systemClock } from './system-clock.js';
import { endWorker } from './worker-end.js';

export interface BgpSpeakerOptions {
  readonly node: string;
  /** The router ID when a BGPPeer sets none. */
  readonly routerId: string;
  readonly log: EventLog;
  readonly inspect: (event: InspectionEvent) => void;
  /** BFD sessions run in a worker thread and report their transitions here. */
  readonly board: StateBoard;
  /** Passwords of sessions with a passwordSecret: the Secret's `password`, if it is known. */
  readonly secretPassword: (namespace: string, name: string) => string | undefined;
  /** Which backend carries the plan, unless the MetalLB object sets spec.bgpBackend. */
  readonly backend?: BgpBackendChoice;
  /** The FRR backend's run directory (pid files, sockets, frr.conf). */
  readonly frrRunDir?: string;
  /** The FRR-K8s backends' store and namespaces. */
  readonly frrK8s?: FrrK8sSettings;
}

/** What `herald speaker --bgp-backend` accepts (MetalLB's spec.bgpBackend values). */
export type BgpBackendChoice = 'native' | 'frr' | 'frr-k8s' | 'frr-k8s-external';

export const BGP_BACKENDS: readonly BgpBackendChoice[] = ['native', 'frr', 'frr-k8s', 'frr-k8s-external'];

/** FRR-K8s' namespace in frr-k8s-external mode unless --frr-k8s-namespace says otherwise. */
export const DEFAULT_FRR_K8S_EXTERNAL_NAMESPACE = 'frr-k8s-system';

export interface FrrK8sSettings {
  /** The API (Kubernetes mode) or a directory (standalone); none: the FRR-K8s modes cannot run. */
  readonly store: FrrConfigurationStore | undefined;
  /** frr-k8s: FRR-K8s runs beside the speaker and reads FRRConfigurations in this namespace. */
  readonly namespace: string;
  /** frr-k8s-external: FRR-K8s' own namespace. */
  readonly externalNamespace: string;
}

/** The backend in force: the MetalLB object's spec.bgpBackend when it sets one, else the flag's. */
export function chooseBgpBackend(
  config: Config,
  flag: BgpBackendChoice,
): { backend: BgpBackendChoice; source: string } {
  const { bgpBackend, bgpBackendSet } = config.operator;
  if (!bgpBackendSet) return { backend: flag, source: 'flag' };
  return { backend: bgpBackend, source: 'MetalLB' };
}

/** The sessions of whichever backend runs, as the speaker's metrics and status read them. */
export interface BgpSessionsView {
  sessions(): { peer: string; address: string; state: string; routes: number }[];
  actors(): ReadonlyMap<
    string,
    { context(): { readonly counters: BgpSessionMetrics['counters'] } | undefined }
  >;
}

interface BfdHandlers {
  up(): void;
  down(reason: string): void;
  transition(t: { to: string; reason: string; diagnostic: number }): void;
  counters(c: { input: number; output: number }): void;
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
  private readonly native: BgpSpeakerActor<Uint8Array>;
  private readonly nativeBfd = new Map<string, BfdCounters>();
  /** The FRR backend, while it is the one in force. */
  private frr: FrrBgp | undefined;
  /** The FRR-K8s backend (frr-k8s or frr-k8s-external), while it is the one in force. */
  private frrK8s: FrrK8sBgp | undefined;
  private backend: string | undefined;
  private frrK8sUnavailableLogged = false;
  readonly speaker: BgpSessionsView = {
    sessions: () =>
      this.frr
        ? this.frr
            .sessions()
            .map((s) => ({ peer: s.name, address: s.peer, state: s.state, routes: s.prefixesSent }))
        : this.native.sessions(),
    actors: () =>
      this.frr
        ? new Map(this.frr.sessions().map((s) => [s.name, { context: () => ({ counters: s.counters }) }]))
        : this.native.actors(),
  };
  private bfdWorker: Worker | undefined;
  private readonly bfdHandlers = new Map<string, BfdHandlers>();
  private plan: BgpNodePlan | undefined;
  private nextDiscriminator = 1 + Math.floor(Math.random() * 0x7fff0000);
  /** Sessions refused as unsupported (logged once each). */
  private readonly refused = new Set<string>();

  constructor(private readonly options: BgpSpeakerOptions) {
    const { log } = options;
    this.native = new BgpSpeakerActor<Uint8Array>({
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
      // A session machine that threw is dropped and restarted with backoff by the speaker actor;
      // the log is how an operator sees a bug or a peer that keeps tripping it.
      onSessionError: (peer, error, restartInMs) =>
        log.error({ component: 'bgp', event: 'sessionError', peer, err: String(error), restartInMs }),
      onBfd: (peer, up, reason) => log.info({ component: 'bfd', event: up ? 'up' : 'down', peer, reason }),
    });
  }

  /** BFD sessions of the backend in force, by BGPPeer. */
  get bfd(): ReadonlyMap<string, BfdCounters> {
    if (!this.frr) return this.nativeBfd;
    const out = new Map<string, BfdCounters>();
    for (const [name, p] of this.frr.bfd())
      out.set(name, {
        up: p.up,
        input: p.input,
        output: p.output,
        upEvents: p.upEvents,
        downEvents: p.downEvents,
      });
    return out;
  }

  /**
   * This node's sessions and routes for a view, a step per service (30-60 ms in one go with
   * 10,000 Services: the speaker drives it in turns, app/turns.ts). Without a Node object this
   * node has no labels (only selector-less peers select it).
   */
  planSteps(view: ClusterView): Steps<BgpNodePlan> {
    const self = view.nodes.find((n) => n.name === this.options.node) ?? {
      name: this.options.node,
      labels: {},
      networkUnavailable: false,
    };
    const { config, services, endpoints, nodeRules } = view;
    return planBgpNodeSteps({ config, services, endpoints, nodeRules }, self);
  }

  /**
   * Hands this node's plan for the view to the backend in force; `plan` is planSteps(view)'s
   * result when the caller made it already (in turns), else it is made now.
   */
  update(view: ClusterView, plan: BgpNodePlan = runSteps(this.planSteps(view))): void {
    const chosen = chooseBgpBackend(view.config, this.options.backend ?? 'native');
    if (chosen.backend !== this.backend) {
      this.options.log.info({
        component: 'bgp',
        event: 'backend',
        backend: chosen.backend,
        source: chosen.source,
      });
      this.backend = chosen.backend;
    }
    if (chosen.backend === 'frr-k8s' || chosen.backend === 'frr-k8s-external') {
      this.updateFrrK8s(view, plan, chosen.backend);
      return;
    }
    this.stopFrrK8s();
    if (chosen.backend === 'frr') {
      this.updateFrr(view, plan);
      return;
    }
    if (this.frr) {
      this.frr.stop();
      this.frr = undefined;
    }
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
    this.native.update(this.plan);
  }

  /** FRR carries the whole plan (VRF and unnumbered peers too); the native speaker has none. */
  private updateFrr(view: ClusterView, plan: BgpNodePlan): void {
    const self = view.nodes.find((n) => n.name === this.options.node);
    this.native.update({ ...plan, sessions: [], routes: new Map() });
    this.refused.clear();
    this.frr ??= new FrrBgp({
      node: this.options.node,
      routerId: this.options.routerId,
      runDir: this.options.frrRunDir ?? DEFAULT_FRR_RUN_DIR,
      log: this.options.log,
      inspect: this.options.inspect,
      secretPassword: this.options.secretPassword,
    });
    this.frr.start();
    this.plan = plan;
    this.frr.update(view.config, plan, self?.labels ?? {});
  }

  /**
   * FRR-K8s carries the whole plan: Herald runs no BGP and writes the node's FRRConfiguration where
   * FRR-K8s reads it (frr-k8s: beside the speaker; frr-k8s-external: FRR-K8s' own namespace).
   */
  private updateFrrK8s(view: ClusterView, plan: BgpNodePlan, backend: 'frr-k8s' | 'frr-k8s-external'): void {
    if (this.frr) {
      this.frr.stop();
      this.frr = undefined;
    }
    this.native.update({ ...plan, sessions: [], routes: new Map() });
    this.refused.clear();
    this.plan = plan;
    const settings = this.options.frrK8s;
    if (!settings?.store) {
      if (!this.frrK8sUnavailableLogged)
        this.options.log.error({
          component: 'bgp',
          event: 'backendUnavailable',
          backend,
          err: `the ${backend} backend writes FRRConfigurations: on Kubernetes, or standalone with --frr-k8s-output-dir; nothing is advertised over BGP`,
        });
      this.frrK8sUnavailableLogged = true;
      return;
    }
    this.frrK8sUnavailableLogged = false;
    const namespace = backend === 'frr-k8s' ? settings.namespace : settings.externalNamespace;
    if (this.frrK8s && this.frrK8s.namespace !== namespace) this.stopFrrK8s();
    this.frrK8s ??= new FrrK8sBgp({
      node: this.options.node,
      namespace,
      store: settings.store,
      log: this.options.log,
    });
    this.frrK8s.update(view.config, plan);
  }

  /** Another backend took over: the object goes, so FRR-K8s stops carrying this node's routes. */
  private stopFrrK8s(): void {
    const old = this.frrK8s;
    if (!old) return;
    this.frrK8s = undefined;
    old
      .stop({ remove: true })
      .catch((error: unknown) =>
        this.options.log.error({ component: 'frrk8s', event: 'removeFailed', err: String(error) }),
      );
  }

  /** For ServiceBGPStatus: per Service, the peers its routes go to (sessions refused left out). */
  advertisedPeers(): Map<string, string[]> {
    return this.plan ? advertisedPeers(this.plan) : new Map<string, string[]>();
  }

  /** Ceases every session, then (once BFD has said AdminDown) ends the BFD worker. */
  async stop(): Promise<void> {
    this.frr?.stop();
    // Withdrawn as the native speaker ceases its sessions; bounded, a dead apiserver must not hold
    // the shutdown.
    if (this.frrK8s)
      await Promise.race([
        this.frrK8s.stop({ remove: true }),
        new Promise((resolve) => setTimeout(resolve, 2000).unref()),
      ]);
    this.native.stop();
    const worker = this.bfdWorker;
    if (!worker) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
    await endWorker(worker, { type: 'shutdown' } satisfies BfdCommand);
    this.bfdWorker = undefined;
  }

  /** Peers with their state and route counts, for /debug/state. */
  status(): Record<string, unknown> {
    return {
      backend: this.backend ?? this.options.backend ?? 'native',
      sessions: this.speaker.sessions(),
      bfd: Object.fromEntries(this.bfd),
      ...(this.frr ? { frr: this.frr.status() } : {}),
      ...(this.frrK8s ? { frrK8s: this.frrK8s.status() } : {}),
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
    const name = session.name;
    const counters: BfdCounters = { up: false, input: 0, output: 0, upEvents: 0, downEvents: 0 };
    this.nativeBfd.set(name, counters);
    let stopped = false;
    let chart: ExternalActor | undefined;
    if (settings && peer) {
      const source = session.sourceAddress
        ? Promise.resolve(session.sourceAddress)
        : localAddressTowards(peer);
      source.then(
        (local) => {
          if (stopped) return;
          const input = {
            localDiscriminator: this.nextDiscriminator++,
            desiredMinTxUs: settings.transmitIntervalMs * 1000,
            requiredMinRxUs: settings.receiveIntervalMs * 1000,
            detectMultiplier: settings.detectMultiplier,
            passive: settings.passiveMode,
            // Single hop (RFC 5881 §5): exactly 255. The profile's minimumTtl is for multihop.
            minimumTtl: 255,
          };
          chart = this.options.board.external(`bfd:${name}`, 'bfdSession', 'down', { peer, local, ...input });
          this.bfdHandlers.set(name, {
            up: () => {
              counters.up = true;
              counters.upEvents++;
              events.up();
            },
            down: (reason) => {
              counters.up = false;
              counters.downEvents++;
              events.down(reason);
            },
            transition: (t) =>
              chart?.transition(t.to, t.reason, 'bfd.packet.received', {
                peer,
                local,
                diagnostic: t.diagnostic,
                ...input,
              }),
            counters: (c) => {
              counters.input = c.input;
              counters.output = c.output;
            },
          });
          this.worker().postMessage({
            type: 'start',
            name,
            local,
            peer,
            settings: input,
          } satisfies BfdCommand);
        },
        (error: unknown) =>
          this.options.log.error({
            component: 'bfd',
            event: 'noLocalAddress',
            peer: name,
            err: String(error),
          }),
      );
    }
    return {
      stop: () => {
        stopped = true;
        chart?.stop();
        this.bfdHandlers.delete(name);
        this.nativeBfd.delete(name);
        this.bfdWorker?.postMessage({ type: 'stop', name } satisfies BfdCommand);
      },
    };
  }

  /** The BFD worker thread, started with the first BFD session. */
  private worker(): Worker {
    if (this.bfdWorker) return this.bfdWorker;
    const worker = new Worker(new URL('./bfd-worker.js', import.meta.url));
    worker.on('message', (report: BfdReport) => {
      const handlers = this.bfdHandlers.get(report.name);
      if (!handlers) return;
      switch (report.type) {
        case 'up':
          handlers.up();
          break;
        case 'down':
          handlers.down(report.reason);
          break;
        case 'transition':
          handlers.transition(report);
          break;
        case 'counters':
          handlers.counters(report);
          break;
        case 'error':
          this.options.log.error({
            component: 'bfd',
            event: 'sessionFailed',
            peer: report.name,
            err: report.err,
          });
      }
    });
    worker.on('error', (error) =>
      this.options.log.error({ component: 'bfd', event: 'workerFailed', err: String(error) }),
    );
    worker.unref();
    this.bfdWorker = worker;
    return worker;
  }
}
