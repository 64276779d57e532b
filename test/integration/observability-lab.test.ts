// Watching a lab think: /metrics as Prometheus would scrape it from inside the lab, /readyz, and
// the event log of one failover, which must tell the causal chain in order with timestamps.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LAB_METRICS_PORT } from '../../src/lab/lab.js';
import { labTopology } from '../../src/lab/topology.js';
import { isRoot } from '../support/netns.js';
import { testLab, type TestLab } from '../support/lab.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SERVICE = 'default/web';

/** The value of one series in Prometheus text, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const matches = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (matches) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('observability in the lab', { skip: !isRoot() && 'needs root for network namespaces' }, () => {
  let lab: TestLab;
  const t = () => labTopology(3, lab.id);
  const scrape = (node: string, path = '/metrics') => {
    const host = t().nodes.find((n) => n.name === node);
    return lab.client('curl', '-s', '-m', '2', `http://${host?.ipv4}:${LAB_METRICS_PORT}${path}`);
  };
  let elected = '';

  before(() => {
    lab = testLab('o');
    const up = lab.herald('lab', 'up', '--id', lab.id, '--nodes', '3');
    assert.equal(up.status, 0, up.stderr);
    elected = /(node\d) answers for/.exec(up.stdout)?.[1] ?? '';
    assert.ok(elected, up.stdout);
  });
  after(() => lab.down());

  it('/metrics: metallb_speaker_announced is 1 on the elected node only', () => {
    const vip = t().vipv4;
    for (const n of t().nodes) {
      const value = sample(scrape(n.name), 'metallb_speaker_announced', { service: SERVICE, ip: vip });
      assert.equal(value, n.name === elected ? 1 : undefined, `${n.name}: ${String(value)}`);
    }
  });

  it('/metrics: the layer-2 request and response counters rise when the client ARPs', () => {
    const vip = t().vipv4;
    const read = () => {
      const text = scrape(elected);
      return [
        sample(text, 'metallb_layer2_requests_received', { ip: vip }) ?? 0,
        sample(text, 'metallb_layer2_responses_sent', { ip: vip }) ?? 0,
      ] as const;
    };
    const [requests, responses] = read();
    const arping = lab.client('arping', '-c', '3', '-w', '3', '-I', 'eth0', vip);
    assert.match(arping, /Received [1-9]/, arping);
    const [requestsAfter, responsesAfter] = read();
    assert.ok(requestsAfter >= requests + 3, `requests ${requests} -> ${requestsAfter}`);
    assert.ok(responsesAfter >= responses + 3, `responses ${responses} -> ${responsesAfter}`);
    for (const n of t().nodes.filter((x) => x.name !== elected))
      assert.equal(sample(scrape(n.name), 'metallb_layer2_responses_sent', { ip: vip }) ?? 0, 0, n.name);
  });

  it('/readyz: every speaker is ready (config loaded, gossip joined, responders up)', () => {
    for (const n of t().nodes) {
      const body = JSON.parse(scrape(n.name, '/readyz') || '{}') as { ready?: boolean; checks?: object };
      assert.deepEqual(body, {
        ready: true,
        checks: { configLoaded: true, gossipJoined: true, respondersUp: true },
      });
    }
  });

  it("one failover's log tells the chain: suspected → dead → leadership gained → announce", async () => {
    const cutAt = Date.now();
    assert.equal(lab.herald('lab', 'cut', elected, '--id', lab.id).status, 0);
    const survivors = t()
      .nodes.map((n) => n.name)
      .filter((n) => n !== elected);
    const announcedAfterCut = (node: string) =>
      lab
        .logs(node)
        .some(
          (l) => l.component === 'announce' && l.event === 'announce' && Date.parse(String(l.time)) >= cutAt,
        );
    let leader: string | undefined;
    for (let i = 0; i < 50 && !leader; i++) {
      await sleep(100);
      leader = survivors.find(announcedAfterCut);
    }
    assert.ok(leader, 'a survivor announced within 5 s');
    const lines = lab.logs(leader).filter((l) => Date.parse(String(l.time)) >= cutAt);
    const find = (what: string, test: (l: Record<string, unknown>) => boolean, from: number) => {
      const index = lines.findIndex((l, i) => i >= from && test(l));
      assert.ok(index >= 0, `${leader} logged ${what} (after line ${from})`);
      return index;
    };
    const member = (to: string) => (l: Record<string, unknown>) =>
      l.component === 'membership' && l.event === 'member' && l.peer === elected && l.to === to;
    const suspected = find(`${elected} suspected`, member('suspect'), 0);
    const dead = find(`${elected} dead`, member('dead'), suspected + 1);
    const gained = find(
      'leadership gained',
      (l) =>
        l.component === 'leadership' &&
        l.event === 'transition' &&
        l.service === SERVICE &&
        l.to === 'leader',
      dead + 1,
    );
    const announced = find(
      'announce',
      (l) =>
        l.component === 'announce' && l.event === 'announce' && l.service === SERVICE && l.ip === t().vipv4,
      gained + 1,
    );
    const times = [suspected, dead, gained, announced].map((i) => Date.parse(String(lines[i]?.time)));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'timestamps are in causal order',
    );
    assert.ok((times[3] ?? 0) - (times[0] ?? 0) < 2000, `chain took ${(times[3] ?? 0) - (times[0] ?? 0)} ms`);
    // Every step also appears as a machine transition at debug level, and the failover is timed.
    assert.ok(
      lines.some((l) => l.component === 'machine' && l.actor === `member:${elected}` && l.to === 'dead'),
      'member machine transition logged',
    );
    const failover = lines.find((l) => l.component === 'leadership' && l.event === 'failover');
    assert.equal(failover?.from, elected);
    const failoverMs = Number(failover.failoverMs);
    assert.ok(failoverMs > 0 && failoverMs < 2000, `failoverMs ${failoverMs}`);
  });
});
