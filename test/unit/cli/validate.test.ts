// `herald validate` as a user runs it: bin/herald from the checkout (needs `npm run build`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixtureFile, FIXTURES } from '../config/helpers.js';

const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'herald');

function herald(...args: string[]) {
  const result = spawnSync(BIN, args, { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonEntry {
  severity: string;
  file: string;
  kind: string;
  namespace: string;
  name: string;
  field: string;
  message: string;
}

describe('herald validate', () => {
  it('exits 0 with warnings only, and prints JSON entries with every key', () => {
    const run = herald('validate', '--output', 'json', fixtureFile('064'));
    assert.equal(run.code, 0, run.stderr);
    const entries = JSON.parse(run.stdout) as JsonEntry[];
    assert.deepEqual(Object.keys(entries[0] ?? {}), [
      'severity',
      'file',
      'kind',
      'namespace',
      'name',
      'field',
      'message',
    ]);
    assert.equal(entries[0]?.severity, 'warning');
    assert.equal(entries[0].kind, 'AddressPool');
  });

  it('exits 1 when there are errors and names the file, object and field in text output', () => {
    const run = herald('validate', fixtureFile('018'));
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /018-bgpadvertisement-example\.yaml: error: BGPAdvertisement metallb-system\/example spec\.nodeSelector: unknown field/,
    );
    assert.match(run.stdout, /1 error\(s\), 0 warning\(s\) in 1 file\(s\)/);
  });

  it('reads a whole folder and reports cross-object conflicts', () => {
    const run = herald('validate', '--output', 'json', FIXTURES);
    assert.equal(run.code, 1);
    const entries = JSON.parse(run.stdout) as JsonEntry[];
    assert.ok(
      entries.some((e) => e.severity === 'error' && e.message.includes('overlaps with already defined CIDR')),
    );
    assert.ok(entries.some((e) => e.severity === 'ignored' && e.kind === 'MachineConfig'));
  });

  it('honours --namespace', () => {
    const run = herald('validate', '--namespace', 'herald-system', fixtureFile('005'));
    assert.equal(run.code, 1);
    assert.match(run.stdout, /resource must be created in herald-system namespace/);
  });

  it('exits 2 on usage errors and unreadable input', () => {
    assert.equal(herald('validate').code, 2);
    assert.equal(herald('validate', '--output', 'xml', FIXTURES).code, 2);
    const missing = herald('validate', '/nonexistent/herald.yaml');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file or directory/);
    const dir = mkdtempSync(join(tmpdir(), 'herald-validate-'));
    try {
      writeFileSync(join(dir, 'bad.yaml'), 'kind: [unclosed\n');
      const bad = herald('validate', dir);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /invalid YAML/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints help for every command', () => {
    const run = herald('validate', '--help');
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Exit status: 0 no errors/);
    assert.equal(herald('--help').code, 0);
    assert.equal(herald().code, 2, 'no command is a usage error');
  });
});
