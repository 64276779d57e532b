// What an informer supervisor needs from one list + watch of a Kubernetes resource. Implemented
// by src/k8s/informer.ts over @kubernetes/client-node, and by a fake in tests.

export interface InformerSignals {
  /** The list completed (or the resume was accepted) and the watch is open. */
  synced(): void;
  /** An object changed, a bookmark arrived, or the watch re-opened by itself. */
  activity(): void;
  /** The list or the watch failed; the informer is stopped until start() is called again. */
  failed(error: string): void;
}

export interface InformerControl {
  /** Starts or resumes list + watch (from the last resourceVersion when there is one). */
  start(): void;
  /** Aborts what is in flight; the cache stays. No signal is given after stop() until start(). */
  stop(): void;
}
