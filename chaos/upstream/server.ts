/**
 * One simulated cloud endpoint: a real HTTP server in its own process, started by the
 * suite inside the cloud's network namespace (`ip netns exec … node --import tsx
 * chaos/upstream/server.ts '<spec json>'`). The suite switches its behaviour over IPC
 * and kills it with SIGKILL for the `kill` fault. Every request is logged synchronously
 * on arrival (so a POST that reached it is on disk even if it is killed a moment later):
 * that log is how the suite proves a POST never arrived twice.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { grayEnvelope, hashName, prng } from './envelopes.js';
import type { Arrival, FromUpstream, Mode, ToUpstream, UpstreamSpec } from './protocol.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as UpstreamSpec;
if (!spec.name || !spec.host || spec.port === undefined || !spec.log || typeof process.send !== 'function') {
  process.stderr.write('chaos upstream: start me from the suite (spec JSON argument and an IPC channel are required)\n');
  process.exit(2);
}

const send = (m: FromUpstream): void => {
  process.send?.(m);
};
let mode: Mode = { kind: 'ok' };
let gray: () => number = Math.random;
let logFd = openSync(spec.log, 'a');
let port = spec.port;
let listening = false;
const sockets = new Set<Socket>();
const held = new Set<ServerResponse>();

const server = createServer(handle);
// Longer than any proxy's idle upstream keep-alive (nginx 60 s, undici from this hint),
// so no proxy ever reuses a connection this server is closing: that race would be an
// artefact of the test bench, not a cloud fault.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.requestTimeout = 0;
server.on('connection', (s: Socket) => {
  sockets.add(s);
  s.on('close', () => sockets.delete(s));
});

function record(req: IncomingMessage, answer: Arrival['answer']): void {
  const id = header(req, 'x-chaos-id') ?? '-';
  writeSync(logFd, `${Date.now()}\t${req.method ?? ''}\t${id}\t${answer}\t${(req.url ?? '').split('?')[0]}\n`);
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const health = (req.url ?? '').startsWith('/healthz');
  const m = mode;
  if (m.kind === 'hang') {
    record(req, 'hang');
    held.add(res);
    res.on('close', () => held.delete(res));
    req.resume();
    return;
  }
  const isGray = !health && m.kind === 'gray' && gray() < m.share;
  record(req, health ? 'health' : isGray ? 'gray' : m.kind === 'slow' ? 'slow' : 'ok');
  req.resume();
  const answer = (): void => {
    if (res.destroyed) return;
    const id = header(req, 'x-chaos-id') ?? '-';
    if (isGray && m.kind === 'gray') {
      const e = grayEnvelope(m.provider, `chaos-${id}`);
      res.writeHead(e.status, { 'content-type': e.contentType, 'x-served-by': spec.name });
      res.end(e.body);
      return;
    }
    const body = health ? 'ok\n' : JSON.stringify({ ok: true, endpoint: spec.name, cloud: spec.cloud, id, method: req.method }) + '\n';
    res.writeHead(200, { 'content-type': health ? 'text/plain' : 'application/json', 'x-served-by': spec.name });
    res.end(body);
  };
  req.once('end', () => {
    if (m.kind === 'slow') setTimeout(answer, m.delayMs);
    else answer();
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function listen(): Promise<void> {
  if (listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: spec.host, exclusive: true }, () => {
      server.off('error', reject);
      listening = true;
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
}

function goDown(): void {
  if (listening) server.close();
  listening = false;
  // RST, like a process that died: the kernel answers the next SYN with RST too.
  for (const s of sockets) s.resetAndDestroy();
  sockets.clear();
  held.clear();
}

async function apply(next: Mode): Promise<void> {
  mode = next;
  if (next.kind === 'gray') gray = prng(next.seed ^ hashName(spec.name));
  if (next.kind === 'down') goDown();
  else await listen();
}

process.on('message', (raw: ToUpstream) => {
  void (async () => {
    try {
      if (raw.type === 'reset') {
        for (const r of held) r.socket?.destroy();
        held.clear();
        closeSync(logFd);
        logFd = openSync(raw.log, 'a');
        await apply({ kind: 'ok' });
      } else {
        await apply(raw.mode);
      }
      send({ type: 'ack', seq: raw.seq });
    } catch (err) {
      send({ type: 'fatal', message: (err as Error).message });
    }
  })();
});
// The suite went away (even by SIGKILL): the IPC pipe closes, and this server must not outlive it.
process.on('disconnect', () => process.exit(0));

listen().then(
  () => send({ type: 'ready', port }),
  (err: Error) => {
    send({ type: 'fatal', message: `cannot listen on ${spec.host}:${port}: ${err.message}` });
    process.exit(1);
  },
);
