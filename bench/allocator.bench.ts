// Allocates 10,000 Services over 20 pools (IPv4, IPv6 and dual-stack; some sharing, some pool
// annotations, some explicit addresses), then makes a full restart pass from their status.
// Prints the time per pass and per Service. Target: under 0.5 s per full pass.
import { Allocator, fullPass } from '../src/core/allocator/index.js';
import { parse } from '../src/core/config/parse.js';
import { readService, type ServiceModel } from '../src/core/service/model.js';

const SERVICES = 10_000;

function poolObjects(): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < 20; i++) {
    const kind = i % 3; // 0: IPv4, 1: IPv6, 2: dual-stack
    const v4 = [`10.${i}.0.0/23`, `10.${i}.4.10-10.${i}.5.200`];
    const v6 = [`fd00:${i}::/118`, `fd00:${i}:1::/64`];
    out.push({
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: `pool-${String(i).padStart(2, '0')}`, namespace: 'metallb-system' },
      spec: {
        addresses: kind === 0 ? v4 : kind === 1 ? v6 : [...v4, ...v6],
        avoidBuggyIPs: i % 4 === 0,
        autoAssign: i !== 19,
        ...(i % 5 === 1 ? { serviceAllocation: { priority: i, namespaces: [`ns-${i % 7}`] } } : {}),
      },
    });
  }
  return out;
}

function serviceObjects(): unknown[] {
  return Array.from({ length: SERVICES }, (_, i) => {
    const annotations: Record<string, string> = {};
    if (i % 10 === 0) annotations['metallb.io/allow-shared-ip'] = `key-${i % 30}`;
    if (i % 17 === 0) annotations['metallb.io/address-pool'] = `pool-${String(i % 20).padStart(2, '0')}`;
    const family = i % 4;
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc-${i}`, namespace: `ns-${i % 7}`, annotations },
      spec: {
        type: 'LoadBalancer',
        ports: [{ protocol: i % 2 ? 'TCP' : 'UDP', port: 80 + (i % 40) }],
        ...(family === 1 ? { ipFamilies: ['IPv6'] } : {}),
        ...(family === 2 ? { ipFamilyPolicy: 'RequireDualStack' } : {}),
        ...(family === 3 && i % 8 === 3 ? { ipFamilyPolicy: 'PreferDualStack' } : {}),
        ...(i % 997 === 5 ? { loadBalancerIP: `10.${i % 20}.1.${i % 250}` } : {}),
      },
    };
  });
}

const parsed = parse(poolObjects());
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const config = parsed.config;
const services = serviceObjects().flatMap((o) => readService(o) ?? []);

function timed<T>(label: string, run: () => T): T {
  const started = performance.now();
  const result = run();
  const ms = performance.now() - started;
  console.log(
    `${label}: ${ms.toFixed(1)} ms per pass, ${((ms * 1000) / services.length).toFixed(1)} µs per Service`,
  );
  return result;
}

// Warm-up so the figures are of optimised code, as in a running controller.
fullPass(new Allocator(config), services.slice(0, 2000));

const first = timed('first pass (no status)', () => {
  const allocator = new Allocator(config);
  return { allocator, decisions: fullPass(allocator, services) };
});
const allocated = first.decisions.filter((d) => d.ips.length > 0).length;
console.log(`  ${allocated} of ${services.length} Services got addresses`);

const withStatus: ServiceModel[] = services.map((s, i) => ({
  ...s,
  ingressIPs: first.decisions[i]?.ips ?? [],
}));
const restart = timed('restart pass (status replayed)', () => {
  const allocator = new Allocator(config);
  return fullPass(allocator, withStatus);
});
const same = restart.every((d, i) => JSON.stringify(d.ips) === JSON.stringify(first.decisions[i]?.ips));
console.log(`  restart kept every assignment: ${same}`);
