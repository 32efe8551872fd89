// `make worker-measure`: the Worker's bundle size (gzip, as Cloudflare
// counts it), cold start in `wrangler dev --local`, the latency of first
// and warm requests for a small bundle, and the Go runtime's memory (the
// wasm linear memory's high-water mark) against body size, which sets
// api.DefaultMaxBodyBytes. Loopback only.
//
// `node wasm/worker/test/measure.mjs memory` runs only the memory part.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { root, startWorker } from './wrangler.mjs';

const build = path.join(root, 'wasm/worker/build');
const samples = path.join(root, 'samples');
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
const mib = (n) => `${(n / 1048576).toFixed(2)} MiB`;

const only = process.argv[2];

// ---- latency
const small = ['sysctl_-a', 'proc_net_netstat.1', 'proc_net_netstat.2', 'iptables_-t_nat_-nvL']
  .map((n) => ({ n, data: fs.readFileSync(path.join(samples, 'tw-recycle-nat/positive', n)) }));
const smallBytes = small.reduce((s, f) => s + f.data.length, 0);
const form = () => {
  const fd = new FormData();
  for (const f of small) fd.append('file', new Blob([f.data]), f.n);
  return fd;
};
const timed = async (url, init) => {
  const t = performance.now();
  const res = await fetch(url, init);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t;
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

// A log of ~15 MiB, just under the body limit, for the CPU budget.
const lines = [];
for (let i = 0, n = 0; n < 15 << 20; i++) {
  const l = `Jan  1 ${String(i / 3600 % 24 | 0).padStart(2, '0')}:${String(i / 60 % 60 | 0).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} node7 kubelet[${900 + i % 7}]: I0101 reconciler.go:${200 + i % 50} VerifyControllerAttachedVolume started for volume "pvc-${i.toString(16).padStart(8, '0')}"\n`;
  lines.push(l);
  n += l.length;
}
const bigLog = Buffer.from(lines.join(''));

if (only !== 'memory') {
// ---- size
let raw = 0;
let gz = 0;
for (const f of ['app.wasm', 'wasm_exec.js', 'runtime.mjs', 'worker.mjs']) {
  const data = fs.readFileSync(path.join(build, f));
  const z = zlib.gzipSync(data, { level: 9 }).length;
  raw += data.length;
  gz += z;
  console.log(`${f.padEnd(13)} ${mib(data.length).padStart(10)} raw ${mib(z).padStart(10)} gzip -9`);
}
console.log(`${'total'.padEnd(13)} ${mib(raw).padStart(10)} raw ${mib(gz).padStart(10)} gzip -9`);

// What wrangler would upload (bundled JS + wasm), without deploying.
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'nettriage-dry-run-'));
try {
  const log = execFileSync(path.join(root, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', out],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const m = log.match(/Total Upload: .*/);
  console.log(`wrangler deploy --dry-run: ${m ? m[0] : '(no size line)'}`);
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}

const runs = 3;
for (let run = 1; run <= runs; run++) {
  const w = await startWorker();
  try {
    const first = await timed(`${w.base}/v1/analyze`, { method: 'POST', body: form() });
    const warm = [];
    for (let i = 0; i < 30; i++) warm.push(await timed(`${w.base}/v1/analyze`, { method: 'POST', body: form() }));
    const health = [];
    for (let i = 0; i < 30; i++) health.push(await timed(`${w.base}/v1/health`));
    console.log(`run ${run}: start to first 200 on /v1/health ${w.startMs.toFixed(0)} ms (that request alone ${w.firstHealthMs.toFixed(0)} ms); ` +
      `first analyze ${first.toFixed(0)} ms; warm analyze (${kib(smallBytes)}, 4 files) median ${pct(warm, 0.5).toFixed(0)} ms, p90 ${pct(warm, 0.9).toFixed(0)} ms; ` +
      `warm health median ${pct(health, 0.5).toFixed(0)} ms`);
    if (run === runs) {
      const big = await timed(`${w.base}/v1/analyze?name=messages`, { method: 'POST', body: bigLog });
      console.log(`analyze of a ${mib(bigLog.length)} syslog (raw body): ${big.toFixed(0)} ms`);
    }
  } finally {
    await w.stop();
  }
}
}

// ---- memory against body size
// Each body is real text: syslog lines (raw body), and a sosreport-like
// .tar.gz (many command outputs plus a big log), posted with the body limit
// lifted by the MAX_BODY_BYTES var. X-Nettriage-Memory-Bytes is
// runtime.MemStats.Sys after the request: under js/wasm the linear memory
// taken, which never shrinks, so each size runs in a fresh Worker.
function tarball(files) {
  const blocks = [];
  for (const [name, data] of files) {
    const h = Buffer.alloc(512);
    h.write(name, 0, 100);
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0' + '00', 257);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, Buffer.alloc((512 - data.length % 512) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return zlib.gzipSync(Buffer.concat(blocks));
}
const sosFiles = (logBytes) => {
  const files = [];
  for (const dir of fs.readdirSync(samples)) {
    const pos = path.join(samples, dir, 'positive');
    if (!fs.existsSync(pos)) continue;
    for (const n of fs.readdirSync(pos)) {
      if (n === 'expect' || fs.statSync(path.join(pos, n)).isDirectory()) continue;
      files.push([`sosreport-node7/sos_commands/${dir}/${n}`, fs.readFileSync(path.join(pos, n))]);
    }
  }
  files.push(['sosreport-node7/var/log/messages', bigLog.subarray(0, logBytes)]);
  return files;
};
const memRun = async (label, size, post) => {
  const w = await startWorker({ vars: { MAX_BODY_BYTES: String(256 << 20) } });
  try {
    const t = performance.now();
    const res = await post(w.base);
    await res.arrayBuffer();
    const mem = Number(res.headers.get('x-nettriage-memory-bytes'));
    console.log(`${label.padEnd(28)} body ${mib(size).padStart(10)}: status ${res.status}, memory ${mib(mem).padStart(10)} ` +
      `(${(mem / size).toFixed(1)}x), ${(performance.now() - t).toFixed(0)} ms`);
  } finally {
    await w.stop();
  }
};
const memSizes = (process.env.MEM_SIZES || '1,4,8,12,16,20,24').split(',').map(Number);
const logOf = (n) => {
  const out = [];
  for (let have = 0; have < n;) {
    const chunk = bigLog.subarray(0, Math.min(bigLog.length, n - have));
    out.push(chunk);
    have += chunk.length;
  }
  return Buffer.concat(out);
};
for (const m of memSizes) {
  const body = logOf(m << 20);
  await memRun('syslog (raw body)', body.length, (base) => fetch(`${base}/v1/analyze?name=messages`, { method: 'POST', body }));
}
for (const m of memSizes) {
  const tgz = tarball(sosFiles(m << 20).map(([n, d]) => [n, n.endsWith('messages') ? logOf(m << 20) : d]));
  const expanded = m << 20;
  await memRun(`sosreport .tar.gz (${mib(expanded)} expanded)`, tgz.length, (base) => {
    const fd = new FormData();
    fd.append('file', new Blob([tgz]), 'sosreport-node7.tar.gz');
    return fetch(`${base}/v1/analyze`, { method: 'POST', body: fd });
  });
}
