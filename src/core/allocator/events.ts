// The Kubernetes events the controller records on a Service, with MetalLB's reasons and
// message formats (controller/service.go), so dashboards and runbooks keep working.

export interface AllocatorEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: EventReason;
  readonly message: string;
}

export type EventReason =
  | 'IPAllocated'
  | 'AllocationFailed'
  | 'ClearAssignment'
  | 'LoadBalancerFailed'
  | 'AdditionalAssignFailed'
  | 'UnknownAddressPool'
  | 'NotEnoughClusterIPs';

/** Go's %q of one string. */
export const quote = (text: string): string => JSON.stringify(text);

/** One address as `"1.2.3.4"`; several as Go prints a slice with %q: `["1.2.3.4" "2001:db8::1"]`. */
export const quoteIps = (ips: readonly string[]): string =>
  ips.length === 1 ? quote(ips[0] ?? '') : goList(ips);

const goList = (ips: readonly string[]): string => `[${ips.map(quote).join(' ')}]`;

export const events = {
  allocated: (ips: readonly string[]): AllocatorEvent => ({
    type: 'Normal',
    reason: 'IPAllocated',
    message: `Assigned IP ${goList(ips)}`,
  }),
  additionalAllocated: (ip: string): AllocatorEvent => ({
    type: 'Normal',
    reason: 'IPAllocated',
    message: `Assigned additional IP ${quote(ip)}`,
  }),
  additionalFailed: (why: string): AllocatorEvent => ({
    type: 'Normal',
    reason: 'AdditionalAssignFailed',
    message: `cannot assign additional IP in PreferDualStack: ${why}`,
  }),
  allocationFailed: (key: string, why: string): AllocatorEvent => ({
    type: 'Warning',
    reason: 'AllocationFailed',
    message: `Failed to allocate IP for ${quote(key)}: ${why}`,
  }),
  cleared: (key: string, why: string): AllocatorEvent => ({
    type: 'Normal',
    reason: 'ClearAssignment',
    message: `current IP for ${quote(key)} not allowed by config, will attempt for new IP assignment: ${why}`,
  }),
  loadBalancerFailed: (why: string): AllocatorEvent => ({
    type: 'Warning',
    reason: 'LoadBalancerFailed',
    message: `invalid requested loadbalancer IPs: ${why}`,
  }),
  unknownPool: (pool: string): AllocatorEvent => ({
    type: 'Warning',
    reason: 'UnknownAddressPool',
    message: `address pool ${quote(pool)} does not exist: allocating from a pool that permits automatic assignment`,
  }),
  notEnoughClusterIPs: (clusterIPs: readonly string[]): AllocatorEvent => ({
    type: 'Warning',
    reason: 'NotEnoughClusterIPs',
    message: `Service requires dual stack but not enough clusterips [${clusterIPs.join(' ')}]`,
  }),
};
