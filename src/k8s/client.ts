// How Herald reaches the Kubernetes API: a KubeConfig from --kubeconfig, else $KUBECONFIG, else
// the in-cluster ServiceAccount (token, CA and KUBERNETES_SERVICE_HOST as a Pod sees them).
// Everything else in src/k8s/ takes the KubeConfig made here.
import { KubeConfig } from '@kubernetes/client-node';

export class KubeConfigError extends Error {}

export function loadKubeConfig(path?: string): KubeConfig {
  const config = new KubeConfig();
  const file = path ?? process.env.KUBECONFIG;
  try {
    if (file) config.loadFromFile(file);
    else config.loadFromCluster();
  } catch (e) {
    throw new KubeConfigError(`cannot load kubeconfig ${file ?? '(in-cluster)'}: ${(e as Error).message}`);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster?.server) {
    throw new KubeConfigError(
      file
        ? `kubeconfig ${file} names no current cluster with a server`
        : 'not in a cluster (KUBERNETES_SERVICE_HOST is unset) and no --kubeconfig or $KUBECONFIG given',
    );
  }
  return config;
}

/** The identity requests carry, for logs: the current context's user name. */
export const userOf = (config: KubeConfig): string => config.getCurrentUser()?.name ?? '(unknown)';
