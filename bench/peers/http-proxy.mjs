// Peer under test: node-http-proxy (http-proxy@1) in front of node:http, with a keep-alive
// agent (the README's `agent` option; without one every request opens a new upstream
// connection, which would be an unfair comparison). Usage: node bench/peers/http-proxy.mjs PORT UPSTREAM_URL
import { Agent, createServer } from 'node:http';
import httpProxy from 'http-proxy';

const [port, upstream] = process.argv.slice(2);
if (!port || !upstream) throw new Error('usage: http-proxy.mjs PORT UPSTREAM_URL');
const proxy = httpProxy.createProxyServer({ target: upstream, agent: new Agent({ keepAlive: true, maxSockets: 256 }) });
proxy.on('error', (_err, _req, res) => {
  if ('writeHead' in res && !res.headersSent) res.writeHead(502);
  res.end();
});
const server = createServer((req, res) => proxy.web(req, res));
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
