// TritonCompiler: a Triton kernel card's kernel to a cubin, by Triton itself, through the Python
// helper runner/triton_compile.py (embedded in this binary). The runner then launches the cubin
// with the driver API like any other kernel. Needs no GPU: Triton compiles for an architecture.
#pragma once
#include <string>
#include <vector>

#include "model/kernel_card.h"
#include "model/launch_plan.h"
#include "runner/jit_compiler.h"

namespace gemmscope {

// What Triton made of one kernel, and how its ABI wants it launched.
struct TritonKernel {
  std::string cubin;
  std::string entry;            // the kernel's name in the cubin
  std::string triton_version;
  int num_warps = 4, num_ctas = 1;
  int64_t shared = 0;           // bytes of dynamic shared memory the launch needs
  int64_t global_scratch_size = 0, profile_scratch_size = 0;  // bytes per program (0: none)
  std::vector<int> kept_args;   // the card's arguments that are kernel parameters (an int 1 is folded away)
  std::vector<std::string> hidden_args;  // pointer parameters after them ("global_scratch", "profile_scratch")
  KernelResources resources;    // read from the cubin
  std::string key;
  double compile_ms = 0;
  bool cache_hit = false;
};

class TritonCompiler {
 public:
  // cache_dir "" keeps no cubins (the helper is still written to a temporary folder).
  explicit TritonCompiler(std::string cache_dir);
  // Compiles `entry` of the card's source for `arch` ("sm_90") with the config's constexprs and
  // options and the launch's argument values (specialised as Triton's launcher would). Throws
  // CompileError with the helper's message (a source that does not import, a signature that does
  // not match, Triton's own error with its line, Triton missing and how to get it).
  TritonKernel compile(const KernelCard&, const KernelConfig&, const std::string& entry, const std::vector<KernelArg>& args,
                       const std::string& arch) const;
  // The installed Triton's version, "" when Python cannot import it (asked once).
  std::string version() const;

 private:
  std::string cache_dir_;
  mutable std::string version_;
  mutable bool version_known_ = false;
};

}  // namespace gemmscope
