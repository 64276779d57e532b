// A killed speaker must be refused by its host at once: the kernel releases a SIGKILLed
// process's sockets last-opened-first, and each AF_PACKET socket's release waits for an RCU grace
// period, so the liveness receiver sits on a high descriptor (net_extras highFd) and is released
// before them. Real sockets in a namespace: the descriptors, and a refusal before the exit.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { isRoot, NamespaceSet } from '../support/netns.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PORT = 47946;

describe('liveness receiver release order', { skip: !isRoot() && 'needs root (network namespaces)' }, () => {
  const namespaces = new NamespaceSet('hlro');
  after(() => namespaces.cleanup());

  it('sits above the AF_PACKET sockets, so a killed process refuses before its exit completes', async () => {
    const ns = namespaces.create('a');
    const agent = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns,
        process.execPath,
        '--import',
        'tsx',
        'test/integration/liveness-fd-agent.ts',
        String(PORT),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number>((resolve) => agent.once('exit', () => resolve(performance.now())));
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: agent.stdout }).once('line', resolve);
      agent.once('exit', () => reject(new Error('the agent exited before reporting')));
    });
    const fds = JSON.parse(line) as { receiver: number[]; packet: number[] };
    assert.equal(fds.receiver.length, 1, `one receiver socket: ${line}`);
    assert.equal(fds.packet.length, 2, `two AF_PACKET sockets: ${line}`);
    assert.ok(fds.receiver[0]! > Math.max(...fds.packet), `receiver above the packet sockets: ${line}`);

    // A peer's connected socket, datagrams every millisecond, from inside the same namespace.
    const peer = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns,
        process.execPath,
        '-e',
        `const s = require('node:dgram').createSocket('udp4');
         s.on('error', (e) => { console.log(e.code); process.exit(0); });
         s.connect(${PORT}, '127.0.0.1', () => { console.log('ready'); setInterval(() => s.send('x'), 1); });
         setTimeout(() => process.exit(1), 10000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const peerExited = new Promise((resolve) => peer.once('exit', resolve));
    const lines = createInterface({ input: peer.stdout });
    const seen: string[] = [];
    let refusedAt = 0;
    await new Promise<void>((resolve) =>
      lines.on('line', (l) => {
        seen.push(l);
        if (l === 'ready') resolve();
        else refusedAt ||= performance.now();
      }),
    );
    const killedAt = performance.now();
    process.kill(agent.pid!, 'SIGKILL');
    const exitAt = await exited;
    await peerExited;
    assert.deepEqual(seen, ['ready', 'ECONNREFUSED']);
    // The exit ('exit' event: after every socket is released) is a grace period or two later.
    assert.ok(
      refusedAt > 0 && refusedAt < exitAt,
      `refused ${(refusedAt - killedAt).toFixed(1)} ms, exit ${(exitAt - killedAt).toFixed(1)} ms after the kill`,
    );
  });
});
