// JitCompiler: NVRTC compiles a kernel source (embedded at build time) with a config's defines
// for one architecture, to a cubin cached on disk by (source, options, arch, NVRTC version).
// Needs no GPU, so CI compiles every config for sm_89 and sm_90.
#pragma once
#include <map>
#include <stdexcept>
#include <string>
#include <vector>
#include "model/validate.h"

namespace gemmscope {

struct CompiledModule {
  std::string cubin;                                   // ELF bytes
  std::map<std::string, KernelResources> resources;    // per kernel entry, read from the cubin
  std::string log;                                     // NVRTC's log, always kept
  double compile_ms = 0;
  bool cache_hit = false;
  std::string key;                                     // cache key (hex)
};

// Thrown when NVRTC refuses the source; carries the log.
struct CompileError : std::runtime_error {
  CompileError(const std::string& what, std::string log_) : std::runtime_error(what), log(std::move(log_)) {}
  std::string log;
};

class JitCompiler {
 public:
  // cache_dir "" disables the disk cache.
  explicit JitCompiler(std::string cache_dir);
  // source_file: a file of kernels/ (embedded); arch: "sm_90". Throws CompileError / std::runtime_error.
  CompiledModule compile(const std::string& source_file, const std::vector<std::string>& options, const std::string& arch) const;
  // The same for a source given as text (a kernel card's); `source_file` names it in messages
  // and in the cache key. The embedded headers are available to it too.
  CompiledModule compile_text(const std::string& source_file, const std::string& source_text, const std::vector<std::string>& options,
                              const std::string& arch) const;
  const std::string& cache_dir() const { return cache_dir_; }

 private:
  std::string cache_dir_;
};

// $GEMMSCOPE_JIT_CACHE, else $XDG_CACHE_HOME/gemmscope/jit, else ~/.cache/gemmscope/jit.
std::string default_jit_cache_dir();
// Registers, static shared memory and local memory per kernel, from the cubin's ELF (.nv.info
// attributes and .nv.shared sections). Throws if the bytes are not a CUDA ELF.
std::map<std::string, KernelResources> read_cubin_resources(const std::string& cubin);
std::string nvrtc_version();

}  // namespace gemmscope
