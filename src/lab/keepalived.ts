// keepalived in the lab, as the peer Herald's layer-2 failover is measured against: VRRPv3 with a
// 100 ms advertisement interval (what a user tuning keepalived for a standalone VIP would pick),
// one instance per node on eth0 holding the lab's IPv4 VIP. Priorities follow Herald's election
// order for the VIP, so both settle on the same node after a fault heals and the benchmark's
// trials are alike. The lab's sysctls (arp_ignore=1) make only the master answer ARP: the VIP is
// on its eth0 while it is master, on lo everywhere (for the HTTP server).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rankNodes } from '../core/election/rank.js';
import { startInNamespace, stateDir } from './system.js';
import type { LabHost, LabTopology } from './topology.js';

export const KEEPALIVED_ADVERT_SECONDS = 0.1;

/** The keepalived.conf of one lab node (pure). */
export function keepalivedConfig(t: LabTopology, node: string): string {
  const order = rankNodes(
    t.nodes.map((n) => n.name),
    t.vipv4,
  );
  const priority = 250 - 50 * Math.max(0, order.indexOf(node));
  return `# Written by herald lab failover-bench --compare keepalived.
global_defs {
  router_id ${node}
  vrrp_version 3
  vrrp_garp_master_delay 0
  vrrp_garp_master_repeat 1
  # A realtime scheduling priority for the VRRP process, as keepalived itself recommends: the
  # peer is measured tuned, not handicapped.
  max_auto_priority
}
vrrp_instance lab {
  state BACKUP
  interface eth0
  virtual_router_id 77
  priority ${priority}
  advert_int ${KEEPALIVED_ADVERT_SECONDS}
  virtual_ipaddress {
    ${t.vipv4}/32 dev eth0
  }
}
`;
}

const files = (t: LabTopology, n: LabHost) => {
  const dir = stateDir(t.id);
  return {
    config: join(dir, `keepalived-${n.name}.conf`),
    pid: join(dir, `keepalived-${n.name}.pid`),
    vrrpPid: join(dir, `keepalived-${n.name}-vrrp.pid`),
    log: join(dir, 'logs', `${n.name}-keepalived.log`),
  };
};

/** Starts keepalived (VRRP only, in the foreground) in the node's namespace; the parent's PID. */
export function startKeepalived(t: LabTopology, n: LabHost): number {
  const f = files(t, n);
  writeFileSync(f.config, keepalivedConfig(t, n.name));
  return startInNamespace(
    n.namespace,
    [
      'keepalived',
      '--dont-fork',
      '--log-console',
      '--vrrp',
      '--use-file',
      f.config,
      '--pid',
      f.pid,
      '--vrrp_pid',
      f.vrrpPid,
    ],
    f.log,
  );
}

/**
 * The PID of the VRRP process — the one that advertises. Faults hit it, not the parent: a killed
 * parent makes the child leave gracefully (priority 0), which would measure the SIGTERM path.
 */
export function keepalivedVrrpPid(t: LabTopology, n: LabHost): number | undefined {
  try {
    const pid = Number(readFileSync(files(t, n).vrrpPid, 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the node's keepalived pid files, once the bench has killed every keepalived process in
 * the namespace. keepalived refuses to start ("daemon is already running") while a pid file
 * names a process that still exists — and a killed VRRP child orphaned by its killed parent stays
 * a zombie until init reaps it, which on this machine can take a while.
 */
export function removeKeepalivedPidFiles(t: LabTopology, n: LabHost): void {
  const f = files(t, n);
  rmSync(f.pid, { force: true });
  rmSync(f.vrrpPid, { force: true });
}
