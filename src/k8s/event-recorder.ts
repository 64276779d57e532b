// Kubernetes Events (core/v1) as MetalLB's controller records them: reason and message on the
// involved object, source component `metallb-controller` so existing alerting keeps matching.
// The same (object, type, reason, message) again within an hour bumps the first Event's count
// and lastTimestamp instead of creating another, as client-go's recorder does.
import { randomBytes } from 'node:crypto';
import type { KubeRest } from './rest.js';
import type { Priority, WriteQueue } from './write-queue.js';

export interface ObjectReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
}

export interface RecordedEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

interface Series {
  readonly name: string;
  count: number;
  readonly first: string;
  last: string;
  at: number;
  created: boolean;
}

/** Event timestamps are RFC 3339 seconds. */
const timestamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

const AGGREGATE_MS = 60 * 60 * 1000;
const MAX_SERIES = 50_000;
const EVENT_PRIORITY: Priority = 2;

export class EventRecorder {
  private readonly series = new Map<string, Series>();
  private sequence = 0;

  constructor(
    private readonly rest: KubeRest,
    private readonly queue: WriteQueue,
    private readonly source: { readonly component: string; readonly instance: string },
  ) {}

  record(object: ObjectReference, event: RecordedEvent): void {
    const now = Date.now();
    const key = `${object.kind}|${object.namespace}|${object.name}|${object.uid ?? ''}|${event.type}|${event.reason}|${event.message}`;
    const existing = this.series.get(key);
    if (existing && now - existing.at < AGGREGATE_MS) {
      existing.count += 1;
      existing.at = now;
      existing.last = timestamp(now);
      // Not created yet: the pending create sends the latest count itself.
      if (existing.created) this.putCount(object.namespace, key, existing);
      return;
    }
    if (this.series.size >= MAX_SERIES) this.forgetOldest();
    const name = `${object.name}.${randomBytes(6).toString('hex')}${(++this.sequence).toString(36)}`;
    const series: Series = {
      name,
      count: 1,
      first: timestamp(now),
      last: timestamp(now),
      at: now,
      created: false,
    };
    this.series.set(key, series);
    this.queue.put(`event:${key}`, EVENT_PRIORITY, async () => {
      const sent = series.count;
      await this.rest.request({
        method: 'POST',
        path: `/api/v1/namespaces/${object.namespace}/events`,
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace: object.namespace },
          involvedObject: {
            apiVersion: object.apiVersion,
            kind: object.kind,
            namespace: object.namespace,
            name: object.name,
            ...(object.uid !== undefined ? { uid: object.uid } : {}),
          },
          type: event.type,
          reason: event.reason,
          message: event.message,
          count: sent,
          firstTimestamp: series.first,
          lastTimestamp: series.last,
          source: { component: this.source.component },
          reportingComponent: this.source.component,
          reportingInstance: this.source.instance,
        },
      });
      series.created = true;
      // Repeats that came while the create was on its way.
      if (series.count > sent) this.putCount(object.namespace, key, series);
    });
  }

  private putCount(namespace: string, key: string, series: Series): void {
    this.queue.put(`event:${key}`, EVENT_PRIORITY, async () => {
      await this.rest.request({
        method: 'PATCH',
        path: `/api/v1/namespaces/${namespace}/events/${series.name}`,
        body: { count: series.count, lastTimestamp: series.last },
      });
    });
  }

  private forgetOldest(): void {
    let oldestKey: string | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [key, s] of this.series) {
      if (s.at < oldest) {
        oldest = s.at;
        oldestKey = key;
      }
    }
    if (oldestKey !== undefined) this.series.delete(oldestKey);
  }
}
