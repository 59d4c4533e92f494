import type { Socket } from 'node:net';
import { CRLF, LAST_CHUNK, chunkHeader } from './body.js';
import { PoolError } from './pool-errors.js';
import type { UpstreamRequest } from './upstream-request.js';

/** How the request body goes on the wire, decided while the head is built. */
export interface BodyPlan {
  chunked: boolean;
  /** The declared Content-Length, when the caller gave one. */
  length: number | undefined;
}

/** Methods whose requests define a meaning for content (RFC 9110 §9.3.3–§9.3.4, RFC 5789). */
const PAYLOAD_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Builds the request head as ONE latin1 string (request-line, fields, blank line), so it
 * leaves in a single `socket.write` without a Buffer per field. Fields are written as
 * given: the proxy validated them and removed hop-by-hop ones. What HTTP/1.1 needs on
 * top is added here: Host (RFC 9112 §3.2), Connection/Upgrade (RFC 9110 §7.8) and the
 * body framing (RFC 9112 §6.1–§6.2) into `plan`.
 */
export function requestHead(req: UpstreamRequest, hostHeader: string, plan: BodyPlan): string {
  const { method, path, headers, upgrade, body } = req.opts;
  let fields = '';
  let host = false;
  let length: number | undefined;
  let te = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const value = headers[i + 1]!;
    fields += `${name}: ${value}\r\n`;
    // Only a few lengths can be the fields this layer cares about: skip toLowerCase otherwise.
    if (name.length === 4) host ||= name.toLowerCase() === 'host';
    else if (name.length === 14 && name.toLowerCase() === 'content-length') length = Number(value);
    else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') te = true;
  }
  // RFC 9112 §3.2: a client SHOULD send Host as the first field after the request-line.
  let head = host ? `${method} ${path} HTTP/1.1\r\n${fields}` : `${method} ${path} HTTP/1.1\r\nhost: ${hostHeader}\r\n${fields}`;
  if (upgrade !== undefined) head += `connection: upgrade\r\nupgrade: ${upgrade}\r\n`;
  plan.length = length;
  plan.chunked = false;
  if (body != null) {
    // RFC 9112 §6.1: without a length, a streamed body must be chunked.
    if (length === undefined) {
      plan.chunked = true;
      if (!te) head += 'transfer-encoding: chunked\r\n';
    }
  } else if (length === undefined && !te && PAYLOAD_METHODS.has(method)) {
    // RFC 9110 §8.6: a user agent SHOULD send Content-Length when the method defines content.
    head += 'content-length: 0\r\n';
  }
  return head + '\r\n';
}

/** What the body pump needs from the connection it writes to. */
export interface BodySink {
  readonly socket: Socket;
  /** Still worth writing for `req`? False once the response ended or the socket is gone. */
  writing(req: UpstreamRequest): boolean;
  /** Resolves on 'drain' (or when the connection goes away). */
  drained(): Promise<void>;
  bodyFailed(req: UpstreamRequest, err: Error): void;
  bodySent(req: UpstreamRequest): void;
}

/**
 * Streams the request body with backpressure: waits for 'drain' whenever the socket's
 * buffer is full, so a slow upstream slows the source instead of filling memory. Stops
 * pulling (and closes the source through `return()`) once the response has ended or the
 * connection is gone: RFC 9112 §9.5 asks a client to stop sending a body the server
 * answered early.
 */
export async function pumpBody(sink: BodySink, req: UpstreamRequest, body: AsyncIterable<Buffer>, plan: BodyPlan): Promise<void> {
  const socket = sink.socket;
  let sent = 0;
  try {
    for await (const chunk of body) {
      if (!sink.writing(req)) return;
      if (chunk.length === 0) continue; // a zero-size chunk would end a chunked body
      sent += chunk.length;
      if (plan.length !== undefined && sent > plan.length) throw mismatch(plan.length);
      if (plan.chunked) {
        // One writev for size line, data and CRLF (RFC 9112 §7.1).
        socket.cork();
        socket.write(chunkHeader(chunk.length), 'latin1');
        socket.write(chunk);
        socket.write(CRLF);
        socket.uncork();
      } else socket.write(chunk);
      if (socket.writableNeedDrain) await sink.drained();
    }
    if (!sink.writing(req)) return;
    if (plan.length !== undefined && sent !== plan.length) throw mismatch(plan.length);
    if (plan.chunked) socket.write(LAST_CHUNK);
  } catch (err) {
    sink.bodyFailed(req, err instanceof Error ? err : new Error(String(err)));
    return;
  }
  sink.bodySent(req);
}

function mismatch(length: number): PoolError {
  return new PoolError('UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', `request body does not match its Content-Length (${length})`);
}
