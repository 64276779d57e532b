// Where the FRR-K8s backend puts a node's FRRConfiguration: the Kubernetes API (server-side
// apply, src/k8s/frr-configuration-store.ts) or, standalone, a directory of YAML files
// (src/files/frr-configuration-dir.ts), and fakes in tests.

/** The least an object needs to be stored: its kind and where it lives. */
export interface StoredObject {
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
}

export interface FrrConfigurationStore {
  /** For logs: `the Kubernetes API`, `directory /path`. */
  readonly where: string;
  /** Creates the object or makes it exactly this (the whole object is the writer's). */
  put(object: StoredObject): Promise<void>;
  /** Removes it; an object already absent is not an error. */
  remove(namespace: string, name: string): Promise<void>;
}
