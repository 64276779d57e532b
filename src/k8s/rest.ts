// Plain HTTPS requests to the Kubernetes API with the credentials of a KubeConfig: the list behind
// every informer, status and annotation patches, Events. One keep-alive agent per client, so a
// burst of writes reuses connections; every request has a deadline, so a hung apiserver cannot
// wedge its caller. (client-node's generated API clients make a new agent per request and take
// no deadline; its informer and watch are still used, see informer.ts.)
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest, Agent as HttpAgent } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

export class KubeApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    /** The apiserver's Status reason (`Conflict`, `NotFound`, ...) or a network error code. */
    readonly reason: string,
    message: string,
  ) {
    super(`${method} ${path}: ${status > 0 ? `${status} ` : ''}${message}`);
  }
}

export interface RestRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  /** For PATCH: merge (default), strategic, json or apply (server-side apply; the body is JSON). */
  readonly patch?: 'merge' | 'strategic' | 'json' | 'apply';
  readonly timeoutMs?: number;
}

const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/** How long the credentials read from the KubeConfig are reused (a projected token file rotates). */
const CREDENTIALS_TTL_MS = 30_000;

export class KubeRest {
  readonly server: URL;
  private agent: Agent | HttpAgent | undefined;
  private credentials: { headers: Record<string, string>; at: number } | undefined;

  constructor(
    private readonly config: KubeConfig,
    private readonly options: { maxSockets?: number; defaultTimeoutMs?: number } = {},
  ) {
    const server = config.getCurrentCluster()?.server;
    if (!server) throw new Error('kubeconfig has no current cluster');
    this.server = new URL(server);
  }

  async request<T = unknown>(req: RestRequest): Promise<T> {
    const { headers, agent } = await this.connection();
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const contentType = req.method === 'PATCH' ? PATCH_TYPES[req.patch ?? 'merge'] : 'application/json';
    const options: RequestOptions = {
      method: req.method,
      host: this.server.hostname,
      port: this.server.port || (this.server.protocol === 'https:' ? 443 : 80),
      path: this.server.pathname.replace(/\/$/, '') + req.path,
      agent,
      headers: {
        ...headers,
        accept: 'application/json',
        ...(body !== undefined
          ? { 'content-type': contentType, 'content-length': Buffer.byteLength(body) }
          : {}),
      },
    };
    const send = this.server.protocol === 'https:' ? httpsRequest : httpRequest;
    const timeoutMs = req.timeoutMs ?? this.options.defaultTimeoutMs ?? 10_000;
    return new Promise<T>((resolve, reject) => {
      const r = send(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new KubeApiError(req.method, req.path, 0, 'ResponseError', e.message)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          let parsed: unknown;
          try {
            parsed = text.length > 0 ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          if (status >= 200 && status < 300) {
            resolve(parsed as T);
            return;
          }
          const statusObject = (parsed ?? {}) as { reason?: string; message?: string };
          reject(
            new KubeApiError(
              req.method,
              req.path,
              status,
              statusObject.reason ?? 'Unknown',
              statusObject.message ?? (text.slice(0, 200) || `HTTP ${status}`),
            ),
          );
        });
      });
      r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      r.on('error', (e: NodeJS.ErrnoException) =>
        reject(new KubeApiError(req.method, req.path, 0, e.code ?? 'NetworkError', e.message)),
      );
      if (body !== undefined) r.write(body);
      r.end();
    });
  }

  /** Drops idle connections (after the apiserver restarted, say). */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private async connection(): Promise<{ headers: Record<string, string>; agent: Agent | HttpAgent }> {
    const now = Date.now();
    if (!this.credentials || now - this.credentials.at > CREDENTIALS_TTL_MS || !this.agent) {
      const opts: RequestOptions & { headers?: Record<string, string> } = {};
      await this.config.applyToHTTPSOptions(opts);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k] = v;
      if (typeof opts.auth === 'string')
        headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
      this.credentials = { headers, at: now };
      if (!this.agent) {
        const sockets = this.options.maxSockets ?? 32;
        this.agent =
          this.server.protocol === 'https:'
            ? new Agent({
                keepAlive: true,
                maxSockets: sockets,
                ca: opts.ca,
                cert: opts.cert,
                key: opts.key,
                ...(opts.rejectUnauthorized !== undefined
                  ? { rejectUnauthorized: opts.rejectUnauthorized }
                  : {}),
                ...(opts.servername !== undefined ? { servername: opts.servername } : {}),
              })
            : new HttpAgent({ keepAlive: true, maxSockets: sockets });
      }
    }
    return { headers: this.credentials.headers, agent: this.agent };
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof KubeApiError && e.status === 404;
export const isConflict = (e: unknown): boolean => e instanceof KubeApiError && e.status === 409;
