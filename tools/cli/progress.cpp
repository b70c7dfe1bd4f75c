#include "progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <utility>

namespace ruvector::cli {
namespace {

using Clock = std::chrono::steady_clock;

int terminal_width() {
  winsize ws{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) return ws.ws_col;
  return 80;
}

std::string human_count(double v, Progress::Unit unit) {
  char buf[32];
  if (unit == Progress::Unit::kBytes) {
    if (v >= 1024.0 * 1024 * 1024)
      std::snprintf(buf, sizeof buf, "%.1f GiB", v / (1024.0 * 1024 * 1024));
    else if (v >= 1024.0 * 1024)
      std::snprintf(buf, sizeof buf, "%.1f MiB", v / (1024.0 * 1024));
    else if (v >= 1024.0)
      std::snprintf(buf, sizeof buf, "%.1f KiB", v / 1024.0);
    else
      std::snprintf(buf, sizeof buf, "%.0f B", v);
  } else if (v >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2fM", v / 1e6);
  } else if (v >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.1fk", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  }
  return buf;
}

std::string human_seconds(double s) {
  char buf[32];
  if (s < 0 || s > 1e7) return "?";
  const auto t = static_cast<long>(s + 0.5);
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t / 60) % 60);
  else if (t >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", t);
  return buf;
}

}  // namespace

Progress::Mode Progress::mode_for(bool wanted, bool forced) {
  const bool tty = isatty(STDERR_FILENO) == 1;
  if (tty && (wanted || forced)) return Mode::kBar;
  return forced ? Mode::kLines : Mode::kOff;
}

Progress::Progress(std::string label, std::uint64_t total, Mode mode, Unit unit)
    : label_(std::move(label)),
      total_(total),
      unit_(unit),
      active_(mode != Mode::kOff),
      lines_(mode == Mode::kLines),
      start_(Clock::now()),
      last_draw_(Clock::time_point{}) {
  std::lock_guard<std::mutex> lock(mu_);
  if (lines_) draw_locked(true);
}

Progress::~Progress() { finish(); }

void Progress::set(std::uint64_t done) {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(mu_);
  done_ = done;
  draw_locked(false);
}

void Progress::set(std::uint64_t done, std::uint64_t total) {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(mu_);
  done_ = done;
  total_ = total;
  draw_locked(false);
}

void Progress::add(std::uint64_t n) {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(mu_);
  done_ += n;
  draw_locked(false);
}

void Progress::restart(std::string label, std::uint64_t total, Unit unit) {
  if (!active_) return;
  stop_ticker();
  std::lock_guard<std::mutex> lock(mu_);
  label_ = std::move(label);
  total_ = total;
  unit_ = unit;
  done_ = 0;
  last_step_ = -1;
  start_ = Clock::now();
  last_draw_ = Clock::time_point{};
  draw_locked(true);
}

void Progress::start_ticker() {
  if (!active_ || lines_ || ticker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = false;
    draw_locked(true);
  }
  ticker_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      cv_.wait_for(lock, std::chrono::milliseconds(200));
      if (!stop_) draw_locked(true);
    }
  });
}

void Progress::stop_ticker() {
  if (!ticker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  ticker_.join();
}

void Progress::finish() {
  if (!active_) return;
  stop_ticker();
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) {
    std::fputs("\r\x1b[K", stderr);
    std::fflush(stderr);
    drawn_ = false;
  }
}

void Progress::draw_locked(bool force) {
  if (lines_) {
    // One line per 10% step reached (never throttled), or the label once.
    const int step = total_ > 0 ? static_cast<int>(std::min<std::uint64_t>(done_, total_) * 10 / total_) : 0;
    if (step > last_step_) {
      if (total_ > 0) std::fprintf(stderr, "%s: %d%%\n", label_.c_str(), step * 10);
      else std::fprintf(stderr, "%s...\n", label_.c_str());
      std::fflush(stderr);
      last_step_ = step;
    }
    return;
  }
  const auto now = Clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100) && done_ < total_) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const int width = terminal_width();
  std::string line = label_ + " ";
  std::string tail;
  if (total_ > 0) {
    const double frac = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
    const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3.0f%%", frac * 100);
    tail = std::string(" ") + pct + " " + human_count(static_cast<double>(done_), unit_) + "/" +
           human_count(static_cast<double>(total_), unit_);
    if (rate > 0) {
      tail += "  ";
      tail += human_count(rate, unit_);
      tail += "/s";
      if (done_ < total_) {
        tail += "  ETA ";
        tail += human_seconds(static_cast<double>(total_ - done_) / rate);
      }
    }
    const int bar = std::max(10, std::min(40, width - static_cast<int>(line.size() + tail.size()) - 3));
    const int filled = static_cast<int>(frac * bar);
    line += '[';
    line.append(static_cast<std::size_t>(filled), '#');
    line.append(static_cast<std::size_t>(bar - filled), '.');
    line += ']';
  } else {
    // Unknown total: a marker bouncing in a 20-cell track, plus elapsed time.
    constexpr int kTrack = 20;
    const int pos = static_cast<int>(frame_++ % (2 * (kTrack - 3)));
    const int at = pos < kTrack - 3 ? pos : 2 * (kTrack - 3) - pos;
    std::string track(kTrack, ' ');
    track.replace(static_cast<std::size_t>(at), 3, "<=>");
    line += '[';
    line += track;
    line += ']';
    if (done_ > 0) {
      tail += ' ';
      tail += human_count(static_cast<double>(done_), unit_);
    }
  }
  tail += "  ";
  tail += human_seconds(elapsed);
  line += tail;
  if (static_cast<int>(line.size()) >= width) line.resize(static_cast<std::size_t>(width - 1));
  std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace ruvector::cli
