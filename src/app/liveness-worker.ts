// The liveness worker thread: the liveness actor on an event loop of its own, so a main thread
// busy for 300 ms (a large config reload, a GC pause) neither stops its datagrams nor delays its
// verdicts, while a frozen or killed process stops both. Commands come from app/liveness.ts.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { LivenessActor } from '../actors/liveness.actor.js';
import { LivenessUdp } from '../gossip/liveness-udp.js';
import type { LivenessCommand, LivenessReport } from './liveness-messages.js';
import { systemClock } from './system-clock.js';

const COUNTERS_EVERY_MS = 1000;
/**
 * This thread's scheduling, raised: on a busy machine a default (nice 0) thread waited up to
 * 160 ms for a CPU (lab, load 6 on 2 cores), longer than the detection time, so its peers lost a
 * live member; at nice -10 up to 92 ms. It uses ~1 % of a CPU, so it asks for SCHED_RR (as
 * keepalived's vrrp_rt_priority, FRR's bfdd can), else nice -10. Both need CAP_SYS_NICE.
 */
const RT_PRIORITY = 10;
const THREAD_NICE = -10;

/** Linux: raises this thread's scheduling (its TID, from /proc/thread-self); what it got. */
function raisePriority(): string | undefined {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  } catch {
    return undefined; // not Linux
  }
  if (!Number.isInteger(tid) || tid <= 0) return undefined;
  const rr = spawnSync('chrt', ['--rr', '--pid', String(RT_PRIORITY), String(tid)], { stdio: 'ignore' });
  if (rr.status === 0) return `SCHED_RR ${RT_PRIORITY}`;
  try {
    setPriority(tid, THREAD_NICE);
    return `nice ${THREAD_NICE}`;
  } catch {
    return undefined; // no CAP_SYS_NICE: the default priority
  }
}

let actor: LivenessActor | undefined;
let lastBeat = systemClock.now();
const report = (message: LivenessReport) => parentPort?.postMessage(message);

async function start(command: Extract<LivenessCommand, { type: 'start' }>): Promise<void> {
  const socket = new LivenessUdp({
    address: command.address,
    port: command.port,
    onError: (error) => report({ type: 'error', err: error.message }),
  });
  actor = new LivenessActor({
    self: command.self,
    clock: systemClock,
    socket,
    settings: command.settings,
    boot: randomInt(0, 2 ** 32 - 1),
    mainAgeMs: () => systemClock.now() - lastBeat,
    afterInput: (fn) => setImmediate(fn),
    onVerdict: (v) => {
      switch (v.kind) {
        case 'up':
        case 'refused':
          report({ type: v.kind, node: v.node });
          break;
        case 'lost':
          report({ type: 'lost', node: v.node, silentMs: v.silentMs });
          break;
        case 'stalled':
          report({ type: 'stalled', node: v.node, mainAgeMs: v.mainAgeMs });
      }
    },
  });
  try {
    await actor.start();
    report({ type: 'started', scheduling: raisePriority() });
  } catch (error) {
    report({ type: 'error', err: error instanceof Error ? error.message : String(error) });
  }
}

parentPort?.on('message', (command: LivenessCommand) => {
  switch (command.type) {
    case 'start':
      lastBeat = systemClock.now();
      void start(command);
      break;
    case 'peers':
      actor?.peers(command.peers);
      break;
    case 'beat':
      lastBeat = systemClock.now();
      break;
    case 'stop':
      actor?.stop();
      actor = undefined;
      parentPort?.close();
  }
});

setInterval(() => {
  if (actor) report({ type: 'counters', counters: { ...actor.counters } });
}, COUNTERS_EVERY_MS).unref();
