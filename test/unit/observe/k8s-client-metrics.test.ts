// metallb_k8s_client_* on the speaker (from its configuration source's reloads) and the controller
// (configuration loads and reconciled changes), under MetalLB's names and help texts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createControllerMetrics } from '../../../src/observe/controller-metrics.js';
import { createSpeakerMetrics } from '../../../src/observe/metrics.js';

const value = (text: string, name: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

const read = (text: string) => ({
  updates: value(text, 'metallb_k8s_client_updates_total'),
  errors: value(text, 'metallb_k8s_client_update_errors_total'),
  loaded: value(text, 'metallb_k8s_client_config_loaded_bool'),
  stale: value(text, 'metallb_k8s_client_config_stale_bool'),
});

describe('metallb_k8s_client_* metrics', () => {
  it('speaker: every reload is an update; refused or unreadable ones are errors and make the config stale', async () => {
    const m = createSpeakerMetrics({
      node: 'n1',
      responder: () => undefined,
      announcements: () => new Map(),
      members: () => new Map(),
    });
    assert.deepEqual(read(await m.registry.metrics()), { updates: 0, errors: 0, loaded: 0, stale: 0 });
    m.configLoad('rejected');
    assert.deepEqual(read(await m.registry.metrics()), { updates: 1, errors: 1, loaded: 0, stale: 1 });
    m.configLoad('loaded');
    assert.deepEqual(read(await m.registry.metrics()), { updates: 2, errors: 1, loaded: 1, stale: 0 });
    m.configLoad('unreadable');
    assert.deepEqual(read(await m.registry.metrics()), { updates: 3, errors: 2, loaded: 1, stale: 1 });
    const text = await m.registry.metrics();
    assert.match(
      text,
      /# HELP metallb_k8s_client_updates_total Number of k8s object updates that have been processed\./,
    );
    assert.match(text, /# TYPE metallb_k8s_client_update_errors_total counter/);
  });

  it('controller: configuration loads and reconciled Service/Namespace changes', async () => {
    const m = createControllerMetrics({ pools: () => [], queueDepth: () => 0, leading: () => true });
    m.configLoad('ok');
    m.update();
    m.update();
    m.configLoad('rejected');
    assert.deepEqual(read(await m.registry.metrics()), { updates: 4, errors: 1, loaded: 1, stale: 1 });
  });
});
