// The page's only hand-written JavaScript: start the engine's Web Worker
// first, so its WebAssembly downloads and compiles while the UI module
// loads, then run the UI (wasm/browser). assets.js (written by `make site`)
// names the hashed .wasm files; wasm_exec.js is Go's loader.
'use strict';

const status = document.getElementById('status');
function fail(what, err) {
  status.textContent = `${what}: ${err}. Run \`make site\` to build the page.`;
  status.dataset.kind = 'error';
  status.setAttribute('role', 'alert');
}

// The sticky case bar's height, for the inspector and scrolling to sit
// under it (CSS reads --bar).
const bar = document.getElementById('casebar');
if (bar && self.ResizeObserver) {
  new ResizeObserver(() => {
    document.documentElement.style.setProperty('--bar', `${bar.offsetHeight + 8}px`);
  }).observe(bar);
}

if (!self.nettriageAssets || !self.Go) {
  fail('The WebAssembly modules are missing', 'no assets.js or wasm_exec.js');
} else {
  // Messages that arrive before the UI listens; the UI drains them.
  self.nettriageEarly = [];
  self.nettriageEngine = new Worker('engine-worker.js');
  self.nettriageEngine.onmessage = (e) => self.nettriageEarly.push(e.data);
  self.nettriageEngine.onerror = (e) => fail('The engine worker failed', e.message);

  const go = new Go();
  WebAssembly.instantiateStreaming(fetch(self.nettriageAssets.ui), go.importObject)
    .then((r) => go.run(r.instance))
    .catch((err) => fail('The user interface failed to load', err));
}
