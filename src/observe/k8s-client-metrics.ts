// MetalLB's metallb_k8s_client_* metrics (internal/k8s/controllers/stats.go: names and help texts
// kept, so dashboards and alerts keep working), one set per registry, for speaker and controller:
// - updates_total: updates processed — each configuration (re)load; on the controller also each
//   Service or Namespace change reconciled (MetalLB counts every config and service reconcile);
// - update_errors_total: updates that could not be applied — a configuration refused (invalid, or
//   a missing reference) or unreadable. (MetalLB counts only handler failures after parsing; in
//   Herald refusing the configuration is the one way an update fails, so it counts.)
// - config_loaded_bool: 1 once a configuration was loaded;
// - config_stale_bool: 1 while the latest configuration failed to load (MetalLB sets it on any
//   failure, also before the first good one), 0 once one loads.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface K8sClientMetrics {
  /** An update processed; `ok: false` when it could not be applied. */
  update(ok: boolean): void;
  /** A configuration load attempt: `loaded` or refused/unreadable. Counts as an update too. */
  configLoad(loaded: boolean): void;
}

export function registerK8sClientMetrics(registry: Registry): K8sClientMetrics {
  const updates = new Counter({
    name: 'metallb_k8s_client_updates_total',
    help: 'Number of k8s object updates that have been processed.',
    registers: [registry],
  });
  const errors = new Counter({
    name: 'metallb_k8s_client_update_errors_total',
    help: 'Number of k8s object updates that failed for some reason.',
    registers: [registry],
  });
  const loaded = new Gauge({
    name: 'metallb_k8s_client_config_loaded_bool',
    help: '1 if the MetalLB configuration was successfully loaded at least once.',
    registers: [registry],
  });
  const stale = new Gauge({
    name: 'metallb_k8s_client_config_stale_bool',
    help: '1 if running on a stale configuration, because the latest config failed to load.',
    registers: [registry],
  });
  loaded.set(0);
  stale.set(0);
  const update = (ok: boolean): void => {
    updates.inc();
    if (!ok) errors.inc();
  };
  return {
    update,
    configLoad: (ok) => {
      update(ok);
      if (ok) loaded.set(1);
      stale.set(ok ? 0 : 1);
    },
  };
}
