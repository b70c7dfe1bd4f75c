// A small progress bar for the `ruvector` CLI (Debian 12 packages no C++
// progress-bar library, so this is ours: ~150 lines, no dependencies).
//
// It draws one line on stderr, and only when it is enabled AND stderr is a
// terminal; otherwise every method is a cheap no-op, so scripts, pipes, --json and
// --quiet runs never see control characters. Shows percent, count, rate and ETA
// when the total is known, or a moving marker and the elapsed time when it is not
// (work that reports no progress, e.g. one large insert_batch; see start_ticker).
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

  // `total` 0 = unknown. `enabled` false (e.g. --json or --quiet) draws nothing.
  Progress(std::string label, std::uint64_t total, bool enabled, Unit unit = Unit::kItems);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // True when the bar draws (enabled and stderr is a TTY).
  bool active() const noexcept { return active_; }

  void set(std::uint64_t done);
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
