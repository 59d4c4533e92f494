import type { DetourEvent, EffectiveHealth } from '../../src/model/index.js';

/**
 * A scripted 90-day history for the status page tests and screenshots, shaped like the
 * 2024-04-08 Tencent Cloud outage: InternalError on the primary cloud, failover to the
 * backup, a partial recovery of one endpoint, full recovery 87 minutes after the start.
 */
const DAY = 86_400_000;
const MIN = 60_000;

export interface Layout {
  api: { primary: [string, string]; backup: string };
  console: { primary: string; backup: string };
}

export function scriptedHistory(now: number, l: Layout): DetourEvent[] {
  const ev: DetourEvent[] = [];
  const observer = 'gz-edge-1';
  const health = (at: number, service: string, pool: string, provider: string, region: string, endpoint: string,
    from: EffectiveHealth, to: EffectiveHealth, reason: string, source: 'active' | 'passive' = 'active') =>
    ev.push({ type: 'endpoint.health', at, observer, service, pool, provider, region, endpoint, from, to, source, reason });
  const active = (at: number, service: string, from: [string, number] | null, to: [string, number] | null, reason: string) =>
    ev.push({ type: 'pool.active', at, observer, service, from: from && { pool: from[0], priority: from[1] }, to: to && { pool: to[0], priority: to[1] }, reason });
  const T = 'tencent-gz';
  const A = 'aliyun-hz';
  const [a1, a2] = l.api.primary;

  // Day -67: every endpoint of the API failed for three minutes (a full outage).
  let t = dayStart(now, 67) + 9 * 60 * MIN + 12 * MIN;
  health(t, 'api', T, 'tencent', 'ap-guangzhou', a1, 'healthy', 'unhealthy', 'connect ECONNREFUSED');
  health(t + 2_000, 'api', T, 'tencent', 'ap-guangzhou', a2, 'healthy', 'unhealthy', 'connect ECONNREFUSED');
  active(t + 2_000, 'api', [T, 0], [A, 1], 'tencent-gz lost its last endpoint');
  health(t + 9_000, 'api', A, 'aliyun', 'cn-hangzhou', l.api.backup, 'healthy', 'unhealthy', 'timeout after 1000ms');
  active(t + 9_000, 'api', [A, 1], null, 'nothing routable');
  ev.push({ type: 'service.all-down', at: t + 9_000, observer, service: 'api', policy: 'fail-open' });
  health(t + 3 * MIN, 'api', A, 'aliyun', 'cn-hangzhou', l.api.backup, 'unhealthy', 'healthy', '2 checks passed');
  active(t + 3 * MIN, 'api', null, [A, 1], 'aliyun-hz routable again');
  health(t + 11 * MIN, 'api', T, 'tencent', 'ap-guangzhou', a1, 'unhealthy', 'healthy', '2 checks passed');
  active(t + 11 * MIN, 'api', [A, 1], [T, 0], 'tencent-gz routable again');
  health(t + 11 * MIN + 3_000, 'api', T, 'tencent', 'ap-guangzhou', a2, 'unhealthy', 'healthy', '2 checks passed');

  // Day -41: the 2024-04-08 pattern, 87 minutes of InternalError in HTTP 200 bodies.
  t = dayStart(now, 41) + 15 * 60 * MIN + 23 * MIN;
  health(t, 'api', T, 'tencent', 'ap-guangzhou', a1, 'healthy', 'ejected', '5 consecutive failures (cloud-error InternalError)', 'passive');
  health(t + 4_000, 'api', T, 'tencent', 'ap-guangzhou', a2, 'healthy', 'ejected', '5 consecutive failures (cloud-error InternalError)', 'passive');
  active(t + 4_000, 'api', [T, 0], [A, 1], 'tencent-gz lost its last endpoint');
  health(t + 52 * MIN, 'api', T, 'tencent', 'ap-guangzhou', a1, 'ejected', 'healthy', 'ejection ended; 2 checks passed');
  active(t + 52 * MIN, 'api', [A, 1], [T, 0], 'tencent-gz routable again');
  health(t + 61 * MIN, 'api', T, 'tencent', 'ap-guangzhou', a1, 'healthy', 'ejected', '5 consecutive failures (cloud-error InternalError)', 'passive');
  active(t + 61 * MIN, 'api', [T, 0], [A, 1], 'tencent-gz lost its last endpoint');
  health(t + 84 * MIN, 'api', T, 'tencent', 'ap-guangzhou', a1, 'ejected', 'healthy', 'ejection ended; 2 checks passed');
  active(t + 84 * MIN, 'api', [A, 1], [T, 0], 'tencent-gz routable again');
  health(t + 87 * MIN, 'api', T, 'tencent', 'ap-guangzhou', a2, 'ejected', 'healthy', 'ejection ended; 2 checks passed');

  // Day -12: one API endpoint ejected for 14 minutes (degraded, no failover).
  t = dayStart(now, 12) + 3 * 60 * MIN + 41 * MIN;
  health(t, 'api', T, 'tencent', 'ap-guangzhou', a2, 'healthy', 'ejected', '12 of 20 requests failed in 10s (5xx)', 'passive');
  health(t + 14 * MIN, 'api', T, 'tencent', 'ap-guangzhou', a2, 'ejected', 'healthy', 'ejection ended; 2 checks passed');

  // Day -26: the console's primary failed for 21 minutes; traffic went to AWS.
  t = dayStart(now, 26) + 20 * 60 * MIN + 5 * MIN;
  health(t, 'console', 'tencent-sh', 'tencent', 'ap-shanghai', l.console.primary, 'healthy', 'unhealthy', 'HTTP 503');
  active(t, 'console', ['tencent-sh', 0], ['aws-tokyo', 1], 'tencent-sh lost its last endpoint');
  health(t + 21 * MIN, 'console', 'tencent-sh', 'tencent', 'ap-shanghai', l.console.primary, 'unhealthy', 'healthy', '2 checks passed');
  active(t + 21 * MIN, 'console', ['aws-tokyo', 1], ['tencent-sh', 0], 'tencent-sh routable again');
  return ev;
}

function dayStart(now: number, daysAgo: number): number {
  return Math.floor(now / DAY) * DAY - daysAgo * DAY;
}
