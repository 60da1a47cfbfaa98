#include "app/gui/sweep_rows.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "app/gui/run_figures.h"
#include "model/occupancy.h"

namespace gemmscope {

namespace {
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
}  // namespace

SweepRow sweep_row(const RunResult& r, const GpuSpec& ran_on) {
  SweepRow w;
  w.id = r.id;
  w.config_name = r.config_name;
  w.device = device_model_key(r);
  w.device_index = r.device_index;
  w.reason = r.reason.substr(0, std::min(r.reason.find('\n'), SweepRow::kReasonChars));
  w.disposition = r.disposition;
  w.allclose = r.verify.checked ? int8_t(r.verify.allclose()) : int8_t(-1);
  w.registers = r.registers;
  w.ms_median = r.ms_median, w.tflops = r.tflops, w.gbps = r.gbps;
  w.rel_error = r.verify.checked ? r.verify.rel_fro_error : kNan;
  // Stored as a fraction; a value above 1 is taken as already in percent.
  if (r.occupancy_theoretical > 0) w.occupancy_pct = r.occupancy_theoretical <= 1 ? 100.0 * r.occupancy_theoretical : r.occupancy_theoretical;
  else if (r.block_size > 0)
    w.occupancy_pct =
        100.0 * theoretical_occupancy(ran_on, int(r.block_size), r.registers, r.static_smem + r.dynamic_smem, r.smem_config_bytes).fraction;
  else w.occupancy_pct = kNan;
  const auto& names = seed_metric_names();
  for (size_t i = 0; i < w.seed.size() && i < names.size(); ++i) {
    const auto it = r.metrics.find(names[i]);
    w.seed[i] = it == r.metrics.end() ? kNan : it->second.value;
  }
  const RunRoofline p = roofline_point(r);
  w.point = p.point, w.precision = p.precision, w.bytes_from_counters = p.bytes_from_counters;
  return w;
}

FigureKey figure_key(const std::string& f) {
  using K = FigureKey::Kind;
  static const std::pair<const char*, K> named[] = {{"TFLOP/s", K::Tflops},   {"time", K::Time},
                                                     {"GB/s", K::Gbps},         {"% of attainable", K::PctOfAttainable},
                                                     {"theoretical occupancy", K::Occupancy}, {"registers", K::Registers},
                                                     {"rel. error", K::RelError}};
  for (const auto& [name, kind] : named)
    if (f == name) return {kind, 0};
  const auto& names = seed_metric_names();
  for (size_t i = 0; i < names.size() && i < SweepRow{}.seed.size(); ++i)
    if (metric_label(names[i]) == f) return {K::Seed, i};
  return {};
}

double SweepRow::figure(FigureKey f, const GpuSpec& ran_on) const {
  using K = FigureKey::Kind;
  if (!timed() && f.kind != K::Registers && f.kind != K::Occupancy) return kNan;
  switch (f.kind) {
    case K::Tflops: return tflops;
    case K::Time: return ms_median;
    case K::Gbps: return gbps;
    case K::PctOfAttainable: return roofline(ran_on, ran_on).here.pct_of_attainable;
    case K::Occupancy: return occupancy_pct;
    case K::Registers: return registers > 0 ? registers : kNan;
    case K::RelError: return rel_error;
    case K::Seed: return seed[f.seed];
    case K::None: break;
  }
  return kNan;
}

RunRoofline SweepRow::roofline(const GpuSpec& ran_on, const GpuSpec& reference) const {
  RunRoofline p;
  p.point = point, p.precision = precision, p.bytes_from_counters = bytes_from_counters;
  return judge_roofline(p, ran_on, reference);
}

void SweepRows::clear() { *this = SweepRows(); }

void SweepRows::add(RunResult&& r, const GpuSpec& ran_on) {
  rows_.push_back(sweep_row(r, ran_on));
  const SweepRow& row = rows_.back();
  auto m = std::find_if(models_.begin(), models_.end(), [&](const ModelRows& x) { return x.model == row.device; });
  if (m == models_.end()) m = models_.insert(models_.end(), ModelRows{row.device, 0, {}});
  ++m->rows;
  if (auto d = std::lower_bound(m->devices.begin(), m->devices.end(), row.device_index); d == m->devices.end() || *d != row.device_index)
    m->devices.insert(d, row.device_index);
  size_t b = 0;
  while (b < bases_.size() && !(bases_[b].shape == r.config.shape && bases_[b].family == r.config.family)) ++b;
  if (b == bases_.size()) bases_.push_back({r.config.shape, r.config.family});
  base_of_.push_back(uint32_t(b));
  for (const auto& [name, v] : r.config.params.items()) {
    const size_t at = size_t(std::find(names_.begin(), names_.end(), name) - names_.begin());
    if (at == names_.size()) names_.push_back(name);
    params_.emplace_back(uint16_t(at), int32_t(v));
  }
  first_.push_back(uint32_t(params_.size()));
  const bool faster = r.disposition == Disposition::Passed && r.ms_median > 0 && (!best_ || r.ms_median < best_->ms_median);
  if (r.id <= 0) {
    if (faster) best_ = r;
    unstored_.emplace(r.id, std::move(r));
  } else if (faster) {
    best_ = std::move(r);
  }
}

std::string SweepRows::view_model(const std::string& current, const std::string& preferred) const {
  auto has = [&](const std::string& m) { return std::any_of(models_.begin(), models_.end(), [&](const ModelRows& x) { return x.model == m; }); };
  if (!current.empty() && has(current)) return current;
  if (!preferred.empty() && has(preferred)) return preferred;
  return models_.empty() ? "" : models_.front().model;
}

std::optional<int> SweepRows::param(size_t i, const std::string& name) const {
  for (uint32_t k = first_[i]; k < first_[i + 1]; ++k)
    if (names_[params_[k].first] == name) return params_[k].second;
  return std::nullopt;
}

KernelConfig SweepRows::config(size_t i) const {
  KernelConfig c;
  c.shape = bases_[base_of_[i]].shape;
  c.family = bases_[base_of_[i]].family;
  for (uint32_t k = first_[i]; k < first_[i + 1]; ++k) c.set(names_[params_[k].first], params_[k].second);
  return c;
}

const RunResult* SweepRows::unstored(int64_t id) const {
  const auto it = unstored_.find(id);
  return it == unstored_.end() ? nullptr : &it->second;
}

std::vector<int64_t> SweepRows::stored_ids() const {
  std::vector<int64_t> ids;
  for (const SweepRow& r : rows_)
    if (r.id > 0) ids.push_back(r.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace gemmscope
