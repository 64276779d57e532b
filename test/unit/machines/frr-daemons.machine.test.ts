// FRR supervision machine on a SimulatedClock, its effects supplied through machine.provide():
// restart with doubling backoff and give up after too many attempts in a row; config changes
// debounced, identical texts not reloaded, a refused text kept visible with FRR's message while
// the last good one runs, and the last good text applied again after a daemon restart; only the
// daemons that died are restarted, except zebra (all four).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import {
  frrDaemonsMachine,
  downAfterExit,
  frrRestartDelay,
  type FrrDaemonsInput,
} from '../../../src/machines/frr-daemons.machine.js';

const INPUT: FrrDaemonsInput = {
  daemons: ['zebra', 'bgpd', 'bfdd', 'staticd'],
  debounceMs: 200,
  initialBackoffMs: 100,
  maxBackoffMs: 800,
  maxAttempts: 4,
  stableMs: 10_000,
};

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

const ALL = ['zebra', 'bgpd', 'bfdd', 'staticd'];

function run() {
  const clock = new SimulatedClock();
  const starts: (Pending & { daemons: readonly string[] })[] = [];
  const applies: (Pending & { text: string; lastGood: string | undefined })[] = [];
  const stopped: (readonly string[])[] = [];
  const machine = frrDaemonsMachine.provide({
    actors: {
      startDaemons: fromPromise<undefined, { daemons: readonly string[] }>(
        ({ input }) =>
          new Promise<undefined>((resolve, reject) =>
            starts.push({ daemons: input.daemons, resolve: () => resolve(undefined), reject }),
          ),
      ),
      applyConfig: fromPromise<undefined, { text: string; lastGood: string | undefined }>(
        ({ input }) =>
          new Promise<undefined>((resolve, reject) =>
            applies.push({ ...input, resolve: () => resolve(undefined), reject }),
          ),
      ),
    },
    actions: {
      stopDaemons: (_, params) => {
        stopped.push(params.daemons);
      },
    },
  });
  const actor = createActor(machine, { input: INPUT, clock }).start();
  const value = () => actor.getSnapshot().value as { active?: { daemons: string; config: string } } | string;
  const daemons = () =>
    typeof value() === 'string' ? value() : (value() as { active: { daemons: string } }).active.daemons;
  const config = () =>
    typeof value() === 'string' ? value() : (value() as { active: { config: string } }).active.config;
  return {
    clock,
    starts,
    applies,
    stops: () => stopped.length,
    stopped,
    actor,
    daemons,
    config,
    context: () => actor.getSnapshot().context,
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('frrDaemons machine', () => {
  it('starts the daemons, then applies the first config after the debounce', async () => {
    const m = run();
    assert.equal(m.daemons(), 'starting');
    assert.equal(m.starts.length, 1);
    m.actor.send({ type: 'frr.config.set', text: 'A' });
    assert.equal(m.config(), 'debouncing');
    m.clock.increment(200);
    // Daemons not up yet: nothing applied, it waits for them.
    assert.equal(m.config(), 'waiting');
    m.starts[0]?.resolve();
    await settle();
    assert.equal(m.daemons(), 'running');
    assert.equal(m.config(), 'applying');
    assert.deepEqual(
      m.applies.map((a) => a.text),
      ['A'],
    );
    m.applies[0]?.resolve();
    await settle();
    assert.equal(m.config(), 'applied');
    assert.equal(m.context().applied, 'A');
    assert.equal(m.context().lastGood, 'A');
  });

  it('debounces a burst into one reload and skips a text FRR already runs', async () => {
    const m = run();
    m.starts[0]?.resolve();
    await settle();
    m.actor.send({ type: 'frr.config.set', text: 'A' });
    m.clock.increment(200);
    m.applies[0]?.resolve();
    await settle();
    for (const text of ['B', 'C', 'D']) {
      m.actor.send({ type: 'frr.config.set', text });
      m.clock.increment(150);
    }
    assert.equal(m.applies.length, 1, 'still quiet for less than 200 ms');
    m.clock.increment(50);
    assert.deepEqual(
      m.applies.map((a) => a.text),
      ['A', 'D'],
    );
    m.applies[1]?.resolve();
    await settle();
    m.actor.send({ type: 'frr.config.set', text: 'D' });
    m.clock.increment(1000);
    assert.equal(m.applies.length, 2, 'same text: no reload');
    assert.equal(m.context().skipped, 1);
    assert.equal(m.config(), 'applied');
  });

  it('a change during a reload is applied once that reload is done', async () => {
    const m = run();
    m.starts[0]?.resolve();
    await settle();
    m.actor.send({ type: 'frr.config.set', text: 'A' });
    m.clock.increment(200);
    m.actor.send({ type: 'frr.config.set', text: 'B' });
    assert.equal(m.config(), 'applying', 'the reload in flight is not cancelled');
    m.applies[0]?.resolve();
    await settle();
    assert.equal(m.config(), 'debouncing');
    m.clock.increment(200);
    assert.deepEqual(
      m.applies.map((a) => a.text),
      ['A', 'B'],
    );
  });

  it("a refused text: FRR's message kept, the last good one runs, not retried until it changes", async () => {
    const m = run();
    m.starts[0]?.resolve();
    await settle();
    m.actor.send({ type: 'frr.config.set', text: 'good' });
    m.clock.increment(200);
    m.applies[0]?.resolve();
    await settle();
    m.actor.send({ type: 'frr.config.set', text: 'bad' });
    m.clock.increment(200);
    const second = m.applies[1];
    assert.ok(second);
    assert.equal(second.lastGood, 'good', 'the actor is told what to restore');
    second.reject(new Error('% Unknown command: bogus'));
    await settle();
    assert.equal(m.config(), 'rejected');
    assert.equal(m.context().lastError, '% Unknown command: bogus');
    assert.equal(m.context().applied, 'good');
    assert.equal(m.context().reason, 'configRejected');
    m.actor.send({ type: 'frr.config.set', text: 'bad' });
    m.clock.increment(1000);
    assert.equal(m.applies.length, 2, 'the same refused text is not tried again');
    m.actor.send({ type: 'frr.config.set', text: 'fixed' });
    m.clock.increment(200);
    m.applies[2]?.resolve();
    await settle();
    assert.equal(m.config(), 'applied');
    assert.equal(m.context().lastError, undefined);
    assert.equal(m.context().lastGood, 'fixed');
  });

  it('a daemon exit: restart with doubling backoff, then the last good text applied again', async () => {
    const m = run();
    m.starts[0]?.resolve();
    await settle();
    m.actor.send({ type: 'frr.config.set', text: 'A' });
    m.clock.increment(200);
    m.applies[0]?.resolve();
    await settle();
    m.actor.send({ type: 'frr.daemon.exited', daemon: 'bgpd', detail: 'killed by SIGKILL' });
    assert.equal(m.daemons(), 'restarting');
    assert.equal(m.config(), 'waiting');
    assert.equal(m.context().lastExit, 'bgpd: killed by SIGKILL');
    assert.deepEqual(m.stopped, [['bgpd']], 'what is left of bgpd is stopped first, nothing else');
    m.clock.increment(99);
    assert.equal(m.starts.length, 1);
    m.clock.increment(1);
    assert.equal(m.starts.length, 2, 'restarted after 100 ms');
    assert.deepEqual(m.starts[0]?.daemons, ALL);
    assert.deepEqual(m.starts[1]?.daemons, ['bgpd'], 'only the dead daemon is started');
    m.starts[1].resolve();
    await settle();
    assert.equal(m.config(), 'applying');
    assert.equal(m.applies[1]?.text, 'A', 'the daemons run nothing: the same text is applied again');
  });

  it('zebra exiting restarts all four; daemons dying while waiting are restarted together', async () => {
    const m = run();
    m.starts[0]?.resolve();
    await settle();
    m.actor.send({ type: 'frr.daemon.exited', daemon: 'bfdd', detail: 'killed by SIGKILL' });
    m.actor.send({ type: 'frr.daemon.exited', daemon: 'bgpd', detail: 'killed by SIGKILL' });
    m.clock.increment(100);
    assert.deepEqual(m.starts[1]?.daemons, ['bgpd', 'bfdd'], 'both, in start order');
    m.starts[1].resolve();
    await settle();
    assert.deepEqual(m.context().down, []);
    m.actor.send({ type: 'frr.daemon.exited', daemon: 'zebra', detail: 'exited with code 1' });
    assert.deepEqual(m.stopped.at(-1), ALL, 'zebra gone: the others hold its state, all stopped');
    m.clock.increment(200);
    assert.deepEqual(m.starts[2]?.daemons, ALL);
  });

  it('a start that fails restarts every daemon', async () => {
    const m = run();
    m.starts[0]?.resolve();
    await settle();
    m.actor.send({ type: 'frr.daemon.exited', daemon: 'staticd', detail: 'killed by SIGKILL' });
    m.clock.increment(100);
    assert.deepEqual(m.starts[1]?.daemons, ['staticd']);
    m.starts[1].reject(new Error('staticd did not answer on its vty'));
    await settle();
    assert.equal(m.daemons(), 'restarting');
    m.clock.increment(200);
    assert.deepEqual(m.starts[2]?.daemons, ALL);
  });

  it('downAfterExit: the dead daemon joins the others down, in start order; zebra or unknown → all', () => {
    const c = { daemons: ALL, down: ['bfdd'] };
    assert.deepEqual(downAfterExit(c, 'bgpd'), ['bgpd', 'bfdd']);
    assert.deepEqual(downAfterExit(c, 'zebra'), ALL);
    assert.deepEqual(downAfterExit(c, 'ospfd'), ALL);
    assert.deepEqual(downAfterExit({ daemons: ALL, down: [] }, 'staticd'), ['staticd']);
  });

  it('gives up after too many restarts in a row; running stably resets the count', async () => {
    const m = run();
    m.starts[0]?.resolve();
    await settle();
    m.clock.increment(10_000);
    assert.equal(m.context().attempt, 0);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      m.actor.send({ type: 'frr.daemon.exited', daemon: 'zebra', detail: 'exit code 1' });
      waits.push(frrRestartDelay(m.context()));
      m.clock.increment(waits.at(-1) ?? 0);
      m.starts.at(-1)?.resolve();
      await settle();
    }
    assert.deepEqual(waits, [100, 200, 400, 800]);
    m.actor.send({ type: 'frr.daemon.exited', daemon: 'zebra', detail: 'exit code 1' });
    assert.equal(m.daemons(), 'failed');
    assert.equal(m.context().reason, 'gaveUp');
  });

  it('frr.stop stops the daemons and ends the machine', async () => {
    const m = run();
    m.starts[0]?.resolve();
    await settle();
    m.actor.send({ type: 'frr.stop' });
    assert.equal(m.actor.getSnapshot().value, 'stopped');
    assert.equal(m.actor.getSnapshot().status, 'done');
    assert.equal(m.stops(), 1);
  });
});
