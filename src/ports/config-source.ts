// Where a speaker's configuration and cluster view come from: YAML files (the standalone speaker)
// or the Kubernetes API (informers). Either way the speaker sees one list of plain objects —
// metallb.io objects, Secrets, Services, Nodes, EndpointSlices, Namespaces — and validates,
// elects and announces the same way.

export interface ConfigSource {
  /** For logs and /debug/state: `files:/etc/herald` or `kubernetes`. */
  readonly name: string;
  /**
   * Where Services' addresses come from: `status` only (on Kubernetes the controller allocates),
   * or `statusOrAllocate` (standalone: every speaker allocates as the controller would).
   */
  readonly addresses: 'status' | 'statusOrAllocate';
  /** Starts watching; resolves once a first complete view can be read. `changed` is debounced. */
  start(changed: () => void): Promise<void>;
  /** Every object as known now. Rejects when the source cannot be read (a file's bad YAML). */
  read(): Promise<readonly unknown[]>;
  /** Named readiness checks of the source (informers synced, ...). */
  readiness(): Readonly<Record<string, boolean>>;
  stop(): void;
}
