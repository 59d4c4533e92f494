import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EffectiveHealth } from '../model/index.js';
import { poolLevel, providerLevels, serviceLevel, type PoolHealth } from './levels.js';

const pool = (priority: number, provider: string | null, ...health: EffectiveHealth[]): PoolHealth => ({ priority, provider, endpoints: health.map((h) => ({ health: h })) });

describe('level roll-up', () => {
  it('rates a pool up, degraded or down by its endpoints that are not drained', () => {
    assert.equal(poolLevel(pool(0, null, 'healthy', 'healthy')), 'up');
    assert.equal(poolLevel(pool(0, null, 'healthy', 'ejected')), 'degraded');
    assert.equal(poolLevel(pool(0, null, 'unhealthy', 'ejected')), 'down');
    assert.equal(poolLevel(pool(0, null, 'healthy', 'drained')), 'up');
    assert.equal(poolLevel(pool(0, null, 'drained')), 'up');
  });

  it('rates a service down only when nothing is healthy, and degraded when its preferred tier lost an endpoint', () => {
    assert.equal(serviceLevel([pool(0, 'tencent', 'healthy'), pool(1, 'aliyun', 'unhealthy')]), 'up');
    assert.equal(serviceLevel([pool(0, 'tencent', 'ejected'), pool(1, 'aliyun', 'healthy')]), 'degraded');
    assert.equal(serviceLevel([pool(0, 'tencent', 'ejected', 'healthy'), pool(1, 'aliyun', 'healthy')]), 'degraded');
    assert.equal(serviceLevel([pool(0, 'tencent', 'ejected'), pool(1, 'aliyun', 'unhealthy')]), 'down');
    // An operator drained the primary: traffic on the backup is planned, not an outage.
    assert.equal(serviceLevel([pool(0, 'tencent', 'drained'), pool(1, 'aliyun', 'healthy')]), 'up');
  });

  it('rates a provider down only when every pool it hosts is down', () => {
    const levels = providerLevels([pool(0, 'tencent', 'ejected'), pool(0, 'tencent', 'healthy'), pool(1, 'aliyun', 'unhealthy'), pool(2, null, 'unhealthy')]);
    assert.deepEqual([...levels], [['tencent', 'degraded'], ['aliyun', 'down']]);
  });
});
