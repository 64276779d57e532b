// Regenerates the BFD captures in test/fixtures/bfd/ (see the README there). Root only; builds
// its own namespaces (hcapbfd-<pid>-*), starts FRR's bfdd and BIRD 2 against each other, then
// pairs of BIRDs with each authentication type, and records every control packet with tcpdump.
//   node --import tsx --import ./src/polyfill.ts test/support/bfd-capture/capture.ts [out-dir]
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { signal } from '../../../src/lab/system.js';
import { BirdBfd } from './bird.js';
import { FrrBfd, type FrrBfdPeer } from './frr.js';
import { Processes, sleep, waitFor } from './processes.js';
import { startCapture } from './tcpdump.js';
import { Topology } from './topology.js';
import {
  AUTH_CAPTURES,
  FRR_TIMERS,
  BIRD_TIMERS,
  SLOWER_FRR_TX_MS,
  type CaptureManifest,
} from './manifest.js';

const out = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', 'fixtures', 'bfd'));
const scratch = mkdtempSync(join(tmpdir(), 'herald-bfd-capture-'));
chmodSync(scratch, 0o755);
const processes = new Processes(scratch);
const topology = new Topology();
const steps: { name: string; at: number }[] = [];
const step = (name: string) => {
  steps.push({ name, at: Date.now() });
  console.log(`${new Date().toISOString()} ${name}`);
};

async function frrAgainstBird(): Promise<Pick<CaptureManifest, 'frrBird'>> {
  const link = topology.link('frr', 'bird', 0);
  const dir = join(scratch, 'frr');
  mkdirSync(dir);
  await startCapture(
    processes,
    'tcpdump-v4',
    link.left.namespace,
    link.left.interface,
    join(out, 'frr-bird-ipv4.pcap'),
    'ip',
    scratch,
  );
  await startCapture(
    processes,
    'tcpdump-v6',
    link.left.namespace,
    link.left.interface,
    join(out, 'frr-bird-ipv6.pcap'),
    'ip6',
    scratch,
  );
  const peer = (address: string): FrrBfdPeer => ({ address, interface: link.left.interface, ...FRR_TIMERS });
  const v4 = peer(link.right.v4);
  const v6 = peer(link.right.v6);
  step('started');
  const bird = new BirdBfd(processes, link.right.namespace, scratch, {
    name: 'bird',
    routerId: link.right.v4,
    interface: link.right.interface,
    neighbors: [link.left.v4, link.left.v6],
    ...BIRD_TIMERS,
  });
  bird.start();
  const frr = new FrrBfd(processes, link.left.namespace, dir);
  await frr.start([v4, v6]);
  const bothUp = () =>
    [...frr.statuses().values()].filter((s) => s === 'up').length === 2 &&
    [...bird.states().values()].filter((s) => s === 'Up').length === 2;
  await waitFor('both sessions up', bothUp);
  step('up');
  await sleep(1500);

  frr.configurePeer(v4, ['shutdown']);
  step('frrShutdownIpv4');
  await waitFor('BIRD sees the IPv4 session down', () => bird.states().get(link.left.v4) === 'Down');
  step('birdSawAdminDown');
  await sleep(1500);
  frr.configurePeer(v4, ['no shutdown']);
  step('frrNoShutdownIpv4');
  await waitFor('both sessions up again', bothUp);
  step('upAgain');
  await sleep(1500);

  signal(processes.pid('bfdd'), 'SIGSTOP');
  step('bfddStopped');
  await waitFor('BIRD detects both sessions down', () =>
    [...bird.states().values()].every((s) => s === 'Down'),
  );
  step('birdDetectedDown');
  await sleep(500);
  signal(processes.pid('bfdd'), 'SIGCONT');
  step('bfddContinued');
  await waitFor('both sessions up after the freeze', bothUp);
  step('upAfterFreeze');
  await sleep(1500);

  frr.configurePeer(v4, [`transmit-interval ${SLOWER_FRR_TX_MS}`]);
  step('frrSlowerTxIpv4');
  await sleep(2500);
  step('end');
  await processes.stop('tcpdump-v4');
  await processes.stop('tcpdump-v6');
  await processes.stopAll();
  return {
    frrBird: {
      frr: { v4: link.left.v4, v6: link.left.v6, ...FRR_TIMERS },
      bird: { v4: link.right.v4, v6: link.right.v6, ...BIRD_TIMERS },
      slowerFrrTransmitIntervalMs: SLOWER_FRR_TX_MS,
      steps: [...steps],
    },
  };
}

async function birdAuthentication(): Promise<void> {
  const link = topology.link('auth1', 'auth2', 1);
  for (const capture of AUTH_CAPTURES) {
    await startCapture(
      processes,
      'tcpdump',
      link.left.namespace,
      link.left.interface,
      join(out, capture.file),
      'ip',
      scratch,
    );
    const birds = [link.left, link.right].map(
      (side, i) =>
        new BirdBfd(processes, side.namespace, scratch, {
          name: `bird-${capture.type.replaceAll(' ', '-')}-${i}`,
          routerId: side.v4,
          interface: side.interface,
          neighbors: [i === 0 ? link.right.v4 : link.left.v4],
          ...BIRD_TIMERS,
          authentication: { type: capture.type, password: capture.password, keyId: capture.keyId },
        }),
    );
    for (const bird of birds) bird.start();
    await waitFor(`${capture.type} session up`, () =>
      birds.every((b) => [...b.states().values()][0] === 'Up'),
    );
    console.log(`${new Date().toISOString()} ${capture.type} up`);
    await sleep(1200);
    await processes.stopAll();
  }
}

try {
  mkdirSync(out, { recursive: true });
  const manifest: CaptureManifest = {
    generator: 'test/support/bfd-capture/capture.ts',
    ...(await frrAgainstBird()),
    authentication: AUTH_CAPTURES,
  };
  await birdAuthentication();
  writeFileSync(join(out, 'captures.json'), `${JSON.stringify(manifest, null, 2)}\n`);
} finally {
  await processes.stopAll();
  topology.cleanup();
  // BFD_CAPTURE_KEEP=1 keeps the daemons' logs and configuration for a look.
  if (process.env.BFD_CAPTURE_KEEP === '1') console.log(`logs in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
