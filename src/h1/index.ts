// HTTP/1.1 on raw sockets, both directions: the proxy's listeners (H1Server) and its
// upstream connection pools (Pool). Parsing follows RFC 9112 strictly (see head.ts).
export { H1Server, type H1ServerOptions } from './server.js';
export type { ServerHandlers } from './server-conn.js';
export { Exchange } from './exchange.js';
export { RequestBody } from './request-body.js';
export { Pool, type PoolOptions, type DispatchOptions, type UpstreamHandler } from './pool.js';
export { H1ParseError } from './errors.js';
export type { Fields, RequestHead, ResponseHead } from './head.js';
