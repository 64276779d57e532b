// The FRR backend of one node: the same BGP plan the native speaker would carry, rendered to
// frr.conf (src/frr/render, with the BFD profiles and the FRRConfigurations selecting the node)
// and handed to the FRR supervisor (actors/frr-supervisor.actor.ts: daemons started, watched,
// restarted with backoff; reloads debounced, no-op reloads skipped, refusals kept visible).
// FRR's own view is read back every `pollMs` for metrics, /debug/state and `herald status`.
import type { InspectionEvent } from 'xstate';
import { FrrSupervisor, type FrrSupervisorState, type FrrTiming } from '../actors/frr-supervisor.actor.js';
import type { BgpNodePlan } from '../core/bgp-plan/index.js';
import type { Config } from '../core/config/types.js';
import type { Labels } from '../core/labels.js';
import { FrrDaemonProcesses, FRR_DAEMONS } from '../frr/processes.js';
import { renderFrr, type SecretPassword } from '../frr/render/index.js';
import {
  parseBfdPeers,
  parseBgpNeighbors,
  type FrrBfdPeerState,
  type FrrBgpNeighborState,
} from '../frr/status.js';
import type { EventLog } from '../observe/log.js';
import type { FrrProcesses } from '../ports/frr.js';
import { systemClock } from './system-clock.js';

export const DEFAULT_FRR_RUN_DIR = '/run/herald/frr';

export interface FrrBackendOptions {
  readonly node: string;
  /** Router ID of a BGPPeer that sets none (as the native speaker uses). */
  readonly routerId: string;
  readonly runDir: string;
  readonly log: EventLog;
  readonly inspect?: (event: InspectionEvent) => void;
  readonly secretPassword: SecretPassword;
  /** Defaults to FRR's daemons as child processes under runDir. */
  readonly processes?: FrrProcesses;
  readonly timing?: Partial<FrrTiming>;
  readonly pollMs?: number;
}

/** One BGP session as FRR runs it, named by the BGPPeer it comes from when there is one. */
export interface FrrSession extends FrrBgpNeighborState {
  /** The BGPPeer's name, or `vrf/peer` for a neighbour only an FRRConfiguration asks for. */
  readonly name: string;
}

export class FrrBgp {
  private readonly supervisor: FrrSupervisor;
  private neighbors: FrrBgpNeighborState[] = [];
  private bfdPeers: FrrBfdPeerState[] = [];
  private plan: BgpNodePlan | undefined;
  private renderErrors: string[] = [];
  private poller: ReturnType<typeof setInterval> | undefined;
  private polling = false;
  private started = false;
  /** When the daemons last went down, for the restart time in the log. */
  private downAt: number | undefined;
  /** When the reload in flight started, for the reload time in the log. */
  private applyingAt: number | undefined;

  constructor(private readonly options: FrrBackendOptions) {
    const { log } = options;
    this.supervisor = new FrrSupervisor({
      processes: options.processes ?? new FrrDaemonProcesses({ runDir: options.runDir }),
      daemons: FRR_DAEMONS,
      clock: systemClock,
      id: 'frr',
      ...(options.inspect ? { inspect: options.inspect } : {}),
      ...(options.timing ? { timing: options.timing } : {}),
      onState: (state, before) => this.logState(state, before),
    });
    log.info({ component: 'frr', event: 'backend', runDir: options.runDir });
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.supervisor.start();
    this.poller = setInterval(() => void this.poll(), this.options.pollMs ?? 1000);
    this.poller.unref();
  }

  /** Renders this node's frr.conf; a conflict keeps the last good file running and is logged. */
  update(config: Config, plan: BgpNodePlan, nodeLabels: Labels): void {
    // FRR picks a router ID of its own when none is set; the native speaker's default is kept.
    const sessions = plan.sessions.map((s) => ({ ...s, routerID: s.routerID ?? this.options.routerId }));
    this.plan = { ...plan, sessions };
    const result = renderFrr({
      config,
      plan: this.plan,
      nodeLabels,
      secretPassword: this.options.secretPassword,
    });
    if (!result.ok) {
      const errors = result.errors.map((e) => `${e.source}: ${e.message}`);
      if (errors.join('\n') !== this.renderErrors.join('\n'))
        for (const err of errors) this.options.log.error({ component: 'frr', event: 'renderRefused', err });
      this.renderErrors = errors;
      return;
    }
    this.renderErrors = [];
    this.supervisor.setConfig(result.text);
  }

  /** Every neighbour FRR runs, named by its BGPPeer when the plan has it. */
  sessions(): FrrSession[] {
    const byTarget = new Map(
      (this.plan?.sessions ?? []).map((s) => [`${s.vrf} ${s.peerAddress ?? s.interface ?? ''}`, s.name]),
    );
    return this.neighbors.map((n) => ({
      ...n,
      name: byTarget.get(`${n.vrf} ${n.peer}`) ?? `${n.vrf === '' ? '' : `${n.vrf}/`}${n.peer}`,
    }));
  }

  /** BFD peers by the BGPPeer whose session they watch (else by address). */
  bfd(): Map<string, FrrBfdPeerState> {
    const byAddress = new Map(
      (this.plan?.sessions ?? []).flatMap((s) =>
        s.peerAddress ? [[`${s.vrf} ${s.peerAddress}`, s.name]] : [],
      ),
    );
    return new Map(this.bfdPeers.map((p) => [byAddress.get(`${p.vrf} ${p.peer}`) ?? p.peer, p]));
  }

  status(): Record<string, unknown> {
    const { daemons, config, context } = this.supervisor.state();
    return {
      daemons,
      config,
      restarts: context.restarts,
      lastExit: context.lastExit,
      reloads: context.applies,
      skippedReloads: context.skipped,
      lastError: context.lastError,
      renderErrors: this.renderErrors,
      runDir: this.options.runDir,
    };
  }

  supervisorState(): FrrSupervisorState {
    return this.supervisor.state();
  }

  stop(): void {
    if (this.poller) clearInterval(this.poller);
    this.supervisor.stop();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.supervisor.state().daemons !== 'running') return;
    this.polling = true;
    try {
      const [neighbors, bfdStatus, bfdCounters] = await Promise.all([
        this.supervisor.show('show bgp vrf all neighbors json'),
        this.supervisor.show('show bfd peers json'),
        this.supervisor.show('show bfd peers counters json'),
      ]);
      this.neighbors = parseBgpNeighbors(neighbors);
      this.bfdPeers = parseBfdPeers(bfdStatus, bfdCounters);
    } catch (error) {
      this.options.log.debug({ component: 'frr', event: 'pollFailed', err: String(error) });
    } finally {
      this.polling = false;
    }
  }

  private logState(state: FrrSupervisorState, before: FrrSupervisorState | undefined): void {
    const { log } = this.options;
    const { context } = state;
    const fields = { component: 'frr', daemons: state.daemons, config: state.config, reason: context.reason };
    if (state.daemons !== before?.daemons) {
      if (state.daemons === 'restarting') {
        this.downAt ??= Date.now();
        log.warn({ ...fields, event: 'daemonExited', err: context.lastExit, attempt: context.attempt });
      } else if (state.daemons === 'running') {
        const restartMs = this.downAt === undefined ? undefined : Date.now() - this.downAt;
        this.downAt = undefined;
        log.info({ ...fields, event: 'daemonsRunning', restarts: context.restarts, restartMs });
      } else if (state.daemons === 'failed')
        log.error({ ...fields, event: 'gaveUp', err: context.lastExit, attempts: context.attempt });
    }
    if (state.config !== before?.config) {
      const reloadMs = this.applyingAt === undefined ? undefined : Date.now() - this.applyingAt;
      this.applyingAt = state.config === 'applying' ? Date.now() : undefined;
      if (state.config === 'rejected')
        log.error({
          ...fields,
          event: 'configRejected',
          err: context.lastError,
          keptLastGood: true,
          reloadMs,
        });
      else if (state.config === 'applied')
        log.info({ ...fields, event: 'configApplied', reloads: context.applies, reloadMs });
    }
  }
}
