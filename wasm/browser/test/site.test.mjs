// End-to-end test of the web playground in headless Chromium (`make
// test-site`, part of `make test`): the page is served by `nettriage serve`
// from the binary's embedded copy; samples go in through the file inputs,
// a drop on the window and the paste box, and the case bar, the findings,
// the inspector, the ladder, the timeline, the rules tab and editor, the
// keyboard, the export preview and an accessibility check (axe-core) are
// tested. Every request the page and its worker make is recorded: none may
// leave the page's origin or carry a body. Long main-thread tasks are
// recorded with a PerformanceObserver.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root, startServer, launchChromium, openPage, offending, pageFirstFindingMs } from './harness.mjs';

const samples = path.join(root, 'samples');
const shots = path.join(root, 'tmp', 'site-test');
const axePath = path.join(root, 'node_modules', 'axe-core', 'axe.min.js');
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

/** Waits for the analysis asked last to be rendered. */
async function done(page) {
  await page.waitForSelector('html[data-state=done]', { state: 'attached', timeout: 60_000 });
}

/** Asserts the page made no request off its origin and none with a body. */
function assertOffline(requests) {
  assert.ok(requests.length > 0, 'no request recorded');
  assert.deepEqual(offending(requests, server.base), [], 'requests that left the origin or carried a body');
}

/** The font family, size, weight and style of every element showing text. */
const fontsInUse = (page) => page.evaluate(() => {
  const seen = new Set();
  for (const el of document.querySelectorAll('body *')) {
    if (!el.getClientRects().length || ![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const cs = getComputedStyle(el);
    seen.add(`${cs.fontFamily.split(',')[0]} ${cs.fontSize} ${cs.fontWeight} ${cs.fontStyle}`);
  }
  return [...seen];
});

/** Records long tasks from now on; read them with longTasks(page). */
async function observeLongTasks(page) {
  await page.evaluate(() => {
    self.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) self.longTasks.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
  });
}
const longTasks = (page) => page.evaluate(() => self.longTasks);

test('the page loads offline and the engine reports ready', async () => {
  const { context, page, requests, problems, readyMs } = await openPage(browser, server.base);
  const csp = (await page.request.get(server.base + '/')).headers()['content-security-policy'];
  assert.match(csp, /connect-src 'self'/);
  assert.match(csp, /default-src 'self'/);
  assert.equal(await page.locator('input[type=file][multiple]').count(), 1);
  assert.ok(requests.some((r) => /\/engine\.[0-9a-f]{12}\.wasm$/.test(r.url)), 'engine module not loaded');
  // The inspector is closed, and a closed inspector takes no room.
  assert.equal(await page.locator('#viewer').isVisible(), false, '#viewer[hidden] is visible');
  assert.equal(await page.locator('#missing-section').isVisible(), false);
  assert.deepEqual(problems, []);
  assertOffline(requests);
  console.log(`page ready in ${readyMs.toFixed(0)} ms`);
  await context.close();
});

test('files add to the case: rows, inspector, ladder, chips and New case', async () => {
  const { context, page, requests, problems } = await openPage(browser, server.base);

  await page.setInputFiles('input[type=file][multiple]', files('tw-recycle-nat/positive'));
  await page.waitForSelector('[data-rule="tw-recycle-nat"][data-confidence="confirmed"]');
  await done(page);
  assert.ok((await findings(page)).includes('tw-recycle-nat:confirmed'));
  assert.match(await page.locator('#summary').textContent(), /1 critical.*rules? checked/);
  assert.doesNotMatch(await page.locator('#status').textContent(), /\b1 \w+s\b/, 'a plural after 1');
  assert.equal(await page.locator('#chips li.chip').count(), 4);
  // After loading, the focus is on the first finding, in view.
  assert.equal(await page.evaluate(() => document.activeElement.dataset.rule), 'tw-recycle-nat');
  await assertOnScreen(page, page.locator('[data-rule="tw-recycle-nat"] button.row'));

  // Findings are sorted by severity, then confidence; possible ones come
  // last, under "Worth a look", and keep their hooks.
  const order = await page.locator('article.finding').evaluateAll((els) => els.map((e) => [e.dataset.severity, e.dataset.confidence]));
  const rank = ([s, c]) => (c === 'possible' ? 100 : 0) + ['critical', 'warning', 'info'].indexOf(s) * 10 + ['confirmed', 'likely', 'possible'].indexOf(c);
  for (let i = 1; i < order.length; i++) assert.ok(rank(order[i - 1]) <= rank(order[i]), `findings out of order: ${JSON.stringify(order)}`);
  for (const c of await page.locator('.group.look article').evaluateAll((els) => els.map((e) => e.dataset.confidence))) assert.equal(c, 'possible');

  // The sysctl evidence opens the file in the inspector with line 30
  // highlighted, beside the finding: the page does not jump.
  const finding = page.locator('[data-rule="tw-recycle-nat"]');
  const ev = finding.locator('button.ev', { hasText: 'sysctl_-a:30' });
  await ev.click();
  const line = page.locator('#viewer-body .line.hl');
  await line.first().waitFor();
  assert.equal(await line.first().getAttribute('data-line'), '30');
  assert.match(await line.first().textContent(), /net\.ipv4\.tcp_tw_recycle = 1/);
  await assertInView(page, line.first());
  // The findings column narrows when the inspector opens, so the page
  // reflows; the focus is in the inspector and the finding stays selected.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'viewer-body');
  assert.equal(await page.getAttribute('article.finding.selected', 'data-rule'), 'tw-recycle-nat');
  assert.equal(await page.locator('#viewer-mode').textContent(), 'file');

  // Adding a capture keeps the first files: both findings are there.
  await page.setInputFiles('input[type=file][multiple]', files('conntrack-invalid-unnated-rst/capture-any'));
  await page.waitForSelector('[data-rule="conntrack-invalid-unnated-rst"][data-confidence="likely"]');
  await done(page);
  assert.equal(await page.locator('[data-rule="tw-recycle-nat"][data-confidence="confirmed"]').count(), 1, 'adding files replaced the case');
  assert.equal(await page.locator('#chips li.chip').count(), 5);
  // Frame 129 (the RST) is drawn; frame 128 is a tcpdump -i any copy of
  // frame 127, which the diagram draws once and highlights in its stead.
  const rst = page.locator('[data-rule="conntrack-invalid-unnated-rst"]');
  if ((await rst.locator('button.row').getAttribute('aria-expanded')) !== 'true') await rst.locator('button.row').click();
  await rst.locator('button.ev', { hasText: 'node.pcap frame 128' }).click();
  const svg = page.locator('#viewer-body svg.ladder');
  await svg.first().waitFor();
  assert.ok(await page.locator('#viewer-body g.pkt.hl[data-frame="129"]').count() > 0, 'frame 129 is not highlighted');
  const packet = page.locator('#viewer-body g.pkt.hl.focus');
  assert.equal(await packet.getAttribute('data-frame'), '127');
  assert.match(await page.locator('#viewer-title').textContent(), /drawn as frame 127/);
  await assertInView(page, packet);
  await page.screenshot({ path: path.join(shots, 'ladder.png') });

  // The Artifacts tab names the capture with its kind; the Captures tab
  // has its expert-info summary.
  assert.match(await page.locator('#artifacts').textContent(), /pcap[\s\S]*node\.pcap/);
  await page.click('#tab-captures');
  assert.match(await page.locator('#captures').textContent(), /node\.pcap[\s\S]*Resets\s*\d/);

  // Removing the capture's chip re-analyses without it.
  await page.click('#chips button[aria-label="Remove node.pcap from the case"]');
  await page.waitForSelector('[data-rule="conntrack-invalid-unnated-rst"]', { state: 'detached' });
  assert.equal(await page.locator('[data-rule="tw-recycle-nat"][data-confidence="confirmed"]').count(), 1);
  // New case empties it.
  await page.click('#case-clear');
  assert.equal(await page.locator('[data-rule]').count(), 0);
  assert.equal(await page.locator('#chips li.chip').count(), 0);
  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

test('a drop anywhere on the window adds files and never navigates away', async () => {
  const { context, page, requests, problems } = await openPage(browser, server.base);
  const session = fs.readFileSync(path.join(samples, 'vip-nodeport-local-race/positive/node-1-session.txt'), 'utf8');
  const url = page.url();
  // A drop on the footer, far from any drop box.
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'node-1-session.txt', { type: 'text/plain' }));
    const target = document.querySelector('footer');
    target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, session);
  await page.waitForSelector('[data-rule="vip-nodeport-local-race"][data-confidence="confirmed"]');
  assert.equal(page.url(), url);
  assert.equal(await page.locator('#dropzone').isVisible(), false);
  assert.match(await page.locator('#chips').textContent(), /node-1-session\.txt/);
  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

// Before the UI module has loaded (held back here by a slow link), a drop
// and a click on "Add paste" are kept by main.js and added to the case
// once it runs; the drop does not navigate away.
test('a drop and a paste before the page has loaded are kept, not lost', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const requests = [];
  context.on('request', (r) => requests.push({ method: r.method(), url: r.url(), body: r.postDataBuffer() }));
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 40, downloadThroughput: 25e6 / 8, uploadThroughput: 25e6 / 8 });
  await page.goto(server.base + '/', { waitUntil: 'load' });
  const url = page.url();
  const session = fs.readFileSync(path.join(samples, 'vip-nodeport-local-race/positive/node-1-session.txt'), 'utf8');
  const quiet = fs.readFileSync(path.join(samples, 'tcp-orphans-high/ss-summary-near-miss/ticket.txt'), 'utf8');
  await page.fill('#paste', session);
  await page.click('#paste-go');
  const early = await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'ss-summary.txt', { type: 'text/plain' }));
    const target = document.querySelector('footer');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    const drop = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
    target.dispatchEvent(drop);
    return { ui: document.documentElement.dataset.ui || '', prevented: drop.defaultPrevented, status: document.getElementById('status').textContent };
  }, quiet);
  assert.equal(early.ui, '', 'the UI module was already running: the test did not test the early path');
  assert.ok(early.prevented, 'an early drop would navigate away');
  assert.match(early.status, /kept/);
  await page.waitForSelector('[data-rule="vip-nodeport-local-race"][data-confidence="confirmed"]', { timeout: 60_000 });
  await done(page);
  const chips = await page.locator('#chips').textContent();
  assert.match(chips, /paste\.txt/);
  assert.match(chips, /ss-summary\.txt/);
  assert.equal(await page.inputValue('#paste'), '');
  const sure = (await findings(page)).filter((f) => /:(confirmed|likely)$/.test(f)).sort();
  assert.deepEqual(sure, ['client-no-timeout-hang:likely', 'vip-nodeport-local-race:confirmed']);
  assert.equal(page.url(), url);
  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

test('a folder, two hosts: findings per host and the timeline', async () => {
  const { context, page, requests, problems } = await openPage(browser, server.base);
  await page.setInputFiles('#folder', path.join(samples, 'bundles/timeline-two-nodes'));
  await page.waitForSelector('[data-rule="keepalived-check-flap"][data-host="lb-2"]');
  await done(page);
  const got = await findings(page);
  for (const want of ['keepalived-check-flap:confirmed', 'syn-flood-cookies:likely', 'tw-recycle-nat:likely']) assert.ok(got.includes(want), got.join(' '));
  assert.match(await page.locator('#chips').textContent(), /timeline-two-nodes\/lb-1\//);

  // The host filter leaves lb-2's findings.
  await page.selectOption('#filter-host', 'lb-2');
  const shown = await page.locator('article.finding:not([hidden])').evaluateAll((els) => els.map((e) => e.dataset.host));
  assert.ok(shown.length > 0 && shown.every((h) => h === 'lb-2'), shown.join(' '));
  await page.selectOption('#filter-host', '');

  // The timeline: a lane per host, events linked to their findings.
  await page.click('#tab-timeline');
  const tl = page.locator('#timeline');
  assert.ok(await tl.locator('.tl-row').count() > 10);
  assert.deepEqual(await tl.locator('text.tl-host').allTextContents(), ['lb-1', 'lb-2']);
  const dmesg = tl.locator('.tl-row.linked', { hasText: 'syn-flood-cookies' });
  assert.ok(await dmesg.count() > 0, 'no event linked to syn-flood-cookies');
  // An event opens its source in the inspector.
  await dmesg.first().locator('button.tl-src').click();
  await page.locator('#viewer-body .line.hl').first().waitFor();
  assert.match(await page.locator('#viewer-title').textContent(), /lb-1\/dmesg/);
  // Zooming to a finding's span leaves the events of that span.
  const flap = page.locator('[data-rule="keepalived-check-flap"][data-host="lb-2"]');
  if ((await flap.locator('button.row').getAttribute('aria-expanded')) !== 'true') await flap.locator('button.row').click();
  await flap.locator('button[data-zoom]').click();
  assert.equal(await page.getAttribute('#tab-timeline', 'aria-selected'), 'true');
  const times = await tl.locator('.tl-row time').evaluateAll((els) => els.map((e) => Date.parse(e.getAttribute('datetime'))));
  const first = Date.parse('2026-03-14T09:27:32Z');
  const last = Date.parse('2026-03-14T09:27:37Z');
  assert.ok(times.length > 0 && times.every((t) => t >= first - 2000 && t <= last + 2000), `zoomed events outside the span: ${times}`);
  assert.equal(await tl.locator('rect.tl-band.on').count(), 1);
  await page.screenshot({ path: path.join(shots, 'timeline.png') });
  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

test('a pasted terminal session, and a tarball shows its reading progress', async () => {
  const { context, page, requests, problems } = await openPage(browser, server.base, { colorScheme: 'dark' });
  const session = fs.readFileSync(path.join(samples, 'vip-nodeport-local-race/positive/node-1-session.txt'), 'utf8');
  await page.fill('#paste', session);
  await page.click('#paste-go');
  await page.waitForSelector('[data-rule="vip-nodeport-local-race"][data-confidence="confirmed"]');
  const got = await findings(page);
  assert.ok(got.includes('client-no-timeout-hang:likely'), got.join(' '));
  assert.match(await page.locator('[data-rule="client-no-timeout-hang"] .card').textContent(), /vip-nodeport-local-race/);

  await page.locator('[data-rule="vip-nodeport-local-race"] button.ev').first().click();
  await page.locator('#viewer-body .line.hl').first().waitFor();
  assert.match(await page.locator('#viewer-title').textContent(), /paste\.txt#\d/);
  assert.ok(await page.locator('#missing pre').count() > 0);

  // The export's legend says what a pseudonym stands for; the saved file
  // has the pseudonym only.
  await page.click('#export-md');
  await page.locator('#export-dialog[open]').waitFor();
  const entry = page.locator('#export-legend dl div', { hasText: '= 10.20.0.6 ' });
  assert.equal(await entry.count(), 1, await page.locator('#export-legend').textContent());
  assert.match(await entry.textContent(), /IPv4 address/);
  const pseudonym = await entry.locator('dt').textContent();
  assert.ok(await page.locator('#export-preview mark', { hasText: pseudonym }).count() > 0, 'the pseudonym is not highlighted in the preview');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-download')]);
  const saved = fs.readFileSync(await download.path(), 'utf8');
  assert.ok(saved.includes(pseudonym) && !saved.includes('10.20.0.6'), 'the saved export leaks 10.20.0.6 or lacks its pseudonym');

  // A big tarball: the progress bar moves while it is read (in MiB).
  const tgz = path.join(shots, 'big.tar');
  if (!fs.existsSync(tgz)) {
    const { execFileSync } = await import('node:child_process');
    const pad = path.join(shots, 'big-pad');
    fs.mkdirSync(pad, { recursive: true });
    fs.writeFileSync(path.join(pad, 'messages'), 'Jan 10 10:30:12 s2 kernel: nothing to see here\n'.repeat(1_200_000));
    execFileSync('tar', ['-cf', tgz, '-C', pad, 'messages']);
  }
  await page.evaluate(() => {
    self.progressSeen = [];
    new MutationObserver(() => self.progressSeen.push(document.getElementById('progress-text').textContent))
      .observe(document.getElementById('progress-text'), { childList: true, characterData: true, subtree: true });
  });
  await page.setInputFiles('input[type=file][multiple]', tgz);
  await done(page);
  const seen = await page.evaluate(() => self.progressSeen);
  assert.ok(seen.some((t) => /Reading big\.tar: .* MiB of .* MiB/.test(t)), `no progress shown for the tarball: ${seen.join(' | ')}`);
  assert.ok(!seen.some((t) => /\bMB\b/.test(t)), 'MB and MiB mixed');
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
  await page.click('details.options summary');
  await page.fill('#paste', session);
  await page.click('#paste-go');
  await page.waitForSelector('[data-rule="vip-nodeport-local-race"][data-confidence="confirmed"]');
  assert.ok(requests.some((r) => r.url === server.base + '/zoneinfo.zip'), 'zoneinfo.zip was not fetched');
  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

test('examples, shared link, rules tab and editor, export preview', async () => {
  const { context, page, requests, problems } = await openPage(browser, server.base);
  await page.click('#examples summary');
  await page.click('button[data-sample="tw-recycle-nat/positive"]');
  await page.waitForSelector('[data-rule="tw-recycle-nat"][data-confidence="confirmed"]');
  await done(page);
  assert.match(page.url(), /#sample=tw-recycle-nat\/positive/);

  // The Rules tab: every rule with its status on this case.
  await page.click('#tab-rules');
  assert.match(await page.locator('#rules tr[data-rule-status="tw-recycle-nat"]').textContent(), /matched/);
  assert.match(await page.locator('#rules').textContent(), /ruled out/);
  assert.match(await page.locator('#rules').textContent(), /missing input[\s\S]*needs/);

  // Raise a threshold above the sample's PAWSPassive increase: the finding
  // is re-evaluated at once and is no longer confirmed.
  await page.click('#rules button[data-playground-rule="tw-recycle-nat"]');
  await page.waitForFunction(() => document.querySelector('#rule-select').value === 'tw-recycle-nat.yaml');
  assert.match(page.url(), /rule=tw-recycle-nat/);
  const src = await page.inputValue('#rule-src');
  await page.fill('#rule-src', src.replace(/min_drops:\n(\s+)default: 5/, 'min_drops:\n$1default: 100000'));
  await page.waitForSelector('[data-rule="tw-recycle-nat"]:not([data-confidence="confirmed"])');
  assert.equal(await page.getAttribute('#rule-status', 'data-kind'), 'ok');

  // A broken condition is reported at its line, next to it in the editor.
  const lines = src.split('\n');
  const at = lines.findIndex((l) => l.startsWith('  possible:'));
  lines[at + 1] = '    sysctl("x") >= no_such_function()';
  await page.fill('#rule-src', lines.join('\n'));
  await page.waitForSelector('#rule-status[data-kind="error"]');
  assert.equal(await page.getAttribute('#rule-status', 'data-line'), String(at + 2));
  assert.equal(await page.locator('#rule-gutter .err').textContent(), String(at + 2));
  await page.evaluate(() => document.querySelector('#rule-gutter .err').scrollIntoView({ block: 'center' }));
  const diag = await page.locator('#rule-diag').boundingBox();
  const mark = await page.locator('#rule-gutter .err').boundingBox();
  assert.ok(diag && mark && Math.abs(diag.y - (mark.y + mark.height)) < 40, `error shown at y=${diag?.y}, its line at y=${mark?.y}`);
  // A value the rule cannot take and a YAML syntax error are reported at
  // their own line (yaml.v3 prints most syntax errors one line early).
  const yl = src.split('\n');
  const sev = yl.findIndex((l) => l.startsWith('severity:'));
  for (const [text, message] of [['severity: bogus', /severity "bogus" is not one of/], ['\tseverity: warning', /found a tab character/]]) {
    yl[sev] = text;
    await page.fill('#rule-src', yl.join('\n'));
    await page.waitForFunction((re) => new RegExp(re).test(document.querySelector('#rule-status').textContent), message.source);
    assert.equal(await page.getAttribute('#rule-status', 'data-kind'), 'error');
    assert.match(await page.locator('#rule-status').textContent(), new RegExp(`^Line ${sev + 1}: .*${message.source}`));
    assert.equal(await page.locator('#rule-gutter .err').textContent(), String(sev + 1));
  }
  // Undoing all edits clears the error.
  await page.click('#rule-reset');
  await page.waitForSelector('[data-rule="tw-recycle-nat"][data-confidence="confirmed"]');
  assert.notEqual(await page.getAttribute('#rule-status', 'data-kind'), 'error');
  assert.equal(await page.locator('#rule-diag').isVisible(), false);
  await page.click('#rules button[data-playground-rule="tw-recycle-nat"]');
  await page.waitForFunction(() => /rule=tw-recycle-nat/.test(location.hash));

  // Exports open a preview of what is saved, with the legend kept apart.
  for (const [button, needle] of [['#export-md', '# nettriage report'], ['#export-html', 'data-rule="tw-recycle-nat"'], ['#export-json', '"schema": "nettriage.report/v1"']]) {
    await page.click(button);
    await page.locator('#export-dialog[open]').waitFor();
    const preview = await page.locator('#export-preview').textContent();
    const legend = await page.locator('#export-legend').textContent();
    assert.ok(preview.includes(needle), `${button} preview: ${preview.slice(0, 200)}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-download')]);
    const text = fs.readFileSync(await download.path(), 'utf8');
    assert.equal(text, preview, `${button}: the download differs from its preview`);
    assert.match(download.suggestedFilename(), /^nettriage-report-.*-redacted\./);
    // Every legend entry is "pseudonym = original"; no original is saved.
    const pairs = await page.locator('#export-legend dl div').evaluateAll((els) => els.map((e) => [e.querySelector('dt').textContent, e.querySelector('dd').textContent]));
    assert.ok(pairs.length > 0 || /Nothing needed a pseudonym/.test(legend), `no legend: ${legend}`);
    for (const [pseudo, dd] of pairs) {
      const orig = /^= (\S+)/.exec(dd)[1];
      assert.ok(text.includes(pseudo), `${pseudo} is not in the export`);
      if (orig !== pseudo && orig.length > 4) assert.ok(!text.includes(orig), `${orig} (in the legend) leaked into the export`);
    }
    assert.equal(await page.locator('#export-dialog[open]').count(), 0);
  }

  // A shared link opens the same example and rule.
  const shared = page.url();
  const other = await context.newPage();
  await other.goto(shared);
  await other.waitForSelector('[data-rule="tw-recycle-nat"][data-confidence="confirmed"]');
  await other.waitForFunction(() => document.querySelector('#rule-select').value === 'tw-recycle-nat.yaml');
  // A link to an example that does not exist says so.
  const bad = await context.newPage();
  await bad.goto(server.base + '/#sample=no-such/example');
  await bad.waitForSelector('#status[data-kind="error"]');
  assert.match(await bad.locator('#status').textContent(), /no example named no-such\/example/);

  // A screenshot for the README: a capture finding with its ladder.
  await page.click('#examples summary');
  await page.click('button[data-sample="vip-nodeport-local-race/capture"]');
  await page.waitForSelector('[data-rule="vip-nodeport-local-race"]');
  await done(page);
  const vip = page.locator('[data-rule="vip-nodeport-local-race"]');
  if ((await vip.locator('button.row').getAttribute('aria-expanded')) !== 'true') await vip.locator('button.row').click();
  await vip.locator('button.ev').first().click();
  await page.locator('#viewer-body svg.ladder').first().waitFor();
  await page.screenshot({ path: path.join(shots, 'screenshot.png') });
  if (process.env.UPDATE_SCREENSHOT) fs.copyFileSync(path.join(shots, 'screenshot.png'), path.join(root, 'docs', 'screenshot.png'));

  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

test('keyboard-only triage: j, k, Enter, Esc, and never while typing', async () => {
  const { context, page, requests, problems } = await openPage(browser, server.base);
  await page.setInputFiles('#folder', path.join(samples, 'bundles/timeline-two-nodes'));
  await done(page);
  const rows = await page.locator('article.finding').evaluateAll((els) => els.map((e) => e.dataset.rule + '@' + e.dataset.host));
  const active = () => page.evaluate(() => { const a = document.activeElement.closest('article'); return a ? a.dataset.rule + '@' + a.dataset.host : document.activeElement.tagName; });
  assert.equal(await active(), rows[0]);
  await page.keyboard.press('j');
  assert.equal(await active(), rows[1]);
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  assert.equal(await active(), rows[1]);
  // Enter expands the selected finding; Tab reaches its first evidence.
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('article.finding.selected button.row').getAttribute('aria-expanded'), 'true');
  let tabs = 0;
  while (tabs < 10 && !(await page.evaluate(() => document.activeElement.matches('button.ev')))) {
    await page.keyboard.press('Tab');
    tabs++;
  }
  assert.ok(await page.evaluate(() => document.activeElement.matches('button.ev')), 'no evidence reached in 10 Tabs');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#viewer:not([hidden])');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('#viewer').isVisible(), false, 'Esc did not close the inspector');
  assert.equal(await active(), rows[1], 'the focus did not return to the finding');
  // j typed in the paste box is text, not a move.
  await page.focus('#paste');
  await page.keyboard.type('jjk');
  assert.equal(await page.inputValue('#paste'), 'jjk');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'paste');
  // The tabs are a tab list: arrows move between them.
  await page.focus('#tab-timeline');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-counters');
  assert.equal(await page.locator('#panel-counters').isVisible(), true);
  assert.equal(await page.locator('#panel-timeline').isVisible(), false);
  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

test('an 800 px window: no sideways scrolling, the inspector is a drawer', async () => {
  const { context, page, requests, problems } = await openPage(browser, server.base, { viewport: { width: 800, height: 900 } });
  await page.setInputFiles('input[type=file][multiple]', files('tw-recycle-nat/positive'));
  await done(page);
  await page.locator('[data-rule="tw-recycle-nat"] button.ev').nth(4).click();
  await page.locator('#viewer-body .line.hl').first().waitFor();
  const wide = async () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok((await wide()) <= 0, `the page scrolls sideways by ${await wide()} px`);
  const box = await page.locator('#viewer').boundingBox();
  assert.ok(box.y + box.height >= 899 && box.y > 300, `the inspector is not a bottom drawer: ${JSON.stringify(box)}`);
  for (const tab of ['#tab-rules', '#tab-artifacts', '#tab-counters', '#tab-timeline']) {
    await page.click(tab);
    assert.ok((await wide()) <= 0, `${tab}: the page scrolls sideways by ${await wide()} px`);
  }
  await page.screenshot({ path: path.join(shots, 'narrow.png') });
  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

test('big result sets render without long tasks, and axe finds no serious violation', async () => {
  // The page's CSP forbids the inline script addScriptTag writes axe-core
  // into, so this context lets scripts the test adds run; the page's own
  // requests are still recorded and checked.
  const { context, page, requests, problems } = await openPage(browser, server.base, { bypassCSP: true });
  // The code that renders results ran once, off the page, while idle: V8
  // compiles WebAssembly functions on first call (warmup.go).
  await page.waitForSelector('html[data-warm]', { state: 'attached' });
  assert.equal(await page.getAttribute('html', 'data-warm'), 'done');
  const fontsAtLoad = new Set(await fontsInUse(page));
  await observeLongTasks(page);
  // Every bundle at once: four sosreports and two lb nodes, 9 hosts.
  const inputs = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== 'expect') inputs.push(p);
    }
  };
  walk(path.join(samples, 'bundles'));
  await page.setInputFiles('input[type=file][multiple]', inputs);
  await done(page);
  assert.ok((await findings(page)).length >= 5);
  const used = new Set(await fontsInUse(page));
  for (const tab of ['#tab-counters', '#tab-artifacts', '#tab-rules', '#tab-timeline']) {
    await page.click(tab);
    for (const f of await fontsInUse(page)) used.add(f);
  }
  // Long tasks are measured, not asserted (timings depend on the machine;
  // the project's rule): the target is none over 100 ms, and make
  // site-measure reports them too.
  const tasks = await longTasks(page);
  // Every font size and weight the results use was laid out when the page
  // loaded (the primer in index.html): setting one up on first use is a
  // long task on a slow machine.
  assert.deepEqual([...used].filter((f) => !fontsAtLoad.has(f)), [], 'fonts the results use that the primer (site/style.css .font-primer) lacks');
  console.log(`long tasks while a ${inputs.length}-file case was analysed and rendered and its tabs opened: ${JSON.stringify(tasks)} ms (target: none over 100 ms)`);

  // axe-core, loaded from node_modules: no serious or critical violation,
  // with a finding expanded and the inspector open, in both themes.
  await page.locator('article.finding button.ev').first().click();
  await page.waitForSelector('#viewer:not([hidden])');
  await page.addScriptTag({ path: axePath });
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    const result = await page.evaluate(() => self.axe.run(document, { resultTypes: ['violations'] }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), [], `${scheme} theme`);
  }
  assert.deepEqual(problems, []);
  assertOffline(requests);
  await context.close();
});

// The first load over a slow link: 25 Mbit/s and 40 ms of latency,
// emulated by Chromium (Network.emulateNetworkConditions, which also holds
// the engine's worker). Browsers offer brotli only to secure contexts, so
// the page is served three ways: https on 127.0.0.1 (a certificate made
// for the test), http on 127.0.0.1 (a secure context too), and plain http
// on this machine's own non-loopback address, which stands for a LAN
// address: Chromium treats it as insecure and is offered gzip, and the
// connection still never leaves the machine (the kernel delivers traffic
// to its own address through the loopback). The time counted runs from
// the navigation to the first finding of a pasted transcript; it is
// printed with its target (4 s with brotli, 5 s with gzip).
test('a throttled first load: brotli on https and localhost, gzip on a LAN address, and the time to the first finding', async () => {
  const { execFileSync } = await import('node:child_process');
  const os = await import('node:os');
  const dir = fs.mkdtempSync(path.join(shots, 'tls-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const lan = Object.values(os.networkInterfaces()).flat().find((i) => i.family === 'IPv4' && !i.internal);
  assert.ok(lan, 'this machine has no non-loopback IPv4 address to stand for a LAN address');
  const https = await startServer({ cert, key });
  const plain = await startServer({ host: lan.address });
  const session = fs.readFileSync(path.join(samples, 'vip-nodeport-local-race/positive/node-1-session.txt'), 'utf8');
  const throttle = { latency: 40, downloadThroughput: 25e6 / 8, uploadThroughput: 25e6 / 8 };
  try {
    for (const [label, srv, encoding, limit] of [['https', https, 'br', 4000], ['localhost', server, 'br', 4000], ['LAN http', plain, 'gzip', 5000]]) {
      const { context, page, requests, problems, t0, encodings, pageReadyMs } = await openPage(browser, srv.base, { throttle, ignoreHTTPSErrors: true });
      const readyMs = performance.now() - t0;
      await page.fill('#paste', session);
      await page.click('#paste-go');
      await page.waitForSelector('[data-rule="vip-nodeport-local-race"]', { state: 'attached' });
      const ms = performance.now() - t0;
      const engine = Object.keys(encodings).find((u) => /\/engine\.[0-9a-f]{12}\.wasm$/.test(u));
      // The time is reported against its target, not asserted (it depends
      // on the machine); the encoding is asserted.
      const pageMs = await pageFirstFindingMs(page);
      console.log(`${label} (${srv.base}), 25 Mbit/s, 40 ms: ready in ${readyMs.toFixed(0)} ms, first finding in ${ms.toFixed(0)} ms (target ${limit} ms) as Playwright saw them; ${pageReadyMs.toFixed(0)} and ${pageMs.toFixed(0)} ms on the page's clock; engine sent as ${encodings[engine]}`);
      assert.ok(pageMs > pageReadyMs && pageMs <= ms, `page clock: ready ${pageReadyMs}, finding ${pageMs}, observed ${ms}`);
      assert.equal(encodings[engine], encoding, `${label}: the engine module was sent as ${encodings[engine]}`);
      // Chromium says it ignores Cross-Origin-Opener-Policy on a plain
      // http origin that is not localhost: expected there.
      assert.deepEqual(problems.filter((p) => !/Cross-Origin-Opener-Policy header has been ignored/.test(p)), []);
      assert.deepEqual(offending(requests, srv.base), []);
      await context.close();
    }
  } finally {
    await https.stop();
    await plain.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
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

/** Asserts that el is inside the viewport and inside the inspector's scroll box. */
async function assertInView(page, el) {
  const box = await el.boundingBox();
  const viewer = await page.locator('#viewer-body').boundingBox();
  const vp = page.viewportSize();
  assert.ok(box && viewer, 'no box');
  const cy = box.y + box.height / 2;
  assert.ok(cy >= 0 && cy <= vp.height, `highlight at y=${cy}, outside the viewport`);
  assert.ok(cy >= viewer.y && cy <= viewer.y + viewer.height, `highlight at y=${cy}, outside the viewer ${viewer.y}..${viewer.y + viewer.height}`);
}

/** Asserts that el is on screen, below the sticky case bar. */
async function assertOnScreen(page, el) {
  const box = await el.boundingBox();
  const bar = await page.locator('#casebar').boundingBox();
  const vp = page.viewportSize();
  assert.ok(box && box.y >= bar.y + bar.height - 1 && box.y + box.height <= vp.height, `at y=${box?.y}, the case bar ends at ${bar.y + bar.height}`);
}
