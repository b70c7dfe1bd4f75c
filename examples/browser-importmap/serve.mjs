#!/usr/bin/env node
// A tiny static server for the import-map example (and its Chromium test).
//   node serve.mjs [port] [folder]        then open the printed URL
// Serves `folder` (default: this example's folder) on 127.0.0.1, with the MIME types
// browsers insist on: text/javascript for .mjs/.js, application/wasm for .wasm.
// In a repository checkout, where this folder has no node_modules of its own, the
// URLs /node_modules/ruvector/ and /node_modules/@ruvector/wasm/ are served from
// npm/ruvector and npm/wasm, so the page runs the packages as they are in the tree.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.png': 'image/png', '.svg': 'image/svg+xml',
};

function repoMounts(root) {
  const repo = path.resolve(HERE, '../..');
  if (root !== HERE || fs.existsSync(path.join(root, 'node_modules')) || !fs.existsSync(path.join(repo, 'npm/ruvector/package.json'))) return {};
  return {
    '/node_modules/ruvector/': path.join(repo, 'npm/ruvector'),
    '/node_modules/@ruvector/wasm/': path.join(repo, 'npm/wasm'),
  };
}

/** Serves `root` (and `mounts`: {'/url/prefix/': dir}); resolves to {url, close()}. */
export function startServer({ root = HERE, port = 0, host = '127.0.0.1', mounts = repoMounts(root) } = {}) {
  const server = http.createServer((req, res) => {
    let p;
    try {
      p = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (p.endsWith('/')) p += 'index.html';
    let base = root;
    let rel = p;
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (p.startsWith(prefix)) {
        base = dir;
        rel = p.slice(prefix.length - 1);
        break;
      }
    }
    const file = path.join(base, path.normalize(rel));
    if (!file.startsWith(base + path.sep)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : data);
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
  const root = path.resolve(process.argv[3] || HERE);
  const { url } = await startServer({ root, port: Number(process.argv[2] || 8080) });
  console.log(`ruvector import-map example: ${url}/   (Ctrl-C to stop)`);
}
