// The speaker's HTTP listener, read-only: Prometheus /metrics, /healthz, /readyz, and the debug
// views — /debug/state (JSON), /debug/statecharts (the live visualizer page), /debug/charts (the
// machines' SVG charts) and /debug/events (server-sent events: every transition as it happens).
// Everything the page needs is served from here; nothing is fetched from outside.
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { BoardChange, StateBoard } from './state-board.js';
import { visualizerPage } from './visualizer-page.js';

export interface ChartSource {
  readonly id: string;
  readonly description: string;
  readonly svg: string;
}

export interface DebugSources {
  readonly node: string;
  /** What runs here, for the visualizer's header: `speaker` (default) or `controller`. */
  readonly role?: string;
  readonly registry: Registry;
  readonly board: StateBoard;
  /** Named readiness checks; /readyz is 200 only when every one is true. */
  readonly readiness: () => Readonly<Record<string, boolean>>;
  /** What this node does now (announcements, members), merged into /debug/state. */
  readonly status: () => Readonly<Record<string, unknown>>;
  readonly charts: () => readonly ChartSource[];
}

export type ListenAddress =
  | { readonly kind: 'tcp'; readonly host: string | undefined; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/** `addr:port`, `[v6addr]:port`, `:port` or `unix:/path/to.sock`. */
export function parseListen(spec: string): ListenAddress {
  if (spec.startsWith('unix:')) {
    const path = spec.slice('unix:'.length);
    if (!path.startsWith('/'))
      throw new Error(`invalid listen address "${spec}": unix: needs an absolute path`);
    return { kind: 'unix', path };
  }
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(spec);
  const port = Number(match?.[2]);
  if (!match || !Number.isInteger(port) || port > 65535)
    throw new Error(`invalid listen address "${spec}": expected addr:port or unix:/path`);
  return { kind: 'tcp', host: match[1] || undefined, port };
}

const SSE_HEARTBEAT_MS = 15_000;

export function debugState(sources: DebugSources): Record<string, unknown> {
  return {
    node: sources.node,
    time: new Date().toISOString(),
    ready: sources.readiness(),
    ...sources.status(),
    actors: sources.board.actors(),
    transitions: sources.board.recent(),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}

function streamEvents(req: IncomingMessage, res: ServerResponse, sources: DebugSources): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  const send = (event: string, data: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  send('snapshot', debugState(sources));
  const unsubscribe = sources.board.subscribe((change: BoardChange) => {
    if (change.type === 'transition') send('transition', { record: change.record, actor: change.actor });
    else if (change.type === 'started') send('started', change.actor);
    else send('stopped', { id: change.id, machine: change.machine });
  });
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), SSE_HEARTBEAT_MS);
  const close = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', close);
  res.on('error', close);
}

function handle(req: IncomingMessage, res: ServerResponse, sources: DebugSources): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    res.end();
    return;
  }
  switch (path) {
    case '/metrics':
      sources.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': sources.registry.contentType });
          res.end(text);
        })
        .catch((error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        });
      return;
    case '/healthz':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
      return;
    case '/readyz': {
      const checks = sources.readiness();
      const ready = Object.values(checks).every(Boolean);
      json(res, ready ? 200 : 503, { ready, checks });
      return;
    }
    case '/debug/state':
      json(res, 200, debugState(sources));
      return;
    case '/debug/charts':
      json(res, 200, sources.charts());
      return;
    case '/debug/events':
      streamEvents(req, res, sources);
      return;
    case '/debug/statecharts':
    case '/debug/':
    case '/debug':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(visualizerPage(sources.node, sources.role));
      return;
    default:
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
  }
}

/** Starts one listener; call once per address. */
export async function startDebugServer(listen: ListenAddress, sources: DebugSources): Promise<Server> {
  const server = createServer((req, res) => handle(req, res, sources));
  // Server-sent event streams stay open; never time them out server-side.
  server.requestTimeout = 0;
  if (listen.kind === 'unix') rmSync(listen.path, { force: true }); // a previous run's socket
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (listen.kind === 'unix') server.listen(listen.path, () => resolve());
    else server.listen(listen.port, listen.host, () => resolve());
  });
  return server;
}

/** Closes the listener and the event streams still open on it. */
export function stopDebugServer(server: Server): void {
  server.close();
  server.closeAllConnections();
}
