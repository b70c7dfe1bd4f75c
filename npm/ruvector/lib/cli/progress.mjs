// Progress on stderr, as the C++ CLI's (tools/cli/progress.cpp): on a terminal (not in
// --json or --quiet mode) a bar redrawn in place: percent, count, rate and ETA, or a
// moving marker and the elapsed time for steps that report no progress. With --progress
// when stderr is not a terminal: plain lines "<label>: <P>%" at 0%, each further 10% and
// 100%, and "<label>..." once for a step with no total. Otherwise nothing. No
// dependency: a dozen lines of ANSI beat a package.

function humanCount(v, bytes) {
  if (bytes) {
    if (v >= 1024 ** 3) return `${(v / 1024 ** 3).toFixed(1)} GiB`;
    if (v >= 1024 ** 2) return `${(v / 1024 ** 2).toFixed(1)} MiB`;
    if (v >= 1024) return `${(v / 1024).toFixed(1)} KiB`;
    return `${Math.round(v)} B`;
  }
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  return `${Math.round(v)}`;
}

function humanSeconds(s) {
  if (!(s >= 0) || s > 1e7) return '?';
  const t = Math.round(s);
  if (t >= 3600) return `${Math.floor(t / 3600)}h${String(Math.floor(t / 60) % 60).padStart(2, '0')}m`;
  if (t >= 60) return `${Math.floor(t / 60)}m${String(t % 60).padStart(2, '0')}s`;
  return `${t}s`;
}

export class Progress {
  /** enabled: progress suits the output (not --json / --quiet); forced: --progress. */
  constructor(label, total = 0, { enabled = true, forced = false, bytes = false, stream = process.stderr } = {}) {
    this.stream = stream;
    const tty = stream.isTTY === true;
    this.active = (tty && (enabled || forced)) || forced;
    this.lines = forced && !tty;
    this.timer = null;
    this.drawn = false;
    this.restart(label, total, { bytes });
  }

  restart(label, total = 0, { bytes = false } = {}) {
    this.stopTicker();
    this.label = label;
    this.total = total;
    this.bytes = bytes;
    this.done = 0;
    this.lastStep = -1;
    this.start = performance.now();
    this.lastDraw = 0;
    this.tick = 0;
    this.draw(true);
    return this;
  }

  /** done of total (total: unchanged when omitted). */
  set(done, total = this.total) {
    this.done = done;
    this.total = total;
    this.draw(false);
  }

  add(n) {
    this.done += n;
    this.draw(false);
  }

  /** Redraws every 200 ms while the event loop is free (for waits on the native thread pool). */
  startTicker() {
    if (!this.active || this.lines || this.timer) return this;
    this.timer = setInterval(() => this.draw(true), 200);
    this.timer.unref();
    return this;
  }

  stopTicker() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  finish() {
    this.stopTicker();
    if (this.active && !this.lines && this.drawn) {
      this.stream.write('\r\x1b[K');
      this.drawn = false;
    }
  }

  draw(force) {
    if (!this.active) return;
    if (this.lines) {
      // One line per 10% step reached (never throttled), or the label once.
      const step = this.total > 0 ? Math.floor((Math.min(this.done, this.total) * 10) / this.total) : 0;
      if (step > this.lastStep) {
        this.stream.write(this.total > 0 ? `${this.label}: ${step * 10}%\n` : `${this.label}...\n`);
        this.lastStep = step;
      }
      return;
    }
    const now = performance.now();
    if (!force && now - this.lastDraw < 100 && this.done < this.total) return;
    this.lastDraw = now;
    const elapsed = (now - this.start) / 1000;
    const width = this.stream.columns > 20 ? this.stream.columns : 80;
    const head = `${this.label} `;
    let tail = '';
    let bar;
    if (this.total > 0) {
      const frac = Math.min(1, this.done / this.total);
      const rate = elapsed > 0 ? this.done / elapsed : 0;
      tail = ` ${String(Math.round(frac * 100)).padStart(3)}% ${humanCount(this.done, this.bytes)}/${humanCount(this.total, this.bytes)}`;
      if (rate > 0) {
        tail += `  ${humanCount(rate, this.bytes)}/s`;
        if (this.done < this.total) tail += `  ETA ${humanSeconds((this.total - this.done) / rate)}`;
      }
      const n = Math.max(10, Math.min(40, width - head.length - tail.length - 3));
      const filled = Math.floor(frac * n);
      bar = `[${'#'.repeat(filled)}${'.'.repeat(n - filled)}]`;
    } else {
      const n = 20;
      const at = this.tick++ % (2 * (n - 3));
      const p = at < n - 3 ? at : 2 * (n - 3) - at;
      bar = `[${' '.repeat(p)}<=>${' '.repeat(n - 3 - p)}]`;
      tail = ` ${humanSeconds(elapsed)}`;
    }
    let line = head + bar + tail;
    if (line.length > width - 1) line = line.slice(0, width - 1);
    this.stream.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }
}
