import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from './registry.js';

const lines = (text: string) => text.split('\n');

describe('Registry (Prometheus text format 0.0.4)', () => {
  it('writes HELP and TYPE lines before each family, in registration order, and ends with a newline', () => {
    const r = new Registry();
    r.counter('a_total', 'Things that happened.').inc({});
    r.gauge('b', 'A level.', () => [[{}, 7]]);
    r.histogram('c_seconds', 'Latency.', [1]);
    const text = r.render();
    assert.ok(text.endsWith('\n'));
    assert.deepEqual(lines(text).filter((l) => l.startsWith('#')), [
      '# HELP a_total Things that happened.',
      '# TYPE a_total counter',
      '# HELP b A level.',
      '# TYPE b gauge',
      '# HELP c_seconds Latency.',
      '# TYPE c_seconds histogram',
    ]);
  });

  it('renders a counter series per label set and adds to an existing series', () => {
    const r = new Registry();
    const c = r.counter('detour_requests_total', 'Requests.');
    c.inc({ service: 'api', status: '200' });
    c.inc({ service: 'api', status: '200' }, 2);
    c.inc({ service: 'api', status: '503' });
    c.inc({});
    assert.equal(c.get({ service: 'api', status: '200' }), 3);
    assert.equal(c.get({ service: 'web', status: '200' }), 0);
    assert.equal(r.render(), [
      '# HELP detour_requests_total Requests.',
      '# TYPE detour_requests_total counter',
      'detour_requests_total{service="api",status="200"} 3',
      'detour_requests_total{service="api",status="503"} 1',
      'detour_requests_total 1',
      '',
    ].join('\n'));
  });

  it('escapes backslash, double quote and newline in label values', () => {
    const r = new Registry();
    r.counter('x_total', 'x').inc({ path: 'C:\\dir "q"\nnext' });
    assert.ok(lines(r.render()).includes('x_total{path="C:\\\\dir \\"q\\"\\nnext"} 1'), r.render());
  });

  it('reads gauges at render time', () => {
    const r = new Registry();
    let n = 1;
    r.gauge('detour_requests_in_flight', 'In flight.', () => [[{ service: 'api' }, n], [{ service: 'web' }, 0]]);
    assert.ok(r.render().includes('detour_requests_in_flight{service="api"} 1\ndetour_requests_in_flight{service="web"} 0\n'));
    n = 5;
    assert.ok(r.render().includes('detour_requests_in_flight{service="api"} 5\n'));
  });

  it('renders histograms with cumulative buckets, a +Inf bucket, _sum and _count', () => {
    const r = new Registry();
    const h = r.histogram('lat_seconds', 'Latency.', [0.25, 0.5, 1]);
    for (const v of [0.25, 0.5, 0.5, 2]) h.observe({ ep: 'a' }, v);
    h.observe({ ep: 'b' }, 0.75);
    assert.equal(r.render(), [
      '# HELP lat_seconds Latency.',
      '# TYPE lat_seconds histogram',
      'lat_seconds_bucket{ep="a",le="0.25"} 1',
      'lat_seconds_bucket{ep="a",le="0.5"} 3',
      'lat_seconds_bucket{ep="a",le="1"} 3',
      'lat_seconds_bucket{ep="a",le="+Inf"} 4',
      'lat_seconds_sum{ep="a"} 3.25',
      'lat_seconds_count{ep="a"} 4',
      'lat_seconds_bucket{ep="b",le="0.25"} 0',
      'lat_seconds_bucket{ep="b",le="0.5"} 0',
      'lat_seconds_bucket{ep="b",le="1"} 1',
      'lat_seconds_bucket{ep="b",le="+Inf"} 1',
      'lat_seconds_sum{ep="b"} 0.75',
      'lat_seconds_count{ep="b"} 1',
      '',
    ].join('\n'));
  });

  it('keeps histogram bucket counts non-decreasing and +Inf equal to _count', () => {
    const r = new Registry();
    const buckets = [0.001, 0.01, 0.1, 1, 10];
    const h = r.histogram('h', 'h', buckets);
    let x = 7;
    for (let i = 0; i < 500; i++) {
      x = (x * 48271) % 2147483647;
      h.observe({}, (x / 2147483647) * 20);
    }
    const counts = lines(r.render()).filter((l) => l.startsWith('h_bucket')).map((l) => Number(l.split(' ')[1]));
    assert.equal(counts.length, buckets.length + 1);
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i]! >= counts[i - 1]!, `bucket ${i} decreased`);
    assert.equal(counts.at(-1), 500);
    assert.ok(r.render().includes('\nh_count 500\n'));
  });

  it('writes only sample lines a Prometheus parser accepts', () => {
    const r = new Registry();
    r.counter('a_total', 'a').inc({ k: 'v"\\\n' });
    r.gauge('g', 'g', () => [[{ x: '1', y: '2' }, 0.5]]);
    r.histogram('h', 'h', [1]).observe({ z: 'w' }, 3);
    const sample = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\n"])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\n"])*")*\})? [-+0-9.eEInfNa]+$/;
    for (const l of lines(r.render())) {
      if (l === '' || l.startsWith('# ')) continue;
      assert.match(l, sample);
    }
  });

  it('escapes backslash and newline in HELP text', () => {
    const r = new Registry();
    r.counter('x_total', 'first line\nsecond \\ line');
    assert.equal(lines(r.render())[0], '# HELP x_total first line\\nsecond \\\\ line');
  });

  it('treats the same labels given in another key order as the same series', () => {
    const r = new Registry();
    const c = r.counter('x_total', 'x');
    c.inc({ a: '1', b: '2' });
    c.inc({ b: '2', a: '1' });
    assert.equal(c.get({ a: '1', b: '2' }), 2);
  });
});
