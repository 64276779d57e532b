// The FRR-K8s backend's FRRConfiguration on the Kubernetes API: server-side apply with the
// speaker's own field manager (one request creates or updates; the apiserver keeps the object as
// applied and drops fields a later apply leaves out), delete when the node has nothing to carry.
import type { FrrConfigurationStore, StoredObject } from '../ports/frr-configuration-store.js';
import { isNotFound, type KubeRest } from './rest.js';

export const FRR_CONFIGURATION_FIELD_MANAGER = 'herald-speaker';

const pathOf = (namespace: string, name: string): string =>
  `/apis/frrk8s.metallb.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/frrconfigurations/${encodeURIComponent(name)}`;

export class KubeFrrConfigurationStore implements FrrConfigurationStore {
  readonly where = 'the Kubernetes API';

  constructor(private readonly rest: KubeRest) {}

  async put(object: StoredObject): Promise<void> {
    const { namespace, name } = object.metadata;
    await this.rest.request({
      method: 'PATCH',
      // force: the object is this node's speaker's; a field another manager set is taken back.
      path: `${pathOf(namespace, name)}?fieldManager=${FRR_CONFIGURATION_FIELD_MANAGER}&force=true`,
      patch: 'apply',
      body: object,
    });
  }

  async remove(namespace: string, name: string): Promise<void> {
    try {
      await this.rest.request({ method: 'DELETE', path: pathOf(namespace, name) });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
