// The sample a machine without a GPU opens (assets/sample/): device-measured runs, the cards they
// need and the spec of the GPU they ran on, named by a small JSON manifest.
#pragma once
#include <string>
#include <vector>

namespace gemmscope {

struct Sample {
  std::string title, about;
  std::vector<std::string> results;  // exports (JSON arrays of RunResult), absolute paths
  std::string spec;                  // the GpuSpec they were measured on, absolute path
  std::vector<std::string> cards;    // kernel cards their runs need, absolute paths
};

std::string default_sample_path();  // assets/sample/sample.json beside the GPU specs
// Throws std::invalid_argument naming the manifest, the field and the file that is missing.
Sample load_sample(const std::string& manifest);
// Registers the cards, then writes every run and the spec into a fresh store at `store_path`
// (an older one is replaced). Returns the number of runs stored; throws naming what failed.
int import_sample(const Sample&, const std::string& store_path);

}  // namespace gemmscope
