// What `gemmscope-cli run` prints about the launch: the driver's recorded shared-memory
// configuration when there is one, and for cuBLAS the kernel it launched.
#include <gtest/gtest.h>

#include "app/cli/run_report.h"
#include "model/kernel_family.h"

using namespace gemmscope;

namespace {
GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }

RunResult passed_run(const std::string& family, const ProblemShape& shape) {
  RunResult r;
  r.config = find_family(family)->defaults(shape);
  r.config_name = config_name(r.config);
  r.disposition = Disposition::Passed;
  r.ms_median = r.ms_min = r.ms_max = 6.0;
  r.reps = 5;
  return r;
}
}  // namespace

TEST(RunReport, RecordedCarveoutIsShownAndUsed) {
  RunResult r = passed_run("seed_tall_skinny", problem_p9());
  r.registers = 96, r.static_smem = 768, r.block_size = 128, r.grid_size = 131072;
  r.smem_config_bytes = 32 * 1024;  // what the H100's driver configured (ncu agreed)
  const std::string text = cli::describe_run(r, spec("h100_sxm"), spec("rtx4090"));
  EXPECT_NE(text.find("32 KB shared memory configured"), std::string::npos) << text;
  EXPECT_NE(text.find("5 blocks/SM, limited by registers"), std::string::npos) << text;
}

TEST(RunReport, CublasRunNamesTheKernelItLaunched) {
  RunResult r = passed_run("cublas", problem_p9());
  const std::string without = cli::describe_run(r, spec("h100_sxm"), spec("rtx4090"));
  EXPECT_EQ(without.find("launched"), std::string::npos) << "no record, nothing to say\n" << without;
  r.launched_kernel = "sm80_xmma_gemm_f32f32_f32f32_f32_nn_n_tilesize128x128x8_stage3";
  r.registers = 168, r.block_size = 256, r.grid_size = 65536, r.static_smem = 0, r.dynamic_smem = 49152;
  const std::string with = cli::describe_run(r, spec("h100_sxm"), spec("rtx4090"));
  EXPECT_NE(with.find("launched    sm80_xmma_gemm"), std::string::npos) << with;
  EXPECT_NE(with.find("168 regs/thread"), std::string::npos) << with;
  EXPECT_EQ(with.find("JIT"), std::string::npos) << "cuBLAS is not JIT-compiled\n" << with;
}
