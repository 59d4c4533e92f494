import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, describeConfig, parseConfig } from './index.js';
import { Secret } from './dns.js';

const env = { CF_TOKEN: 'cf-secret-token', TC_ID: 'AKIDtc', TC_KEY: 'tc-secret-key', TSIG: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0' };
const ISSUE_EXAMPLE = `
dns:
  zone: example.com
  ttl: 60
  providers:
    - { name: cf,      type: cloudflare, token: \${CF_TOKEN}, zoneId: 023e105f4ecef8ad9ca31a8372d0c353 }
    - { name: dnspod,  type: tencent-dnspod, secretId: \${TC_ID}, secretKey: \${TC_KEY} }
    - { name: alidns,  type: alibaba, accessKeyId: LTAI, accessKeySecret: \${TC_KEY} }
    - { name: r53,     type: route53, hostedZoneId: Z123, region: us-east-1 }
    - { name: own,     type: rfc2136, server: 127.0.0.1:53, tsig: { name: k, algorithm: hmac-sha256, secret: \${TSIG} } }
  records:
    - name: api
      type: A
      health: { url: "http://{value}:8080/healthz", host: api.example.com, interval: 5s,
                timeout: 2s, unhealthyThreshold: 2, healthyThreshold: 3 }
      pools:
        - { priority: 0, values: [203.0.113.10, 203.0.113.11] }
        - { priority: 1, values: [198.51.100.7] }
    - { name: www, type: CNAME, health: {url: "https://{value}/healthz"},
        pools: [{priority: 0, values: [cdn-a.example.net]}, {priority: 1, values: [cdn-b.example.net]}] }
`;

const parse = (yaml: string, e: Record<string, string> = env) => parseConfig(yaml, 'detour.yaml', e, { baseDir: '/etc/detour' });
function issues(yaml: string, e: Record<string, string> = env): string[] {
  try {
    parse(yaml, e);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message.split('\n');
  }
  assert.fail('expected a ConfigError');
}

describe('dns config', () => {
  it('reads the example of the issue, with no services (DNS controller only)', () => {
    const cfg = parse(ISSUE_EXAMPLE);
    const dns = cfg.dns!;
    assert.equal(cfg.services.length, 0);
    assert.equal(dns.zone, 'example.com');
    assert.deepEqual(dns.providers.map((p) => [p.name, p.type]), [['cf', 'cloudflare'], ['dnspod', 'tencent-dnspod'], ['alidns', 'alibaba'], ['r53', 'route53'], ['own', 'rfc2136']]);
    const own = dns.providers[4]!;
    assert.ok(own.type === 'rfc2136');
    assert.deepEqual([own.host, own.port, own.zone, own.tsig?.name, own.tsig?.algorithm, own.tsig?.secret.reveal()], ['127.0.0.1', 53, 'example.com', 'k', 'hmac-sha256', env.TSIG]);
    const dnspod = dns.providers[1]!;
    assert.ok(dnspod.type === 'tencent-dnspod');
    assert.equal(dnspod.recordLine, '默认');
    const [api, www] = dns.records;
    assert.equal(api?.name, 'api.example.com');
    assert.deepEqual(api?.pools, [{ priority: 0, values: ['203.0.113.10', '203.0.113.11'] }, { priority: 1, values: ['198.51.100.7'] }]);
    assert.deepEqual([api?.health?.check.interval, api?.health?.check.timeout, api?.health?.check.healthyThreshold, api?.health?.check.path, api?.health?.check.host], [5000, 2000, 3, '/healthz', 'api.example.com']);
    assert.equal(www?.name, 'www.example.com');
    assert.equal(www?.health?.url, 'https://{value}/healthz');
    assert.equal(dns.audit.path, '/etc/detour/detour-dns-audit.jsonl');
    assert.deepEqual(dns.safety, { maxChangeShare: 0.3, minExisting: 10 });
    assert.equal(dns.quorum, 1);
  });

  it('never shows a secret in detour check output, and shows that one is set', () => {
    const plan = describeConfig(parse(ISSUE_EXAMPLE));
    const text = JSON.stringify(plan);
    for (const s of [env.CF_TOKEN, env.TC_KEY, env.TSIG]) assert.ok(!text.includes(s), 'secret leaked');
    const providers = (plan['dns'] as { providers: Array<Record<string, unknown>> }).providers;
    assert.equal(providers[0]!['token'], '[redacted]');
    assert.equal(providers[1]!['secretKey'], '[redacted]');
    assert.equal(providers[3]!['accessKeyId'], null, 'not set: null, not "[redacted]"');
    assert.equal(String(new Secret('x')), '[redacted]');
    assert.equal(JSON.stringify({ s: new Secret('x') }), '{"s":"[redacted]"}');
  });

  it('reports every problem with file:line:column and field path, and names only the variable', () => {
    const lines = issues(`dns:
  zone: example.com
  quorum: most
  providers:
    - { name: cf, type: cloudflare, zoneId: z, token: \${MISSING} }
    - { name: r53, type: route53, hostedZoneId: Z, accessKeyId: AKIA }
    - { name: own, type: rfc2136, server: "127.0.0.1:99999", tsig: { name: k, secret: "not base64!" } }
    - { name: x, type: bind }
  records:
    - { name: api, type: A, values: [300.1.1.1] }
    - { name: api, type: CNAME, values: [a.example.net] }
    - { name: web, type: A, health: { url: "http://x/healthz" }, values: [192.0.2.1] }
    - { name: ns, type: NS, health: { url: "http://{value}/" }, values: [ns1.example.net] }
    - { name: out.other.org., type: A, values: [192.0.2.1] }
`, {});
    const expect = [
      /^detour\.yaml:3:11: dns\.quorum: must be a whole number of vantage points or "majority" \(got "most"\)$/,
      /^detour\.yaml:5:55: dns\.providers\[0\]\.token: environment variable MISSING is not set/,
      /^detour\.yaml:6:7: dns\.providers\[1\]: route53 needs both accessKeyId and secretAccessKey/,
      /^detour\.yaml:7:43: dns\.providers\[2\]\.server: invalid server "127\.0\.0\.1:99999"/,
      /^detour\.yaml:7:87: dns\.providers\[2\]\.tsig\.secret: tsig secret is not valid base64$/,
      /^detour\.yaml:8:24: dns\.providers\[3\]\.type: must be one of cloudflare, tencent-dnspod, alibaba, route53, rfc2136 \(got "bind"\)/,
      /^detour\.yaml:10:38: dns\.records\[0\]\.values\[0\]: invalid A value "300\.1\.1\.1" \(an IPv4 address\)$/,
      /^detour\.yaml:11:15: dns\.records\[1\]\.name: api\.example\.com cannot have a CNAME and another record type/,
      /^detour\.yaml:12:44: dns\.records\[2\]\.health\.url: must contain \{value\}/,
      /^detour\.yaml:13:37: dns\.records\[3\]\.health: health checks apply to A, AAAA and CNAME records, not NS$/,
      /^detour\.yaml:14:15: dns\.records\[4\]\.name: out\.other\.org is not inside the zone example\.com$/,
    ];
    assert.equal(lines.length, expect.length, lines.join('\n'));
    expect.forEach((re, i) => assert.match(lines[i]!, re));
  });

  it('keeps secrets out of messages even when the value is wrong', () => {
    const lines = issues(`dns:
  zone: example.com
  providers: [{ name: own, type: rfc2136, server: 127.0.0.1, tsig: { name: k, secret: "\${BAD}" } }]
  records: [{ name: api, type: A, values: [192.0.2.1] }]
`, { BAD: 'p@ss word!' });
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]!.includes('p@ss'), lines[0]);
  });

  it('fills defaults: port 53, the zone per provider, AAAA values compressed, apex "@"', () => {
    const dns = parse(`dns:
  zone: Example.COM.
  quorum: majority
  providers: [{ name: own, type: rfc2136, server: "::1" }]
  records:
    - { name: "@", type: AAAA, values: ["2001:DB8:0:0::1"], health: { url: "http://{value}:8080/", timeout: 100ms, interval: 1s } }
`).dns!;
    const own = dns.providers[0]!;
    assert.ok(own.type === 'rfc2136');
    assert.deepEqual([own.host, own.port, own.zone, own.tsig], ['::1', 53, 'example.com', undefined]);
    assert.equal(dns.quorum, 'majority');
    assert.deepEqual(dns.records[0]?.pools[0]?.values, ['2001:db8::1']);
    assert.equal(dns.records[0]?.name, 'example.com');
    assert.equal(dns.records[0]?.health?.check.timeout, 100);
  });

  it('refuses a CNAME at the apex and a check timeout not shorter than its interval', () => {
    const lines = issues(`dns:
  zone: example.com
  providers: [{ name: own, type: rfc2136, server: 127.0.0.1 }]
  records:
    - { name: "@", type: CNAME, values: [a.example.net] }
    - { name: b, type: A, values: [192.0.2.1], health: { url: "http://{value}/", interval: 1s, timeout: 1s } }
`);
    assert.match(lines[0]!, /:5:15: dns\.records\[0\]\.name: a CNAME cannot be at the zone apex/);
    assert.match(lines[1]!, /dns\.records\[1\]\.health\.timeout: timeout \(1000ms\) must be shorter than interval \(1000ms\)/);
  });
});
