// LaunchPlan: what the runner launches for one config, decided in plain C++ so that the UI,
// the sweep planner and the tests see the same grid, block and shared memory as the GPU.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace gemmscope {

struct Dim3 {
  int64_t x = 1, y = 1, z = 1;
  int64_t count() const { return x * y * z; }
  bool operator==(const Dim3&) const = default;
};

// One argument of a kernel: a device buffer the runner owns, or a scalar. Scratch is a buffer of
// `integer` bytes per program that Triton's ABI asks for after the visible arguments (null when 0).
struct KernelArg {
  enum class Kind { A, B, C, Workspace, Int32, Int64, Float32, Scratch } kind = Kind::Int32;
  int64_t integer = 0;
  double real = 0;
  bool operator==(const KernelArg&) const = default;
};

// Every kernel of the built-in families takes the same arguments:
//   (const float* A, const float* B, float* C, int M, int N, int K, float* workspace)
// so the runner needs no per-family launch code; a kernel card's kernels list theirs in `args`.
struct LaunchStep {
  enum class Kind { ZeroOutput, Kernel } kind = Kind::Kernel;
  std::string entry;       // extern "C" kernel name in the family's source
  Dim3 grid, block;
  int64_t dynamic_smem = 0;  // bytes
  // Shared memory the source declares statically, where the family knows it before compiling
  // (validate() holds static + dynamic against the GPU's opt-in limit per block).
  int64_t static_smem_estimate = 0;
  // How the family's shared memory follows from its parameters, and the parameter a user changes
  // to shrink it: both name the rule when the limit is broken.
  std::string smem_formula;
  std::string smem_param = "smem";
  std::vector<KernelArg> args;  // empty: the built-in families' seven
};

struct LaunchPlan {
  std::vector<LaunchStep> steps;
  int64_t workspace_bytes = 0;
  bool uses_cublas = false;  // the cuBLAS family: the runner calls the library instead
  // The first kernel step: the one whose grid the user tunes (launch__grid_size reports it).
  const LaunchStep* main_kernel() const;
};

}  // namespace gemmscope
