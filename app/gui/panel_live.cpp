// Live panel: the last runs over time (ms, TFLOP/s, GB/s), and the latest run's seed metrics
// against 100 % of peak, occupancy (achieved / here / reference), resources and verification.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "imgui.h"
#include "implot.h"

#include "app/gui/app_state.h"
#include "app/gui/gui_style.h"
#include "app/gui/panel.h"
#include "app/gui/run_figures.h"
#include "model/kernel_family.h"
#include "model/occupancy.h"

namespace gemmscope {
namespace {

constexpr int kShown = 60;  // runs in the time series

// A bar from 0 to 100 % with the value written on it. Hovering the label or the bar explains it:
// `metric_name` names a catalogue metric, `note` is free text.
void percent_bar(const char* label, double pct, const char* metric_name = nullptr, const char* note = nullptr) {
  char text[96];
  if (std::isnan(pct)) std::snprintf(text, sizeof text, "not collected");
  else std::snprintf(text, sizeof text, "%.1f %%", pct);
  auto explain = [&] {
    if (metric_name) metric_tooltip(metric_name);
    else if (note && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", note);
  };
  ImGui::TextUnformatted(label);
  explain();
  ImGui::SameLine(170);
  ImGui::ProgressBar(std::isnan(pct) ? 0.0f : float(std::clamp(pct / 100.0, 0.0, 1.0)), ImVec2(-FLT_MIN, 0), text);
  explain();
}

double metric(const RunResult& r, const std::string& name) {
  auto it = r.metrics.find(name);
  return it == r.metrics.end() ? std::nan("") : it->second.value;
}

class LivePanel final : public Panel {
 public:
  const char* title() const override { return "Live"; }

  void draw(AppState& s, RunSession&) override {
    if (s.live_runs.empty()) {
      ImGui::TextColored(kGrey, "No run yet: pick a problem and parameters in Workload.");
      return;
    }
    draw_series(s);
    const RunResult& latest = s.live_runs.back();
    ImGui::SeparatorText("Latest run");
    ImGui::TextWrapped("%s", latest.config_name.c_str());
    const bool ok = passed(latest);
    ImGui::TextColored(ok ? kGreen : kRed, "%s", to_string(latest.disposition).c_str());
    if (!latest.reason.empty()) {
      ImGui::SameLine();
      ImGui::PushStyleColor(ImGuiCol_Text, ok ? kGrey : kRed);
      ImGui::TextWrapped("%s", latest.reason.c_str());  // a compiler's message keeps its lines
      ImGui::PopStyleColor();
    }
    // A run with no figures (a compile error after a save, a fault) leaves the last good one on
    // screen, so the numbers being improved stay in view.
    const RunResult* shown = &latest;
    if (latest.ms_median <= 0)
      for (auto it = s.live_runs.rbegin(); it != s.live_runs.rend(); ++it)
        if (passed(*it)) {
          shown = &*it;
          break;
        }
    if (shown->ms_median <= 0) return;
    if (shown != &latest) ImGui::SeparatorText(("Last good run: " + shown->config_name).c_str());
    const RunResult& r = *shown;
    ImGui::Text("time %s (min %s)   %.2f TFLOP/s   %.0f GB/s", short_time(r.ms_median).c_str(), short_time(r.ms_min).c_str(),
                r.tflops, r.gbps);
    if (!r.card_hash.empty()) draw_version_delta(s, r);
    draw_verification(r);
    draw_timeline(r);
    draw_metrics(s, r);
    draw_occupancy(s, r);
  }

  // Counters over the launch's duration: a tail or a slow start shows as a falling or rising edge.
  void draw_timeline(const RunResult& r) {
    if (r.timeline.empty()) {
      if (!r.timeline.note.empty()) ImGui::TextColored(kGrey, "timeline: %s", r.timeline.note.c_str());
      return;
    }
    ImGui::SeparatorText("Over the launch");
    ImGui::TextDisabled("%s", r.timeline.note.c_str());
    if (!ImPlot::BeginPlot("##timeline", ImVec2(-1, 170), ImPlotFlags_NoMenus | ImPlotFlags_NoTitle)) return;
    ImPlot::SetupAxes("time in the launch (us)", "% of peak", ImPlotAxisFlags_AutoFit, 0);
    ImPlot::SetupAxisLimits(ImAxis_Y1, 0, 105, ImPlotCond_Always);
    ImPlot::SetupLegend(ImPlotLocation_North, ImPlotLegendFlags_Outside | ImPlotLegendFlags_Horizontal);  // above: always in view
    for (const auto& c : r.timeline.curves) ImPlot::PlotLine(c.label.c_str(), r.timeline.t_us.data(), c.pct.data(), int(c.pct.size()));
    if (ImPlot::IsPlotHovered()) {
      const double t = ImPlot::GetPlotMousePos().x;
      size_t i = 0;
      while (i + 1 < r.timeline.t_us.size() && r.timeline.t_us[i + 1] <= t) ++i;
      std::string tip = "t = " + std::to_string(int(r.timeline.t_us[i])) + " us";
      for (const auto& c : r.timeline.curves) tip += "\n" + c.label + ": " + std::to_string(int(c.pct[i] + 0.5)) + " %   (" + c.metric + ")";
      ImGui::SetTooltip("%s", tip.c_str());
    }
    ImPlot::EndPlot();
  }

 private:
  // The last runs of the latest run's problem only (a P6 run takes 200 ms, a P9 run 3: on one axis
  // the P9 runs would read as zero); a run with no time is a gap, never a zero.
  void draw_series(const AppState& s) {
    const ProblemShape shape = s.live_runs.back().config.shape;
    xs_.clear(), ms_.clear(), tf_.clear(), gb_.clear();
    for (size_t i = s.live_runs.size(); i-- > 0 && xs_.size() < size_t(kShown);) {
      const RunResult& r = s.live_runs[i];
      if (!(r.config.shape == shape)) continue;
      const bool timed = r.ms_median > 0;
      xs_.push_back(double(i + 1));
      ms_.push_back(timed ? r.ms_median : std::nan(""));
      tf_.push_back(timed ? r.tflops : std::nan(""));
      gb_.push_back(timed ? r.gbps : std::nan(""));
    }
    for (auto* v : {&xs_, &ms_, &tf_, &gb_}) std::reverse(v->begin(), v->end());
    ImGui::TextDisabled("last %zu runs of %s", xs_.size(), problem_name(shape).c_str());
    const float h = 150;
    if (ImPlot::BeginSubplots("##series", 1, 3, ImVec2(-1, h), ImPlotSubplotFlags_NoTitle)) {
      plot_one("time (ms)", ms_);
      plot_one("TFLOP/s", tf_);
      plot_one("GB/s", gb_);
      ImPlot::EndSubplots();
    }
  }

  void plot_one(const char* label, const std::vector<double>& ys) {
    if (ImPlot::BeginPlot(label, ImVec2(-1, -1), ImPlotFlags_NoLegend | ImPlotFlags_NoMenus)) {
      // Run numbers are integers; fractional tick labels would only clutter three small plots.
      ImPlot::SetupAxes("last runs", nullptr, ImPlotAxisFlags_AutoFit | ImPlotAxisFlags_NoTickLabels, ImPlotAxisFlags_AutoFit);
      ImPlotSpec spec;
      spec.Marker = ImPlotMarker_Circle;
      spec.MarkerSize = 3;
      ImPlot::PlotLine(label, xs_.data(), ys.data(), int(ys.size()), spec);
      ImPlot::EndPlot();
    }
  }

  // A card's run against the latest run of the same config from an earlier version of the card.
  void draw_version_delta(const AppState& s, const RunResult& r) {
    for (auto it = s.live_runs.rbegin(); it != s.live_runs.rend(); ++it)
      if (&*it != &r && passed(*it) && it->config_name == r.config_name && it->card_hash != r.card_hash && it->ms_median > 0) {
        const double x = it->ms_median / r.ms_median;
        ImGui::TextColored(x > 1.005 ? kGreen : x < 0.995 ? kRed : kGrey, "card version %s: %.3fx the previous version %s (%s -> %s)",
                           r.card_hash.substr(0, 8).c_str(), x, it->card_hash.substr(0, 8).c_str(), short_time(it->ms_median).c_str(),
                           short_time(r.ms_median).c_str());
        return;
      }
    ImGui::TextColored(kGrey, "card version %s", r.card_hash.substr(0, 8).c_str());
  }

  void draw_verification(const RunResult& r) {
    const FamilyPtr f = find_family(r.config.family);
    const double bound = f ? f->error_bound(r.config) : 0;
    if (!r.verify.checked) {
      ImGui::TextColored(kGrey, "not verified");
      return;
    }
    const bool good = r.verify.allclose() && (bound == 0 || r.verify.rel_fro_error <= bound) && r.disposition != Disposition::Incorrect;
    ImGui::PushStyleColor(ImGuiCol_Text, good ? kGreen : kRed);
    ImGui::TextWrapped("rel. Frobenius error %.2e (bound %.0e); allclose %s (atol %.0e, rtol %.0e): %lld mismatches, %lld non-finite",
                       r.verify.rel_fro_error, bound, r.verify.allclose() ? "PASS" : "FAIL", r.verify.atol, r.verify.rtol,
                       (long long)r.verify.mismatches, (long long)r.verify.nonfinite);
    ImGui::PopStyleColor();
  }

  void draw_metrics(const AppState& s, const RunResult& r) {
    ImGui::SeparatorText("Seed metrics (share of peak)");
    if (r.metrics.empty()) {
      ImGui::TextColored(kGrey, "No counters%s%s", r.metrics_note.empty() ? "" : ": ", r.metrics_note.c_str());
      return;
    }
    for (const auto& name : seed_metric_names()) {
      if (name == "launch__grid_size") {
        const double grid = std::isnan(metric(r, name)) ? double(r.grid_size) : metric(r, name);
        const GpuSpec here = s.spec_for(r);
        const double slots = double(here.sms) * std::max(1, r.occupancy_blocks_per_sm);
        ImGui::TextUnformatted("Grid size");
        metric_tooltip(name);
        ImGui::SameLine(170);
        if (slots > 0) ImGui::Text("%.0f blocks = %.2f waves on %d SMs", grid, grid / slots, here.sms);
        else ImGui::Text("%.0f blocks", grid);
        continue;
      }
      percent_bar(metric_label(name).c_str(), metric(r, name), name.c_str());
    }
  }

  void draw_occupancy(const AppState& s, const RunResult& r) {
    ImGui::SeparatorText("Occupancy and resources");
    if (r.registers == 0 && r.block_size == 0) {
      ImGui::TextColored(kGrey, "No compiled kernel to read resources from.");
      return;
    }
    const GpuSpec here = s.spec_for(r), ref = s.reference();
    const long long smem = r.static_smem + r.dynamic_smem;
    const int threads = int(r.block_size);
    const Occupancy oh = theoretical_occupancy(here, threads, r.registers, smem, r.smem_config_bytes);
    const Occupancy orf = theoretical_occupancy(ref, threads, r.registers, smem);
    percent_bar("achieved", metric(r, "sm__warps_active.avg.pct_of_peak_sustained_active"),
                "sm__warps_active.avg.pct_of_peak_sustained_active");
    const std::string here_label = "theoretical (this GPU)", ref_label = "theoretical (" + ref.key + ")";
    const std::string here_note = here.name + ": " + std::to_string(oh.blocks_per_sm) + " blocks/SM, limited by " + oh.limiter;
    const std::string ref_note = ref.name + ": " + std::to_string(orf.blocks_per_sm) + " blocks/SM, limited by " + orf.limiter;
    percent_bar(here_label.c_str(), 100.0 * oh.fraction, nullptr, here_note.c_str());
    percent_bar(ref_label.c_str(), 100.0 * orf.fraction, nullptr, ref_note.c_str());
    // Wrapped: these lines are longer than a narrow panel.
    ImGui::TextWrapped("registers %d/thread   shared memory %lld B/block (static %lld, dynamic %lld)   local %lld B", r.registers, smem,
                (long long)r.static_smem, (long long)r.dynamic_smem, (long long)r.local_bytes);
    ImGui::TextWrapped("block %lld threads, grid %lld blocks; limiter here: %s, on %s: %s", (long long)r.block_size,
                (long long)r.grid_size, oh.limiter.c_str(), ref.key.c_str(), orf.limiter.c_str());
    ImGui::TextWrapped("shared memory configured per SM: %lld KB here (%s, %d blocks fit), %lld KB on %s (estimated)",
                oh.smem_config_bytes / 1024, oh.smem_config_estimated ? "estimated" : "the driver's, recorded", oh.limit_by_smem,
                orf.smem_config_bytes / 1024, ref.key.c_str());
    if (!r.launched_kernel.empty() && r.config.family == "cublas") ImGui::TextWrapped("cuBLAS launched %s", r.launched_kernel.c_str());
  }

  std::vector<double> xs_, ms_, tf_, gb_;
};

}  // namespace

std::unique_ptr<Panel> make_live_panel() { return std::make_unique<LivePanel>(); }

}  // namespace gemmscope
