// The state board sees every machine through xstate's inspection API: actors appear, their state
// changes become transitions with the machine's own reason, and stopped actors disappear.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createActor, createMachine, SimulatedClock } from 'xstate';
import { leadershipMachine } from '../../../src/machines/leadership.machine.js';
import { StateBoard, stateName, type BoardChange } from '../../../src/observe/state-board.js';

function leadership(board: StateBoard, service = 'default/web') {
  const actor = createActor(leadershipMachine, {
    id: `leadership:${service}`,
    clock: new SimulatedClock(),
    input: { service, self: 'node1', ips: ['10.0.0.1'] },
    inspect: board.inspect,
  });
  actor.start();
  return actor;
}

describe('StateBoard', () => {
  it('lists a started actor with its id, machine and state', () => {
    const board = new StateBoard({ now: () => 1000 });
    leadership(board);
    assert.deepEqual(
      board.actors().map((a) => [a.id, a.machine, a.state, a.since]),
      [['leadership:default/web', 'leadership', 'waitingForConfig', 1000]],
    );
  });

  it('records a state change with the reason the machine gives, and tells subscribers', () => {
    let now = 1000;
    const board = new StateBoard({ now: () => now });
    const changes: BoardChange[] = [];
    board.subscribe((c) => changes.push(c));
    const actor = leadership(board);
    now = 2000;
    actor.send({ type: 'config.loaded' });
    actor.send({ type: 'election.result', winner: 'node1', reason: 'announcing', interfaces: [] });
    const transitions = board.recent();
    assert.deepEqual(
      transitions.map((t) => [t.actor, t.from, t.to, t.reason]),
      [
        ['leadership:default/web', 'waitingForConfig', 'follower', 'configLoaded'],
        ['leadership:default/web', 'follower', 'leader', 'announcing'],
      ],
    );
    assert.equal(transitions[1]?.event, 'election.result');
    assert.equal(transitions.at(-1)?.at, 2000);
    assert.equal(board.actors()[0]?.state, 'leader');
    assert.deepEqual(board.actors()[0]?.paths, ['leader']);
    assert.equal(board.actors()[0]?.since, 2000);
    const last = changes.flatMap((c) => (c.type === 'transition' ? [c] : [])).pop();
    assert.equal((last?.before as { winner?: string } | undefined)?.winner, undefined);
    assert.equal((last?.after as { winner?: string } | undefined)?.winner, 'node1');
  });

  it('does not record events that leave the state unchanged', () => {
    const board = new StateBoard();
    const actor = leadership(board);
    actor.send({ type: 'config.loaded' });
    const before = board.recent().length;
    actor.send({ type: 'election.result', winner: 'node2', reason: 'notOwner', interfaces: [] });
    actor.send({ type: 'election.result', winner: 'node2', reason: 'notOwner', interfaces: [] });
    assert.equal(board.recent().length, before);
  });

  it('forgets a stopped actor and says so', () => {
    const board = new StateBoard();
    const stopped: string[] = [];
    board.subscribe((c) => {
      if (c.type === 'stopped') stopped.push(c.id);
    });
    const actor = leadership(board);
    leadership(board, 'default/other');
    actor.stop();
    assert.deepEqual(stopped, ['leadership:default/web']);
    assert.deepEqual(
      board.actors().map((a) => a.id),
      ['leadership:default/other'],
    );
  });

  it('keeps only the last N transitions, numbered', () => {
    const board = new StateBoard({ keep: 3 });
    const toggle = createMachine({
      id: 'toggle',
      initial: 'off',
      states: { off: { on: { flip: 'on' } }, on: { on: { flip: 'off' } } },
    });
    const actor = createActor(toggle, { id: 'toggle:1', inspect: board.inspect }).start();
    for (let i = 0; i < 5; i++) actor.send({ type: 'flip' });
    assert.deepEqual(
      board.recent().map((t) => [t.seq, t.to, t.reason]),
      [
        [3, 'on', 'flip'],
        [4, 'off', 'flip'],
        [5, 'on', 'flip'],
      ],
    );
  });

  it('a listener that throws is dropped, the actor keeps running', () => {
    const board = new StateBoard();
    board.subscribe(() => {
      throw new Error('closed stream');
    });
    const actor = leadership(board);
    actor.send({ type: 'config.loaded' });
    assert.equal(actor.getSnapshot().value, 'follower');
  });

  it('an actor running elsewhere (the BFD worker) reports its own transitions', () => {
    let now = 10;
    const board = new StateBoard({ now: () => now });
    const changes: string[] = [];
    board.subscribe((c) => changes.push(c.type));
    const bfd = board.external('bfd:tor', 'bfdSession', 'down', { peer: '10.0.0.1' });
    now = 20;
    bfd.transition('up', 'receivedInit', 'bfd.packet.received', { peer: '10.0.0.1', diagnostic: 0 });
    bfd.transition('up', 'receivedUp', 'bfd.packet.received', { peer: '10.0.0.1', diagnostic: 0 });
    assert.deepEqual(
      board.recent().map((t) => [t.actor, t.machine, t.from, t.to, t.reason, t.at]),
      [['bfd:tor', 'bfdSession', 'down', 'up', 'receivedInit', 20]],
    );
    assert.deepEqual(board.actors()[0]?.paths, ['up']);
    bfd.stop();
    bfd.transition('down', 'late', 'x', {});
    assert.deepEqual(board.actors(), []);
    assert.deepEqual(changes, ['started', 'transition', 'stopped']);
  });

  it('names nested states by their dotted paths, parallel ones by the parallel state', () => {
    assert.equal(stateName('idle'), 'idle');
    assert.equal(stateName({ session: { open: 'confirm' } }), 'session.open.confirm');
    assert.equal(
      stateName({ established: { hold: 'running', keepalive: 'running' } }),
      'established',
      'a parallel state is named without its regions',
    );
    assert.equal(stateName({ a: 'x', b: 'y' }), 'a.x|b.y');
  });
});
