// BGP and BFD sessions under MetalLB's metric names, read from the sessions at scrape time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSpeakerMetrics } from '../../../src/observe/metrics.js';

describe('speaker metrics: BGP and BFD', () => {
  it('one series per peer, values as the sessions report them, gone when the session is', async () => {
    let sessions = [
      {
        peer: '10.77.0.1',
        up: true,
        prefixes: 12,
        counters: {
          opensSent: 1,
          opensReceived: 1,
          updatesSent: 3,
          keepalivesSent: 40,
          keepalivesReceived: 41,
          notificationsSent: 0,
        },
      },
    ];
    const metrics = createSpeakerMetrics({
      node: 'node1',
      responder: () => undefined,
      announcements: () => new Map(),
      members: () => new Map(),
      bgp: () => sessions,
      bfd: () => [{ peer: 'router-v4', up: false, input: 90, output: 95, upEvents: 2, downEvents: 2 }],
    });
    const text = await metrics.registry.metrics();
    for (const line of [
      'metallb_bgp_session_up{peer="10.77.0.1"} 1',
      'metallb_bgp_announced_prefixes_total{peer="10.77.0.1"} 12',
      'metallb_bgp_updates_total{peer="10.77.0.1"} 3',
      'metallb_bgp_keepalives_received{peer="10.77.0.1"} 41',
      'metallb_bfd_session_up{peer="router-v4"} 0',
      'metallb_bfd_control_packet_input{peer="router-v4"} 90',
      'metallb_bfd_session_down_events{peer="router-v4"} 2',
    ])
      assert.ok(text.includes(line), line);
    sessions = [];
    assert.doesNotMatch(await metrics.registry.metrics(), /metallb_bgp_session_up\{/);
  });
});
