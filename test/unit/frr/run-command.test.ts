// The command runner the FRR adapter reloads with: stdout on success, what the command printed on
// failure, and at the timeout the whole process group killed (frr-reload.py's vtysh child must
// not go on applying lines after the reload was given up) with a message that says so.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { reloadTimeoutMs, runCommand } from '../../../src/frr/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'herald-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Running (a killed process waiting to be reaped counts as gone). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('runCommand', () => {
  it('resolves with stdout; a failure carries what the command printed', async () => {
    assert.equal(await runCommand('sh', ['-c', 'echo hello']), 'hello\n');
    await assert.rejects(runCommand('sh', ['-c', 'echo "% Unknown command: bogus" >&2; exit 1']), {
      message: '% Unknown command: bogus',
    });
  });

  it('at the timeout the whole process group is killed, and the error says it timed out', async () => {
    const file = join(dir, 'grandchild.pid');
    const started = Date.now();
    await assert.rejects(
      runCommand('sh', ['-c', `sleep 30 & echo $! > ${file}; echo partial; wait`], 300),
      /^Error: sh did not finish within 0\.3 s: partial$/,
    );
    assert.ok(Date.now() - started < 5000);
    const pid = Number(readFileSync(file, 'utf8').trim());
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(pid), false, 'the background child of the command is gone too');
  });

  it('a reload may take 30 s plus 50 ms a line', () => {
    assert.equal(reloadTimeoutMs('a\nb'), 30_100);
    assert.equal(reloadTimeoutMs('x\n'.repeat(3000)), 180_050);
  });
});
