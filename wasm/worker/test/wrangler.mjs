// Starts the nettriage Worker in `wrangler dev --local` on loopback ports
// and stops it with its whole process group (wrangler, esbuild, workerd).
// Shared by api.test.mjs and measure.mjs; needs `make worker` and `npm ci`
// first (the Makefile targets do both).
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// The environment that keeps wrangler offline (see DESIGN.md).
const offline = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  WRANGLER_HIDE_BANNER: 'true',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
};

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `wrangler dev` and waits until GET /v1/health answers 200.
 * vars: Worker variables ({ALLOWED_ORIGINS: '...'}). Returns the base URL,
 * the process group id, the milliseconds from spawn to the first 200 and of
 * that request alone (the first one compiles the wasm), the output so far
 * and stop().
 */
export async function startWorker({ vars = {}, timeoutMs = 120_000 } = {}) {
  const port = await freePort();
  const inspectorPort = await freePort();
  const args = ['dev', '--local', '--ip', '127.0.0.1', '--port', String(port),
    '--inspector-port', String(inspectorPort), '--show-interactive-dev-session=false'];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);

  const t0 = performance.now();
  // detached: a process group of its own, so stop() reaches workerd too.
  const child = spawn(path.join(root, 'node_modules/.bin/wrangler'), args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...offline },
  });
  let output = '';
  const keep = (d) => { output = (output + d).slice(-20_000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  // Never leave a workerd behind, even if the caller dies first.
  const killOnExit = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } };
  process.on('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (!groupAlive(child.pid)) return;
    process.kill(-child.pid, 'SIGTERM');
    for (let i = 0; i < 100 && groupAlive(child.pid); i++) await sleep(100);
    if (groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
    for (let i = 0; i < 50 && groupAlive(child.pid); i++) await sleep(100);
    if (groupAlive(child.pid)) throw new Error(`process group ${child.pid} survived SIGKILL`);
  };

  const base = `http://127.0.0.1:${port}`;
  while (performance.now() - t0 < timeoutMs) {
    if (exited) {
      throw new Error(`wrangler exited (${JSON.stringify(exited)}) before answering:\n${output}`);
    }
    try {
      const t = performance.now();
      const res = await fetch(`${base}/v1/health`);
      await res.arrayBuffer();
      if (res.status === 200) {
        const now = performance.now();
        return { base, pid: child.pid, startMs: now - t0, firstHealthMs: now - t, output: () => output, stop };
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stop();
  throw new Error(`the Worker did not answer /v1/health within ${timeoutMs} ms:\n${output}`);
}
