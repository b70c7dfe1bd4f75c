// Command-line parsing for the `ruvector` bin: a command, its positional arguments,
// and options as `--name value`, `--name=value`, `-k 5` or boolean `--flag`. Global
// options may come before or after the command. No dependency.
import { CliError } from './records.mjs';

export const GLOBAL = {
  json: { flag: true, help: 'Print one machine-readable JSON document on stdout (no progress bar)' },
  quiet: { flag: true, alias: 'q', help: 'Print only results and errors (no progress bar, no summaries)' },
  progress: { flag: true, help: 'Show progress on stderr even when it is not a terminal: lines "<step>: <P>%" every 10%' },
  backend: { value: 'NAME', help: 'native | wasm: force a backend (the same as RUVECTOR_BACKEND)' },
  help: { flag: true, alias: 'h', help: 'Show help' },
  version: { flag: true, help: 'Print the version and exit' },
};

export class UsageError extends CliError {
  constructor(message) {
    super('USAGE', message, 1);
  }
}

/**
 * parse(argv, commands) -> {command, positional, options, globals}.
 * commands: {name: {positional: [{name, required, rest}], options: {name: {value?, flag?, alias?}}}}
 */
export function parse(argv, commands) {
  const globals = {};
  const options = {};
  const positional = [];
  let command = null;
  let spec = null;
  const lookup = (name, short) => {
    const tables = [spec ? spec.options : {}, GLOBAL];
    for (const table of tables) {
      for (const [key, o] of Object.entries(table)) {
        if (short ? o.alias === name : key === name) return { key, o, global: table === GLOBAL };
      }
    }
    return null;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) {
      const long = a.startsWith('--');
      let name = long ? a.slice(2) : a.slice(1);
      let inline;
      const eq = name.indexOf('=');
      if (long && eq >= 0) {
        inline = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      const hit = lookup(name, !long);
      if (!hit) {
        const where = command ? ` ${command}` : '';
        throw new UsageError(`unknown option '${a}' (see: ruvector${where} --help)`);
      }
      const target = hit.global ? globals : options;
      if (hit.o.flag) {
        if (inline !== undefined) throw new UsageError(`option '--${hit.key}' takes no value`);
        target[hit.key] = true;
      } else {
        let v = inline;
        if (v === undefined) {
          if (i + 1 >= argv.length) throw new UsageError(`option '${a}' needs a value (${hit.o.value || 'VALUE'})`);
          v = argv[++i];
        }
        if (hit.o.multi) (target[hit.key] ||= []).push(v);
        else target[hit.key] = v;
      }
      continue;
    }
    if (command === null) {
      if (!(a in commands)) {
        throw new UsageError(`unknown command '${a}'; commands: ${Object.keys(commands).join(', ')}`);
      }
      command = a;
      spec = commands[a];
      continue;
    }
    positional.push(a);
  }
  return { command, positional, options, globals };
}

/** Binds positional arguments to names; USAGE errors for missing or extra ones. */
export function bind(command, spec, positional) {
  const out = {};
  const list = spec.positional || [];
  let i = 0;
  for (const p of list) {
    if (p.rest) {
      out[p.name] = positional.slice(i);
      i = positional.length;
      if (p.required && out[p.name].length === 0) throw new UsageError(`${p.name.toUpperCase()} is required (see: ruvector ${command} --help)`);
      continue;
    }
    if (i < positional.length) out[p.name] = positional[i++];
    else if (p.required) throw new UsageError(`${p.name.toUpperCase()} is required (see: ruvector ${command} --help)`);
  }
  if (i < positional.length) throw new UsageError(`unexpected argument '${positional[i]}' (see: ruvector ${command} --help)`);
  return out;
}

/** An integer option within [lo, hi]; USAGE error otherwise. */
export function intOption(options, name, dflt, lo, hi) {
  const v = options[name];
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(String(v).trim())) throw new UsageError(`--${name} expects a whole number, got '${v}'`);
  const n = Number(v);
  if (n < lo || n > hi) throw new UsageError(`--${name} must be between ${lo} and ${hi}, got ${n}`);
  return n;
}
