// Web Worker glue for the engine (wasm/engine): load Go's runtime support
// and the hashed module named by assets.js, and run it. The module then
// answers the page's postMessage requests itself.
'use strict';
importScripts('assets.js', 'wasm_exec.js');

const go = new Go();
WebAssembly.instantiateStreaming(fetch(self.nettriageAssets.engine), go.importObject)
  .then((r) => go.run(r.instance))
  // The engine serves until the page closes; if it ever returns, it died
  // (a Go fatal error such as running out of memory is in the console).
  .then(() => postMessage({ type: 'fatal', message: 'the engine stopped; reload the page' }))
  .catch((err) => postMessage({ type: 'fatal', message: String(err) }));
