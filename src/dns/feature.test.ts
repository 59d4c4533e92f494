import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../common/index.js';
import { parseConfig, type DetourConfig } from '../config/index.js';
import type { DetourEvent } from '../model/index.js';
import { DnsFeature } from './feature.js';
import { flush, MemoryAudit, MemoryProvider } from './testing.js';

const yaml = (value: string, secret = 's1') => `
listen: 127.0.0.1:0
dns:
  zone: example.com
  providers: [{ name: own, type: rfc2136, server: 127.0.0.1, tsig: { name: k, secret: ${Buffer.from(secret).toString('base64')} } }]
  records: [{ name: api, type: A, values: [${value}] }]
`;
const cfg = (value: string, secret?: string): DetourConfig => parseConfig(yaml(value, secret), 'x.yaml', {});

describe('DnsFeature', () => {
  it('runs the controller, serves /api/dns, and rebuilds it only when the dns section changed', async () => {
    const made: MemoryProvider[] = [];
    const f = new DnsFeature(cfg('192.0.2.1').dns!, {
      providers: () => { const p = new MemoryProvider('own'); made.push(p); return [p]; },
      audit: () => new MemoryAudit(),
    });
    const host = { bus: new EventBus<DetourEvent>(), observer: 'test' };
    await f.start(host);
    const first = f.controller;
    await f.controller?.reconcilers[0]?.idle();
    await new Promise((r) => setTimeout(r, 20));
    await flush();
    assert.deepEqual(made[0]?.get('api.example.com', 'A')?.values, ['192.0.2.1']);

    const route = f.routes()[0]!;
    assert.deepEqual([route.method, route.path, route.auth], ['GET', '/api/dns', undefined]);
    let sent: unknown;
    await route.handle({ send: (_s: number, b: unknown) => (sent = b) } as never);
    assert.equal((sent as { zone: string }).zone, 'example.com');

    await f.reload(cfg('192.0.2.1'));
    assert.equal(f.controller, first, 'same config: same controller');
    await f.reload(cfg('192.0.2.1', 's2'));
    assert.notEqual(f.controller, first, 'a changed secret counts as a change');
    await f.reload(cfg('192.0.2.2'));
    assert.equal(made.length, 3, 'one provider set at construction, one per changed reload');
    await f.reload({ ...cfg('192.0.2.2'), dns: undefined });
    assert.equal(f.controller, undefined);
    await f.stop();
  });
});
