// ReplayBook: stored RunResults (the export format, a JSON array of to_json(RunResult)) looked
// up by config name, or by the nearest stored config of the same problem when none matches.
#pragma once
#include <string>
#include <vector>
#include "model/gpu_spec.h"
#include "model/run_result.h"

namespace gemmscope {

class ReplayBook {
 public:
  // Throws std::runtime_error naming the file and what is wrong with it.
  explicit ReplayBook(const std::string& path);
  // Several files read as one (a sample made of more than one export).
  explicit ReplayBook(const std::vector<std::string>& paths);
  // The answer to a run request: the stored figures, with the requested config and a reason
  // that always starts with "replayed" so no one mistakes it for a measurement.
  RunResult answer(const KernelConfig& requested, const GpuSpec& spec) const;
  // The device most results were stored from ("" when the file is empty).
  std::string device() const;
  size_t size() const { return results_.size(); }
  // Entries that could not be read (a card's runs when the card was not given), with why.
  const std::vector<std::string>& skipped() const { return skipped_; }
  const std::string& path() const { return path_; }  // the files, comma-separated

 private:
  std::string path_;
  std::vector<RunResult> results_;
  std::vector<std::string> skipped_;
};

}  // namespace gemmscope
