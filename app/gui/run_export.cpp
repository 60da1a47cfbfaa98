#include "app/gui/run_export.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_set>

#include "controller/result_store.h"

namespace gemmscope {

size_t export_runs(const std::string& path, ExportFormat format, const ExportSource& src, std::vector<std::string>& bad_rows,
                   const JsonAnnotator& annotate) {
  const bool csv = path.size() >= 4 && path.substr(path.size() - 4) == ".csv";
  const bool json = path.size() >= 5 && path.substr(path.size() - 5) == ".json";
  if (format == ExportFormat::by_extension && !csv && !json)
    throw std::invalid_argument("export path '" + path + "': the name must end in .csv or .json");
  const bool from_store = !src.ids.empty() || !src.sweep_ids.empty();
  if (from_store && src.store_path.empty())
    throw std::invalid_argument("export: " + std::to_string(src.ids.size() + src.sweep_ids.size()) +
                                " runs are to be read from the store, and no store is named");
  std::unique_ptr<ResultStore> store;
  if (from_store) store = std::make_unique<ResultStore>(src.store_path, StoreAccess::read_only);

  std::vector<RunResult> held = src.runs;
  std::unordered_set<int64_t> written;
  for (const auto& r : held) written.insert(r.id);
  for (const int64_t id : src.ids) {
    if (written.count(id)) continue;
    try {
      if (auto r = store->get(id)) held.push_back(std::move(*r)), written.insert(id);
      else bad_rows.push_back("run " + std::to_string(id) + ": not in the store " + src.store_path);
    } catch (const std::exception& e) {
      bad_rows.push_back(e.what());
    }
  }
  StoreQuery sweep;
  sweep.sweep = src.sweep_tag;
  const bool with_sweep = !src.sweep_ids.empty();
  // One run at a time through `write`: held ones, then the sweep's stored ones not held.
  auto each = [&](const std::function<void(const RunResult&)>& write) {
    std::unordered_set<int64_t> seen;
    for (const auto& r : held)
      if (seen.insert(r.id).second) write(r);
    if (with_sweep)
      store->scan(sweep, [&](RunResult&& r) {
        if (std::binary_search(src.sweep_ids.begin(), src.sweep_ids.end(), r.id) && !written.count(r.id)) write(r);
      }, bad_rows);
  };

  std::ofstream out(path);
  if (!out) throw std::runtime_error("export path '" + path + "': cannot write");
  size_t n = 0;
  if (format == ExportFormat::ncu_long) {
    write_ncu_csv_header(out);
    each([&](const RunResult& r) { write_ncu_csv_rows(out, r, int64_t(n++)); });
  } else if (csv) {
    CsvColumns columns = with_sweep ? csv_columns_for(held, store->families(sweep), store->metric_names(sweep)) : csv_columns_for(held);
    columns.devices = columns.devices || src.devices;
    CsvRunWriter w(out, std::move(columns));
    each([&](const RunResult& r) { w.row(r), ++n; });
  } else {
    JsonRunWriter w(out, annotate);
    each([&](const RunResult& r) { w.row(r), ++n; });
    w.finish();
  }
  if (!out.flush()) throw std::runtime_error("export path '" + path + "': write failed");
  return n;
}

}  // namespace gemmscope
