// Kernel cards compile with no GPU: a CUDA card through NVRTC, a Triton card through Triton (the
// pinned one setup.sh installs), for sm_89 and sm_90; and a source that does not compile, a Triton
// file that does not import or an argument list that does not match the kernel each say so,
// naming the file and the line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "model/families/card_family.h"
#include "model/validate.h"
#include "runner/jit_compiler.h"
#include "runner/triton_compiler.h"

using namespace gemmscope;
namespace fs = std::filesystem;

namespace {

// A folder of card files for one test, removed afterwards.
struct CardDir {
  fs::path dir;
  explicit CardDir(const std::string& name) : dir(fs::temp_directory_path() / ("gemmscope_cards_" + name + "_" + std::to_string(getpid()))) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~CardDir() { fs::remove_all(dir); }
  std::string write(const std::string& file, const std::string& text) const {
    std::ofstream(dir / file) << text;
    return (dir / file).string();
  }
};

const char* kCudaSource = R"CU(
extern "C" __global__ void naive(const float* A, const float* B, float* C, int M, int N, int K) {
  const int row = blockIdx.y * BLOCK + threadIdx.y, col = blockIdx.x * BLOCK + threadIdx.x;
  if (row >= M || col >= N) return;
  float acc = 0.f;
  for (int k = 0; k < K; ++k) acc += A[row * K + k] * B[k * N + col];
  C[row * N + col] = acc;
}
)CU";

const char* kCudaCard = R"TOML(
name = "naive"
language = "cuda"
source = "naive.cu"
kernel = "naive"
[params.BLOCK]
values = [8, 16, 32]
default = 16
[launch]
grid = ["cdiv(N, BLOCK)", "cdiv(M, BLOCK)"]
block = ["BLOCK", "BLOCK"]
arguments = ["A", "B", "C", "M", "N", "K"]
)TOML";

const char* kTritonSource = R"PY(
import triton
import triton.language as tl


@triton.jit
def tile_kernel(a_ptr, b_ptr, c_ptr, M, N, K, stride_am, stride_ak, stride_bk, stride_bn, stride_cm, stride_cn,
                BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr):
    pid_m = tl.program_id(0)
    pid_n = tl.program_id(1)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    offs_k = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k in range(0, K, BLOCK_K):
        a = tl.load(a_ptr + offs_m[:, None] * stride_am + (k + offs_k)[None, :] * stride_ak,
                    mask=(offs_m[:, None] < M) & ((k + offs_k)[None, :] < K), other=0.0)
        b = tl.load(b_ptr + (k + offs_k)[:, None] * stride_bk + offs_n[None, :] * stride_bn,
                    mask=((k + offs_k)[:, None] < K) & (offs_n[None, :] < N), other=0.0)
        acc += tl.dot(a, b, input_precision="ieee")
    tl.store(c_ptr + offs_m[:, None] * stride_cm + offs_n[None, :] * stride_cn, acc,
             mask=(offs_m[:, None] < M) & (offs_n[None, :] < N))
)PY";

const char* kTritonCard = R"TOML(
name = "tile"
language = "triton"
source = "tile.py"
kernel = "tile_kernel"
[params.BLOCK_M]
values = [32, 64]
default = 64
[params.BLOCK_N]
values = [32, 64]
default = 64
[params.BLOCK_K]
values = [16, 32]
default = 32
[params.num_warps]
values = [4]
default = 4
[launch]
grid = ["cdiv(M, BLOCK_M)", "cdiv(N, BLOCK_N)"]
arguments = ["A", "B", "C", "M", "N", "K", "stride_am", "stride_ak", "stride_bk", "stride_bn", "stride_cm", "stride_cn"]
)TOML";

GpuSpec spec(const std::string& key) { return *find_spec(load_gpu_specs(default_gpu_spec_dir()), key); }

std::string cache_dir(const std::string& name) {
  return (fs::temp_directory_path() / ("gemmscope_card_cache_" + name + "_" + std::to_string(getpid()))).string();
}

}  // namespace

TEST(CardCompile, ACudaCardCompilesForBothArchitectures) {
  CardDir d("cuda");
  d.write("naive.cu", kCudaSource);
  const FamilyPtr f = load_card_family(d.write("naive.toml", kCudaCard));
  const KernelConfig c = make_config(parse_problem("1000x999x77"), f->name(), {{"BLOCK", "32"}});
  const Validation v = validate(c, spec("rtx4090"));
  ASSERT_TRUE(v.ok()) << v.message();
  const JitCompiler jit("");
  for (const char* arch : {"sm_89", "sm_90"}) {
    const CompiledModule m = jit.compile_text("naive/naive.cu", f->card()->source_text, v.launch->defines, arch);
    ASSERT_TRUE(m.resources.count("naive")) << arch;
    EXPECT_GT(m.resources.at("naive").registers, 0) << arch;
  }
  EXPECT_EQ(v.launch->plan.steps[0].block, (Dim3{32, 32, 1}));
}

TEST(CardCompile, ACudaSourceThatDoesNotCompileGivesNvrtcsLineAndMessage) {
  CardDir d("cuda_bad");
  d.write("naive.cu", std::string(kCudaSource) + "\nthis is not C++;\n");
  const FamilyPtr f = load_card_family(d.write("naive.toml", kCudaCard));
  const Validation v = validate(make_config(problem_p6(), f->name()), spec("h200"));
  ASSERT_TRUE(v.ok());
  try {
    JitCompiler("").compile_text("naive/naive.cu", f->card()->source_text, v.launch->defines, "sm_90");
    FAIL() << "compiled";
  } catch (const CompileError& e) {
    EXPECT_NE(e.log.find("naive.cu(10)"), std::string::npos) << e.log;
    EXPECT_NE(std::string(e.what()).find("naive/naive.cu"), std::string::npos) << e.what();
  }
}

class TritonCardCompile : public testing::Test {
 protected:
  void SetUp() override {
    if (TritonCompiler("").version().empty())
      GTEST_SKIP() << "Triton does not import here (./setup.sh installs the pinned one into build/deps/python)";
  }
};

TEST_F(TritonCardCompile, ATritonCardCompilesForBothArchitecturesWithItsAbi) {
  CardDir d("triton");
  d.write("tile.py", kTritonSource);
  const FamilyPtr f = load_card_family(d.write("tile.toml", kTritonCard));
  const KernelConfig c = make_config(parse_problem("1000x999x77"), f->name());
  const Validation v = validate(c, spec("h200"));
  ASSERT_TRUE(v.ok()) << v.message();
  const LaunchStep& step = v.launch->plan.steps[0];
  const std::string cache = cache_dir("triton");
  const TritonCompiler triton(cache);
  for (const char* arch : {"sm_89", "sm_90"}) {
    const TritonKernel k = triton.compile(*f->card(), c, step.entry, step.args, arch);
    EXPECT_EQ(k.cubin.substr(0, 4), "\x7f" "ELF") << arch;
    EXPECT_EQ(k.entry, "tile_kernel") << arch;
    EXPECT_EQ(k.num_warps, 4);
    EXPECT_GT(k.shared, 0) << "tl.dot stages its tiles through shared memory";
    EXPECT_GT(k.resources.registers, 0);
    // stride_ak, stride_bn and stride_cn are 1: Triton folds them into constants.
    EXPECT_EQ(k.kept_args.size(), 9u) << arch;
    EXPECT_EQ(k.hidden_args, (std::vector<std::string>{"global_scratch", "profile_scratch"}));
    EXPECT_FALSE(k.cache_hit);
  }
  EXPECT_TRUE(triton.compile(*f->card(), c, step.entry, step.args, "sm_90").cache_hit) << "the second compile comes from the cache";
  fs::remove_all(cache);
}

TEST_F(TritonCardCompile, AFileThatDoesNotImportNamesItsLine) {
  CardDir d("triton_import");
  d.write("tile.py", std::string(kTritonSource) + "\ndef broken(:\n");
  const FamilyPtr f = load_card_family(d.write("tile.toml", kTritonCard));
  const KernelConfig c = make_config(problem_p9(), f->name());
  const LaunchStep step = f->plan(c).steps[0];
  try {
    TritonCompiler("").compile(*f->card(), c, step.entry, step.args, "sm_90");
    FAIL() << "compiled";
  } catch (const CompileError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("tile.toml"), std::string::npos) << m;
    EXPECT_NE(m.find("line 24"), std::string::npos) << m;  // the appended "def broken(:"
    EXPECT_NE(m.find((d.dir / "tile.py").string()), std::string::npos) << "names the user's file, not the copy\n" << m;
  }
}

TEST_F(TritonCardCompile, AnArgumentListThatDoesNotMatchTheKernelIsRefused) {
  CardDir d("triton_args");
  d.write("tile.py", kTritonSource);
  std::string card = kTritonCard;
  card.replace(card.find(", \"stride_cn\"]"), std::string(", \"stride_cn\"]").size(), "]");
  const FamilyPtr f = load_card_family(d.write("tile.toml", card));
  const KernelConfig c = make_config(problem_p9(), f->name());
  const LaunchStep step = f->plan(c).steps[0];
  try {
    TritonCompiler("").compile(*f->card(), c, step.entry, step.args, "sm_90");
    FAIL() << "compiled";
  } catch (const CompileError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("12"), std::string::npos) << m;
    EXPECT_NE(m.find("11"), std::string::npos) << m;
  }
}
