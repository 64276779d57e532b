// What the FRR supervisor needs from FRR on this node. Implemented by src/frr/processes.ts (the
// daemons as child processes, vtysh and frr-reload.py on private paths) and by fakes in tests.

export interface FrrProcesses {
  /**
   * Starts `daemons` (default: every one; what an earlier run left of them is stopped first);
   * resolves once each answers on its vty. Every daemon exiting later is reported to `exited`,
   * once per start of it.
   */
  start(exited: (daemon: string, detail: string) => void, daemons?: readonly string[]): Promise<void>;
  /** Stops `daemons` (default: every daemon this adapter started). */
  stop(daemons?: readonly string[]): void;
  /** Makes FRR run `text`: only the difference to what runs is applied. Rejects with FRR's message. */
  reload(text: string): Promise<void>;
  /** The output of one vtysh command (`show ... json`). */
  show(command: string): Promise<string>;
}
