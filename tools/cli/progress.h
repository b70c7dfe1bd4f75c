// A small progress bar for the `ruvector` CLI (Debian 12 packages no C++
// progress-bar library, so this is ours: ~150 lines, no dependencies).
//
// Modes (mode_for): kBar draws one line on stderr, redrawn in place, when stderr is a
// terminal (and not --json / --quiet): percent, count, rate and ETA when the total is
// known, or a moving marker and the elapsed time when it is not (work that reports no
// progress, e.g. one large insert_batch; see start_ticker). kLines, for --progress when
// stderr is not a terminal (a log, a pipe, a test): plain lines "<label>: <P>%" at 0%,
// each further 10% and 100%, and "<label>..." once for a step with no total; the same
// lines as the JS command's (npm/ruvector/lib/cli/progress.mjs). kOff: every method is a
// cheap no-op, so scripts never see control characters.
//
// Threads: set()/add() may be called from one thread while the ticker draws from
// another; state is guarded by a mutex.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace ruvector::cli {

class Progress {
 public:
  enum class Unit { kItems, kBytes };
  enum class Mode { kOff, kBar, kLines };

  // wanted: progress suits the output (not --json / --quiet); forced: --progress.
  static Mode mode_for(bool wanted, bool forced);

  // `total` 0 = unknown.
  Progress(std::string label, std::uint64_t total, Mode mode, Unit unit = Unit::kItems);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // True when something is shown (mode not kOff).
  bool active() const noexcept { return active_; }

  void set(std::uint64_t done);
  void set(std::uint64_t done, std::uint64_t total);
  void add(std::uint64_t n);
  // Starts a new phase: new label and total, counters and clock reset.
  void restart(std::string label, std::uint64_t total, Unit unit = Unit::kItems);
  // Redraws every 200 ms from a background thread until finish(); for a long call
  // that reports nothing.
  void start_ticker();
  // Stops the ticker and erases the line. Idempotent.
  void finish();

 private:
  void draw_locked(bool force);
  void stop_ticker();

  std::string label_;
  std::uint64_t total_;
  std::uint64_t done_ = 0;
  Unit unit_;
  bool active_;
  bool lines_;
  int last_step_ = -1;  // kLines: the last 10% step printed
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  unsigned frame_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  std::thread ticker_;
  bool stop_ = false;
};

}  // namespace ruvector::cli
