// Static files of the web app (`serve --web DIR`, src/core/http.c static_file) and the build
// step that precompresses them (web/precompress.mjs): the encoding chosen from Accept-Encoding
// (br first, gzip by q-value, identity otherwise), Vary, the cache lifetimes (a year for hashed
// names under /assets/, revalidate index.html), and a 404 for an asset that is not there.
// The web directory is made here, so the test does not depend on a build of the app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync, readFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Server } from './lib.mjs';
import { precompressDir } from '../../web/precompress.mjs';

let s;
let web;
const JS = 'assets/index-Ab12Cd34.js';
const CSS = 'assets/index-Ef56Gh78.css';
const SMALL = 'assets/tiny-Zz99Yy88.js';
const files = {};

// A raw request, the path sent as it is (fetch would decompress, send its own Accept-Encoding
// and tidy the path): { status, headers, body }.
function get(path, acceptEncoding, method = 'GET') {
  return new Promise((res, rej) => {
    const headers = acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding };
    const req = http.request({ host: '127.0.0.1', port: s.port, path, method, headers }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', rej);
    req.end();
  });
}

before(async () => {
  s = new Server();
  web = join(s.dir, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  const lines = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join('\n');
  files['index.html'] = `<!doctype html><html lang="zh-CN"><head><title>双减</title>\n${lines(40, (i) => `<meta name="m${i}" content="预压缩测试 ${i}">`)}</head><body><div id="app"></div></body></html>\n`;
  files[JS] = lines(400, (i) => `export const item${i} = { id: ${i}, label: '作业 ${i}', minutes: ${i % 90} };`);
  files[CSS] = lines(200, (i) => `.row-${i} { margin: ${i}px; color: #${(i * 4099).toString(16).padStart(6, '0').slice(0, 6)}; }`);
  files[SMALL] = 'export const x = 1;\n';
  files['favicon.svg'] = '<svg xmlns="http://www.w3.org/2000/svg"/>';
  for (const [name, text] of Object.entries(files)) writeFileSync(join(web, name), text);
  precompressDir(web);
  await s.init();
  await s.start(['--web', web]);
});

after(async () => {
  await s?.stop();
});

test('the build step writes a brotli and a gzip copy of each text file of 1 KB or more, and none of smaller ones', () => {
  for (const name of ['index.html', JS, CSS]) {
    const orig = readFileSync(join(web, name));
    const br = readFileSync(join(web, name + '.br'));
    const gz = readFileSync(join(web, name + '.gz'));
    assert.ok(br.length < orig.length && gz.length < orig.length, name);
    assert.deepEqual(brotliDecompressSync(br), orig, name);
    assert.deepEqual(gunzipSync(gz), orig, name);
  }
  for (const name of [SMALL, 'favicon.svg']) {
    assert.ok(!existsSync(join(web, name + '.br')) && !existsSync(join(web, name + '.gz')), name);
  }
});

test('a build step run again over a changed file leaves no stale copy', () => {
  const dir = join(s.dir, 'again');
  mkdirSync(dir);
  const f = join(dir, 'a.js');
  writeFileSync(f, 'x'.repeat(5000));
  precompressDir(dir);
  assert.ok(existsSync(f + '.br'));
  writeFileSync(f, 'short');
  precompressDir(dir);
  assert.ok(!existsSync(f + '.br') && !existsSync(f + '.gz'));
});

test('a hashed asset asked for with Accept-Encoding: br comes as brotli, cached for a year', async () => {
  const r = await get('/' + JS, 'br');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], 'br');
  assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(r.headers.vary, 'Accept-Encoding');
  assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(Number(r.headers['content-length']), statSync(join(web, JS + '.br')).size);
  assert.equal(brotliDecompressSync(r.body).toString(), files[JS]);
});

test('without Accept-Encoding the same asset comes as it is, still with Vary', async () => {
  const r = await get('/' + JS, undefined);
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.headers.vary, 'Accept-Encoding');
  assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(r.body.toString(), files[JS]);
});

test('a browser that sends gzip, deflate, br gets brotli; gzip, deflate gets gzip', async () => {
  let r = await get('/' + CSS, 'gzip, deflate, br, zstd');
  assert.equal(r.headers['content-encoding'], 'br');
  assert.equal(r.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal(brotliDecompressSync(r.body).toString(), files[CSS]);
  r = await get('/' + CSS, 'gzip, deflate');
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.equal(Number(r.headers['content-length']), statSync(join(web, CSS + '.gz')).size);
  assert.equal(gunzipSync(r.body).toString(), files[CSS]);
});

test('q-values decide: a refused coding (q=0) is never sent, a preferred one wins, * stands for the rest', async () => {
  const cases = [
    ['br;q=0.5, gzip;q=0.8', 'gzip'],
    ['br;q=0.8, gzip;q=0.8', 'br'], // a tie goes to brotli, the smaller
    ['gzip;q=1.0, br;q=0.999', 'gzip'],
    ['br;q=0, gzip', 'gzip'],
    ['br; q=0.000, gzip;q=0.001', 'gzip'],
    ['br;q=0, gzip;q=0', undefined],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['*;q=0', undefined],
    ['BR', 'br'],
    ['GZip;Q=0.5', 'gzip'],
    ['identity', undefined],
    ['deflate, compress', undefined],
    ['brotli, gzipped, x-br', undefined],
    ['', undefined],
    [';;, ,;q=, br;q=', undefined],
    ['br;q=abc, gzip;q=0.2', 'gzip'], // a malformed q-value refuses that coding
    ['gzip;q=2', undefined],
  ];
  for (const [ae, want] of cases) {
    const r = await get('/' + JS, ae);
    assert.equal(r.status, 200, ae);
    assert.equal(r.headers['content-encoding'], want, `Accept-Encoding: ${ae}`);
    const body = want === 'br' ? brotliDecompressSync(r.body) : want === 'gzip' ? gunzipSync(r.body) : r.body;
    assert.equal(body.toString(), files[JS], ae);
  }
});

test('a file without a compressed copy comes as it is whatever the client accepts', async () => {
  const r = await get('/' + SMALL, 'br, gzip');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(r.body.toString(), files[SMALL]);
  const f = await get('/favicon.svg', 'br');
  assert.equal(f.headers['content-type'], 'image/svg+xml');
  assert.equal(f.headers['content-encoding'], undefined);
  assert.equal(f.headers['cache-control'], 'no-cache');
});

test('index.html and the app routes that fall back to it are compressed and revalidated on every load', async () => {
  for (const path of ['/', '/index.html', '/family', '/schools/12']) {
    const r = await get(path, 'gzip, deflate, br');
    assert.equal(r.status, 200, path);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8', path);
    assert.equal(r.headers['content-encoding'], 'br', path);
    assert.equal(r.headers['cache-control'], 'no-cache', path);
    assert.equal(r.headers.vary, 'Accept-Encoding', path);
    assert.equal(brotliDecompressSync(r.body).toString(), files['index.html'], path);
  }
});

test('an asset name that does not exist is a 404, not index.html cached for a year', async () => {
  for (const path of ['/assets/index-Old00000.js', '/assets/', '/assets/index-Ab12Cd34.js/x']) {
    const r = await get(path, 'br');
    assert.equal(r.status, 404, path);
    assert.notEqual(r.headers['cache-control'], 'public, max-age=31536000, immutable', path);
    assert.equal(r.headers['content-encoding'], undefined, path);
  }
});

test('HEAD answers the headers of the copy that GET would send, without a body', async () => {
  const r = await get('/' + JS, 'br', 'HEAD');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], 'br');
  assert.equal(Number(r.headers['content-length']), statSync(join(web, JS + '.br')).size);
  assert.equal(r.body.length, 0);
});

test('paths that climb out of the web directory are refused', async () => {
  for (const path of ['/../README.md', '/assets/../../sj.db', '/%2e%2e/sj.db']) {
    const r = await get(path, 'br');
    assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
    assert.doesNotMatch(r.body.toString(), /SQLite format/);
  }
});
