// `make site-measure`: the numbers in the README's "Web playground"
// section. Module sizes (raw, gzip -9, brotli 11, and the precompressed
// files served), page-ready time in headless Chromium on localhost (fresh
// context each run: nothing cached; then warm, with the first finding of a
// pasted transcript),
// and the engine's throughput in the browser on a synthetic capture against
// the native binary on the same file.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { root, startServer, launchChromium, openPage, offending, pageFirstFindingMs } from './harness.mjs';

// PACKETS=3700000 writes and measures a capture of about 1 GB.
const PACKETS = Number(process.env.PACKETS || 200_000);
const RUNS = Number(process.env.RUNS || 5);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mib = (n) => `${(n / 1048576).toFixed(2)} MiB`;

// ---- sizes
const site = path.join(root, 'site');
for (const f of fs.readdirSync(site).filter((n) => n.endsWith('.wasm')).sort()) {
  const b = fs.readFileSync(path.join(site, f));
  const sent = ['br', 'gz'].map((e) => `${e} ${mib(fs.statSync(path.join(site, `${f}.${e}`)).size)}`).join(', ');
  console.log(`${f}: as nettriage serve sends it (precompressed by make site): ${sent}`);
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

// ---- native, at its default GOMAXPROCS and at GOMAXPROCS=1 (the engine
// in the page runs on one thread)
const nativeRun = (env) => {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = spawnSync(path.join(root, 'nettriage'), ['analyze', '--format', 'json', capture], { maxBuffer: 1 << 28, env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`native analyze failed: ${r.stderr}`);
    runs.push(performance.now() - t);
  }
  return runs;
};
const native = nativeRun({});
const native1 = nativeRun({ GOMAXPROCS: '1' });

// ---- browser
const server = await startServer();
const browser = await launchChromium();
try {
  // Times are given on the page's own clock (from the navigation to when
  // it says Ready, or shows the first finding), and as Playwright observed
  // them: its waits poll at intervals growing to 500 ms.
  const ready = [];
  const readySeen = [];
  for (let i = 0; i < RUNS; i++) {
    const { context, readyMs, pageReadyMs } = await openPage(browser, server.base);
    ready.push(pageReadyMs);
    readySeen.push(readyMs);
    await context.close();
  }
  console.log(`page ready (UI and engine started), ${RUNS} cold loads: median ${median(ready).toFixed(0)} ms, min ${Math.min(...ready).toFixed(0)}, max ${Math.max(...ready).toFixed(0)} (observed by Playwright: median ${median(readySeen).toFixed(0)} ms)`);

  // Warm loads (modules in the HTTP cache), and the first finding of a
  // pasted transcript from the navigation.
  const session = fs.readFileSync(path.join(root, 'samples/vip-nodeport-local-race/positive/node-1-session.txt'), 'utf8');
  const warm = await openPage(browser, server.base);
  const warmReady = [];
  const warmReadySeen = [];
  const first = [];
  const firstSeen = [];
  const rules = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await warm.page.goto(server.base + '/?' + i);
    await warm.page.waitForSelector('html[data-ui=ready][data-engine=ready]', { state: 'attached' });
    warmReadySeen.push(performance.now() - t0);
    warmReady.push(Number(await warm.page.getAttribute('html', 'data-engine-ready')));
    await warm.page.fill('#paste', session);
    await warm.page.click('#paste-go');
    await warm.page.waitForSelector('[data-rule="vip-nodeport-local-race"]', { state: 'attached' });
    firstSeen.push(performance.now() - t0);
    first.push(await pageFirstFindingMs(warm.page));
    await warm.page.waitForSelector('html[data-rules-ready]', { state: 'attached' });
    rules.push(Number(await warm.page.getAttribute('html', 'data-rules-ready')) - Number(await warm.page.getAttribute('html', 'data-engine-ready')));
  }
  await warm.context.close();
  console.log(`warm loads (modules cached): ready median ${median(warmReady).toFixed(0)} ms; first finding of a pasted transcript median ${median(first).toFixed(0)} ms; the rules compile in ${median(rules).toFixed(0)} ms after the engine is ready (observed by Playwright: ready ${median(warmReadySeen).toFixed(0)} ms, first finding ${median(firstSeen).toFixed(0)} ms)`);

  const inBrowser = [];
  let memory = 0;
  const { context, page, requests } = await openPage(browser, server.base);
  for (let i = 0; i < 3; i++) {
    await page.setInputFiles('input[type=file]', capture);
    await page.waitForSelector('html[data-state=done]', { state: 'attached', timeout: 600_000 });
    const ms = Number(await page.getAttribute('#status', 'data-ms'));
    inBrowser.push(ms);
    memory = Math.max(memory, Number(await page.getAttribute('#status', 'data-engine-memory')));
    // A new case: the same file added again is one the case already has.
    await page.click('#case-clear');
    await page.waitForSelector('html:not([data-state])', { state: 'attached' });
  }
  const bad = offending(requests, server.base);
  if (bad.length) throw new Error(`requests left the origin: ${JSON.stringify(bad)}`);
  await context.close();

  const n = median(native);
  const w = median(inBrowser);
  console.log(`capture: ${PACKETS} packets, ${mib(size)}`);
  const n1 = median(native1);
  console.log(`native nettriage analyze (whole process): median ${n.toFixed(0)} ms (${(size / 1048576 / (n / 1000)).toFixed(1)} MiB/s); GOMAXPROCS=1: median ${n1.toFixed(0)} ms (${(size / 1048576 / (n1 / 1000)).toFixed(1)} MiB/s)`);
  console.log(`engine in Chromium (read File in 4 MiB slices + analysis): median ${w.toFixed(0)} ms (${(size / 1048576 / (w / 1000)).toFixed(1)} MiB/s)`);
  console.log(`browser throughput = ${(n / w).toFixed(2)} of native at its default, ${(n1 / w).toFixed(2)} of native at GOMAXPROCS=1`);
  console.log(`engine memory (Go runtime Sys, the wasm heap's peak) after the analyses: ${mib(memory)}`);

  // Long tasks on the page's main thread (PerformanceObserver) while every
  // sample bundle is added, analysed and rendered and each tab opened, on
  // cold pages.
  const bundles = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== 'expect') bundles.push(p);
    }
  };
  walk(path.join(root, 'samples', 'bundles'));
  const worst = [];
  for (let i = 0; i < RUNS; i++) {
    const lt = await openPage(browser, server.base);
    await lt.page.waitForSelector('html[data-warm]', { state: 'attached' });
    await lt.page.evaluate(() => {
      self.longTasks = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) self.longTasks.push(Math.round(e.duration)); }).observe({ type: 'longtask' });
    });
    await lt.page.setInputFiles('input[type=file][multiple]', bundles);
    await lt.page.waitForSelector('html[data-state=done]', { state: 'attached', timeout: 120_000 });
    for (const tab of ['#tab-counters', '#tab-artifacts', '#tab-captures', '#tab-rules', '#tab-timeline']) await lt.page.click(tab);
    await lt.page.waitForTimeout(300);
    const tasks = await lt.page.evaluate(() => self.longTasks);
    worst.push(Math.max(0, ...tasks));
    await lt.context.close();
  }
  console.log(`long tasks (${bundles.length} bundle files added, analysed, rendered, every tab opened; ${RUNS} cold pages): longest per page ${worst.join(', ')} ms, median ${median(worst)} ms (target: none over 100 ms)`);
} finally {
  await browser.close();
  await server.stop();
}
