// One API "domain" for the browser test: a real HTTP server on 127.0.0.1 (port 0 unless given) that
// answers `<name> <METHOD> <path>` with the CORS headers a cross-origin page needs (the page and each
// API are different origins: different ports). Runs as its own process so the test can SIGKILL it.
// Prints {"port":N} once listening, then one JSON line per request it receives.
import { createServer } from 'node:http';

const name = process.argv[2] ?? 'api';
const port = Number(process.argv[3] ?? 0);
const log = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    log({ method: req.method, url: req.url, key: req.headers['idempotency-key'] ?? null, body: Buffer.concat(chunks).toString() });
    const cors = {
      'access-control-allow-origin': '*',
      // Without this a cross-origin script cannot read Retry-After (it is not a CORS-safelisted header).
      'access-control-expose-headers': 'retry-after',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        'access-control-allow-methods': 'GET, POST, PUT, DELETE',
        'access-control-allow-headers': 'content-type, idempotency-key',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    res.writeHead(200, { ...cors, 'content-type': 'text/plain' });
    res.end(`${name} ${req.method} ${req.url}`);
  });
});
server.listen(port, '127.0.0.1', () => log({ port: server.address().port }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
