// Waiting on a RunSession in tests: its events collected into `seen` until one of a type arrives.
#pragma once
#include <chrono>
#include <optional>
#include <variant>
#include <vector>

#include "controller/run_session.h"

namespace gemmscope::testing {

// Until an event of type E arrives (nullopt after `limit`; a pool's hung runner takes its
// watchdog's time, so callers give generous limits).
template <class E>
std::optional<E> await(RunSession& s, std::vector<SessionEvent>& seen, std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline)
    for (auto& e : s.wait(std::chrono::milliseconds(100))) {
      seen.push_back(e);
      if (auto* x = std::get_if<E>(&e)) return *x;
    }
  return std::nullopt;
}

// Progress events until the one that says the sweep finished (nullopt: it never did).
inline std::optional<SweepProgressEvent> await_sweep_end(RunSession& s, std::vector<SessionEvent>& seen) {
  for (;;) {
    auto p = await<SweepProgressEvent>(s, seen);
    if (!p || p->finished) return p;
  }
}

}  // namespace gemmscope::testing
