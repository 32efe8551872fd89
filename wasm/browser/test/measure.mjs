// `make site-measure`: the numbers in the README's "Web playground"
// section. Module sizes (raw, gzip -9, brotli 11), page-ready time in
// headless Chromium on localhost (fresh context each run: nothing cached),
// and the engine's throughput in the browser on a synthetic capture against
// the native binary on the same file.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { root, startServer, launchChromium, openPage, offending } from './harness.mjs';

// PACKETS=3700000 writes and measures a capture of about 1 GB.
const PACKETS = Number(process.env.PACKETS || 200_000);
const RUNS = Number(process.env.RUNS || 5);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (n) => `${(n / 1048576).toFixed(2)} MiB`;

// ---- sizes
const site = path.join(root, 'site');
for (const f of fs.readdirSync(site).filter((n) => n.endsWith('.wasm')).sort()) {
  const b = fs.readFileSync(path.join(site, f));
  const gz = zlib.gzipSync(b, { level: 9 }).length;
  const br = zlib.brotliCompressSync(b, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length },
  }).length;
  console.log(`${f}: raw ${mib(b.length)}, gzip -9 ${mib(gz)} (${gz} B), brotli 11 ${mib(br)} (${br} B)`);
}

// ---- the benchmark capture (tools/benchpcap writes it with pcaptest.Synthetic)
const dir = path.join(root, 'tmp', 'bench');
const capture = path.join(dir, `synthetic-${PACKETS}.pcap`);
if (!fs.existsSync(capture)) {
  execFileSync('go', ['run', './tools/benchpcap', '-packets', String(PACKETS), '-dir', dir, '-no-tshark', '-nettriage', './nettriage'],
    { cwd: root, stdio: 'inherit' });
}
const size = fs.statSync(capture).size;

// ---- native
const native = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  const r = spawnSync(path.join(root, 'nettriage'), ['analyze', '--format', 'json', capture], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`native analyze failed: ${r.stderr}`);
  native.push(performance.now() - t);
}

// ---- browser
const server = await startServer();
const browser = await launchChromium();
try {
  const ready = [];
  for (let i = 0; i < RUNS; i++) {
    const { context, readyMs } = await openPage(browser, server.base);
    ready.push(readyMs);
    await context.close();
  }
  console.log(`page ready (UI and engine started), ${RUNS} cold loads: median ${median(ready).toFixed(0)} ms, min ${Math.min(...ready).toFixed(0)}, max ${Math.max(...ready).toFixed(0)}`);

  const inBrowser = [];
  let memory = 0;
  const { context, page, requests } = await openPage(browser, server.base);
  for (let i = 0; i < 3; i++) {
    await page.setInputFiles('input[type=file]', capture);
    await page.waitForSelector('html[data-state=done]', { state: 'attached', timeout: 600_000 });
    const ms = Number(await page.getAttribute('#status', 'data-ms'));
    inBrowser.push(ms);
    memory = Math.max(memory, Number(await page.getAttribute('#status', 'data-engine-memory')));
    await page.evaluate(() => document.documentElement.removeAttribute('data-state'));
  }
  const bad = offending(requests, server.base);
  if (bad.length) throw new Error(`requests left the origin: ${JSON.stringify(bad)}`);
  await context.close();

  const n = median(native);
  const w = median(inBrowser);
  console.log(`capture: ${PACKETS} packets, ${mib(size)}`);
  console.log(`native nettriage analyze (whole process): median ${n.toFixed(0)} ms (${(size / 1048576 / (n / 1000)).toFixed(1)} MiB/s)`);
  console.log(`engine in Chromium (read File in 4 MiB slices + analysis): median ${w.toFixed(0)} ms (${(size / 1048576 / (w / 1000)).toFixed(1)} MiB/s)`);
  console.log(`browser throughput = ${(n / w).toFixed(2)} of native`);
  console.log(`engine memory (Go runtime Sys, the wasm heap's peak) after the analyses: ${mib(memory)}`);
} finally {
  await browser.close();
  await server.stop();
}
