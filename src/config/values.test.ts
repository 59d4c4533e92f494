import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closest, editDistance } from './suggest.js';
import { isSimpleJsonPath, parseEndpointUrl, parseListenAddress, parseSize, parseStatusRanges } from './values.js';

test('sizes accept bytes, binary and decimal units', () => {
  assert.equal(parseSize('65536'), 65536);
  assert.equal(parseSize('64KiB'), 65536);
  assert.equal(parseSize('1 MiB'), 1048576);
  assert.equal(parseSize('8KB'), 8000);
  assert.equal(parseSize('2k'), 2048);
  assert.equal(parseSize('1.5KiB'), 1536);
  assert.equal(parseSize('12 parsecs'), undefined);
  assert.equal(parseSize('-1'), undefined);
});

test('listen addresses take host:port and [v6]:port', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:8080'), { ok: true, value: { host: '127.0.0.1', port: 8080 } });
  assert.deepEqual(parseListenAddress('[::1]:9901'), { ok: true, value: { host: '::1', port: 9901 } });
  assert.deepEqual(parseListenAddress('localhost:0'), { ok: true, value: { host: 'localhost', port: 0 } });
  for (const bad of ['8080', ':8080', '::1:8080', '[nope]:1', '1.2.3.4:65536', 'a b:1']) assert.equal(parseListenAddress(bad).ok, false, bad);
});

test('endpoint URLs are reduced to their origin', () => {
  const ok = (s: string): string => {
    const r = parseEndpointUrl(s);
    assert.ok(r.ok, s);
    return r.value.origin;
  };
  assert.equal(ok('http://10.0.0.1:8080'), 'http://10.0.0.1:8080');
  assert.equal(ok('HTTPS://Backup.Example.NET/'), 'https://backup.example.net');
  assert.equal(ok('http://[::1]:8080'), 'http://[::1]:8080');
  assert.equal(ok('http://127.0.0.1:80'), 'http://127.0.0.1');
  for (const bad of ['htp:/x', 'http:/x', 'http://', 'http://a/b', 'http://a/?q', 'http://a#f', 'http://u:p@a', 'ws://a', 'http://a:99999']) {
    assert.equal(parseEndpointUrl(bad).ok, false, bad);
  }
});

test('status lists parse single codes, ranges and comma lists', () => {
  assert.deepEqual(parseStatusRanges(200), { ok: true, value: [[200, 200]] });
  assert.deepEqual(parseStatusRanges('200-399'), { ok: true, value: [[200, 399]] });
  assert.deepEqual(parseStatusRanges('200, 204,300 - 399'), { ok: true, value: [[200, 200], [204, 204], [300, 399]] });
  for (const bad of ['2xx', '99', '200-', '399-200', '600', '']) assert.equal(parseStatusRanges(bad).ok, false, bad);
});

test('jsonPath accepts dots and indexes only', () => {
  for (const good of ['$', '$.error.code', '$.Response.Error.Code', '$.errors[0].code', '$[1]', '$.@type']) assert.ok(isSimpleJsonPath(good), good);
  for (const bad of ['error.code', '$..code', '$.a[*]', "$['a']", '$.a.']) assert.ok(!isSimpleJsonPath(bad), bad);
});

test('suggestions find close spellings and ignore distant words', () => {
  assert.equal(editDistance('balancr', 'balancer'), 1);
  assert.equal(editDistance('tencnet', 'tencent'), 1);
  assert.equal(closest('pathprefix', ['hosts', 'pathPrefix']), 'pathPrefix');
  assert.equal(closest('endpoint', ['name', 'endpoints']), 'endpoints');
  assert.equal(closest('colour', ['hosts', 'pathPrefix']), undefined);
  assert.equal(closest('aws2', ['tencent', 'aws']), 'aws');
});
