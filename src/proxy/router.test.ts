import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router, normalizeHost } from './router.js';
import type { ServiceRuntime } from './service.js';

/** The router reads only `name` and `config.match`. */
function svc(name: string, hosts: string[], pathPrefix = '/'): ServiceRuntime {
  return { name, config: { match: { hosts, pathPrefix } } } as unknown as ServiceRuntime;
}
const nameOf = (s: ServiceRuntime | undefined) => s?.name;

describe('Router', () => {
  const router = new Router([
    svc('api-root', ['api.example.com']),
    svc('api-v2', ['api.example.com'], '/v2/'),
    svc('api-v2-admin', ['api.example.com', 'admin.example.com'], '/v2/admin/'),
    svc('ipv6', ['[2001:db8::1]'], '/'),
    svc('catch-all', [], '/'),
    svc('catch-all-static', [], '/static/'),
  ]);

  it('routes by host and the longest matching path prefix', () => {
    assert.equal(nameOf(router.match('api.example.com', '/v2/admin/users')), 'api-v2-admin');
    assert.equal(nameOf(router.match('api.example.com', '/v2/items?x=1')), 'api-v2');
    assert.equal(nameOf(router.match('api.example.com', '/v1/items')), 'api-root');
    assert.equal(nameOf(router.match('admin.example.com', '/v2/admin/')), 'api-v2-admin');
  });

  it('does not depend on the order services were declared in', () => {
    const r = new Router([svc('short', ['h.example'], '/a'), svc('long', ['h.example'], '/a/b')]);
    const reversed = new Router([svc('long', ['h.example'], '/a/b'), svc('short', ['h.example'], '/a')]);
    for (const x of [r, reversed]) {
      assert.equal(nameOf(x.match('h.example', '/a/b/c')), 'long');
      assert.equal(nameOf(x.match('h.example', '/a/c')), 'short');
    }
  });

  it('sends hosts without a service of their own to the catch-all services, longest prefix first', () => {
    assert.equal(nameOf(router.match('other.example.com', '/static/app.js')), 'catch-all-static');
    assert.equal(nameOf(router.match('other.example.com', '/index.html')), 'catch-all');
  });

  it('falls back to catch-all services when the host matches but no prefix of its services does', () => {
    assert.equal(nameOf(router.match('admin.example.com', '/static/x')), 'catch-all-static');
    assert.equal(nameOf(router.match('admin.example.com', '/login')), 'catch-all');
  });

  it('uses catch-all services for a request without a Host', () => {
    assert.equal(nameOf(router.match(undefined, '/static/x')), 'catch-all-static');
    assert.equal(nameOf(router.match('', '/x')), 'catch-all');
  });

  it('matches a Host header that carries a port or upper-case letters', () => {
    assert.equal(nameOf(router.match('API.Example.COM:8443', '/v2/x')), 'api-v2');
    assert.equal(nameOf(router.match('api.example.com:80', '/')), 'api-root');
  });

  it('matches an IPv6 literal Host with or without a port', () => {
    assert.equal(nameOf(router.match('[2001:db8::1]:8080', '/')), 'ipv6');
    assert.equal(nameOf(router.match('[2001:DB8::1]', '/')), 'ipv6');
  });

  it('answers undefined when nothing matches and there is no catch-all', () => {
    const r = new Router([svc('only', ['a.example'], '/api/')]);
    assert.equal(r.match('a.example', '/web'), undefined);
    assert.equal(r.match('b.example', '/api/x'), undefined);
  });

  it('matches a Host with the root trailing dot like the configured host', () => {
    assert.equal(nameOf(router.match('api.example.com.', '/v2/x')), 'api-v2');
    assert.equal(nameOf(router.match('api.example.com.:443', '/v2/x')), 'api-v2');
  });
});

describe('normalizeHost', () => {
  it('lower-cases and strips the port', () => {
    assert.equal(normalizeHost('Example.COM:8080'), 'example.com');
    assert.equal(normalizeHost('example.com'), 'example.com');
    assert.equal(normalizeHost('10.0.0.1:80'), '10.0.0.1');
  });

  it('keeps the brackets of an IPv6 literal and strips its port', () => {
    assert.equal(normalizeHost('[::1]:8080'), '[::1]');
    assert.equal(normalizeHost('[FE80::1]'), '[fe80::1]');
  });
});
