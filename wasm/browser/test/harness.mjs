// Starts `nettriage serve` on a free loopback port and Debian's Chromium
// (headless, through playwright-core), and records every request a page
// makes. Shared by site.test.mjs and measure.mjs; `make test-site` and
// `make site-measure` build the site and the binary first.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Starts ./nettriage serve on host (127.0.0.1 unless told; port chosen by
 * the kernel), over https when cert and key are given.
 */
export async function startServer({ dir, host = '127.0.0.1', cert, key } = {}) {
  const args = ['serve', '--addr', `${host}:0`];
  if (dir) args.push('--dir', dir);
  if (cert) args.push('--tls-cert', cert, '--tls-key', key);
  const child = spawn(path.join(root, 'nettriage'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d) => { output += d; });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nettriage serve printed no URL: ${output}`)), 15_000);
    child.stdout.on('data', (d) => {
      output += d;
      const m = /https?:\/\/[0-9.]+:\d+/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`nettriage serve exited with ${code}: ${output}`)));
  });
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 50 && child.exitCode === null; i++) await sleep(100);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  return { base, pid: child.pid, output: () => output, stop };
}

/**
 * Launches headless Chromium with everything that phones home turned off,
 * and every host name except the loopback resolving to nothing, so a
 * request that tried to leave the machine would fail rather than leave.
 */
export function launchChromium() {
  // This machine's own addresses (a non-loopback one stands for a LAN
  // address in the throttled test; traffic to it stays on the machine).
  const own = Object.values(os.networkInterfaces()).flat().filter((i) => i.family === 'IPv4' && !i.internal).map((i) => `, EXCLUDE ${i.address}`).join('');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-default-apps',
      '--disable-domain-reliability',
      '--disable-sync',
      '--disable-client-side-phishing-detection',
      '--no-first-run',
      '--no-pings',
      '--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
      `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost${own}`,
    ],
  });
}

/**
 * Opens a page in a fresh context and records every request made by the
 * page and its workers, from the first one on: method, URL, whether it had
 * a body. Page errors and console errors are kept too.
 */
export async function openPage(browser, base, { viewport = { width: 1440, height: 900 }, colorScheme = 'light', throttle, ignoreHTTPSErrors = false, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true, ignoreHTTPSErrors, bypassCSP });
  const requests = [];
  const problems = [];
  const encodings = {};
  context.on('request', (r) => {
    requests.push({ method: r.method(), url: r.url(), body: r.postDataBuffer() });
  });
  context.on('response', async (r) => {
    encodings[r.url()] = (await r.allHeaders())['content-encoding'] || 'identity';
  });
  // The page's own clock for the first finding (ms since the navigation
  // started): Playwright's waits poll, at intervals that grow to 500 ms, so
  // the time it observes can be later than the page's.
  await context.addInitScript(() => {
    const seen = new MutationObserver(() => {
      if (document.querySelector('article.finding[data-rule]')) {
        self.nettriageFirstFindingAt = performance.now();
        seen.disconnect();
      }
    });
    seen.observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, ...throttle });
  }
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  const t0 = performance.now();
  await page.goto(base + '/');
  await page.waitForSelector('html[data-ui=ready][data-engine=ready]', { state: 'attached', timeout: 60_000 });
  const readyMs = performance.now() - t0;
  // When the page said Ready, on its own clock.
  const pageReadyMs = Number(await page.getAttribute('html', 'data-engine-ready'));
  return { context, page, requests, problems, readyMs, pageReadyMs, t0, encodings };
}

/** When the first finding was shown, in ms since the navigation, on the page's clock. */
export const pageFirstFindingMs = (page) => page.evaluate(() => self.nettriageFirstFindingAt);

/** The requests that left the page's origin or carried a body. */
export function offending(requests, base) {
  const origin = new URL(base).origin;
  return requests.filter((r) => {
    let o;
    try {
      o = new URL(r.url).origin; // blob:http://host/... has the page's origin
    } catch {
      return true;
    }
    return o !== origin || r.method !== 'GET' || (r.body && r.body.length > 0);
  });
}
