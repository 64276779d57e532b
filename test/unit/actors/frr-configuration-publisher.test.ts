// The FRR-K8s backend's writer over a fake store and a simulated clock: a burst of changes is one
// write after the debounce, a write equal to the stored object is skipped, a failed write leaves
// the store as it was and is retried with backoff (the newest object wins), the first write of a
// run also removes a stale object, stop({remove}) withdraws; and the directory store's atomic
// files.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { parse as parseYaml } from 'yaml';
import { FrrConfigurationPublisher } from '../../../src/actors/frr-configuration-publisher.actor.js';
import { FrrConfigurationDir } from '../../../src/files/frr-configuration-dir.js';
import type { FrrConfigurationStore, StoredObject } from '../../../src/ports/frr-configuration-store.js';

const object = (prefixes: string[]): StoredObject & { spec: unknown } => ({
  kind: 'FRRConfiguration',
  metadata: { name: 'metallb-node1', namespace: 'metallb-system' },
  spec: { bgp: { routers: [{ asn: 64512, prefixes }] } },
});

function fakeStore() {
  const log: string[] = [];
  let held: string | undefined = 'stale';
  let failures = 0;
  const store: FrrConfigurationStore = {
    where: 'fake',
    put: (o) => {
      if (failures > 0) {
        failures--;
        return Promise.reject(new Error('apiserver down'));
      }
      held = JSON.stringify(o);
      log.push(`put ${JSON.stringify((o as { spec?: unknown }).spec)}`);
      return Promise.resolve();
    },
    remove: (namespace, name) => {
      if (failures > 0) {
        failures--;
        return Promise.reject(new Error('apiserver down'));
      }
      held = undefined;
      log.push(`remove ${namespace}/${name}`);
      return Promise.resolve();
    },
  };
  return {
    store,
    log,
    held: () => held,
    failNext: (n: number) => (failures = n),
  };
}

const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

async function advance(clock: SimulatedClock, ms: number): Promise<void> {
  // In 10 ms steps, letting each write's promise settle.
  for (let t = 0; t < ms; t += 10) {
    clock.increment(10);
    await flushMicrotasks();
  }
}

function setup() {
  const clock = new SimulatedClock();
  const fake = fakeStore();
  const events: string[] = [];
  const publisher = new FrrConfigurationPublisher({
    store: fake.store,
    namespace: 'metallb-system',
    name: 'metallb-node1',
    clock,
    timing: { debounceMs: 200, retryInitialMs: 1000, retryMaxMs: 4000 },
    onWritten: (what) => events.push(`written ${what}`),
    onFailed: (what, error, retryMs) => events.push(`failed ${what} ${String(error)} retry ${retryMs}`),
  });
  return { clock, fake, events, publisher };
}

describe('FrrConfigurationPublisher', () => {
  it('writes a burst of changes once, after the debounce, the newest one', async () => {
    const { clock, fake, publisher } = setup();
    publisher.set(object(['10.0.0.1/32']));
    await advance(clock, 100);
    publisher.set(object(['10.0.0.1/32', '10.0.0.2/32']));
    await advance(clock, 150);
    assert.deepEqual(fake.log, [], 'written before the debounce');
    await advance(clock, 100);
    assert.deepEqual(fake.log, [
      `put ${JSON.stringify({ bgp: { routers: [{ asn: 64512, prefixes: ['10.0.0.1/32', '10.0.0.2/32'] }] } })}`,
    ]);
    assert.equal(publisher.status().stored, 'present');
    assert.equal(publisher.status().writes, 1);
  });

  it('skips a write equal to what the store holds', async () => {
    const { clock, fake, publisher } = setup();
    publisher.set(object(['10.0.0.1/32']));
    await advance(clock, 300);
    publisher.set(object(['10.0.0.1/32']));
    await advance(clock, 300);
    assert.equal(fake.log.length, 1);
    assert.equal(publisher.status().skipped, 1);
  });

  it('removes an object left by an earlier run when the first desired state is none', async () => {
    const { clock, fake, publisher } = setup();
    publisher.set(undefined);
    await advance(clock, 300);
    assert.deepEqual(fake.log, ['remove metallb-system/metallb-node1']);
    assert.equal(fake.held(), undefined);
    publisher.set(undefined);
    await advance(clock, 300);
    assert.equal(fake.log.length, 1, 'removed twice');
  });

  it('keeps the store as it was on a failed write, retries with backoff, and writes the newest object', async () => {
    const { clock, fake, events, publisher } = setup();
    publisher.set(object(['10.0.0.1/32']));
    await advance(clock, 300);
    const good = fake.held();
    fake.failNext(2);
    publisher.set(object(['10.0.0.2/32']));
    await advance(clock, 300);
    assert.equal(fake.held(), good, 'the store changed on a failed write');
    assert.match(publisher.status().lastError ?? '', /apiserver down/);
    await advance(clock, 1000);
    assert.deepEqual(events.slice(1), [
      'failed put Error: apiserver down retry 1000',
      'failed put Error: apiserver down retry 2000',
    ]);
    publisher.set(object(['10.0.0.3/32']));
    await advance(clock, 2500);
    assert.equal(fake.held(), JSON.stringify(object(['10.0.0.3/32'])));
    assert.equal(publisher.status().lastError, undefined);
    assert.equal(publisher.status().failures, 2);
  });

  it('stop({remove: true}) withdraws the object; nothing is written after stop', async () => {
    const { clock, fake, publisher } = setup();
    publisher.set(object(['10.0.0.1/32']));
    await advance(clock, 300);
    await publisher.stop({ remove: true });
    assert.equal(fake.held(), undefined);
    publisher.set(object(['10.0.0.9/32']));
    await advance(clock, 300);
    assert.equal(fake.held(), undefined);
  });

  it('refuses an object of another name (one publisher, one object)', () => {
    const { publisher } = setup();
    assert.throws(
      () => publisher.set({ kind: 'FRRConfiguration', metadata: { name: 'x', namespace: 'metallb-system' } }),
      /keeps metallb-system\/metallb-node1/,
    );
  });
});

describe('FrrConfigurationDir', () => {
  it('writes <name>.yaml atomically (no temporary file left) and removes it; removing twice is fine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-frrk8s-'));
    try {
      const store = new FrrConfigurationDir(join(dir, 'out'));
      await store.put(object(['10.0.0.1/32']));
      await store.put(object(['10.0.0.2/32']));
      assert.deepEqual(readdirSync(join(dir, 'out')), ['metallb-node1.yaml']);
      assert.deepEqual(
        parseYaml(readFileSync(join(dir, 'out', 'metallb-node1.yaml'), 'utf8')),
        object(['10.0.0.2/32']),
      );
      await store.remove('metallb-system', 'metallb-node1');
      await store.remove('metallb-system', 'metallb-node1');
      assert.deepEqual(readdirSync(join(dir, 'out')), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
