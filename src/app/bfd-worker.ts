// The BFD worker thread: every BFD session of this speaker runs here, on an event loop of its
// own, so its transmit and detection deadlines (150 ms at 50 ms × 3) do not wait for the main
// thread to finish building a 10,000-Service view. FRR runs bfdd as its own process for the same
// reason. Commands arrive from app/bfd-host.ts; state changes and counters go back to it.
import { parentPort } from 'node:worker_threads';
import { BfdSessionActor } from '../actors/bfd-session.actor.js';
import { BfdUdpTransport } from '../bfd/udp-transport.js';
import type { BfdCommand, BfdReport } from './bfd-messages.js';
import { systemClock } from './system-clock.js';

const COUNTERS_EVERY_MS = 1000;

interface Running {
  readonly actor: BfdSessionActor;
  readonly local: string;
  input: number;
  output: number;
}

const sessions = new Map<string, Running>();
const sockets = new Map<string, { transport: BfdUdpTransport; users: number }>();
const report = (message: BfdReport) => parentPort?.postMessage(message);

function socketFor(local: string): BfdUdpTransport {
  let entry = sockets.get(local);
  if (!entry) {
    const transport = new BfdUdpTransport({ localAddress: local });
    transport.start();
    entry = { transport, users: 0 };
    sockets.set(local, entry);
  }
  entry.users++;
  return entry.transport;
}

function release(local: string): void {
  const entry = sockets.get(local);
  if (!entry || --entry.users > 0) return;
  entry.transport.stop();
  sockets.delete(local);
}

function start(command: Extract<BfdCommand, { type: 'start' }>): void {
  const { name } = command;
  stop(name);
  let transport;
  try {
    transport = socketFor(command.local).peer(command.peer);
  } catch (error) {
    report({ type: 'error', name, err: error instanceof Error ? error.message : String(error) });
    return;
  }
  const running: Running = {
    local: command.local,
    input: 0,
    output: 0,
    actor: new BfdSessionActor(command.settings, {
      clock: systemClock,
      transport,
      onUp: () => report({ type: 'up', name }),
      onDown: (down) => report({ type: 'down', name, reason: down.reason }),
      onTransition: (t) =>
        report({
          type: 'transition',
          name,
          from: t.from,
          to: t.to,
          reason: t.reason,
          diagnostic: t.diagnostic,
        }),
      onPacket: (direction) => {
        if (direction === 'input') running.input++;
        else running.output++;
      },
      onError: (error) => report({ type: 'error', name, err: String(error) }),
    }),
  };
  sessions.set(name, running);
  running.actor.start();
}

function stop(name: string): void {
  const running = sessions.get(name);
  if (!running) return;
  running.actor.stop();
  sessions.delete(name);
  release(running.local);
}

parentPort?.on('message', (command: BfdCommand) => {
  if (command.type === 'start') start(command);
  else if (command.type === 'stop') stop(command.name);
  else {
    for (const name of [...sessions.keys()]) stop(name);
    parentPort?.close(); // nothing left to keep this thread's loop alive: it exits (app/worker-end.ts)
  }
});

setInterval(() => {
  for (const [name, s] of sessions) report({ type: 'counters', name, input: s.input, output: s.output });
}, COUNTERS_EVERY_MS).unref();
