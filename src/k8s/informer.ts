// One informer: @kubernetes/client-node's ListWatch (cache, add/update/delete callbacks, re-list
// on 410 Gone) driven by a supervisor through the InformerControl port. What is added here:
// - the list is our own request with a deadline (a hung list would otherwise wait forever);
// - every watch asks for bookmarks and a server-side timeout, so a healthy watch shows activity
//   regularly and a silent one can be told from an idle one (the supervisor's watchdog);
// - signals: synced (list done and watch open), activity, failed — never after stop().
import { ListWatch, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { InformerControl, InformerSignals } from '../ports/informer.js';
import type { KubeRest } from './rest.js';

export interface ResourceType {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  /** Only this namespace; all namespaces when undefined. */
  readonly namespace?: string;
}

export const resourcePath = (r: ResourceType): string => {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return r.namespace !== undefined ? `${base}/namespaces/${r.namespace}/${r.plural}` : `${base}/${r.plural}`;
};

export const resourceName = (r: ResourceType): string =>
  r.group === '' ? r.plural : `${r.group}/${r.version}/${r.plural}`;

export type ChangeKind = 'added' | 'updated' | 'deleted';

export interface InformerOptions {
  readonly listTimeoutMs?: number;
  /** The watch's server-side timeout is drawn from [min, max] seconds each time. */
  readonly watchTimeoutSeconds?: readonly [number, number];
}

interface KubeList {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly items?: KubernetesObject[];
}

export class ResourceInformer implements InformerControl {
  readonly path: string;
  private readonly listWatch: ListWatch<KubernetesObject>;
  private signals: InformerSignals | undefined;
  /** Bumped by start() and stop(): callbacks of an older generation are ignored. */
  private generation = 0;
  private running = false;

  constructor(
    config: KubeConfig,
    private readonly rest: KubeRest,
    readonly type: ResourceType,
    private readonly onChange: (kind: ChangeKind, object: KubernetesObject) => void,
    private readonly options: InformerOptions = {},
  ) {
    this.path = resourcePath(type);
    const watch = this.instrumentedWatch(new Watch(config));
    this.listWatch = new ListWatch(this.path, watch, () => this.list(), false);
    this.listWatch.on('add', (o) => this.changed('added', o));
    this.listWatch.on('update', (o) => this.changed('updated', o));
    this.listWatch.on('delete', (o) => this.changed('deleted', o));
    this.listWatch.on('error', (err: unknown) => {
      if (this.running) this.signals?.failed(describe(err));
      this.running = false;
    });
  }

  /** Signals go to `signals` from the next start() on. */
  connect(signals: InformerSignals): void {
    this.signals = signals;
  }

  start(): void {
    this.generation += 1;
    this.running = true;
    void this.listWatch.start().catch((err: unknown) => {
      if (this.running) this.signals?.failed(describe(err));
      this.running = false;
    });
  }

  stop(): void {
    this.generation += 1;
    this.running = false;
    void this.listWatch.stop();
  }

  /** Every object in the cache. */
  objects(): readonly KubernetesObject[] {
    return this.listWatch.list();
  }

  get(name: string, namespace?: string): KubernetesObject | undefined {
    return this.listWatch.get(name, namespace);
  }

  private changed(kind: ChangeKind, object: KubernetesObject): void {
    this.onChange(kind, object);
    if (this.running) this.signals?.activity();
  }

  private async list(): Promise<{ items: KubernetesObject[]; metadata: { resourceVersion: string } }> {
    const list = await this.rest.request<KubeList>({
      method: 'GET',
      path: this.path,
      timeoutMs: this.options.listTimeoutMs ?? 30_000,
    });
    return { items: list.items ?? [], metadata: { resourceVersion: list.metadata?.resourceVersion ?? '' } };
  }

  /**
   * Wraps Watch.watch: adds bookmarks and a server-side timeout, tells `synced` once the watch
   * is open, and refuses to open a watch for a generation that has been stopped meanwhile (a
   * list that was in flight when stop() came must not start a watch nobody supervises).
   */
  private instrumentedWatch(inner: Watch): Watch {
    const [min, max] = this.options.watchTimeoutSeconds ?? [240, 300];
    const wrapped = Object.create(inner) as Watch;
    wrapped.watch = async (path, params, callback, done) => {
      const generation = this.generation;
      if (!this.running) return new AbortController();
      const timeoutSeconds = min + Math.floor(Math.random() * (max - min + 1));
      const watchState = { ended: false };
      const controller = await inner.watch(
        path,
        { ...params, allowWatchBookmarks: true, timeoutSeconds },
        (phase: string, object: unknown, raw: unknown) => {
          if (generation !== this.generation) return;
          callback(phase, object, raw);
          if (phase === 'BOOKMARK' && this.running) this.signals?.activity();
        },
        (err: unknown) => {
          watchState.ended = true;
          if (generation === this.generation) done(err);
        },
      );
      if (!watchState.ended && generation === this.generation) this.signals?.synced();
      return controller;
    };
    return wrapped;
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'object' && err !== null && 'message' in err) return String(err.message);
  return String(err);
}
