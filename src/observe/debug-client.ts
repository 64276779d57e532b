// Reads a speaker's debug endpoints: `http://host:port` or `unix:/path/to.sock` (the lab's
// speakers listen on both). Used by `herald status` and the lab's visualizer proxy.
import { request } from 'node:http';

export interface SpeakerAddress {
  readonly socketPath?: string;
  readonly host?: string;
  readonly port?: number;
}

/** `http://host:port[/]`, `host:port` or `unix:/path`. */
export function parseSpeakerAddress(spec: string): SpeakerAddress {
  if (spec.startsWith('unix:')) return { socketPath: spec.slice('unix:'.length) };
  const url = new URL(/^https?:\/\//.test(spec) ? spec : `http://${spec}`);
  if (url.protocol !== 'http:') throw new Error(`unsupported speaker URL "${spec}": use http:// or unix:`);
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) };
}

export function getJson(address: SpeakerAddress, path: string, timeoutMs = 3000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request({ ...address, path, method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch {
          reject(new Error(`${path}: HTTP ${res.statusCode ?? '?'}, not JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
