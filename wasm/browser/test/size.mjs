// The engine module's size guard (`make size-guard`, part of `make test`):
// browsers download it brotli-compressed from Netlify, and DESIGN.md's
// budget is 3 MiB at brotli quality 11. Prints the size and fails above
// the budget. NETTRIAGE_WASM_BUDGET overrides the budget (to test the guard).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const site = path.join(root, 'site');
const budget = Number(process.env.NETTRIAGE_WASM_BUDGET || 3 * 1024 * 1024);
const engines = fs.readdirSync(site).filter((f) => /^engine\.[0-9a-f]+\.wasm$/.test(f));
if (engines.length !== 1) {
  console.error(`size guard: want one engine module in site/, found ${engines.length}; run make site`);
  process.exit(1);
}
const raw = fs.readFileSync(path.join(site, engines[0]));
const br = zlib.brotliCompressSync(raw, {
  params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
}).length;
const pct = ((100 * br) / budget).toFixed(1);
console.log(`engine module ${engines[0]}: ${raw.length} bytes raw, ${br} bytes brotli 11 (${pct}% of the ${budget}-byte budget)`);
if (br > budget) {
  console.error(`size guard: the engine module is ${br - budget} bytes over budget`);
  process.exit(1);
}
