// NodeBgp with the FRR-K8s backend, standalone (the directory store): the node's plan appears as
// metallb-<node>.yaml (the object frrConfigurationForNode gives), follows the plan, goes when the
// MetalLB object switches the backend to native, and comes back under frr-k8s-external in
// FRR-K8s' own namespace; without a store the mode carries nothing and says why; the CLI refuses
// an unknown backend and an output directory inside --config.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { NodeBgp } from '../../../src/app/bgp.js';
import { planBgpNode } from '../../../src/core/bgp-plan/index.js';
import { applyInOrder } from '../../../src/core/config/apply.js';
import { parse } from '../../../src/core/config/parse.js';
import { viewFromObjects, type ClusterView } from '../../../src/core/plan/view.js';
import { FrrConfigurationDir } from '../../../src/files/frr-configuration-dir.js';
import { readYamlInputs } from '../../../src/files/yaml-files.js';
import { frrConfigurationForNode } from '../../../src/frr/render/to-frr-configuration.js';
import type { EventLog, LogFields } from '../../../src/observe/log.js';
import { StateBoard } from '../../../src/observe/state-board.js';
import { main } from '../../../src/cli/main.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const NS = 'metallb-system';
/** A log that keeps its records. */
function recordingLog(): { log: EventLog; records: LogFields[] } {
  const records: LogFields[] = [];
  const keep = (fields: LogFields) => records.push(fields);
  return { log: { debug: keep, info: keep, warn: keep, error: keep }, records };
}

async function renderCli(args: readonly string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await main(args, { out: () => undefined, err: (t) => (err += `${t}\n`) });
  return { code, err };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function viewOf(extra: readonly unknown[] = []): Promise<ClusterView> {
  const values = await readYamlInputs([join(ROOT, 'examples', 'bgp')]);
  const objects = [...applyInOrder(values, NS).kept.map((k) => k.value), ...extra];
  const parsed = parse(objects, { namespace: NS, references: 'warn' });
  assert.ok(parsed.ok, JSON.stringify(parsed.ok ? [] : parsed.issues));
  return viewFromObjects(parsed.config, objects, ['node1']).view;
}

const metallb = (bgpBackend: string) => ({
  apiVersion: 'metallb.io/v1beta1',
  kind: 'MetalLB',
  metadata: { name: 'metallb', namespace: NS },
  spec: { bgpBackend },
});

describe('NodeBgp with the FRR-K8s backend (standalone directory)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-frrk8s-node-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the plan as metallb-<node>.yaml, removes it when native takes over, rewrites it under frr-k8s-external', async () => {
    const { log, records } = recordingLog();
    const board = new StateBoard();
    const bgp = new NodeBgp({
      node: 'node1',
      routerId: '10.0.0.1',
      log,
      inspect: board.inspect,
      board,
      secretPassword: () => undefined,
      backend: 'frr-k8s',
      frrK8s: { store: new FrrConfigurationDir(dir), namespace: NS, externalNamespace: 'frr-k8s-system' },
    });
    try {
      const view = await viewOf();
      bgp.update(view);
      assert.deepEqual(bgp.speaker.sessions(), [], 'Herald ran BGP itself');
      await sleep(400);
      const file = join(dir, 'metallb-node1.yaml');
      const self = view.nodes.find((n) => n.name === 'node1');
      assert.ok(self);
      const expected = frrConfigurationForNode({
        config: view.config,
        plan: planBgpNode(view, self),
        namespace: NS,
      });
      assert.ok(expected.ok);
      assert.deepEqual(parseYaml(readFileSync(file, 'utf8')), JSON.parse(JSON.stringify(expected.object)));
      assert.ok(records.some((r) => r.event === 'configWritten'));

      bgp.update(await viewOf([metallb('native')]));
      await sleep(100);
      assert.ok(!existsSync(file), 'the object stayed after native took over');

      bgp.update(await viewOf([metallb('frr-k8s-external')]));
      await sleep(400);
      const external = parseYaml(readFileSync(file, 'utf8')) as { metadata: { namespace: string } };
      assert.equal(external.metadata.namespace, 'frr-k8s-system');
    } finally {
      await bgp.stop();
    }
    assert.deepEqual(readdirSync(dir), [], 'stop() left the object');
  });

  it('without a store (standalone without --frr-k8s-output-dir) nothing is carried, and the log says why', async () => {
    const { log, records } = recordingLog();
    const board = new StateBoard();
    const bgp = new NodeBgp({
      node: 'node1',
      routerId: '10.0.0.1',
      log,
      inspect: board.inspect,
      board,
      secretPassword: () => undefined,
      backend: 'native',
      frrK8s: { store: undefined, namespace: NS, externalNamespace: 'frr-k8s-system' },
    });
    try {
      bgp.update(await viewOf([metallb('frr-k8s')]));
      assert.deepEqual(bgp.speaker.sessions(), []);
      const refusal = records.find((r) => r.event === 'backendUnavailable');
      assert.match(String(refusal?.err), /--frr-k8s-output-dir/);
    } finally {
      await bgp.stop();
    }
  });

  it('herald speaker refuses an unknown backend and an output directory inside --config', async () => {
    // Refused before anything starts (nothing listens, nothing announces).
    const speaker = ['speaker', '--node-name', 'node1', '--gossip-listen', '127.0.0.1:1'];
    const unknown = await renderCli([...speaker, '--standalone', '--config', dir, '--bgp-backend', 'bird']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /--bgp-backend must be one of native, frr, frr-k8s, frr-k8s-external/);
    const inside = await renderCli([
      ...speaker,
      '--standalone',
      '--config',
      dir,
      '--bgp-backend',
      'frr-k8s',
      '--frr-k8s-output-dir',
      join(dir, 'out'),
    ]);
    assert.equal(inside.code, 2);
    assert.match(inside.err, /must not be inside --config/);
    const missing = await renderCli([
      ...speaker,
      '--standalone',
      '--config',
      dir,
      '--bgp-backend',
      'frr-k8s',
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /needs --frr-k8s-output-dir/);
  });
});
