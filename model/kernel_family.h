// KernelFamily: one GEMM algorithm with its tunables, rules, launch geometry and JIT defines.
// Families are registered in one list (families()); each lives in model/families/<name>.cpp
// beside its CUDA source kernels/<source>.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config_error.h"
#include "gpu_spec.h"
#include "kernel_config.h"
#include "launch_plan.h"

namespace gemmscope {

// Sweep axes: parameter -> the values to try (already valid in isolation, e.g. powers of two).
using SweepSpace = std::vector<std::pair<Param, std::vector<int>>>;

class KernelFamily {
 public:
  virtual ~KernelFamily() = default;
  virtual std::string name() const = 0;         // "seed_tall_skinny"
  virtual std::string summary() const = 0;      // one line for menus and --help
  virtual std::string source() const = 0;       // file in kernels/, "" for library families
  virtual std::vector<Param> params() const = 0;  // the KernelConfig fields this family reads
  // Values a control may offer for a parameter (before cross-parameter rules).
  virtual std::vector<int> choices(Param p) const = 0;
  // The config a user starts from for this shape (the seed's tiles where the family is a seed).
  virtual KernelConfig defaults(const ProblemShape&) const = 0;
  // The space the default sweep of this shape walks on this GPU (split-K counts, for one, follow
  // its SM count so that the grid fills whole waves).
  virtual SweepSpace sweep_space(const ProblemShape&, const GpuSpec&) const = 0;
  // Family rules beyond the shared ones (run after validate()'s shape/choice checks).
  virtual Check check(const KernelConfig&, const GpuSpec&) const = 0;
  virtual LaunchPlan plan(const KernelConfig&) const = 0;
  // NVRTC options that specialise the source (-DBLOCK_M=128 ...).
  virtual std::vector<std::string> defines(const KernelConfig&) const = 0;
  // Error bound a run of this precision must meet (relative Frobenius error).
  virtual double error_bound(const KernelConfig&) const;
};

const std::vector<std::unique_ptr<KernelFamily>>& families();
const KernelFamily* find_family(const std::string& name);  // nullptr if unknown
std::vector<std::string> family_names();

// Shared define set every family passes (layouts, shape-independent names).
std::vector<std::string> common_defines(const KernelConfig&);

// Split-K counts worth sweeping for a tile shape on a GPU: those that make the grid one or more
// whole waves of 1 or 2 blocks per SM, and the powers of two among them, up to the K steps there are.
std::vector<int> split_k_candidates(const ProblemShape&, int block_m, int block_n, int block_k, const GpuSpec&);
// Split-K rules shared by the split-K families: no more slices than block_k steps of K, and a
// reduction whenever K is split.
Check check_split_k(const KernelConfig&);
// A split-K launch: C zeroed first for atomic slices, `main` on a (N tiles, M tiles, split_k)
// grid, then for two-pass the reduce kernel (each thread summing `reduce_vector` floats) over a
// workspace of split_k copies of C.
LaunchPlan split_k_plan(const KernelConfig&, LaunchStep main, const std::string& reduce_entry, int reduce_vector);

// Every integer in [lo, hi], for parameters a control offers as a number (split_k).
std::vector<int> integer_range(int lo, int hi);

}  // namespace gemmscope
