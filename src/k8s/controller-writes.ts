// The controller's writes, one request each: a Service's status addresses (the status subresource;
// a PATCH of the Service itself leaves status alone), its pool annotation, an IPAddressPool's
// status, and the gossip key Secret speakers share.
import { randomBytes } from 'node:crypto';
import { isConflict, isNotFound, type KubeRest } from './rest.js';

const ALLOCATED_FROM_POOL = 'metallb.io/ip-allocated-from-pool';

export async function writeServiceIngress(
  rest: KubeRest,
  namespace: string,
  name: string,
  ips: readonly string[],
): Promise<void> {
  await rest.request({
    method: 'PATCH',
    path: `/api/v1/namespaces/${namespace}/services/${name}/status`,
    // A merge patch replaces the whole list: exactly these addresses, in this order.
    body: { status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } } },
  });
}

export async function writePoolAnnotation(
  rest: KubeRest,
  namespace: string,
  name: string,
  pool: string | null,
): Promise<void> {
  await rest.request({
    method: 'PATCH',
    path: `/api/v1/namespaces/${namespace}/services/${name}`,
    body: { metadata: { annotations: { [ALLOCATED_FROM_POOL]: pool } } },
  });
}

export interface PoolStatus {
  readonly assignedIPv4: number;
  readonly assignedIPv6: number;
  readonly availableIPv4: number;
  readonly availableIPv6: number;
}

export async function writePoolStatus(
  rest: KubeRest,
  namespace: string,
  pool: string,
  status: PoolStatus,
): Promise<void> {
  await rest.request({
    method: 'PATCH',
    path: `/apis/metallb.io/v1beta1/namespaces/${namespace}/ipaddresspools/${pool}/status`,
    body: { status },
  });
}

/**
 * The `memberlist` Secret (key `secretkey`) the speakers' gossip encrypts with, as MetalLB's
 * controller creates it. Returns whether it was created now.
 */
export async function ensureMemberlistSecret(
  rest: KubeRest,
  namespace: string,
  name = 'memberlist',
): Promise<boolean> {
  try {
    await rest.request({ method: 'GET', path: `/api/v1/namespaces/${namespace}/secrets/${name}` });
    return false;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  try {
    await rest.request({
      method: 'POST',
      path: `/api/v1/namespaces/${namespace}/secrets`,
      body: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace, labels: { 'app.kubernetes.io/name': 'herald' } },
        type: 'Opaque',
        data: { secretkey: randomBytes(128).toString('base64') },
      },
    });
    return true;
  } catch (e) {
    if (isConflict(e)) return false; // another replica was first
    throw e;
  }
}
