// The two `ruvector` commands agree: the C++ one (tools/cli) and the JS one
// (npm/ruvector/bin). CTest `cli_parity` (tools/cli/CMakeLists.txt):
//   node tests/cli/parity.mjs <C++ ruvector> <npm/ruvector/bin/ruvector.mjs>
// From their --help texts: the same commands, the same options per command (long and
// short names), the same stated defaults, the same exit-code table. Differences that
// follow from what each face is are listed below with the reason; anything else fails.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const [cxx, js] = process.argv.slice(2);
const ONLY_JS_COMMANDS = { doctor: 'reports which JS backend (native addon or wasm) loads; the C++ tool has one engine' };
const ONLY_JS_OPTIONS = {
  '--backend': 'chooses the JS backend (native or wasm); the C++ tool has one engine',
  '--k': 'the JS parser gives every short option a long form; both accept -k',
};
// Options of this tool the JS faces cannot offer, because the Node addon and the wasm module
// do not expose the engine feature (a gap of the bindings, to close there). None today.
const ONLY_CXX_OPTIONS = {};
const GLOBAL = ['--json', '-q', '--quiet', '--progress', '--version', '-h', '--help'];

function help(which, args) {
  const r = which === 'cxx' ? spawnSync(cxx, args, { encoding: 'utf8' }) : spawnSync(process.execPath, [js, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${which} ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}
// Option lines start with "-x," or "--name" after indentation (both formats).
function options(text) {
  const names = new Set();
  for (const line of text.split('\n')) {
    const m = line.match(/^\s{2,}((?:-\w,\s*)?(?:--[a-z][a-z-]*)|-\w)(?=[\s,]|$)/);
    if (m) for (const n of m[1].split(/,\s*/)) names.add(n);
  }
  return names;
}
// The option a stated default belongs to (the JS long alias --k is the C++ -k): the
// nearest option before "(default ...)", never one further back across another option.
function defaults(text) {
  const flat = text.replace(/\s+/g, ' ');
  const out = {};
  for (const m of flat.matchAll(/(--[a-z][a-z-]*|-\w) (?:(?! --?[a-z])[^(])*?\(default ([^)]*)\)/g)) out[m[1] === '--k' ? '-k' : m[1]] = m[2];
  return out;
}
const exitTable = (text) => text.replace(/\s+/g, ' ').match(/Exit codes: .*?"ruvector: CODE: message"/)[0]
  .replace('; also no usable backend', '');  // the JS-only cause of exit 4
function commands(text, heading) {
  const section = text.split(`${heading}:\n`)[1].split('\n\n')[0];
  return section.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
}

test('the same commands', () => {
  const c = commands(help('cxx', ['--help']), 'Subcommands');
  const j = commands(help('js', ['--help']), 'Commands').filter((n) => !ONLY_JS_COMMANDS[n]);
  assert.deepEqual(j, c);
});

test('the same global options and exit codes', () => {
  const c = options(help('cxx', ['--help']));
  const j = options(help('js', ['--help']));
  for (const n of Object.keys(ONLY_JS_OPTIONS)) j.delete(n);
  assert.deepEqual([...j].sort(), [...c].sort());
  assert.equal(exitTable(help('js', ['--help'])), exitTable(help('cxx', ['--help'])));
});

for (const command of commands(help('cxx', ['--help']), 'Subcommands')) {
  test(`${command}: the same options and stated defaults`, () => {
    const ct = help('cxx', [command, '--help']);
    const jt = help('js', [command, '--help']);
    const c = options(ct);
    const j = options(jt);
    for (const n of [...GLOBAL, ...Object.keys(ONLY_JS_OPTIONS), ...Object.keys(ONLY_CXX_OPTIONS)]) { c.delete(n); j.delete(n); }
    assert.deepEqual([...j].sort(), [...c].sort(), `${command} options`);
    const cd = defaults(ct);
    const jd = defaults(jt);
    for (const n of Object.keys(ONLY_CXX_OPTIONS)) delete cd[n];
    for (const n of Object.keys(ONLY_JS_OPTIONS)) delete jd[n];
    assert.deepEqual(jd, cd, `${command} defaults`);
  });
}
