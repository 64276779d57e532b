// The speaker's HTTP listener: /metrics (Prometheus text) and /healthz. Read-only.
import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export async function startMetricsServer(listen: string, registry: Registry): Promise<Server> {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(listen);
  if (!match) throw new Error(`invalid --metrics-listen "${listen}": expected addr:port`);
  const [, host = '', port = '0'] = match;
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(text);
        })
        .catch((error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        });
    } else if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), host || undefined, () => resolve());
  });
  return server;
}
