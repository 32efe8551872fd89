// `make worker-measure`: the Worker's bundle size (gzip, as Cloudflare
// counts it), cold start in `wrangler dev --local`, and the latency of
// first and warm requests for a small bundle. Loopback only.
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
