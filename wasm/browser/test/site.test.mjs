// End-to-end test of the web playground in headless Chromium (`make
// test-site`, part of `make test`): the page is served by `nettriage serve`
// from the binary's embedded copy, samples go in through the file input
// and the paste box, and the findings, the evidence viewer, the ladder
// diagram, the rule playground and the exports are checked. Every request
// the page and its worker make is recorded: none may leave the page's
// origin or carry a body.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root, startServer, launchChromium, openPage, offending } from './harness.mjs';

const samples = path.join(root, 'samples');
const shots = path.join(root, 'tmp', 'site-test');
let server;
let browser;

before(async () => {
  fs.mkdirSync(shots, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

function files(dir) {
  return fs.readdirSync(path.join(samples, dir)).filter((f) => f !== 'expect').map((f) => path.join(samples, dir, f));
}

/** Findings on the page as "rule:confidence", and checks the data-rule hook. */
async function findings(page) {
  const all = await page.locator('[data-rule]').evaluateAll((els) => els.map((e) => ({
    rule: e.dataset.rule, confidence: e.dataset.confidence, finding: e.tagName === 'ARTICLE' && e.classList.contains('finding'),
  })));
  for (const f of all) assert.ok(f.finding, `data-rule on an element that is not a finding: ${f.rule}`);
  return all.map((f) => `${f.rule}:${f.confidence}`);
}

/** Asserts the page made no request off its origin and none with a body. */
function assertOffline(requests) {
  assert.ok(requests.length > 0, 'no request recorded');
  assert.deepEqual(offending(requests, server.base), [], 'requests that left the origin or carried a body');
}

test('the page loads offline and the engine reports ready', async () => {
  const { context, page, requests, problems, readyMs } = await openPage(browser, server.base);
  const csp = (await page.request.get(server.base + '/')).headers()['content-security-policy'];
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /default-src 'self'/);
  assert.equal(await page.locator('input[type=file][multiple]').count(), 1);
  assert.ok(requests.some((r) => /\/engine\.[0-9a-f]{12}\.wasm$/.test(r.url)), 'engine module not loaded');
  assert.deepEqual(problems, []);
  assertOffline(requests);
  console.log(`page ready in ${readyMs.toFixed(0)} ms`);
  await context.close();
});

test('files through the file input: findings, evidence lines and the ladder', async () => {
  const { context, page, requests, problems } = await openPage(browser, server.base);

  await page.setInputFiles('input[type=file]', files('tw-recycle-nat/positive'));
  await page.waitForSelector('[data-rule="tw-recycle-nat"][data-confidence="confirmed"]');
  assert.ok((await findings(page)).includes('tw-recycle-nat:confirmed'));

  // Findings are sorted by severity, then confidence.
  const order = await page.locator('article.finding').evaluateAll((els) => els.map((e) => [e.className, e.dataset.confidence]));
  const sev = (c) => ['critical', 'warning', 'info'].findIndex((s) => c.includes(`sev-${s}`));
  const conf = (c) => ['confirmed', 'likely', 'possible'].indexOf(c);
  for (let i = 1; i < order.length; i++) {
    const a = [sev(order[i - 1][0]), conf(order[i - 1][1])];
    const b = [sev(order[i][0]), conf(order[i][1])];
    assert.ok(a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]), `findings out of order: ${JSON.stringify(order)}`);
  }

  // The sysctl evidence opens the artifact with line 30 highlighted and in view.
  const finding = page.locator('[data-rule="tw-recycle-nat"]');
  await finding.locator('button.ev', { hasText: 'sysctl_-a:30' }).click();
  const line = page.locator('#viewer-body .line.hl');
  await line.first().waitFor();
  assert.equal(await line.first().getAttribute('data-line'), '30');
  assert.match(await line.first().textContent(), /net\.ipv4\.tcp_tw_recycle = 1/);
  await assertInView(page, line.first());

  // A capture: its evidence opens a ladder diagram with the packets highlighted.
  await page.setInputFiles('input[type=file]', files('conntrack-invalid-unnated-rst/capture-any'));
  await page.waitForSelector('[data-rule="conntrack-invalid-unnated-rst"][data-confidence="likely"]');
  assert.equal(await page.locator('[data-rule="tw-recycle-nat"]').count(), 0, 'findings of the previous analysis remain');
  // Frame 129 (the RST) is drawn; frame 128 is a tcpdump -i any copy of
  // frame 127, which the diagram draws once and highlights in its stead.
  await page.locator('[data-rule="conntrack-invalid-unnated-rst"] button.ev', { hasText: 'node.pcap frame 128' }).click();
  const svg = page.locator('#viewer-body svg.ladder');
  await svg.first().waitFor();
  assert.ok(await page.locator('#viewer-body g.pkt.hl[data-frame="129"]').count() > 0, 'frame 129 is not highlighted');
  const packet = page.locator('#viewer-body g.pkt.hl.focus');
  assert.equal(await packet.getAttribute('data-frame'), '127');
  assert.match(await page.locator('#viewer-title').textContent(), /drawn as frame 127/);
  await assertInView(page, packet);
  await page.screenshot({ path: path.join(shots, 'ladder.png') });

  // The artifacts list names the capture with its kind.
  assert.match(await page.locator('#artifacts').textContent(), /pcap[\s\S]*node\.pcap/);
  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

test('a pasted terminal session', async () => {
  const { context, page, requests, problems } = await openPage(browser, server.base, { colorScheme: 'dark' });
  const session = fs.readFileSync(path.join(samples, 'vip-nodeport-local-race/positive/node-1-session.txt'), 'utf8');
  await page.fill('#paste', session);
  await page.click('#paste-go');
  await page.waitForSelector('[data-rule="vip-nodeport-local-race"][data-confidence="confirmed"]');
  const got = await findings(page);
  assert.ok(got.includes('client-no-timeout-hang:likely'), got.join(' '));
  assert.match(await page.locator('[data-rule="client-no-timeout-hang"] .explained').textContent(), /vip-nodeport-local-race/);

  await page.locator('[data-rule="vip-nodeport-local-race"] button.ev').first().click();
  await page.locator('#viewer-body .line.hl').first().waitFor();
  assert.match(await page.locator('#viewer-title').textContent(), /paste\.txt#\d/);

  // Missing evidence has a command to copy; counters are listed.
  assert.ok(await page.locator('#missing pre').count() > 0);
  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

test('a time zone loads the zone database from the site on demand', async () => {
  const { context, page, requests, problems } = await openPage(browser, server.base);
  assert.ok(!requests.some((r) => r.url.endsWith('/zoneinfo.zip')), 'zone database loaded before it was needed');
  const session = fs.readFileSync(path.join(samples, 'vip-nodeport-local-race/positive/node-1-session.txt'), 'utf8');
  await page.click('details.options summary');
  await page.fill('#opt-tz', 'Asia/Shanghai');
  await page.fill('#paste', session);
  await page.click('#paste-go');
  await page.waitForSelector('[data-rule="vip-nodeport-local-race"][data-confidence="confirmed"]');
  assert.ok(requests.some((r) => r.url === server.base + '/zoneinfo.zip'), 'zoneinfo.zip was not fetched');
  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

test('sample gallery, shared link, rule playground and exports', async () => {
  const { context, page, requests, problems } = await openPage(browser, server.base);
  await page.click('button[data-sample="tw-recycle-nat/positive"]');
  await page.waitForSelector('[data-rule="tw-recycle-nat"][data-confidence="confirmed"]');
  assert.match(page.url(), /#sample=tw-recycle-nat\/positive/);

  // Raise a threshold above the sample's PAWSPassive increase: the finding
  // is re-evaluated at once and is no longer confirmed.
  await page.selectOption('#rule-select', 'tw-recycle-nat.yaml');
  assert.match(page.url(), /rule=tw-recycle-nat/);
  const src = await page.inputValue('#rule-src');
  await page.fill('#rule-src', src.replace(/min_drops:\n(\s+)default: 5/, 'min_drops:\n$1default: 100000'));
  await page.waitForSelector('[data-rule="tw-recycle-nat"]:not([data-confidence="confirmed"])');
  assert.equal(await page.getAttribute('#rule-status', 'data-kind'), 'ok');

  // A broken condition is reported at its line.
  const lines = src.split('\n');
  const at = lines.findIndex((l) => l.startsWith('  possible:'));
  lines[at + 1] = '    sysctl("x") >= no_such_function()';
  await page.fill('#rule-src', lines.join('\n'));
  await page.waitForSelector('#rule-status[data-kind="error"]');
  assert.equal(await page.getAttribute('#rule-status', 'data-line'), String(at + 2));
  assert.equal(await page.locator('#rule-gutter .err').textContent(), String(at + 2));

  // Exports, redacted by default.
  for (const [button, needle] of [['#export-md', '# nettriage report'], ['#export-html', 'data-rule="tw-recycle-nat"'], ['#export-json', '"schema": "nettriage.report/v1"']]) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const text = fs.readFileSync(await download.path(), 'utf8');
    assert.ok(text.includes(needle), `${button}: ${text.slice(0, 200)}`);
    assert.match(download.suggestedFilename(), /^nettriage-report-.*-redacted\./);
  }

  // A shared link opens the same sample and rule.
  const shared = page.url();
  const other = await context.newPage();
  await other.goto(shared);
  await other.waitForSelector('[data-rule="tw-recycle-nat"][data-confidence="confirmed"]');
  await other.waitForFunction(() => document.querySelector('#rule-select').value === 'tw-recycle-nat.yaml');

  // A screenshot for the README: a capture finding with its ladder.
  await page.click('button[data-sample="vip-nodeport-local-race/capture"]');
  await page.waitForSelector('[data-rule="vip-nodeport-local-race"]');
  await page.locator('[data-rule="vip-nodeport-local-race"] button.ev').first().click();
  await page.locator('#viewer-body svg.ladder').first().waitFor();
  await page.locator('.statusbar').evaluate((el) => el.scrollIntoView());
  await page.screenshot({ path: path.join(shots, 'screenshot.png') });
  if (process.env.UPDATE_SCREENSHOT) fs.copyFileSync(path.join(shots, 'screenshot.png'), path.join(root, 'docs', 'screenshot.png'));

  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

test('a binary built before make site explains how to build it', async () => {
  const empty = fs.mkdtempSync(path.join(shots, 'empty-'));
  fs.copyFileSync(path.join(root, 'site', 'index.html'), path.join(empty, 'index.html'));
  const bare = await startServer({ dir: empty });
  try {
    const res = await fetch(bare.base + '/');
    assert.equal(res.status, 200);
    assert.match(await res.text(), /make site/);
    const post = await fetch(bare.base + '/', { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
  } finally {
    await bare.stop();
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

/** Asserts that el is inside the viewport and inside the viewer's scroll box. */
async function assertInView(page, el) {
  const box = await el.boundingBox();
  const viewer = await page.locator('#viewer-body').boundingBox();
  const vp = page.viewportSize();
  assert.ok(box && viewer, 'no box');
  const cy = box.y + box.height / 2;
  assert.ok(cy >= 0 && cy <= vp.height, `highlight at y=${cy}, outside the viewport`);
  assert.ok(cy >= viewer.y && cy <= viewer.y + viewer.height, `highlight at y=${cy}, outside the viewer ${viewer.y}..${viewer.y + viewer.height}`);
}
