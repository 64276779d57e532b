// The membership's liveness layer on the main thread: starts the liveness worker, tells it whom
// to watch, beats so the worker (and through its datagrams, the peers) can tell a stalled main
// thread, and turns the worker's reports into the membership's handlers and counters.
import { Worker } from 'node:worker_threads';
import type { LivenessCounters } from '../actors/liveness.actor.js';
import type { LivenessSettings } from '../core/membership/liveness-detector.js';
import type { LivenessPeerAddress } from '../ports/liveness-socket.js';
import type { MemberLiveness, MemberLivenessHandlers } from '../ports/member-liveness.js';
import type { LivenessCommand, LivenessReport } from './liveness-messages.js';
import { endWorker } from './worker-end.js';

const START_TIMEOUT_MS = 10_000;

export interface LivenessHostOptions {
  readonly self: string;
  readonly address: string;
  readonly port: number;
  readonly settings: LivenessSettings;
  /** Every report (for logs); counters arrive once a second. */
  readonly onReport?: (report: LivenessReport) => void;
}

export class LivenessHost implements MemberLiveness {
  counters: LivenessCounters = { sent: 0, received: 0, ignored: 0, refused: 0, lost: 0 };
  private worker: Worker | undefined;
  private beat: ReturnType<typeof setInterval> | undefined;
  private readonly states = new Map<string, LivenessReport['type']>();
  private watched = '';

  constructor(private readonly options: LivenessHostOptions) {}

  async start(handlers: MemberLivenessHandlers): Promise<void> {
    const worker = new Worker(new URL('./liveness-worker.js', import.meta.url));
    this.worker = worker;
    const started = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('liveness worker did not start')), START_TIMEOUT_MS);
      worker.on('message', (report: LivenessReport) => {
        this.options.onReport?.(report);
        switch (report.type) {
          case 'started':
            clearTimeout(timer);
            resolve();
            break;
          case 'error':
            clearTimeout(timer);
            reject(new Error(`liveness: ${report.err}`));
            break;
          case 'counters':
            this.counters = report.counters;
            break;
          case 'up':
          case 'stalled':
            this.states.set(report.node, report.type);
            break;
          case 'lost':
            this.states.set(report.node, report.type);
            handlers.lost(report.node, report.silentMs);
            break;
          case 'refused':
            this.states.set(report.node, report.type);
            handlers.refused(report.node);
        }
      });
      worker.once('error', reject);
    });
    const { self, address, port, settings } = this.options;
    this.post({ type: 'start', self, address, port, settings });
    // The worker stamps its datagrams with the age of the last beat: a third of the stall bound
    // leaves room for a busy moment without calling it a stall.
    const every = Math.max(10, Math.min(100, Math.floor(settings.mainStallMs / 3)));
    this.beat = setInterval(() => this.post({ type: 'beat' }), every);
    this.beat.unref();
    worker.unref();
    await started;
  }

  watch(peers: readonly LivenessPeerAddress[]): void {
    const key = JSON.stringify(peers);
    if (key === this.watched) return;
    this.watched = key;
    for (const node of this.states.keys()) if (!peers.some((p) => p.node === node)) this.states.delete(node);
    this.post({ type: 'peers', peers });
  }

  vouchesFor(node: string): boolean {
    return this.states.get(node) === 'up';
  }

  /** Watched members and what the worker last said of each. */
  peerStates(): ReadonlyMap<string, LivenessReport['type']> {
    return this.states;
  }

  async stop(): Promise<void> {
    if (this.beat) clearInterval(this.beat);
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    await endWorker(worker, { type: 'stop' } satisfies LivenessCommand);
  }

  private post(command: LivenessCommand, worker = this.worker): void {
    worker?.postMessage(command);
  }
}
