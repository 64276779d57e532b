// The HTTPS server the API server calls: POST /validate-<group>-<version>-<kind> with an
// AdmissionReview, POST /convert with a ConversionReview. The decisions are core's
// (src/core/admission/); this file only reads bodies (bounded), answers JSON, and never lets a
// bad request or a failing callback take the process down. A body that is not a review gets a
// review-shaped refusal, so the API server shows the reason instead of a transport error.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  admissionFailure,
  CONVERSION_PATH,
  conversionFailure,
  convertBgpPeers,
  reviewAdmission,
  uidOf,
  validatedKinds,
} from '../core/admission/index.js';

/** A pino-like logger: structured fields first, message second. */
export interface WebhookLog {
  info(fields: Record<string, unknown>, message?: string): void;
  warn(fields: Record<string, unknown>, message?: string): void;
  error(fields: Record<string, unknown>, message?: string): void;
}

export interface TlsMaterial {
  readonly key: string;
  readonly cert: string;
}

export interface WebhookServerOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: TlsMaterial;
  /** The agent's namespace. */
  readonly namespace: string;
  /** What the API server holds now (the controller's informer caches). */
  readonly currentObjects: () => readonly unknown[];
  readonly log: WebhookLog;
  /** Largest request body read; an AdmissionReview carries an object and its old version. */
  readonly maxBodyBytes?: number;
}

export interface WebhookServer {
  /** The port listened on (useful when asked for port 0). */
  readonly port: number;
  /** New certificates for the connections that follow (renewal without a restart). */
  setCertificate(tls: TlsMaterial): void;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const validatePaths = new Set(validatedKinds().map((k) => k.path));
  const server = createServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path !== CONVERSION_PATH && !validatePaths.has(path)) finish(res, 404, { message: 'not found' });
    else if (req.method !== 'POST') finish(res, 405, { message: 'POST only' });
    else {
      readBody(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES).then(
        (body) => {
          if (body === undefined) finish(res, 413, { message: 'request body too large' }, true);
          else finish(res, 200, answer(path === CONVERSION_PATH, body, options));
        },
        (e: unknown) => {
          options.log.warn({ component: 'admission', event: 'requestFailed', path, err: String(e) });
          res.destroy();
        },
      );
    }
  });
  // A client that cannot finish its TLS handshake (a probe, a scanner) is no concern of ours.
  server.on('tlsClientError', () => undefined);
  await listen(server, options.host, options.port);
  return {
    port: (server.address() as AddressInfo).port,
    setCertificate: (tls) => server.setSecureContext({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' }),
    close: () => close(server),
  };
}

/** The review answer for one body; never throws. */
function answer(conversion: boolean, body: Buffer, options: WebhookServerOptions): unknown {
  let review: unknown;
  try {
    review = JSON.parse(body.toString('utf8'));
  } catch (e) {
    const message = `request body is not JSON: ${(e as Error).message}`;
    return conversion
      ? conversionFailure('', message)
      : admissionFailure('', { code: 400, reason: 'BadRequest', message });
  }
  try {
    if (conversion) return convertBgpPeers(review);
    const started = performance.now();
    const verdict = reviewAdmission(review, options.currentObjects(), { namespace: options.namespace });
    const { response } = verdict;
    if (!response.allowed) {
      options.log.warn(
        {
          component: 'admission',
          event: 'refused',
          uid: response.uid,
          code: response.status?.code,
          reason: response.status?.message,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        'admission refused',
      );
    }
    return verdict;
  } catch (e) {
    // Informers not synced yet, or a bug: refuse (failurePolicy decides what the cluster does).
    const message = `cannot judge the request: ${(e as Error).message}`;
    options.log.error({ component: 'admission', event: 'failed', err: String(e) }, message);
    return conversion
      ? conversionFailure(uidOf(review), message)
      : admissionFailure(uidOf(review), { code: 500, reason: 'InternalError', message });
  }
}

/** The body, or undefined once it exceeds limit (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function finish(res: ServerResponse, status: number, body: unknown, closeAfter = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(closeAfter ? { connection: 'close' } : {}),
  });
  res.end(text);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
