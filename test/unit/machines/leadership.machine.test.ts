// Leadership machine: election results in, announce/withdraw out, a reason on every transition.
// Pure transition() only: the machine has no timers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createActor, initialTransition, transition, type SnapshotFrom } from 'xstate';
import {
  leadershipMachine,
  type LeadershipEvent,
  type LeadershipInput,
} from '../../../src/machines/leadership.machine.js';

const INPUT: LeadershipInput = { service: 'default/web', self: 'node-a', ips: ['10.0.0.1', 'fd00::1'] };
type Snapshot = SnapshotFrom<typeof leadershipMachine>;

const loaded: LeadershipEvent = { type: 'config.loaded' };
const result = (winner: string | undefined, reason: string, interfaces: string[] = []): LeadershipEvent => ({
  type: 'election.result',
  winner,
  reason,
  interfaces,
});
const won = (interfaces: string[] = ['eth0']) => result('node-a', 'announcing', interfaces);
const lost = result('node-b', 'notOwner');

function run(events: readonly LeadershipEvent[], from?: Snapshot) {
  let [snapshot, actions] = from ? [from, []] : initialTransition(leadershipMachine, INPUT);
  for (const event of events) [snapshot, actions] = transition(leadershipMachine, snapshot, event);
  return { snapshot, actions };
}
const types = (actions: readonly { type: string }[]) => actions.map((a) => a.type);
const effects = (actions: readonly { type: string; params?: unknown }[]) =>
  actions.filter((a) => a.type === 'announce' || a.type === 'withdraw');

describe('leadership machine', () => {
  it('waits for configuration and ignores election results until then', () => {
    const [start] = initialTransition(leadershipMachine, INPUT);
    assert.equal(start.value, 'waitingForConfig');
    assert.deepEqual(start.context.lastTransition, {
      from: 'none',
      to: 'waitingForConfig',
      reason: 'created',
    });
    const [same, actions] = transition(leadershipMachine, start, won());
    assert.equal(same.value, 'waitingForConfig');
    assert.deepEqual(actions, []);
    const { snapshot } = run([loaded]);
    assert.equal(snapshot.value, 'follower');
    assert.deepEqual(snapshot.context.lastTransition, {
      from: 'waitingForConfig',
      to: 'follower',
      reason: 'configLoaded',
    });
  });

  it('takes over when elected: announce with the ips and interfaces', () => {
    const { snapshot, actions } = run([loaded, won(['eth0', 'eth1'])]);
    assert.equal(snapshot.value, 'leader');
    assert.deepEqual(snapshot.context.lastTransition, {
      from: 'follower',
      to: 'leader',
      reason: 'announcing',
    });
    assert.deepEqual(
      effects(actions).map((a) => [a.type, a.params]),
      [['announce', { service: 'default/web', ips: ['10.0.0.1', 'fd00::1'], interfaces: ['eth0', 'eth1'] }]],
    );
    assert.ok(types(actions).includes('notifyTransition'));
  });

  it('withdraws when it loses, and keeps the election reason', () => {
    const { snapshot, actions } = run([loaded, won(), lost]);
    assert.equal(snapshot.value, 'follower');
    assert.equal(snapshot.context.winner, 'node-b');
    assert.deepEqual(snapshot.context.lastTransition, { from: 'leader', to: 'follower', reason: 'notOwner' });
    assert.deepEqual(
      effects(actions).map((a) => [a.type, a.params]),
      [['withdraw', { service: 'default/web', ips: ['10.0.0.1', 'fd00::1'] }]],
    );
  });

  it('re-announces when the interfaces change while leader, without withdrawing', () => {
    const leader = run([loaded, won(['eth0'])]).snapshot;
    const { snapshot, actions } = run([won(['eth0', 'eth1'])], leader);
    assert.equal(snapshot.value, 'leader');
    assert.equal(snapshot.context.lastTransition.reason, 'interfacesChanged');
    assert.deepEqual(
      effects(actions).map((a) => [a.type, a.params]),
      [['announce', { service: 'default/web', ips: ['10.0.0.1', 'fd00::1'], interfaces: ['eth0', 'eth1'] }]],
    );
    const reordered = run([won(['eth1', 'eth0'])], snapshot);
    assert.deepEqual(reordered.actions, [], 'same set in another order is no change');
  });

  it('re-announces when the addresses change while leader', () => {
    const leader = run([loaded, won()]).snapshot;
    const { snapshot, actions } = run([{ type: 'service.updated', ips: ['10.0.0.2'] }], leader);
    assert.equal(snapshot.context.lastTransition.reason, 'addressesChanged');
    assert.deepEqual(
      effects(actions).map((a) => [a.type, a.params]),
      [['announce', { service: 'default/web', ips: ['10.0.0.2'], interfaces: ['eth0'] }]],
    );
  });

  it('withdraws on deletion and on shutdown, and ends there', () => {
    for (const [event, state, reason] of [
      [{ type: 'service.deleted' }, 'removed', 'serviceDeleted'],
      [{ type: 'speaker.stopping' }, 'stopped', 'speakerStopping'],
    ] as const) {
      const { snapshot, actions } = run([loaded, won(), event]);
      assert.equal(snapshot.value, state);
      assert.equal(snapshot.status, 'done');
      assert.deepEqual(snapshot.context.lastTransition, { from: 'leader', to: state, reason });
      assert.deepEqual(types(effects(actions)), ['withdraw']);
      const follower = run([loaded, event]);
      assert.deepEqual(effects(follower.actions), [], 'a follower has nothing to withdraw');
    }
  });

  it('records a follower’s changed reason, but not the same result twice', () => {
    const follower = run([loaded, lost]).snapshot;
    assert.equal(follower.context.lastTransition.reason, 'notOwner');
    assert.deepEqual(run([lost], follower).actions, []);
    const nobody = run([result(undefined, 'noUsableEndpoint')], follower).snapshot;
    assert.deepEqual(nobody.context.lastTransition, {
      from: 'follower',
      to: 'follower',
      reason: 'noUsableEndpoint',
    });
  });

  it('has a reason on every transition, and lastTransition.to is always the current state', () => {
    const script: LeadershipEvent[] = [
      { type: 'service.updated', ips: ['10.0.0.9'] },
      loaded,
      result('node-c', 'memberNotAlive'),
      won(),
      won(['eth2']),
      { type: 'service.updated', ips: ['10.0.0.7'] },
      lost,
      won(),
      { type: 'speaker.stopping' },
    ];
    let [snapshot] = initialTransition(leadershipMachine, INPUT);
    const seen: string[] = [];
    for (const event of script) {
      const before = snapshot.context.lastTransition;
      [snapshot] = transition(leadershipMachine, snapshot, event);
      const t = snapshot.context.lastTransition;
      assert.notEqual(t, before, `${event.type} made a transition`);
      assert.equal(t.to, snapshot.value);
      assert.ok(t.reason.length > 0);
      seen.push(`${t.from}>${t.to}:${t.reason}`);
    }
    assert.deepEqual(seen, [
      'waitingForConfig>waitingForConfig:addressesChanged',
      'waitingForConfig>follower:configLoaded',
      'follower>follower:memberNotAlive',
      'follower>leader:announcing',
      'leader>leader:interfacesChanged',
      'leader>leader:addressesChanged',
      'leader>follower:notOwner',
      'follower>leader:announcing',
      'leader>stopped:speakerStopping',
    ]);
  });

  it('runs the effects an actor supplies with provide(), in order', () => {
    const calls: string[] = [];
    const machine = leadershipMachine.provide({
      actions: {
        announce: (_, p) => calls.push(`announce ${p.ips.join(',')} on ${p.interfaces.join(',')}`),
        withdraw: (_, p) => calls.push(`withdraw ${p.ips.join(',')}`),
        notifyTransition: (_, p) => calls.push(`${p.service} ${p.from}>${p.to}`),
      },
    });
    const actor = createActor(machine, { input: { ...INPUT, ips: ['10.0.0.1'] } }).start();
    for (const event of [loaded, won(), lost, { type: 'service.deleted' } as const]) actor.send(event);
    assert.deepEqual(calls, [
      'default/web waitingForConfig>follower',
      'default/web follower>leader',
      'announce 10.0.0.1 on eth0',
      'withdraw 10.0.0.1',
      'default/web leader>follower',
      'default/web follower>removed',
    ]);
  });
});
