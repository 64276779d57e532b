// `herald lab` as a user runs it: up builds the namespaces and a client reaches the VIP over
// HTTP (IPv4 and IPv6), cut moves it to another node, down removes every namespace it made.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isRoot } from '../support/netns.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ID = `t${process.pid}`;
const herald = (...args: string[]) =>
  spawnSync(join(ROOT, 'bin', 'herald'), args, { encoding: 'utf8', cwd: ROOT, timeout: 60_000 });
const curl = (url: string) =>
  spawnSync('ip', ['netns', 'exec', `hlab-${ID}-client`, 'curl', '-s', '-g', '-m', '2', url], {
    encoding: 'utf8',
  }).stdout.trim();
const labNamespaces = () =>
  spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((l) => l.startsWith(`hlab-${ID}-`));

describe('herald lab', { skip: !isRoot() && 'needs root for network namespaces' }, () => {
  after(() => herald('lab', 'down', '--id', ID));

  it('up: every node serves the VIP through the elected speaker, over IPv4 and IPv6', () => {
    const up = herald('lab', 'up', '--id', ID, '--nodes', '3');
    assert.equal(up.status, 0, up.stderr);
    assert.match(up.stdout, new RegExp(`ip netns exec hlab-${ID}-client curl http://10\\.77\\.0\\.200/`));
    assert.match(curl('http://10.77.0.200/'), /^node\d$/);
    assert.match(curl('http://[fd00:77::200]/'), /^node\d$/);
  });

  it('cut: the VIP moves to another node', async () => {
    const status = herald('lab', 'status', '--id', ID).stdout;
    const announcer = /the client sees (node\d) announcing/.exec(status)?.[1];
    assert.ok(announcer, status);
    assert.equal(herald('lab', 'cut', announcer, '--id', ID).status, 0);
    let now = '';
    for (let i = 0; i < 50 && (now === '' || now === announcer); i++) {
      await new Promise((r) => setTimeout(r, 100));
      now = curl('http://10.77.0.200/');
    }
    assert.match(now, /^node\d$/);
    assert.notEqual(now, announcer);
  });

  it('down: removes every namespace of the lab', () => {
    assert.ok(labNamespaces().length > 0);
    assert.equal(herald('lab', 'down', '--id', ID).status, 0);
    assert.deepEqual(labNamespaces(), []);
  });
});
