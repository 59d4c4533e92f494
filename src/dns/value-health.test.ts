import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DnsRecordConfig } from '../config/dns.js';
import { fillTemplate, ValueHealth } from './value-health.js';
import type { Observation } from './quorum.js';

const check = {
  type: 'http' as const, path: '/healthz?deep=1', method: 'GET' as const, interval: 60_000, unhealthyInterval: 60_000, timeout: 2_000,
  healthyThreshold: 2, unhealthyThreshold: 2, jitter: 0, expect: { status: [[200, 299]] as Array<[number, number]>, bodyContains: undefined, bodyNotContains: 'InternalError' }, host: 'api.example.com',
};

describe('fillTemplate', () => {
  it('puts an IPv6 value in brackets, once', () => {
    assert.equal(fillTemplate('http://{value}:8080/h', '2001:db8::1', 'AAAA'), 'http://[2001:db8::1]:8080/h');
    assert.equal(fillTemplate('http://[{value}]:8080/h', '2001:db8::1', 'AAAA'), 'http://[2001:db8::1]:8080/h');
    assert.equal(fillTemplate('https://{value}/h', 'cdn-a.example.net', 'CNAME'), 'https://cdn-a.example.net/h');
  });
});

describe('ValueHealth (real HTTP checks through the gateway health checker)', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  it('checks each value with the path, Host header and expect rules of the record', async () => {
    const seen: Array<{ url: string | undefined; host: string | undefined }> = [];
    const v6 = createServer((req, res) => { seen.push({ url: req.url, host: req.headers.host }); res.end('ok'); }).listen(0, '::1');
    await once(v6, 'listening');
    const port = (v6.address() as AddressInfo).port;
    // The same port on 127.0.0.1 answers with a cloud error envelope in a 200 body.
    const v4 = createServer((_req, res) => res.end('{"Response":{"Error":{"Code":"InternalError"}}}')).listen(port, '127.0.0.1');
    await once(v4, 'listening');
    servers.push(v6, v4);
    const rec = (type: 'A' | 'AAAA', value: string): DnsRecordConfig => ({
      name: `${type.toLowerCase()}.example.com`, type, ttl: undefined, adopt: false,
      health: { url: `http://{value}:${port}/healthz?deep=1`, check }, pools: [{ priority: 0, values: [value] }],
    });
    const obs: Observation[] = [];
    const vh = new ValueHealth({
      records: [rec('AAAA', '::1'), rec('A', '127.0.0.1')], observer: 'here', clock: { now: () => Date.now() },
      onObservation: (o) => obs.push(o),
    });
    await vh.checkOnce();
    await vh.stop();
    const by = Object.fromEntries(obs.map((o) => [o.value, o]));
    assert.equal(by['::1']?.healthy, true);
    assert.equal(by['127.0.0.1']?.healthy, false);
    assert.match(by['127.0.0.1']!.reason, /body contains "InternalError"/);
    assert.deepEqual(seen, [{ url: '/healthz?deep=1', host: 'api.example.com' }]);
  });
});
