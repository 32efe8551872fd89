// End-to-end test of the nettriage Worker: `make test-worker` (part of
// `make test`) builds it, starts it in `wrangler dev --local` on loopback,
// and runs this file with `node --test`. It posts the samples and checks
// them against their expect files, compares reports with the CLI's, checks
// the error statuses, and stops the Worker's whole process group.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, startWorker } from './wrangler.mjs';

const samples = path.join(root, 'samples');
const origin = 'https://tickets.example';
let worker;
let tmp;

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nettriage-worker-test-'));
  // ALLOWED_ORIGINS is read through syumai/workers' cloudflare.Getenv.
  worker = await startWorker({ vars: { ALLOWED_ORIGINS: origin } });
});

after(async () => {
  if (worker) {
    const { pid } = worker;
    await worker.stop();
    // No workerd (or anything else of the group) may outlive the test.
    assert.throws(() => process.kill(-pid, 0), { code: 'ESRCH' });
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

// ---- samples and expect files (same rules as analyzer/engine/samples_test.go)

function readExpect(file) {
  const out = [];
  for (let line of fs.readFileSync(file, 'utf8').split('\n')) {
    line = line.trim();
    if (line === '' || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    assert.ok(i > 0, `${file}: bad line ${line}`);
    const k = line.slice(0, i);
    const v = line.slice(i + 1).trim();
    if (k === 'rule') {
      out.push({ rule: v, evidence: [] });
      continue;
    }
    const e = out.at(-1);
    if (k === 'evidence') e.evidence.push(v);
    else e[k] = v;
  }
  return out;
}

const rank = { none: 0, possible: 1, likely: 2, confirmed: 3 };
const documented = ['vip-nodeport-local-race', 'client-no-timeout-hang', 'tw-recycle-nat',
  'keepalived-check-flap', 'ipvs-service-churn', 'conntrack-invalid-unnated-rst', 'ipvs-idle-timeout'];

/** Returns what in report contradicts the expectations, as sentences. */
function problems(report, exps) {
  const out = [];
  for (const e of exps) {
    let got = null;
    for (const f of report.findings) {
      if (f.rule === e.rule && (!got || rank[f.confidence] > rank[got.confidence])) got = f;
    }
    const conf = got ? got.confidence : 'none';
    if (e.confidence && conf !== e.confidence) out.push(`${e.rule}: confidence ${conf}, want ${e.confidence}`);
    if (e.max && rank[conf] > rank[e.max]) out.push(`${e.rule}: confidence ${conf}, want at most ${e.max}`);
    if (!got) continue;
    if (e.explained_by && got.explained_by !== e.explained_by) {
      out.push(`${e.rule}: explained_by ${got.explained_by}, want ${e.explained_by}`);
    }
    for (const want of e.evidence) {
      const i = want.lastIndexOf(':');
      const suffix = want.slice(0, i);
      const line = Number(want.slice(i + 1));
      if (!got.evidence.some((ev) => ev.artifact.endsWith(suffix) && ev.line <= line && line <= Math.max(ev.end_line, ev.line))) {
        out.push(`${e.rule}: evidence ${want} not found`);
      }
    }
  }
  const allowed = new Set(exps.filter((e) => e.confidence !== 'none' && !e.max).map((e) => e.rule));
  for (const f of report.findings) {
    if (rank[f.confidence] >= rank.likely && documented.includes(f.rule) && !allowed.has(f.rule)) {
      out.push(`unexpected ${f.rule} at ${f.confidence}`);
    }
  }
  return out;
}

/** The files of a sample directory, named by their path relative to it. */
function sampleFiles(dir) {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name !== 'expect')
    .map((d) => {
      const full = path.join(d.parentPath ?? d.path, d.name);
      return { name: path.relative(dir, full).split(path.sep).join('/'), full, data: fs.readFileSync(full) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function form(files) {
  const fd = new FormData();
  for (const f of files) fd.append('file', new Blob([f.data]), f.name);
  return fd;
}

async function analyze(body, query = '') {
  const res = await fetch(`${worker.base}/v1/analyze${query}`, { method: 'POST', body });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const report = JSON.parse(text);
  assert.equal(report.schema, 'nettriage.report/v1');
  return report;
}

async function expectError(res, status, mention) {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const body = JSON.parse(text);
  assert.equal(typeof body.error, 'string');
  assert.match(body.error, mention);
}

/** Packs a bundle directory (without its expect file) as .tar.gz. */
function tarGz(dir) {
  const out = path.join(tmp, `${path.basename(dir)}.tar.gz`);
  const members = fs.readdirSync(dir).filter((n) => n !== 'expect');
  execFileSync('tar', ['-czf', out, '-C', dir, ...members]);
  return { name: path.basename(out), full: out, data: fs.readFileSync(out) };
}

// ---- tests

test('GET /v1/health', async () => {
  const res = await fetch(`${worker.base}/v1/health`);
  assert.equal(res.status, 200);
  const h = await res.json();
  assert.equal(h.status, 'ok');
  assert.equal(h.max_body_bytes, 10 << 20);
});

test('GET /v1/rules lists every rule file', async () => {
  const ids = fs.readdirSync(path.join(root, 'rules')).filter((n) => n.endsWith('.yaml'))
    .map((n) => fs.readFileSync(path.join(root, 'rules', n), 'utf8').match(/^id:\s*(\S+)/m)[1]).sort();
  const res = await fetch(`${worker.base}/v1/rules`);
  assert.equal(res.status, 200);
  const list = await res.json();
  assert.deepEqual(list.rules.map((r) => r.id).sort(), ids);
  assert.deepEqual(list.errors, []);
  const tw = list.rules.find((r) => r.id === 'tw-recycle-nat');
  assert.equal(tw.severity, 'critical');
  assert.ok(tw.title && tw.tags.length > 0 && Object.keys(tw.params).length > 0, JSON.stringify(tw));
});

test('every sample case, posted as multipart files, meets its expect file', async (t) => {
  const cases = fs.readdirSync(samples).flatMap((rule) =>
    fs.readdirSync(path.join(samples, rule)).map((c) => path.join(samples, rule, c)))
    .filter((dir) => fs.existsSync(path.join(dir, 'expect')));
  assert.ok(cases.length >= 50, `only ${cases.length} sample cases`);
  for (const dir of cases) {
    await t.test(path.relative(samples, dir), async () => {
      const report = await analyze(form(sampleFiles(dir)));
      assert.deepEqual(problems(report, readExpect(path.join(dir, 'expect'))), []);
      assert.deepEqual(report.errors, []);
    });
  }
});

test('bundles packed as .tar.gz meet their expect files', async (t) => {
  for (const name of fs.readdirSync(path.join(samples, 'bundles'))) {
    const dir = path.join(samples, 'bundles', name);
    await t.test(name, async () => {
      const report = await analyze(form([tarGz(dir)]));
      assert.deepEqual(problems(report, readExpect(path.join(dir, 'expect'))), []);
      assert.ok(report.artifacts.every((a) => a.name.startsWith(`${name}.tar.gz!`)), report.artifacts.map((a) => a.name).join(' '));
    });
  }
});

test('a multipart of several loose files and an archive', async () => {
  const tw = sampleFiles(path.join(samples, 'tw-recycle-nat/positive'));
  const seed0 = tarGz(path.join(samples, 'bundles/seed000-sosreport'));
  const report = await analyze(form([...tw, seed0]));
  const rules = new Set(report.findings.map((f) => `${f.rule} ${f.confidence}`));
  assert.ok(rules.has('tw-recycle-nat confirmed'), [...rules].join(', '));
  assert.ok(rules.has('vip-nodeport-local-race confirmed'), [...rules].join(', '));
  // The loose files name no host, so they join the sosreport's, and say so.
  assert.equal(report.hosts.length, 1, report.hosts.join(' '));
  const loose = report.artifacts.find((a) => a.name === 'sysctl_-a');
  assert.match(loose.host_reason, /only host the other inputs name/);
});

test('a raw body with ?name= (a pasted session)', async () => {
  const dir = path.join(samples, 'vip-nodeport-local-race/positive');
  const body = fs.readFileSync(path.join(dir, 'node-1-session.txt'));
  const report = await analyze(body, '?name=node-1-session.txt');
  assert.deepEqual(problems(report, readExpect(path.join(dir, 'expect'))), []);
  assert.ok(report.artifacts[0].name.startsWith('node-1-session.txt'), report.artifacts[0].name);
});

test('reports are the ones `nettriage analyze --format json` prints', async () => {
  const cli = path.join(tmp, 'nettriage');
  execFileSync('go', ['build', '-o', cli, './cmd/nettriage'], { cwd: root, stdio: 'inherit' });
  const cliReport = (files) => JSON.parse(execFileSync(cli, ['analyze', '--format', 'json', ...files.map((f) => f.full)]));
  const same = (a, b) => {
    a.tool.version = b.tool.version = 'x'; // the builds may be stamped differently
    assert.deepEqual(a, b);
  };
  const loose = sampleFiles(path.join(samples, 'tw-recycle-nat/positive'));
  same(await analyze(form(loose)), cliReport(loose));
  const bundle = tarGz(path.join(samples, 'bundles/seed001-sosreport'));
  same(await analyze(form([bundle])), cliReport([bundle]));
});

test('tz and year, with the time zone database inside the wasm', async () => {
  const files = sampleFiles(path.join(samples, 'bundles/seed001-sosreport'));
  const firstTime = async (query) => {
    const r = await analyze(form(files), query);
    return r.findings.find((f) => f.rule === 'keepalived-check-flap').evidence.find((e) => e.time).time;
  };
  assert.equal(await firstTime(''), '2019-03-14T09:41:17Z');
  assert.equal(await firstTime('?tz=Asia/Shanghai'), '2019-03-14T01:41:17Z');
  assert.equal(await firstTime('?tz=UTC&year=2021'), '2021-03-14T09:41:17Z');
  await expectError(await fetch(`${worker.base}/v1/analyze?tz=Nowhere/Atlantis`, { method: 'POST', body: 'x' }), 400, /tz/);
});

test('format=markdown and format=text', async () => {
  const files = sampleFiles(path.join(samples, 'tw-recycle-nat/positive'));
  for (const [format, ctype, want] of [['markdown', /^text\/markdown/, 'tw-recycle-nat'], ['text', /^text\/plain/, '[tw-recycle-nat]']]) {
    const res = await fetch(`${worker.base}/v1/analyze?format=${format}`, { method: 'POST', body: form(files) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), ctype);
    assert.ok((await res.text()).includes(want));
  }
});

test('400 when no file is sent', async () => {
  const fd = new FormData();
  fd.append('comment', 'no file here');
  await expectError(await fetch(`${worker.base}/v1/analyze`, { method: 'POST', body: fd }), 400, /no files/);
  await expectError(await fetch(`${worker.base}/v1/analyze`, { method: 'POST' }), 400, /no files/);
});

test('413 when the body is over the limit', async () => {
  const big = Buffer.alloc((10 << 20) + 1, 'a');
  // Declared with Content-Length: refused before it is read.
  await expectError(await fetch(`${worker.base}/v1/analyze?name=big`, { method: 'POST', body: big }), 413, /limit is 10485760 bytes/);
  // Chunked, no Content-Length: refused while reading, as multipart too.
  const chunked = (parts) => new ReadableStream({
    pull(c) { const p = parts.shift(); if (p) c.enqueue(p); else c.close(); },
  });
  const chunks = () => Array.from({ length: 11 }, () => new Uint8Array(1 << 20).fill(97));
  await expectError(await fetch(`${worker.base}/v1/analyze?name=big`, { method: 'POST', body: chunked(chunks()), duplex: 'half' }), 413, /too large/);
  const boundary = 'nettriage-test-boundary';
  const head = new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.log"\r\n\r\n`);
  await expectError(await fetch(`${worker.base}/v1/analyze`, {
    method: 'POST', body: chunked([head, ...chunks()]), duplex: 'half',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }), 413, /too large/);
});

test('404 for an unknown route, 405 with Allow for a wrong method', async () => {
  for (const p of ['/', '/v1/analyse', '/v1/rules/tw-recycle-nat']) {
    await expectError(await fetch(`${worker.base}${p}`), 404, /no such route/);
  }
  for (const [method, p, allow] of [['GET', '/v1/analyze', 'POST, OPTIONS'], ['POST', '/v1/health', 'GET, OPTIONS'], ['DELETE', '/v1/rules', 'GET, OPTIONS']]) {
    const res = await fetch(`${worker.base}${p}`, { method });
    assert.equal(res.headers.get('allow'), allow);
    await expectError(res, 405, /not allowed/);
  }
});

test('CORS only for the configured origin', async () => {
  let res = await fetch(`${worker.base}/v1/analyze`, {
    method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-origin'), origin);
  assert.equal(res.headers.get('access-control-allow-methods'), 'POST, OPTIONS');
  res = await fetch(`${worker.base}/v1/health`, { headers: { origin: 'https://elsewhere.example' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
  await res.arrayBuffer();
});
