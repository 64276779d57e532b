// The lab's shape, as data: names, addresses and MACs for a bridge, N nodes, a client and a
// router, all inside network namespaces (addresses exist only there). Pure: tests and `herald
// lab status` read it without touching the system.

export interface LabHost {
  readonly name: string;
  readonly namespace: string;
  /** Port on the lab bridge (in the bridge namespace). */
  readonly bridgePort: string;
  readonly ipv4: string;
  readonly ipv6: string;
  readonly mac: string;
}

export interface LabTopology {
  readonly id: string;
  readonly prefix: string;
  readonly bridgeNamespace: string;
  readonly nodes: readonly LabHost[];
  readonly client: LabHost;
  readonly router: LabHost;
  /** etcd, kube-apiserver and the controller, with --k8s (a control-plane node of its own). */
  readonly controlPlane: LabHost;
  readonly vipv4: string;
  readonly vipv6: string;
  readonly gossipPort: number;
}

/** Every lab namespace starts with this; `herald lab down` removes all of them. */
export const LAB_PREFIX = 'hlab-';

const hex = (n: number): string => n.toString(16).padStart(2, '0');

function host(prefix: string, name: string, index: number): LabHost {
  return {
    name,
    namespace: `${prefix}${name}`,
    bridgePort: `p-${name}`.slice(0, 15),
    ipv4: `10.77.0.${index}`,
    ipv6: `fd00:77::${index.toString(16)}`,
    mac: `02:77:00:00:00:${hex(index)}`,
  };
}

export function labTopology(nodes: number, id = 'default'): LabTopology {
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 50)
    throw new Error(`--nodes must be 1..50, got ${nodes}`);
  const prefix = `${LAB_PREFIX}${id}-`;
  return {
    id,
    prefix,
    bridgeNamespace: `${prefix}lan`,
    nodes: Array.from({ length: nodes }, (_, i) => host(prefix, `node${i + 1}`, 11 + i)),
    client: host(prefix, 'client', 2),
    router: host(prefix, 'router', 1),
    controlPlane: host(prefix, 'cp', 3),
    vipv4: '10.77.0.200',
    vipv6: 'fd00:77::200',
    gossipPort: 7946,
  };
}

/** Every address of the lab pool (labConfigYaml), as local routes for a node's lo. */
export const LAB_POOL_LOCAL = { ipv4: '10.77.0.192/26', ipv6: 'fd00:77::200/120' } as const;

/** The configuration every lab speaker reads: one pool, one L2Advertisement, one Service. */
export function labConfigYaml(t: LabTopology): string {
  return `# Written by herald lab: standalone speakers read this directory; with --k8s it is applied to the API.
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: lab, namespace: metallb-system }
spec:
  addresses: [10.77.0.200-10.77.0.250, fd00:77::200/120]
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata: { name: lab, namespace: metallb-system }
spec:
  ipAddressPools: [lab]
  interfaces: [eth0]
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
  annotations:
    metallb.io/loadBalancerIPs: ${t.vipv4},${t.vipv6}
spec:
  type: LoadBalancer
  ipFamilyPolicy: RequireDualStack
  ipFamilies: [IPv4, IPv6]
  ports: [{ port: 80, protocol: TCP }]
`;
}
