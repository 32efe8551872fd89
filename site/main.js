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

// What the user does before the UI module runs (it takes a second or
// more on a slow link) is kept rather than lost: a drop anywhere must not
// navigate away from the page, and "Add paste" (or Ctrl+Enter) must not
// be a dead button. The UI takes the kept inputs over from
// nettriageEarlyInputs and removes these stand-in listeners with
// nettriageEarlyStop. Folder entries are taken during the drop event,
// the only time the browser gives them.
self.nettriageEarlyInputs = [];
{
  const undo = [];
  const on = (target, type, f) => {
    if (!target) return;
    target.addEventListener(type, f);
    undo.push(() => target.removeEventListener(type, f));
  };
  const kept = (what) => {
    status.textContent = `${what} kept: it is read as soon as the page has loaded.`;
    status.dataset.kind = 'busy';
  };
  on(window, 'dragover', (e) => e.preventDefault());
  on(window, 'drop', (e) => {
    e.preventDefault();
    const entries = [];
    const files = [];
    for (const it of e.dataTransfer?.items || []) {
      if (it.kind !== 'file') continue;
      const entry = it.webkitGetAsEntry?.();
      if (entry?.isDirectory) entries.push(entry);
      else if (it.getAsFile()) files.push(it.getAsFile());
    }
    if (!entries.length && !files.length) files.push(...(e.dataTransfer?.files || []));
    if (!entries.length && !files.length) return;
    self.nettriageEarlyInputs.push({ kind: 'drop', entries, files });
    kept('The drop is');
  });
  const paste = document.getElementById('paste');
  const addPaste = () => {
    if (!paste.value.trim()) return;
    self.nettriageEarlyInputs.push({ kind: 'paste', text: paste.value });
    paste.value = '';
    kept('The paste is');
  };
  on(document.getElementById('paste-go'), 'click', addPaste);
  on(paste, 'keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      addPaste();
    }
  });
  self.nettriageEarlyStop = () => undo.splice(0).forEach((f) => f());
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
