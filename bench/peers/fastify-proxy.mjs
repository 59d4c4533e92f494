// Peer under test: @fastify/http-proxy with its defaults (undici keep-alive pool, no logger),
// as in the plugin's README example. Usage: node bench/peers/fastify-proxy.mjs PORT UPSTREAM_URL
import Fastify from 'fastify';
import proxy from '@fastify/http-proxy';

const [port, upstream] = process.argv.slice(2);
if (!port || !upstream) throw new Error('usage: fastify-proxy.mjs PORT UPSTREAM_URL');
const app = Fastify({ logger: false });
await app.register(proxy, { upstream });
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.once('SIGTERM', () => app.close().then(() => process.exit(0)));
