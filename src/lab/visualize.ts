// `herald lab visualize`: one local address for every lab speaker's debug pages. The speakers
// live in network namespaces the host cannot reach, but their unix sockets are plain files:
// this proxy serves /<node>/<path> from /run/herald-lab/<id>/<node>.sock, on loopback only.
import { createServer, request, type Server } from 'node:http';
import { speakerSocket } from './system.js';

export function nodeIndex(nodes: readonly string[]): string {
  const items = nodes.map(
    (n) =>
      `<li><a href="/${n}/debug/statecharts">${n}</a> · <a href="/${n}/debug/state">state</a> · <a href="/${n}/metrics">metrics</a></li>`,
  );
  return `<!doctype html><meta charset="utf-8"><title>Herald lab</title><h1>Herald lab speakers</h1><ul>${items.join('')}</ul>`;
}

export async function startLabProxy(id: string, nodes: readonly string[], port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const match = /^\/([^/]+)(\/.*)$/.exec(url);
    if (!match || !nodes.includes(match[1] ?? '')) {
      res.writeHead(url === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(nodeIndex(nodes));
      return;
    }
    const [, node = '', path = '/'] = match;
    const upstream = request(
      { socketPath: speakerSocket(id, node), path, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`${node}: speaker not reachable (${error.message})\n`);
    });
    // The browser went away (an event stream ends only so): stop reading the speaker.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}
