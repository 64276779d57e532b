// `herald plan` as a user runs it: bin/herald from the checkout (needs `npm run build`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fixtureFile } from '../config/helpers.js';
import { node, ranked } from './helpers.js';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'herald');

function herald(...args: string[]) {
  const result = spawnSync(BIN, args, { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'herald-plan-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const nodes = join(tmp, 'nodes.yaml');
writeFileSync(nodes, [node('worker-1'), node('worker-2')].join('\n---\n'));
const seed = ['001', '003', '004'].map(fixtureFile);

describe('herald plan', () => {
  it('prints the JSON plan and exits 0; --members overrides the alive set', () => {
    const run = herald('plan', '--output', 'json', ...seed, nodes);
    assert.equal(run.code, 0, run.stderr);
    const [winner, loser] = ranked(['worker-1', 'worker-2'], '192.168.123.200');
    assert.deepEqual(JSON.parse(run.stdout), {
      services: [
        {
          namespace: 'vmexamples',
          name: 'database-metallb',
          ips: ['192.168.123.200'],
          l2: { node: winner, interfaces: [] },
          nodes: {
            'worker-1': winner === 'worker-1' ? 'announcing' : 'notOwner',
            'worker-2': winner === 'worker-2' ? 'announcing' : 'notOwner',
          },
        },
      ],
    });
    const moved = herald('plan', '-o', 'json', '--members', loser!, ...seed, nodes);
    assert.equal(moved.code, 0, moved.stderr);
    const out = JSON.parse(moved.stdout) as { services: { l2: { node: string } }[] };
    assert.equal(out.services[0]?.l2.node, loser);
    const text = herald('plan', ...seed, nodes);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /announced by worker-\d on all interfaces/);
  });

  it('exits 2 on a bad --output and on an invalid configuration', () => {
    const bad = herald('plan', '--output', 'yaml', ...seed);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--output must be "text" or "json"/);
    const invalid = join(tmp, 'invalid.yaml');
    writeFileSync(
      invalid,
      'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata: {name: p, namespace: metallb-system}\nspec: {addresses: [not-an-ip]}',
    );
    const run = herald('plan', invalid, nodes);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /invalid\.yaml: .*\n.*error\(s\); no plan/);
    assert.equal(run.stdout, '');
  });
});
