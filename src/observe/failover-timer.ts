// Failover duration as this node sees it: from the moment the old leader was first suspected (or
// declared dead or left, if that came first) to the moment this node took the service over.
// Pure bookkeeping fed from the state board; the speaker turns the result into a histogram.
export class FailoverTimer {
  /** Members not alive, with the time they stopped being alive. */
  private readonly down = new Map<string, number>();

  member(node: string, to: string, at: number): void {
    if (to === 'alive') this.down.delete(node);
    else if (!this.down.has(node)) this.down.set(node, at);
  }

  /** This node became leader where `previousWinner` was; seconds since it failed, if it did. */
  gained(previousWinner: string | undefined, at: number): number | undefined {
    if (previousWinner === undefined) return undefined;
    const since = this.down.get(previousWinner);
    return since === undefined ? undefined : (at - since) / 1000;
  }
}
