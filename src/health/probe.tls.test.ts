import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { HttpProbeConfig } from './probe.js';
import { probeHttp } from './probe.js';

// Test-only self-signed certificate for "localhost" (valid 2020–2119). Never used outside this test.
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgMHkuJYVeENUDX+pJ
w5qmFywMzSCEmS+3yMW443kW44GhRANCAASTIL8h7v+EnoRM4t5lWQvBfnYNH9UA
L0KETUFecdN6SPlJ3QxoxEkMffXYvDYBs6An5zsRgs1c8tl9/n6TKxE+
-----END PRIVATE KEY-----`;
const CERT = `-----BEGIN CERTIFICATE-----
MIIBbTCCARSgAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwIBcNMjAwMTAxMDAwMDAwWhgPMjExOTEyMzEwMDAwMDBaMBQxEjAQBgNVBAMM
CWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJMgvyHu/4SehEzi
3mVZC8F+dg0f1QAvQoRNQV5x03pI+UndDGjESQx99di8NgGzoCfnOxGCzVzy2X3+
fpMrET6jVTBTMBQGA1UdEQQNMAuCCWxvY2FsaG9zdDAPBgNVHRMBAf8EBTADAQH/
MAsGA1UdDwQEAwIChDAdBgNVHQ4EFgQUvYE6vGmCK3liEEQoxtN6Ss0TUT0wCgYI
KoZIzj0EAwIDRwAwRAIgHDBkVyFAPXgzXkm7PogOeUqwFU91pZfLx/jqgaX2CTQC
ICCyMEzMq4EvefYm+rVWooEc2VA4d2DMwPJ8q1Chck+e
-----END CERTIFICATE-----`;

const cfg: HttpProbeConfig = {
  path: '/healthz', method: 'GET', timeout: 2000, host: undefined,
  expect: { status: [[200, 399]], bodyContains: undefined, bodyNotContains: undefined },
};

describe('probeHttp over TLS', () => {
  let sni: string | undefined;
  const server = https.createServer({ key: KEY, cert: CERT }, (_req, res) => res.end('ok'));
  server.on('secureConnection', (s) => (sni = s.servername || undefined));
  let url: URL;
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('verifies the certificate by default and fails an untrusted one in the tls phase', async () => {
    const r = await probeHttp({ url, servername: 'localhost' }, cfg);
    assert.equal(!r.ok && r.reason, 'tls DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(!r.ok && r.evidence.errorCode, 'DETOUR_UPSTREAM_CONNECT');
  });

  it('passes when the pool CA is trusted and the servername matches, sending it as SNI', async () => {
    const r = await probeHttp({ url, servername: 'localhost', ca: CERT }, cfg);
    assert.equal(r.ok, true);
    assert.equal(sni, 'localhost');
  });

  it('fails a trusted certificate whose name does not match', async () => {
    const r = await probeHttp({ url, servername: 'api.example.com', ca: CERT }, cfg);
    assert.equal(!r.ok && r.reason, 'tls ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('derives SNI from the Host header when no servername is given', async () => {
    const r = await probeHttp({ url, host: 'localhost:8443', ca: CERT }, cfg);
    assert.equal(r.ok, true);
    assert.equal(sni, 'localhost');
  });

  it('skips verification when insecure', async () => {
    assert.equal((await probeHttp({ url, insecure: true }, cfg)).ok, true);
  });
});
