// Shared by the GPU tests: the real runner of this build, or a skip saying why there is none.
#pragma once
#include <gtest/gtest.h>
#include <memory>
#include "controller/runner_client.h"

namespace gemmscope::test {

// One runner for the whole test binary; hello() once.
inline RunnerClient& gpu_runner() {
  static RunnerClient client({GEMMSCOPE_TEST_RUNNER});
  return client;
}

inline const RunnerInfo& gpu_info() {
  static const RunnerInfo info = gpu_runner().hello();
  return info;
}

}  // namespace gemmscope::test

// Skips the test, with the runner's own reason, where there is no GPU.
#define REQUIRE_GPU()                                                                            \
  do {                                                                                           \
    if (!::gemmscope::test::gpu_info().ok) GTEST_SKIP() << "no GPU: " << ::gemmscope::test::gpu_info().error; \
  } while (0)
