// What the FRR supervisor needs from FRR on this node. Implemented by src/frr/processes.ts (the
// daemons as child processes, vtysh and frr-reload.py on private paths) and by fakes in tests.

export interface FrrProcesses {
  /**
   * Starts every daemon (what an earlier run left is stopped first); resolves once each answers
   * on its vty. A daemon exiting later is reported once to `exited` (until the next start).
   */
  start(exited: (daemon: string, detail: string) => void): Promise<void>;
  /** Stops every daemon this adapter started. */
  stop(): void;
  /** Makes FRR run `text`: only the difference to what runs is applied. Rejects with FRR's message. */
  reload(text: string): Promise<void>;
  /** The output of one vtysh command (`show ... json`). */
  show(command: string): Promise<string>;
}
