// The live statechart visualizer in a real browser (Debian's Chromium, driven by playwright-core):
// the elected node's page shows its leadership machine in `leader`; after the leader's cable is
// pulled, a survivor's page shows its machine become leader within 2 s of the cut, without a
// reload. The final screenshot is kept in test-artifacts/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLabProxy } from '../../src/lab/visualize.js';
import { isRoot } from '../support/netns.js';
import { testLab, type TestLab } from '../support/lab.js';

const CHROMIUM = '/usr/bin/chromium';
// Headless, and nothing that reaches for the network on its own (this machine has none).
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const ACTOR = 'li.actor[data-actor="leadership:default/web"]';

describe(
  'statechart visualizer in a browser',
  { skip: (!isRoot() && 'needs root') || (!existsSync(CHROMIUM) && 'needs chromium (scripts/setup.sh)') },
  () => {
    let lab: TestLab;
    let proxy: Server;
    let browser: Browser;
    let elected = '';
    const nodes = ['node1', 'node2', 'node3'];
    const pages = new Map<string, Page>();
    const requested: string[] = [];
    let base = '';

    before(async () => {
      lab = testLab('v');
      const up = lab.herald('lab', 'up', '--id', lab.id, '--nodes', '3');
      assert.equal(up.status, 0, up.stderr);
      elected = /(node\d) answers for/.exec(up.stdout)?.[1] ?? '';
      proxy = await startLabProxy(lab.id, nodes, 0);
      base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
      for (const node of nodes) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        page.on('request', (r) => requested.push(r.url()));
        await page.goto(`${base}/${node}/debug/statecharts`);
        pages.set(node, page);
      }
    });
    after(async () => {
      await browser.close();
      proxy.close();
      proxy.closeAllConnections();
      lab.down();
    });

    it("the elected node's page shows the service's machine in leader, highlighted in the chart", async () => {
      const page = pages.get(elected)!;
      await page.waitForSelector(`${ACTOR}[data-state="leader"]`, { timeout: 5000 });
      const chart = page.locator('section.machine[data-machine="leadership"] .chart');
      await chart.locator('[data-state="leader"].state--active').waitFor({ timeout: 2000 });
      assert.equal(await chart.locator('.state--active').count(), 1, 'only the live state is active');
      for (const node of nodes.filter((n) => n !== elected))
        await pages.get(node)!.waitForSelector(`${ACTOR}[data-state="follower"]`, { timeout: 5000 });
    });

    it('after a failover a survivor page shows its machine become leader within 2 s, live', async () => {
      const survivors = nodes.filter((n) => n !== elected);
      const cutAt = Date.now();
      assert.equal(lab.herald('lab', 'cut', elected, '--id', lab.id).status, 0);
      const winner = await Promise.any(
        survivors.map(async (node) => {
          await pages.get(node)!.waitForSelector(`${ACTOR}[data-state="leader"]`, { timeout: 2000 });
          return node;
        }),
      );
      const seenAfterMs = Date.now() - cutAt;
      assert.ok(seenAfterMs <= 2000, `seen after ${seenAfterMs} ms`);
      const page = pages.get(winner)!;
      // The live update also reached the chart and the timeline.
      await page
        .locator('section.machine[data-machine="leadership"] .chart [data-state="leader"].state--active')
        .waitFor({ timeout: 1000 });
      await page
        .locator('#timeline li', { hasText: 'leadership:default/web: follower → leader' })
        .first()
        .waitFor({ timeout: 1000 });
      assert.match((await page.locator('#connection').textContent()) ?? '', /live/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'visualizer-failover.png'), fullPage: true });
    });

    it('the page fetched nothing from outside the speaker', () => {
      assert.ok(requested.length > 0);
      assert.deepEqual(
        requested.filter((url) => !url.startsWith(`${base}/`)),
        [],
      );
    });
  },
);
