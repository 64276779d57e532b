// Samples the chaos runner takes of the speakers from outside: RSS and open descriptors from
// /proc, and what each says it announces (its /debug/state, over the lab's unix socket) — the
// latter only to notice an address moving between Services.
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { speakerSocket } from '../system.js';
import type { LabTopology } from '../topology.js';
import type { AnnounceSample, ResourceSample } from './invariants.js';

export function sampleResources(
  pids: ReadonlyMap<string, number>,
  skip: ReadonlySet<string>,
): ResourceSample[] {
  const out: ResourceSample[] = [];
  for (const [node, pid] of pids) {
    if (skip.has(node)) continue;
    try {
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      const fds = readdirSync(`/proc/${pid}/fd`).length;
      out.push({ at: Date.now(), node, pid, rssKiB: Number(rss ?? 0), fds });
    } catch {
      // exited meanwhile: the crash watcher decides whether that was expected
    }
  }
  return out;
}

export async function sampleAnnouncements(
  t: LabTopology,
  nodes: readonly string[],
): Promise<AnnounceSample[]> {
  const all = await Promise.all(nodes.map((node) => announcementsOf(t, node)));
  return all.flat();
}

function announcementsOf(t: LabTopology, node: string): Promise<AnnounceSample[]> {
  return new Promise((resolve) => {
    const req = request(
      { socketPath: speakerSocket(t.id, node), path: '/debug/state', timeout: 1000 },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          try {
            const state = JSON.parse(body) as { announcing?: { service: string; ips: string[] }[] };
            const at = Date.now();
            resolve((state.announcing ?? []).map((a) => ({ at, node, service: a.service, ips: a.ips })));
          } catch {
            resolve([]);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve([]));
    req.end();
  });
}
