// Roofline panel: log-log rooflines of this GPU and of the reference GPU side by side, every run
// a point (measured here, projected there), hover for figures, click to select and compare.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "imgui.h"
#include "implot.h"

#include "app/gui/app_state.h"
#include "app/gui/panel.h"
#include "app/gui/run_figures.h"
#include "model/roofline.h"

namespace gemmscope {
namespace {

constexpr double kMinIntensity = 0.05, kMaxIntensity = 5000;

ImVec4 ceiling_colour(const Ceiling& c, int index) {
  static const ImVec4 bw[] = {{0.95f, 0.55f, 0.15f, 1}, {0.95f, 0.8f, 0.2f, 1}, {0.9f, 0.4f, 0.6f, 1}};
  static const ImVec4 fl[] = {{0.3f, 0.7f, 1.0f, 1}, {0.45f, 0.9f, 0.55f, 1}, {0.75f, 0.55f, 1.0f, 1}, {0.3f, 0.9f, 0.9f, 1}};
  ImVec4 col = c.is_bandwidth ? bw[index % 3] : fl[index % 4];
  if (c.measured) col.w = 0.6f;  // measured ceilings sit beside the datasheet ones, fainter
  return col;
}

struct Dot {
  const RunResult* run = nullptr;
  RunRoofline roof;  // judged on the GPU the run ran on, projected onto the reference
  double x = 0, y_here = 0, y_ref = 0;
};

class RooflinePanel final : public Panel {
 public:
  const char* title() const override { return "Roofline"; }

  void draw(AppState& s, RunSession&) override {
    draw_controls(s);
    const GpuSpec here = s.here(), ref = s.reference();
    collect(s, ref);
    const float table_h = s.selected.empty() ? 0.0f : 150.0f;
    const ImVec2 size(-1, std::max(250.0f, ImGui::GetContentRegionAvail().y - table_h));
    if (ImPlot::BeginSubplots("##rooflines", 1, 2, size, ImPlotSubplotFlags_LinkAllY)) {
      draw_roofline(s, here, true);
      draw_roofline(s, ref, false);
      ImPlot::EndSubplots();
    }
    draw_comparison(s, ref);
  }

 private:
  void draw_controls(AppState& s) {
    if (!s.has_device()) {
      ImGui::SetNextItemWidth(160);
      if (ImGui::BeginCombo("this GPU (no device)", s.here_key.c_str())) {
        for (const auto& spec : s.specs)
          if (ImGui::Selectable(spec.key.c_str(), spec.key == s.here_key)) s.here_key = spec.key;
        ImGui::EndCombo();
      }
      ImGui::SameLine();
    }
    ImGui::SetNextItemWidth(120);
    if (ImGui::BeginCombo("reference", s.reference_key.c_str())) {
      for (const auto& spec : s.specs)
        if (ImGui::Selectable(spec.key.c_str(), spec.key == s.reference_key)) s.reference_key = spec.key;
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    ImGui::Checkbox("live", &show_live_);
    ImGui::SameLine();
    ImGui::Checkbox("sweep", &show_sweep_);
    ImGui::SameLine();
    ImGui::Checkbox("history", &show_history_);
  }

  void collect(const AppState& s, const GpuSpec& ref) {
    dots_.clear();
    std::set<int64_t> session;  // stored copies of this session's runs are drawn once, as live or sweep runs
    for (const auto* list : {&s.live_runs, &s.sweep_results})
      for (const auto& r : *list) session.insert(r.id);
    auto add = [&](const std::vector<RunResult>& runs, int group) {
      for (const auto& r : runs) {
        if (r.ms_median <= 0 || (group == 2 && session.count(r.id))) continue;
        Dot d;
        d.run = &r;
        d.roof = run_roofline(r, s.spec_for(r), ref);
        d.x = d.roof.point.intensity();
        d.y_here = d.roof.point.tflops();
        d.y_ref = d.roof.reference_tflops;
        if (d.x <= 0 || d.y_here <= 0) continue;
        group_of_.push_back(group);
        dots_.push_back(d);
      }
    };
    group_of_.clear();
    if (show_history_) add(s.history, 2);
    if (show_sweep_) add(s.sweep_results, 1);
    if (show_live_) add(s.live_runs, 0);
  }

  void draw_ceilings(const GpuSpec& spec) {
    const auto list = ceilings(spec);
    double top = 0;
    for (const auto& c : list)
      if (!c.is_bandwidth) top = std::max(top, c.value);
    int bw_i = 0, fl_i = 0;
    struct Label {
      std::string text;
      double value;
      ImVec4 colour;
    };
    std::vector<Label> compute_labels;
    for (const auto& c : list) {
      const ImVec4 col = ceiling_colour(c, c.is_bandwidth ? bw_i++ : fl_i++);
      double xs[2], ys[2];
      if (c.is_bandwidth) {
        xs[0] = kMinIntensity, ys[0] = c.value * kMinIntensity / 1e3;
        xs[1] = top * 1e3 / c.value, ys[1] = top;
      } else {
        xs[0] = c.value * 1e3 / spec.dram_gbps, ys[0] = c.value;
        xs[1] = kMaxIntensity, ys[1] = c.value;
      }
      // Ceilings are labelled on their lines, so the legend stays small and hides no point.
      char label[96];
      std::snprintf(label, sizeof label, "%s %.0f %s", c.label.c_str(), c.value, c.is_bandwidth ? "GB/s" : "TFLOP/s");
      ImPlotSpec style;
      style.LineColor = col;
      style.LineWeight = c.measured ? 1.5f : 2.5f;
      style.Flags = ImPlotItemFlags_NoLegend;
      ImPlot::PlotLine(label, xs, ys, 2, style);
      if (c.is_bandwidth) {
        // Bandwidths lie close together (datasheet, measured read, measured write): put each label
        // a factor of 3 higher up the slope than the last, so they stack instead of overlapping.
        const double y = ys[1] / 3000.0 * std::pow(3.0, bw_i - 1);
        ImPlot::PushStyleColor(ImPlotCol_InlayText, col);
        // Text starts just right of its point on the line (PlotText centres it on the offset).
        ImPlot::PlotText(label, y * 1e3 / c.value, y, ImVec2(ImGui::CalcTextSize(label).x / 2 + 6, 0));
        ImPlot::PopStyleColor();
      } else {
        compute_labels.push_back({label, c.value, col});
      }
    }
    // Compute-ceiling labels right-aligned above their lines, pushed down so none overlap.
    std::sort(compute_labels.begin(), compute_labels.end(), [](const Label& a, const Label& b) { return a.value > b.value; });
    const double right = ImPlot::GetPlotLimits().X.Max;
    float previous_y = -1e9f;
    for (const auto& l : compute_labels) {
      const float line_y = ImPlot::PlotToPixels(right, l.value).y;
      const float y = std::max(line_y - 8.0f, previous_y + 13.0f);
      previous_y = y;
      const float w = ImGui::CalcTextSize(l.text.c_str()).x;
      ImPlot::PushStyleColor(ImPlotCol_InlayText, l.colour);
      ImPlot::PlotText(l.text.c_str(), right, l.value, ImVec2(-w / 2 - 6, y - line_y));
      ImPlot::PopStyleColor();
    }
  }

  void draw_roofline(AppState& s, const GpuSpec& spec, bool measured_here) {
    const std::string title = (measured_here ? "This GPU: " : "Reference: ") + spec.name;
    if (!ImPlot::BeginPlot(title.c_str(), ImVec2(), ImPlotFlags_NoMenus)) return;
    ImPlot::SetupAxes("intensity (FLOP/byte)", "TFLOP/s");
    ImPlot::SetupAxisScale(ImAxis_X1, ImPlotScale_Log10);
    ImPlot::SetupAxisScale(ImAxis_Y1, ImPlotScale_Log10);
    ImPlot::SetupAxisLimits(ImAxis_X1, kMinIntensity, kMaxIntensity, ImPlotCond_Once);
    ImPlot::SetupAxisLimits(ImAxis_Y1, 0.01, 3000, ImPlotCond_Once);
    // Above the DRAM slope at low intensity is unattainable, so the legend hides no run there.
    ImPlot::SetupLegend(ImPlotLocation_SouthEast);  // the upper left holds the bandwidth labels
    draw_ceilings(spec);

    static const char* kGroups[] = {"live runs", "sweep runs", "stored runs"};
    static const ImPlotMarker kMarkers[] = {ImPlotMarker_Circle, ImPlotMarker_Square, ImPlotMarker_Diamond};
    for (int g = 0; g < 3; ++g) {
      xs_.clear(), ys_.clear();
      for (size_t i = 0; i < dots_.size(); ++i)
        if (group_of_[i] == g) xs_.push_back(dots_[i].x), ys_.push_back(measured_here ? dots_[i].y_here : dots_[i].y_ref);
      if (xs_.empty()) continue;
      const std::string label = measured_here ? kGroups[g] : std::string(kGroups[g]) + " (projected)";
      ImPlotSpec style;
      style.Marker = kMarkers[g];
      style.MarkerSize = g == 0 ? 5.0f : 4.0f;
      ImPlot::PlotScatter(label.c_str(), xs_.data(), ys_.data(), int(xs_.size()), style);
    }
    xs_.clear(), ys_.clear();
    for (const auto& d : dots_)
      if (s.selected.count(d.run->id)) xs_.push_back(d.x), ys_.push_back(measured_here ? d.y_here : d.y_ref);
    if (!xs_.empty()) {
      ImPlotSpec style;
      style.Marker = ImPlotMarker_Circle;
      style.MarkerSize = 9;
      style.MarkerFillColor = ImVec4(0, 0, 0, 0);
      style.MarkerLineColor = ImVec4(1, 1, 1, 1);
      style.LineWeight = 2.5f;
      ImPlot::PlotScatter("selected", xs_.data(), ys_.data(), int(xs_.size()), style);
    }
    hover(s, spec, measured_here);
    ImPlot::EndPlot();
  }

  // The nearest point within a few pixels shows its figures; a click selects it for comparison.
  void hover(AppState& s, const GpuSpec& spec, bool measured_here) {
    if (!ImPlot::IsPlotHovered()) return;
    const ImVec2 mouse = ImGui::GetMousePos();
    const Dot* best = nullptr;
    float best_d2 = 10.0f * 10.0f;
    for (const auto& d : dots_) {
      const double y = measured_here ? d.y_here : d.y_ref;
      if (y <= 0) continue;
      const ImVec2 p = ImPlot::PlotToPixels(d.x, y);
      const float d2 = (p.x - mouse.x) * (p.x - mouse.x) + (p.y - mouse.y) * (p.y - mouse.y);
      if (d2 < best_d2) best_d2 = d2, best = &d;
    }
    if (!best) return;
    const RunResult& r = *best->run;
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(r.config_name.c_str());
    ImGui::Text("%s on %s", to_string(r.disposition).c_str(), r.device.c_str());
    ImGui::Text("time %s   %.2f TFLOP/s   %.0f GB/s", short_time(r.ms_median).c_str(), r.tflops, r.gbps);
    ImGui::Text("intensity %.2f FLOP/B (%s)", best->x, best->roof.bytes_from_counters ? "DRAM counters" : "compulsory bytes");
    ImGui::Text("%s-bound on %s, %.1f %% of attainable", best->roof.here.memory_bound ? "memory" : "compute", r.device.c_str(),
                best->roof.here.pct_of_attainable);
    ImGui::Text("on %s: %s projected (floor %s), %s-bound", s.reference().name.c_str(),
                short_time(best->roof.projection.projected_seconds * 1e3).c_str(),
                short_time(best->roof.projection.floor_seconds * 1e3).c_str(), best->roof.projection.memory_bound ? "memory" : "compute");
    if (!measured_here) ImGui::TextDisabled("(point projected onto %s)", spec.name.c_str());
    ImGui::TextDisabled("click to select / unselect");
    ImGui::EndTooltip();
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      if (!s.selected.erase(r.id)) s.selected.insert(r.id);
    }
  }

  void draw_comparison(AppState& s, const GpuSpec& ref) {
    if (s.selected.empty()) return;
    ImGui::Text("Selected runs (%zu)", s.selected.size());
    ImGui::SameLine();
    if (ImGui::SmallButton("clear")) s.selected.clear();
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("compare", 8, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("config", ImGuiTableColumnFlags_WidthStretch);
    for (const char* h : {"time here", "TFLOP/s", "GB/s", "FLOP/B", "bound", "% attainable", "on reference"})
      ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (int64_t id : s.selected) {
      const RunResult* r = s.find_run(id);
      if (!r) continue;
      const RunRoofline roof = run_roofline(*r, s.spec_for(*r), ref);
      const RooflineVerdict& v = roof.here;
      const Projection& pr = roof.projection;
      ImGui::TableNextRow();
      ImGui::TableNextColumn(), ImGui::TextUnformatted(r->config_name.c_str());
      ImGui::TableNextColumn(), ImGui::TextUnformatted(short_time(r->ms_median).c_str());
      ImGui::TableNextColumn(), ImGui::Text("%.2f", r->tflops);
      ImGui::TableNextColumn(), ImGui::Text("%.0f", r->gbps);
      ImGui::TableNextColumn(), ImGui::Text("%.2f", roof.point.intensity());
      ImGui::TableNextColumn(), ImGui::TextUnformatted(v.memory_bound ? "memory" : "compute");
      ImGui::TableNextColumn(), ImGui::Text("%.1f", v.pct_of_attainable);
      ImGui::TableNextColumn(), ImGui::Text("%s", short_time(pr.projected_seconds * 1e3).c_str());
    }
    ImGui::EndTable();
  }

  bool show_live_ = true, show_sweep_ = true, show_history_ = true;
  std::vector<Dot> dots_;
  std::vector<int> group_of_;
  std::vector<double> xs_, ys_;
};

}  // namespace

std::unique_ptr<Panel> make_roofline_panel() { return std::make_unique<RooflinePanel>(); }

}  // namespace gemmscope
