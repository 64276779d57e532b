// Liveness detection, pure: who was heard when, and who has been silent for longer than the
// detection time. Like BFD's detection timer (RFC 5880 §6.8.4) without the handshake: a peer
// counts only once heard, so a member that has not started its worker yet is not "lost".

export interface LivenessSettings {
  /** How often each speaker sends to each liveness peer. */
  readonly intervalMs: number;
  /** Silent for intervalMs × multiplier → lost. */
  readonly multiplier: number;
  /** A peer whose main thread has not shown up for this long no longer vouches for it. */
  readonly mainStallMs: number;
}

export type LivenessVerdict =
  /** Heard (again): running, main thread responsive. */
  | { readonly node: string; readonly kind: 'up' }
  /** Silent for the detection time. */
  | { readonly node: string; readonly kind: 'lost'; readonly silentMs: number }
  /** Its worker runs but its main thread has not for mainStallMs: still running, not healthy. */
  | { readonly node: string; readonly kind: 'stalled'; readonly mainAgeMs: number };

interface Peer {
  heardAt: number;
  mainAgeMs: number;
  boot: number;
  state: 'unknown' | 'up' | 'lost' | 'stalled';
}

export class LivenessDetector {
  private readonly peers = new Map<string, Peer>();

  constructor(private readonly settings: LivenessSettings) {}

  get detectionMs(): number {
    return this.settings.intervalMs * this.settings.multiplier;
  }

  /** Peers to expect packets from; others are forgotten (a peer new to the set is unknown). */
  expect(nodes: Iterable<string>): void {
    const wanted = new Set(nodes);
    for (const node of this.peers.keys()) if (!wanted.has(node)) this.peers.delete(node);
    for (const node of wanted)
      if (!this.peers.has(node))
        this.peers.set(node, { heardAt: 0, mainAgeMs: 0, boot: 0, state: 'unknown' });
  }

  /** A packet from `node` at `now`; a verdict when its state changes. */
  heard(node: string, boot: number, mainAgeMs: number, now: number): LivenessVerdict | undefined {
    const peer = this.peers.get(node);
    if (!peer) return undefined;
    peer.heardAt = now;
    peer.mainAgeMs = mainAgeMs;
    peer.boot = boot;
    const next = mainAgeMs > this.settings.mainStallMs ? 'stalled' : 'up';
    if (peer.state === next) return undefined;
    peer.state = next;
    return next === 'up' ? { node, kind: 'up' } : { node, kind: 'stalled', mainAgeMs };
  }

  /** Peers silent for the detection time at `now` (each reported once per silence). */
  check(now: number): LivenessVerdict[] {
    const out: LivenessVerdict[] = [];
    for (const [node, peer] of this.peers) {
      if (peer.state === 'unknown' || peer.state === 'lost') continue;
      const silentMs = now - peer.heardAt;
      if (silentMs <= this.detectionMs) continue;
      peer.state = 'lost';
      out.push({ node, kind: 'lost', silentMs });
    }
    return out;
  }

  /** The peer was refused (its host has nothing on the port): reported when it had been up. */
  refused(node: string): boolean {
    const peer = this.peers.get(node);
    if (!peer || peer.state === 'unknown' || peer.state === 'lost') return false;
    peer.state = 'lost';
    return true;
  }

  /** Heard within the detection time with a responsive main thread. */
  vouchesFor(node: string, now: number): boolean {
    const peer = this.peers.get(node);
    return peer?.state === 'up' && now - peer.heardAt <= this.detectionMs;
  }
}

/**
 * The members this one exchanges liveness with: all of them in a small cluster, else the
 * `maxPeers` nearest on a ring of sorted names (half on each side, so the relation is symmetric
 * and every member is watched by `maxPeers` others): O(1) per member whatever the cluster size.
 */
export function livenessPeers(self: string, members: Iterable<string>, maxPeers: number): string[] {
  const others = [...new Set(members)].filter((m) => m !== self).sort();
  if (others.length <= maxPeers) return others;
  const ring = [...others, self].sort();
  const at = ring.indexOf(self);
  const half = Math.max(1, Math.floor(maxPeers / 2));
  const picked = new Set<string>();
  for (let i = 1; i <= half; i++) {
    picked.add(ring[(at + i) % ring.length] as string);
    picked.add(ring[(at - i + ring.length) % ring.length] as string);
  }
  return [...picked].sort();
}
