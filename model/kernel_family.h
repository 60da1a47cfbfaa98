// KernelFamily: one GEMM algorithm with its tunables (a ParamTable: data), its rules, launch
// geometry and JIT defines (C++). Families are registered in one list (families()); each lives
// in model/families/<name>.cpp beside its CUDA source kernels/<source>.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/config_error.h"
#include "model/gpu_spec.h"
#include "model/kernel_config.h"
#include "model/launch_plan.h"
#include "model/param_table.h"

namespace gemmscope {

struct KernelCard;

// Sweep axes: parameter name -> the values to try.
using SweepSpace = std::vector<std::pair<std::string, std::vector<int>>>;

class KernelFamily {
 public:
  virtual ~KernelFamily() = default;
  virtual std::string name() const = 0;         // "seed_tall_skinny"
  virtual std::string summary() const = 0;      // one line for menus and --help
  virtual std::string source() const = 0;       // file in kernels/, "" for library families
  virtual const ParamTable& params() const = 0; // the tunables, declared once

  // The config a user starts from for this shape: every row's default (its default_for where it
  // has one), then fit_defaults(). The seed's tiles where the family is a seed.
  KernelConfig defaults(const ProblemShape&) const;
  // The space the default sweep walks on this GPU: every row's sweep values (sweep_for where it
  // has one; split-K counts follow the SM count so that the grid fills whole waves).
  SweepSpace sweep_space(const ProblemShape&, const GpuSpec&) const;
  // The family's own rules, beyond the table's (offered values, powers of two) and the launch
  // limits validate() checks: every rule the config breaks, empty when it breaks none.
  virtual std::vector<ConfigError> check(const KernelConfig&, const GpuSpec&) const = 0;
  virtual LaunchPlan plan(const KernelConfig&) const = 0;
  // NVRTC options that specialise the source (-DBLOCK_M=128 ...).
  virtual std::vector<std::string> defines(const KernelConfig&) const = 0;
  // The arithmetic the config runs: its "precision" parameter where it has one, else FP32.
  virtual Precision precision(const KernelConfig&) const;
  // Error bound a run must meet (relative Frobenius error against cuBLAS pedantic FP32).
  virtual double error_bound(const KernelConfig&) const;
  // The kernel card the family was read from; nullptr for the built-in families.
  virtual std::shared_ptr<const KernelCard> card() const { return nullptr; }
  // The target NVRTC compiles the source for on this GPU: its own architecture ("sm_90"), or the
  // architecture-specific one ("sm_90a") for a family whose instructions (wgmma) exist there alone.
  virtual std::string target_arch(const GpuSpec& gpu) const { return gpu.arch(); }

 protected:
  // Cross-parameter adjustments of the defaults for a shape (a tile shrunk until it fits).
  virtual void fit_defaults(KernelConfig&) const {}
};

using FamilyPtr = std::shared_ptr<const KernelFamily>;
// The built-in families, in one list.
const std::vector<FamilyPtr>& families();
// A family loaded at run time (a kernel card), replacing an earlier one of the same name; the
// process keeps one table of them (the GUI, the CLI, the session and the runner all look up
// families by name). Configs and launches already prepared keep the version they were made with.
void register_family(FamilyPtr);
// The built-in families, then the loaded ones.
std::vector<FamilyPtr> all_families();
FamilyPtr find_family(const std::string& name);  // nullptr if unknown
std::vector<std::string> family_names();         // all_families()'
std::string family_list();                       // "seed_tall_skinny, seed_tiled, ..."

// The canonical name: store key, JIT cache key part and plot label. Only the family's parameters
// with a name fragment appear, in declaration order: "store_bound_64x512_r8x8_sw1_grow@p9".
std::string config_name(const KernelConfig&);

// The family a problem starts with: the seed of its kind (P9-like small K, else P6-like tiles).
std::string default_family_for(const ProblemShape&);
// The family's defaults for the shape with parameter overrides given as text ("split_k", "32";
// "precision", "tf32"), as the CLI's --set, presets and the GUI give them. Throws
// std::invalid_argument naming an unknown family, a parameter the family does not have (with
// the ones it has), or a value its parameter cannot take.
KernelConfig make_config(const ProblemShape&, const std::string& family,
                         const std::vector<std::pair<std::string, std::string>>& overrides = {});

// Shared define set every family passes (layouts).
std::vector<std::string> common_defines(const ProblemShape&);
// The rule of a family compiled for sm_90a (wgmma exists on 9.0 GPUs alone): on any other GPU one
// error naming it and `instead`, the family that serves that GPU; none on a 9.0 one.
std::vector<ConfigError> check_sm90a_only(const std::string& family, const GpuSpec&, const std::string& instead);

// [SECTION] Split-K, shared by the split-K families
// Split-K counts worth sweeping for a tile shape on a GPU: those that make the grid one or more
// whole waves of 1, 2 or 4 blocks per SM, and the powers of two among them, up to the K steps there are.
std::vector<int> split_k_candidates(const ProblemShape&, int block_m, int block_n, int block_k, const GpuSpec&);
// A GPU-independent start for the split-K families: the largest power of two that keeps the grid
// of 128x128 tiles at or under 256 blocks (about one wave on a 128- or 132-SM GPU), and no more
// slices than `block_k` steps of K; the default sweep then tries the counts that fill the GPU.
int default_split_k(const ProblemShape&, int block_k);
// No more slices than block_k steps of K, and a reduction whenever K is split.
std::vector<ConfigError> check_split_k(const ProblemShape&, int block_k, int split_k, Reduction);
// A split-K launch: C zeroed first for atomic slices, `main` on a (N tiles, M tiles, split_k)
// grid, then for two-pass the reduce kernel (each thread summing `reduce_vector` floats) over a
// workspace of split_k copies of C.
LaunchPlan split_k_plan(const ProblemShape&, int block_m, int block_n, int split_k, Reduction, LaunchStep main,
                        const std::string& reduce_entry, int reduce_vector);

// [SECTION] Rows several families declare
ParamDecl split_k_param(int min, int default_value, std::function<int(const ProblemShape&)> default_for,
                        std::function<std::vector<int>(const ProblemShape&, const GpuSpec&)> sweep_for);
ParamDecl reduction_param(std::vector<Reduction> offered, Reduction default_value, std::vector<Reduction> sweep);
ParamDecl precision_param(std::vector<Precision> offered, Precision default_value, std::vector<Precision> sweep);
ParamDecl grid_order_param();
ParamDecl swizzle_param(std::vector<int> offered, std::vector<int> sweep);

}  // namespace gemmscope
