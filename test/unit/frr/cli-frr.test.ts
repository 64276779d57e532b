// `herald frr render` in process (src/cli/main.ts, no build needed): exit status, stdout and
// stderr for a rendered file, a conflict, an unknown node and an invalid configuration.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { fixtureFile } from '../config/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'herald-frr-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function herald(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

describe('herald frr render', () => {
  it("prints the node's frr.conf and exits 0", async () => {
    const run = await herald('frr', 'render', '--node', 'node2', join(ROOT, 'examples', 'bgp'));
    assert.equal(run.code, 0, run.err);
    assert.equal(run.err, '');
    assert.match(run.out, /^hostname node2$/m);
    // node2 is in rack b: tor-b and the edge, not tor-a.
    assert.match(run.out, /^ neighbor 10\.88\.2\.1 remote-as 64512$/m);
    assert.match(run.out, /^ neighbor 192\.0\.2\.1 remote-as 64600$/m);
    assert.doesNotMatch(run.out, /10\.88\.1\.1/);
    // api (Local policy) has its endpoint on node2: only node2 advertises it.
    assert.match(run.out, /^ {2}network 203\.0\.113\.21\/32 route-map herald-tag-\d+$/m);
  });

  it('--node is required', async () => {
    const run = await herald('frr', 'render', join(ROOT, 'examples', 'bgp'));
    assert.equal(run.code, 2);
    assert.match(run.err, /--node/);
  });

  it('a node no Node object names is rendered without labels, with a warning', async () => {
    const run = await herald('frr', 'render', '--node', 'elsewhere', join(ROOT, 'examples', 'bgp'));
    assert.equal(run.code, 0, run.err);
    assert.match(run.err, /node "elsewhere" is not a Node given; rendered without labels/);
    assert.doesNotMatch(run.out, /router bgp/);
  });

  it('conflicting sources: exit 1, each conflict on stderr, nothing on stdout', async () => {
    const file = join(tmp, 'conflict.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: metallb.io/v1beta2',
        'kind: BGPPeer',
        'metadata: {name: tor, namespace: metallb-system}',
        'spec: {myASN: 64512, peerASN: 64513, peerAddress: 10.0.0.1}',
        '---',
        'apiVersion: frrk8s.metallb.io/v1beta1',
        'kind: FRRConfiguration',
        'metadata: {name: other, namespace: metallb-system}',
        'spec: {bgp: {routers: [{asn: 65000}]}}',
      ].join('\n'),
    );
    const run = await herald('frr', 'render', '--node', 'n1', file);
    assert.equal(run.code, 1);
    assert.equal(run.out, '');
    assert.match(run.err, /^FRRConfiguration metallb-system\/other: different ASNs \(65000 != 64512\)/m);
    assert.match(run.err, /1 conflict\(s\); no frr\.conf for node n1/);
  });

  it('an invalid configuration (seed 062: nodeSelector.labelSelector) exits 2', async () => {
    const run = await herald(
      'frr',
      'render',
      '--node',
      'n1',
      '--namespace',
      'frr-k8s-system',
      fixtureFile('062'),
    );
    assert.equal(run.code, 2);
    assert.equal(run.out, '');
    assert.match(run.err, /labelSelector/);
  });
});
