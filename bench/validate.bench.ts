// Validates a 5,000-object configuration (pools, advertisements, peers, BFD profiles,
// communities) and prints the time per run. Target: under 2 s on the 2-core reference machine.
import { parse } from '../src/core/config/parse.js';

const NS = 'metallb-system';
const meta = (name: string, labels: Record<string, string> = {}) => ({ name, namespace: NS, labels });

function buildConfig(total: number): unknown[] {
  const objects: unknown[] = [];
  const pools = Math.floor(total * 0.5);
  for (let i = 0; i < pools; i++) {
    const a = (i >> 8) & 0xff;
    const b = i & 0xff;
    const addresses =
      i % 3 === 0
        ? [`10.${a}.${b}.0/24`, `fd00:${i.toString(16)}::/120`]
        : [`10.${a}.${b}.10-10.${a}.${b}.200`];
    objects.push({
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: meta(`pool-${i}`, { zone: `z${i % 10}` }),
      spec: { addresses },
    });
  }
  const profiles = 50;
  for (let i = 0; i < profiles; i++) {
    objects.push({
      apiVersion: 'metallb.io/v1beta1',
      kind: 'BFDProfile',
      metadata: meta(`bfd-${i}`),
      spec: { receiveInterval: 100 + i },
    });
  }
  objects.push({
    apiVersion: 'metallb.io/v1beta1',
    kind: 'Community',
    metadata: meta('communities'),
    spec: { communities: Array.from({ length: 50 }, (_, i) => ({ name: `C${i}`, value: `65000:${i}` })) },
  });
  const peers = 200;
  for (let i = 0; i < peers; i++) {
    objects.push({
      apiVersion: 'metallb.io/v1beta2',
      kind: 'BGPPeer',
      metadata: meta(`peer-${i}`),
      spec: {
        myASN: 64500,
        peerASN: 64501 + i,
        peerAddress: `192.168.${i >> 8}.${i & 0xff}`,
        routerID: '10.255.0.1',
        holdTime: '9s',
        bfdProfile: `bfd-${i % profiles}`,
      },
    });
  }
  const remaining = total - objects.length;
  for (let i = 0; i < remaining; i++) {
    if (i % 2 === 0) {
      objects.push({
        apiVersion: 'metallb.io/v1beta1',
        kind: 'L2Advertisement',
        metadata: meta(`l2-${i}`),
        spec: { ipAddressPools: [`pool-${i % pools}`] },
      });
    } else {
      objects.push({
        apiVersion: 'metallb.io/v1beta1',
        kind: 'BGPAdvertisement',
        metadata: meta(`bgp-${i}`),
        spec: {
          ipAddressPools: [`pool-${i % pools}`],
          peers: [`peer-${i % peers}`],
          communities: [`C${i % 50}`, '65535:65282'],
          localPref: 100,
        },
      });
    }
  }
  return objects;
}

const objects = buildConfig(5000);
const runs = 5;
const times: number[] = [];
let ok = false;
for (let r = 0; r < runs; r++) {
  const start = process.hrtime.bigint();
  const result = parse(objects);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  ok = result.ok;
  if (!result.ok) console.log(result.issues.slice(0, 3));
}
times.sort((a, b) => a - b);
console.log(`validate: ${objects.length} objects, config ${ok ? 'valid' : 'INVALID'}`);
console.log(
  `validate: min ${times[0]?.toFixed(0)} ms, median ${times[Math.floor(runs / 2)]?.toFixed(0)} ms, max ${times[runs - 1]?.toFixed(0)} ms per run (target < 2000 ms)`,
);
