// Regression (issue 14): the client's neighbour entry for the VIP points at a node that is not
// the leader (it serves the VIP from lo, so nothing looks wrong). When that node fails, the
// leader must re-announce at once; before the fix nothing did, and the client stayed cut off
// until its neighbour entry expired (tens of seconds). Measured from the client namespace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isRoot } from '../support/netns.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ID = `s${process.pid}`;
const CLIENT = `hlab-${ID}-client`;
const VIP = '10.77.0.200';
const MACS: Record<string, string> = {
  node1: '02:77:00:00:00:0b',
  node2: '02:77:00:00:00:0c',
  node3: '02:77:00:00:00:0d',
};
const herald = (...args: string[]) =>
  spawnSync(join(ROOT, 'bin', 'herald'), args, { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
const inClient = (...command: string[]) =>
  spawnSync('ip', ['netns', 'exec', CLIENT, ...command], { encoding: 'utf8', timeout: 5000 });
const curl = () => inClient('curl', '-s', '-m', '0.3', `http://${VIP}/`).stdout.trim();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(
  'stale neighbour entry on a non-leader',
  { skip: !isRoot() && 'needs root for network namespaces' },
  () => {
    after(() => herald('lab', 'down', '--id', ID));

    it('the leader re-announces when the node the client follows fails: answered again within 2 s', async () => {
      const up = herald('lab', 'up', '--id', ID, '--nodes', '3');
      assert.equal(up.status, 0, up.stderr);
      const leader = /; (node\d) answers for/.exec(up.stdout)?.[1];
      assert.ok(leader, up.stdout);
      // Let the leader's takeover repeats (5 s) pass: only a new trigger may correct the client.
      await sleep(6000);
      const stale = Object.keys(MACS).find((n) => n !== leader)!;
      const replaced = inClient(
        'ip',
        'neigh',
        'replace',
        VIP,
        'lladdr',
        MACS[stale]!,
        'dev',
        'eth0',
        'nud',
        'reachable',
      );
      assert.equal(replaced.status, 0, replaced.stderr);
      assert.equal(curl(), stale, 'the client follows the non-leader, which serves the VIP from lo');

      assert.equal(herald('lab', 'cut', stale, '--id', ID).status, 0);
      const cutAt = Date.now();
      let answer = '';
      while (answer !== leader && Date.now() - cutAt < 10_000) answer = curl();
      const ms = Date.now() - cutAt;
      assert.equal(answer, leader, `no answer from ${leader} within 10 s of cutting ${stale}`);
      assert.ok(ms < 2000, `answered again after ${ms} ms (bound 2000 ms)`);
      const neigh = inClient('ip', 'neigh', 'show', VIP).stdout;
      assert.match(neigh, new RegExp(MACS[leader]!));
    });
  },
);
