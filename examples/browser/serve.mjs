#!/usr/bin/env node
// A tiny static server for the browser example (and the Chromium tests).
//   node examples/browser/serve.mjs [port]      then open the printed URL
// Serves the repository root on 127.0.0.1 (only the folders the pages need), with
// the MIME types browsers insist on: text/javascript for .mjs/.js and
// application/wasm for .wasm (streaming compilation needs it).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ALLOWED = ['/examples/browser/', '/npm/wasm/src/', '/npm/wasm/dist/', '/tests/browser/'];
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.png': 'image/png', '.svg': 'image/svg+xml',
};

export function startServer({ port = 0, host = '127.0.0.1', root = ROOT } = {}) {
  const server = http.createServer((req, res) => {
    let url;
    try {
      url = new URL(req.url, 'http://localhost');
    } catch {
      res.writeHead(400).end();
      return;
    }
    let p = decodeURIComponent(url.pathname);
    if (p === '/') p = '/examples/browser/index.html';
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(root, path.normalize(p));
    if (!file.startsWith(root + path.sep) || !ALLOWED.some((a) => p.startsWith(a))) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(data);
    });
  });
  return new Promise((resolve) => {
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({ server, url: `http://${host}:${actual}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!fs.existsSync(path.join(ROOT, 'npm/wasm/dist/ruvector.wasm'))) {
    console.error('npm/wasm/dist is empty: build it first with scripts/build-wasm.sh');
    process.exit(1);
  }
  const { url } = await startServer({ port: Number(process.argv[2] || 8080) });
  console.log(`ruvector browser example: ${url}/examples/browser/   (Ctrl-C to stop)`);
}
