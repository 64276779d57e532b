// The README's main job keeps working: the quickstart validates clean and every Service in it
// is announced, and removing the announcing member moves it (bin/herald, needs `npm run build`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const herald = (...args: string[]) =>
  spawnSync(join(ROOT, 'bin', 'herald'), args, { encoding: 'utf8', cwd: ROOT });

interface Plan {
  services: { name: string; ips: string[]; l2: { node: string | null }; nodes: Record<string, string> }[];
}

describe('examples/quickstart', () => {
  it('validates without errors or warnings', () => {
    const run = herald('validate', 'examples/quickstart');
    assert.equal(run.status, 0, run.stdout);
    assert.match(run.stdout, /0 error\(s\), 0 warning\(s\) in 3 file\(s\)/);
  });

  it('every Service gets an address and an announcer; the excluded node never announces', () => {
    const run = herald('plan', '--output', 'json', 'examples/quickstart');
    assert.equal(run.status, 0, run.stderr);
    const plan = JSON.parse(run.stdout) as Plan;
    assert.deepEqual(
      plan.services.map((s) => s.name),
      ['web', 'dns', 'dual'],
    );
    for (const s of plan.services) {
      assert.ok(s.ips.length > 0, s.name);
      assert.ok(s.l2.node, `${s.name} is announced`);
      assert.equal(s.nodes.node3, 'excludedFromLoadBalancers');
    }
    assert.deepEqual(plan.services.find((s) => s.name === 'dns')?.ips, ['10.77.0.210']);
    assert.equal(plan.services.find((s) => s.name === 'dual')?.ips.length, 2);
  });

  it('when the announcing member leaves, another eligible node takes over', () => {
    const before = JSON.parse(herald('plan', '--output', 'json', 'examples/quickstart').stdout) as Plan;
    const web = before.services.find((s) => s.name === 'web')!;
    const members = ['node1', 'node2', 'node3'].filter((n) => n !== web.l2.node).join(',');
    const after = JSON.parse(
      herald('plan', '--output', 'json', '--members', members, 'examples/quickstart').stdout,
    ) as Plan;
    const moved = after.services.find((s) => s.name === 'web')!;
    assert.ok(moved.l2.node && moved.l2.node !== web.l2.node);
    assert.equal(moved.nodes[web.l2.node!], 'memberNotAlive');
  });
});
