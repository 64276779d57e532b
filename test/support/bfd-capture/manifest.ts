// What the captures were made with: written next to them as captures.json by capture.ts and read
// by the tests, so the assertions follow the configuration instead of repeating numbers.

export const FRR_TIMERS = { receiveIntervalMs: 250, transmitIntervalMs: 300, detectMultiplier: 3 } as const;
export const BIRD_TIMERS = { minRxIntervalMs: 200, minTxIntervalMs: 150, multiplier: 4 } as const;
/** FRR's IPv4 peer is slowed to this at the end: a poll sequence while Up. */
export const SLOWER_FRR_TX_MS = 500;

export const AUTH_CAPTURES = [
  { file: 'bird-auth-simple.pcap', type: 'simple', password: 'herald-simple', keyId: 1 },
  { file: 'bird-auth-keyed-md5.pcap', type: 'keyed md5', password: 'herald-md5', keyId: 2 },
  {
    file: 'bird-auth-meticulous-keyed-md5.pcap',
    type: 'meticulous keyed md5',
    password: 'herald-mmd5',
    keyId: 3,
  },
  { file: 'bird-auth-keyed-sha1.pcap', type: 'keyed sha1', password: 'herald-sha1', keyId: 4 },
  {
    file: 'bird-auth-meticulous-keyed-sha1.pcap',
    type: 'meticulous keyed sha1',
    password: 'herald-msha1',
    keyId: 5,
  },
] as const;

export interface CaptureManifest {
  readonly generator: string;
  readonly frrBird: {
    readonly frr: { readonly v4: string; readonly v6: string } & typeof FRR_TIMERS;
    readonly bird: { readonly v4: string; readonly v6: string } & typeof BIRD_TIMERS;
    readonly slowerFrrTransmitIntervalMs: number;
    /** Wall-clock milliseconds of each step, comparable with the pcap time stamps. */
    readonly steps: readonly { readonly name: string; readonly at: number }[];
  };
  readonly authentication: typeof AUTH_CAPTURES;
}
