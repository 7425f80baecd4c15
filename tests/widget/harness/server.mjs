// Starts the real `heregoes serve` for the browser tests: on loopback, on a free port, with its own
// temporary SQLite file, from the repository root (so the default dialogs and widget folders are
// the repository's). A test can stop and start it again on the same port and store, which is how
// the resume tests take the server away mid-conversation.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo_root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// How long the server may take to answer /healthz after it was started; a cold start loads and
// lints the dialogs, which takes well under a second, so this only catches a server that hangs.
const start_timeout_ms = 15000;
// How long a SIGTERM gets to drain before the process is killed.
const stop_timeout_ms = 7000;

// Where the binary is: HEREGOES_BIN, else the top of the default preset's build folder (where
// engine/cli puts it), else its source-mirroring path.
function find_binary() {
  if (process.env.HEREGOES_BIN) {
    const given = path.resolve(repo_root, process.env.HEREGOES_BIN);
    if (!fs.existsSync(given)) throw new Error(`HEREGOES_BIN=${given} does not exist; build heregoes first.`);
    return given;
  }
  const candidates = ['build/default/heregoes', 'build/default/engine/cli/heregoes'];
  for (const c of candidates) {
    const full = path.resolve(repo_root, c);
    if (fs.existsSync(full)) return full;
  }
  throw new Error(
    `heregoes binary not found (tried ${candidates.join(', ')}); build it or set HEREGOES_BIN to its path.`,
  );
}

async function free_port() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function wait_healthy(url, child) {
  const deadline = Date.now() + start_timeout_ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`heregoes serve exited with ${child.exitCode}`);
    try {
      const res = await fetch(url + '/healthz');
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`heregoes serve did not answer ${url}/healthz within ${start_timeout_ms} ms`);
}

// One server under test. start() and stop() may be called repeatedly; the port and store stay.
export class heregoes_server {
  constructor() {
    this.binary = find_binary();
    this.data_dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heregoes-widget-'));
    this.child = null;
    this.port = 0;
    this.log = '';
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    if (!this.port) this.port = await free_port();
    const args = ['serve', '--port', String(this.port), '--db-path', path.join(this.data_dir, 'heregoes.db')];
    const child = spawn(this.binary, args, { cwd: repo_root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (this.log += d));
    child.stderr.on('data', (d) => (this.log += d));
    this.child = child;
    try {
      await wait_healthy(this.url, child);
    } catch (err) {
      err.message += `\n--- server output ---\n${this.log}`;
      throw err;
    }
  }

  async stop() {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), stop_timeout_ms);
    await exited;
    clearTimeout(timer);
  }

  async dispose() {
    await this.stop();
    fs.rmSync(this.data_dir, { recursive: true, force: true });
  }
}
