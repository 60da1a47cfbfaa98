// Compare panel: two runs counter by counter, as Nsight Compute's baseline view shows them. The
// baseline is History's pinned baseline (or the first of two selected runs); the current run is
// the selected one (or the second of two), else the latest live run. Every figure either has,
// side by side, the ones that moved most first.
#include <cmath>
#include <cstdio>
#include <string>

#include "imgui.h"

#include "app/gui/app_state.h"
#include "app/gui/gui_style.h"
#include "app/gui/panel.h"
#include "app/gui/run_figures.h"
#include "model/advisor/run_compare.h"

namespace gemmscope {
namespace {


std::string num(const std::optional<double>& v) {
  if (!v) return "-";
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", *v);
  return b;
}

class ComparePanel final : public Panel {
 public:
  const char* title() const override { return "Compare"; }

  void draw(AppState& s, RunSession&) override {
    const RunResult* base = nullptr;
    const RunResult* cur = nullptr;
    if (s.selected.size() == 2) {
      base = s.find_run(*s.selected.begin());
      cur = s.find_run(*std::next(s.selected.begin()));
    } else {
      if (s.baseline) base = s.find_run(*s.baseline);
      if (s.selected.size() == 1) cur = s.find_run(*s.selected.begin());
      else if (!s.live_runs.empty()) cur = &s.live_runs.back();
    }
    if (!base || !cur || base == cur) {
      ImGui::TextColored(kGrey, "Pin a baseline in History and select a run (or select two runs) to compare them counter by counter.");
      return;
    }
    const std::string key = std::to_string(base->id) + "/" + std::to_string(cur->id) + "/" + std::to_string(cur->metrics.size());
    if (key != key_) key_ = key, rows_ = compare_runs(*base, s.spec_for(*base), *cur, s.spec_for(*cur));
    ImGui::Text("baseline: %s (%s)", base->config_name.c_str(), short_time(base->ms_median).c_str());
    ImGui::Text("current:  %s (%s)", cur->config_name.c_str(), short_time(cur->ms_median).c_str());
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_Resizable | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV;
    if (!ImGui::BeginTable("compare", 5, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("metric", ImGuiTableColumnFlags_WidthStretch, 2.2f);
    ImGui::TableSetupColumn("baseline", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("current", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("difference", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("change %", ImGuiTableColumnFlags_WidthStretch, 0.7f);
    ImGui::TableHeadersRow();
    ImGuiListClipper clip;
    clip.Begin(int(rows_.size()));
    while (clip.Step())
      for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i) {
        const MetricDelta& d = rows_[size_t(i)];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        cell(d.metric + (d.unit.empty() ? "" : " [" + d.unit + "]"));
        metric_tooltip(d.metric);
        ImGui::TableNextColumn();
        cell(num(d.baseline));
        ImGui::TableNextColumn();
        cell(num(d.current));
        ImGui::TableNextColumn();
        cell(d.baseline && d.current ? num(d.difference()) : "-");
        ImGui::TableNextColumn();
        if (d.baseline && d.current && *d.baseline != 0) {
          char b[32];
          std::snprintf(b, sizeof b, "%+.1f", 100 * d.relative());
          cell(b, std::fabs(d.relative()) >= 0.1 ? kAmber : ImVec4(0, 0, 0, 0));
        } else {
          cell("-");
        }
      }
    ImGui::EndTable();
  }

 private:
  std::string key_;
  std::vector<MetricDelta> rows_;
};

}  // namespace

std::unique_ptr<Panel> make_compare_panel() { return std::make_unique<ComparePanel>(); }

}  // namespace gemmscope
