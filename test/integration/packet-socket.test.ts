// The AF_PACKET addon on a real kernel: when its interface goes down the socket reports ENETDOWN
// (POLLERR), which stops a libuv poll handle. The addon clears the error and keeps polling, so
// frames arrive again once the interface is back up (regression, issue 14: before, the
// responder on that interface went deaf until the speaker restarted).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ip, isRoot, NamespaceSet } from '../support/netns.js';

const ARP = 0x0806;

describe(
  'AF_PACKET socket (network namespaces)',
  { skip: !isRoot() && 'needs root for network namespaces' },
  () => {
    const namespaces = new NamespaceSet('hps');
    let a = '';
    let b = '';
    before(() => {
      a = namespaces.create('a');
      b = namespaces.create('b');
      ip('-n', a, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', b);
      ip('-n', a, 'addr', 'add', '10.98.0.1/24', 'dev', 'eth0');
      ip('-n', b, 'addr', 'add', '10.98.0.2/24', 'dev', 'eth0');
      ip('-n', a, 'link', 'set', 'eth0', 'up');
      ip('-n', b, 'link', 'set', 'eth0', 'up');
    });
    after(() => namespaces.cleanup());

    it('keeps receiving after its interface went down and up', () => {
      // The socket lives in a child in namespace a; it prints how many ARP frames it saw per phase.
      const script = `
      import { openPacketSocket } from './src/announce/packet-socket.ts';
      import { execFileSync } from 'node:child_process';
      const socket = openPacketSocket('eth0', ${ARP});
      let frames = 0;
      socket.start((_frame, outgoing) => { if (!outgoing) frames++; });
      const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
      const arping = () => { try { execFileSync('ip', ['netns', 'exec', 'PEER_NS', 'arping', '-c', '2', '-w', '1', '-I', 'eth0', '10.98.0.1'], { stdio: 'ignore' }); } catch {} };
      arping(); await sleep(200);
      const before = frames;
      execFileSync('ip', ['link', 'set', 'eth0', 'down']); await sleep(200);
      execFileSync('ip', ['link', 'set', 'eth0', 'up']); await sleep(1500);
      arping(); await sleep(300);
      console.log(JSON.stringify({ before, after: frames - before, errors: socket.errors }));
      socket.close();
    `.replace('PEER_NS', b);
      const run = spawnSync(
        'ip',
        ['netns', 'exec', a, process.execPath, '--import', 'tsx', '--input-type=module', '-e', script],
        {
          encoding: 'utf8',
          cwd: process.cwd(),
          timeout: 20_000,
        },
      );
      assert.equal(run.status, 0, run.stderr);
      const result = JSON.parse(run.stdout.trim()) as { before: number; after: number; errors: number };
      assert.ok(result.before >= 2, `frames before: ${result.before}`);
      assert.ok(result.errors >= 1, 'the interface going down was seen as a socket error');
      assert.ok(result.after >= 2, `frames after the interface came back: ${result.after}`);
    });
  },
);
