// Event log lines: JSON with stable keys, the level as a name, ISO time, the node on every line;
// levels filter; the pretty mode is one readable line per event.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createEventLog, type LogFormat, type LogLevel } from '../../../src/observe/log.js';

function capture(level: LogLevel, format: LogFormat = 'json') {
  const lines: string[] = [];
  const log = createEventLog({
    node: 'node1',
    level,
    format,
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    }),
  });
  return { log, lines };
}

describe('event log', () => {
  it('writes one JSON object per event with the stable keys and the node', () => {
    const { log, lines } = capture('info');
    log.info({
      component: 'announce',
      event: 'announce',
      op: 'announce',
      service: 'default/web',
      ip: '10.0.0.1',
    });
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.equal(line.level, 'info');
    assert.equal(line.node, 'node1');
    assert.deepEqual(
      [line.component, line.event, line.op, line.service, line.ip],
      ['announce', 'announce', 'announce', 'default/web', '10.0.0.1'],
    );
    assert.ok(!Number.isNaN(Date.parse(String(line.time))), 'time is an ISO timestamp');
  });

  it('drops lines below the level', () => {
    const { log, lines } = capture('info');
    log.debug({ component: 'machine', event: 'transition' });
    log.warn({ component: 'config', event: 'rejected', err: 'bad' });
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as { level: string }).level),
      ['warn'],
    );
  });

  it('debug shows machine transitions; silent shows nothing', () => {
    const debug = capture('debug');
    debug.log.debug({ component: 'machine', event: 'transition', from: 'alive', to: 'suspect' });
    assert.equal(debug.lines.length, 1);
    const silent = capture('silent');
    silent.log.error({ component: 'speaker', event: 'failed' });
    assert.equal(silent.lines.length, 0);
  });

  it('pretty mode is one line with component, event and the fields', () => {
    const { log, lines } = capture('info', 'pretty');
    log.info({ component: 'leadership', event: 'transition', service: 'default/web', to: 'leader' });
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /INFO.*leadership transition.*"service":"default\/web".*"to":"leader"/);
  });
});
