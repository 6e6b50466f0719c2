//===- Clock.h - the daemon's clocks ----------------------------*- C++ -*-===//
#ifndef LFRT_CLOCK_H
#define LFRT_CLOCK_H

#include <chrono>

namespace lfrt {

/// Seconds on the monotonic clock (intervals, timeouts).
inline double nowS() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// Seconds since the epoch (timestamps in the state dir).
inline double wallS() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace lfrt

#endif
