// Which dial failures prove a member's process is gone: a refusal from its host on every address
// tried. A timeout, an abort or a mixed result proves nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRefused } from '../../../src/gossip/libp2p-transport.js';

const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.3:7946'), { code: 'ECONNREFUSED' });
const timedOut = Object.assign(new Error('The operation was aborted due to timeout'), {
  name: 'TimeoutError',
});
const unreachable = Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' });

describe('isRefused', () => {
  const table: [string, unknown, boolean][] = [
    ['a refused connection', refused, true],
    ['every address refused', new AggregateError([refused, refused]), true],
    ['one address refused, one timed out', new AggregateError([refused, timedOut]), false],
    ['no addresses tried', new AggregateError([]), false],
    ['a timeout', timedOut, false],
    ['an unreachable host (a pulled cable)', unreachable, false],
    ['not an error', 'ECONNREFUSED', false],
    ['nothing', undefined, false],
  ];
  for (const [what, error, expected] of table)
    it(`${what}: ${expected}`, () => assert.equal(isRefused(error), expected));
});
