// The examples, run as tests:
//   examples/node/similar-items.mjs   fashion-mnist similar items, on both backends
//   examples/typescript/search.mts    tsc --noEmit (strict), then compiled and run
//   examples/browser-importmap/       Debian Chromium via playwright-core, the page
//                                     installed beside the packages in a temp folder
// The repository examples resolve `ruvector` through examples/*/node_modules/ruvector,
// a link to npm/ruvector made here (and by scripts/test-ruvector.sh), as `npm install
// ruvector` would; the packaging test runs them again from the packed tarballs.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTree, repo } from './install-tree.mjs';
import {
  linkExample, node, checkSimilarItems, checkTypescript, checkBrowserPage, TSC, CHROMIUM, FASHION, SKIP_BROWSER,
} from './example-checks.mjs';

describe('examples', { timeout: 900_000 }, () => {
  before(() => {
    linkExample(path.join(repo, 'examples/node'));
    linkExample(path.join(repo, 'examples/typescript'));
  });

  for (const backend of ['native', 'wasm']) {
    it(`examples/node/similar-items.mjs on ${backend}: the neighbours of a sneaker are sneakers`, { skip: !fs.existsSync(FASHION) && 'apt-get install dataset-fashion-mnist' }, () => {
      const r = node(['similar-items.mjs', '--train', '10000', '--queries', '300', '--json'], { cwd: path.join(repo, 'examples/node'), backend });
      checkSimilarItems(r.stdout, backend);
      assert.equal(r.stderr, '');
    });
  }

  it('examples/typescript: tsc --noEmit (strict) passes, and the compiled program runs on both backends', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-ts-'));
    try {
      linkExample(out);
      checkTypescript(path.join(repo, 'examples/typescript'), out);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('tsc rejects a misuse of the types (they are not `any`)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-ts-bad-'));
    try {
      linkExample(dir);
      fs.writeFileSync(path.join(dir, 'bad.mts'), "import { VectorDb } from 'ruvector';\nconst db = new VectorDb({ dimensions: 3 });\n" +
        "const n: string = await db.len();\nawait db.search({ vector: 'abc', k: 1 });\nexport {};\n");
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, lib: ['es2022'], types: [] },
        files: ['bad.mts'],
      }));
      const r = spawnSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' });
      assert.notEqual(r.status, 0);
      assert.match(r.stdout, /bad\.mts\(3,7\): error TS2322/);
      assert.match(r.stdout, /bad\.mts\(4,/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('examples/browser-importmap in Chromium: ruvector through an import map, no bundler', {
    skip: SKIP_BROWSER ? 'RUVECTOR_SKIP_BROWSER=1' : !fs.existsSync(CHROMIUM) && `${CHROMIUM} is missing: apt-get install chromium (or set CHROMIUM_PATH)`,
  }, async () => {
    // The page beside the packages, as `npm install ruvector` leaves them (no native addon in a browser).
    const tree = makeTree({ core: 'absent' });
    try {
      for (const f of ['index.html', 'app.mjs']) fs.copyFileSync(path.join(repo, 'examples/browser-importmap', f), path.join(tree.app, f));
      await checkBrowserPage(tree.app, path.join(repo, 'build-ruvector', 'importmap-example.png'));
    } finally {
      tree.cleanup();
    }
  });
});
