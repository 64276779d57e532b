// The kubeconfig of `herald controller` and `herald speaker`: a file that cannot be loaded (or no
// cluster at all) is a usage error naming it, not a crash.
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeConfigError, loadKubeConfig } from '../k8s/client.js';
import { UsageError } from './output.js';

export function kubeConfigFor(path: string | undefined): KubeConfig {
  try {
    return loadKubeConfig(path);
  } catch (error) {
    if (error instanceof KubeConfigError) throw new UsageError(error.message);
    throw error;
  }
}
