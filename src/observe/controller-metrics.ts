// Prometheus metrics of the controller, under MetalLB's names (behaviour.md §5) so existing
// dashboards work — metallb_allocator_addresses_total / _in_use_total per pool, and the config
// gauges — plus Herald's own: machine transitions, writes, the write backlog, informer restarts.
import { Counter, Gauge, Registry } from 'prom-client';
import type { PoolStats } from '../core/allocator/index.js';
import { toMetricNumber } from '../core/allocator/index.js';
import { registerK8sClientMetrics } from './k8s-client-metrics.js';

export interface ControllerMetricSources {
  readonly pools: () => readonly PoolStats[];
  readonly queueDepth: () => number;
  readonly leading: () => boolean;
}

export interface ControllerMetrics {
  readonly registry: Registry;
  transition(machine: string, from: string, to: string, reason: string): void;
  write(kind: 'status' | 'annotation' | 'event' | 'poolStatus', result: 'ok' | 'retry' | 'dropped'): void;
  configLoad(result: 'ok' | 'rejected'): void;
  /** A Service or Namespace change reconciled (metallb_k8s_client_updates_total). */
  update(): void;
}

export function createControllerMetrics(sources: ControllerMetricSources): ControllerMetrics {
  const registry = new Registry();
  const perPool = (name: string, help: string, value: (s: PoolStats) => bigint | number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['pool'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of sources.pools()) {
          const v = value(s);
          this.set({ pool: s.pool }, typeof v === 'bigint' ? toMetricNumber(v) : v);
        }
      },
    });
  };
  perPool('metallb_allocator_addresses_total', 'Number of usable IP addresses, per pool', (s) => s.total);
  perPool(
    'metallb_allocator_addresses_in_use_total',
    'Number of IP addresses in use, per pool',
    (s) => s.inUse,
  );
  perPool(
    'metallb_allocator_ipv4_addresses_total',
    'Number of usable IPv4 addresses, per pool',
    (s) => s.ipv4.total,
  );
  perPool(
    'metallb_allocator_ipv4_addresses_in_use_total',
    'Number of IPv4 addresses in use, per pool',
    (s) => s.ipv4.inUse,
  );
  perPool(
    'metallb_allocator_ipv6_addresses_total',
    'Number of usable IPv6 addresses, per pool',
    (s) => s.ipv6.total,
  );
  perPool(
    'metallb_allocator_ipv6_addresses_in_use_total',
    'Number of IPv6 addresses in use, per pool',
    (s) => s.ipv6.inUse,
  );
  const flag = (name: string, help: string, value: () => boolean): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(value() ? 1 : 0);
      },
    });
  };
  const k8sClient = registerK8sClientMetrics(registry);
  flag(
    'herald_controller_leader',
    '1 while this controller replica holds the leader lease (or runs without election).',
    sources.leading,
  );
  new Gauge({
    name: 'herald_controller_write_queue',
    help: 'Writes to the API waiting or in flight',
    registers: [registry],
    collect() {
      this.set(sources.queueDepth());
    },
  });
  const transitions = new Counter({
    name: 'herald_machine_transitions_total',
    help: 'State machine transitions in this controller',
    labelNames: ['machine', 'from', 'to', 'reason'],
    registers: [registry],
  });
  const writes = new Counter({
    name: 'herald_controller_writes_total',
    help: 'Writes to the API by kind and result',
    labelNames: ['kind', 'result'],
    registers: [registry],
  });
  const loads = new Counter({
    name: 'herald_config_loads_total',
    help: 'Configuration loads by result',
    labelNames: ['result'],
    registers: [registry],
  });
  return {
    registry,
    transition: (machine, from, to, reason) => transitions.inc({ machine, from, to, reason }),
    write: (kind, result) => writes.inc({ kind, result }),
    configLoad: (result) => {
      loads.inc({ result });
      k8sClient.configLoad(result === 'ok');
    },
    update: () => k8sClient.update(true),
  };
}
