// The current sweep as the GUI holds it (issue 16): one light row per result, with what the Sweep
// panel's heatmap and table, the Roofline's marks and the report's table read, and never the whole
// results, which the store has (fetched by id when one is selected, streamed by the sweep's tag for
// an export). Kept whole: the fastest passed result (the Advisor reads it) and the results the store
// does not hold (no store open, or it refused them), which nothing else could give back.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/gpu_spec.h"
#include "model/kernel_config.h"
#include "model/run_result.h"
#include "model/run_roofline.h"

namespace gemmscope {

// A named figure (run_figures.h's figure_list()) resolved once, so a grid or a sort over many rows
// does not compare names for each.
struct FigureKey {
  enum class Kind { None, Tflops, Time, Gbps, PctOfAttainable, Occupancy, Registers, RelError, Seed } kind = Kind::None;
  size_t seed = 0;  // Seed: the index into seed_metric_names()
};
FigureKey figure_key(const std::string& name);

// A GPU model and how many of the rows it measured (SweepRows::models(), in order of first arrival).
struct ModelRows {
  std::string model;
  size_t rows = 0;
  std::vector<int> devices;  // the device indices that measured them, ascending (-1: not said)
};

// Which rows a view compares: one GPU model's (points measured on different models are not
// comparable) unless the user asked to compare across models. An empty model admits every row.
struct ModelView {
  std::string model;
  bool across = false;
  bool chosen = false;  // the user picked `model`; until then it follows the primary runner's
  bool admits(const std::string& row_model) const { return across || model.empty() || row_model == model; }
};

struct SweepRow {
  static constexpr size_t kReasonChars = 240;  // the table's cell; the whole reason is in the store
  int64_t id = 0;                              // store id; negative: not stored (SweepRows::unstored has it)
  std::string config_name, device;             // device: the GPU model (device_model_key), what views group by
  int device_index = -1;                       // which GPU of a pool measured it (-1: not said)
  std::string reason;                          // its first line, at most kReasonChars
  Disposition disposition = Disposition::NotRun;
  int8_t allclose = -1;                        // -1 not verified, else 0 / 1
  int registers = 0;
  double ms_median = 0, tflops = 0, gbps = 0;
  double rel_error = 0;                        // NaN when not verified
  double occupancy_pct = 0;                    // theoretical, on the GPU it ran on; NaN when unknown
  std::array<double, 5> seed{};                // seed_metric_names()' values; NaN where not collected
  RooflinePoint point;                         // run_roofline()'s point, precision and byte source
  Precision precision = Precision::FP32;
  bool bytes_from_counters = false;

  bool passed() const { return disposition == Disposition::Passed; }
  bool timed() const { return ms_median > 0; }
  // A figure's value; NaN when the run lacks it. `ran_on` is the spec of the GPU it ran on.
  double figure(FigureKey, const GpuSpec& ran_on) const;
  double figure(const std::string& name, const GpuSpec& ran_on) const { return figure(figure_key(name), ran_on); }
  // run_roofline() of the whole result, from the figures kept.
  RunRoofline roofline(const GpuSpec& ran_on, const GpuSpec& reference) const;
};

// `ran_on` is the spec of the GPU it ran on (the occupancy calculator's, when the run has none).
SweepRow sweep_row(const RunResult&, const GpuSpec& ran_on);

class SweepRows {
 public:
  void clear();
  // A result as it arrives; its whole form is kept only when it is the fastest so far or unstored.
  void add(RunResult&&, const GpuSpec& ran_on);

  const std::vector<SweepRow>& rows() const { return rows_; }
  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  const SweepRow& operator[](size_t i) const { return rows_[i]; }
  // Row i's value of a parameter (nullopt when its config lacks it), and its whole config.
  std::optional<int> param(size_t i, const std::string& name) const;
  KernelConfig config(size_t i) const;

  const RunResult* best() const { return best_ ? &*best_ : nullptr; }
  const RunResult* unstored(int64_t id) const;
  const std::map<int64_t, RunResult>& unstored() const { return unstored_; }
  // The ids of the stored rows, ascending: the current sweep's runs among those of its tag (a tag
  // used before holds older runs too).
  std::vector<int64_t> stored_ids() const;
  // The GPU models of the rows; more than one only in a pool of mixed GPUs.
  const std::vector<ModelRows>& models() const { return models_; }
  // The model a view shows: `current` while the rows have it, else `preferred` (the primary
  // runner's) when they have it, else the first to arrive; "" with no rows.
  std::string view_model(const std::string& current, const std::string& preferred) const;

 private:
  std::vector<SweepRow> rows_;
  // Parameters packed, not a KernelConfig a row: row i's are entries [first_[i], first_[i + 1]) of
  // params_, each a name (index into names_) and a value, in its config's order.
  struct Base {
    ProblemShape shape;
    std::string family;
  };
  std::vector<Base> bases_;
  std::vector<uint32_t> base_of_;
  std::vector<std::string> names_;
  std::vector<std::pair<uint16_t, int32_t>> params_;
  std::vector<uint32_t> first_ = {0};
  std::optional<RunResult> best_;
  std::vector<ModelRows> models_;
  std::map<int64_t, RunResult> unstored_;
};

}  // namespace gemmscope
