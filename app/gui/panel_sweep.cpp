// Sweep panel: the axes editor (valid values of any parameter), start / cancel with progress and
// time left (per GPU with a pool of runners), a heatmap over two axes coloured by a chosen figure,
// and a sortable results table whose rows can be applied to the live view. Results stream in
// while the sweep runs. With a pool of mixed GPU models both views compare one model's points
// unless the user asks to compare across models.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <atomic>
#include <future>
#include <memory>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "imgui.h"
#include "implot.h"

#include "app/gui/app_state.h"
#include "app/gui/device_list.h"
#include "app/gui/gui_style.h"
#include "app/gui/panel.h"
#include "app/gui/heatmap_grid.h"
#include "app/gui/run_figures.h"
#include "model/sweep_plan.h"
#include "model/kernel_family.h"

namespace gemmscope {
namespace {


std::string duration(double s) {
  char buf[32];
  if (s < 10) std::snprintf(buf, sizeof buf, "%.1f s", s);
  else if (s < 60) std::snprintf(buf, sizeof buf, "%.0f s", s);
  else std::snprintf(buf, sizeof buf, "%d min %02d s", int(s) / 60, int(s) % 60);
  return buf;
}

class SweepPanel final : public Panel {
 public:
  const char* title() const override { return "Sweep"; }
  ~SweepPanel() override { *preview_stop_ = true; }  // a count still running stops at its next point

  void draw(AppState& s, RunSession& c) override {
    if (ImGui::BeginTable("##sweep_layout", 2, ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV)) {
      ImGui::TableSetupColumn("editor", ImGuiTableColumnFlags_WidthStretch, 0.38f);
      ImGui::TableSetupColumn("results", ImGuiTableColumnFlags_WidthStretch, 0.62f);
      ImGui::TableNextColumn();
      draw_editor(s);
      draw_controls(s, c);
      ImGui::TableNextColumn();
      draw_heatmap(s, c);
      draw_table(s, c);
      ImGui::EndTable();
    }
  }

 private:
  void draw_editor(AppState& s) {
    const FamilyPtr f = find_family(s.config.family);
    if (!f) return;
    ImGui::Text("Axes for %s @ %s", f->name().c_str(), problem_name(s.config.shape).c_str());
    ImGui::BeginDisabled(s.sweep_running);
    // Values start right of the longest name (a card's names can be long: INPUT_PRECISION).
    float names_w = 0;
    for (const ParamDecl& d : f->params()) names_w = std::max(names_w, ImGui::CalcTextSize(d.name.c_str()).x);
    const float values_x = ImGui::GetCursorPosX() + ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + names_w +
                           ImGui::GetStyle().ItemSpacing.x;
    for (const ParamDecl& d : f->params()) {
      auto& axis = s.sweep_axes[d.name];
      ImGui::PushID(d.name.c_str());
      ImGui::Checkbox(d.name.c_str(), &axis.enabled);
      if (!axis.enabled) {
        ImGui::SameLine(values_x);
        ImGui::TextColored(kGrey, "fixed at %s", d.format(s.config.params.find(d.name).value_or(d.default_value)).c_str());
      } else if (d.is_range()) {
        // A range of integers is a list typed in (the axis entry below), not a checkbox per value.
        // Runs of consecutive values read as ranges ("2..1001", "16,32,33,64"), so a long axis stays one line.
        std::string values;
        for (auto it = axis.values.begin(); it != axis.values.end();) {
          auto end = it;
          while (std::next(end) != axis.values.end() && *std::next(end) == *end + 1) ++end;
          values += (values.empty() ? "" : ",") + std::to_string(*it) + (end != it ? (std::next(it) == end ? "," : "..") + std::to_string(*end) : "");
          it = std::next(end);
        }
        ImGui::SameLine(values_x);
        ImGui::TextWrapped("%s%s", values.empty() ? "(no values)" : values.c_str(),
                           axis.values.size() > 8 ? (" (" + std::to_string(axis.values.size()) + " values)").c_str() : "");
      } else {
        for (size_t i = 0; i < d.values.size(); ++i) {
          const int v = d.values[i];
          if (i == 0) ImGui::SameLine(values_x);
          else ImGui::SameLine();
          bool on = axis.values.count(v) > 0;
          if (ImGui::Checkbox(d.format(v).c_str(), &on)) {
            if (on) axis.values.insert(v);
            else axis.values.erase(v);
          }
        }
      }
      ImGui::PopID();
    }
    // The CLI's axis syntax works here too: "threads=64..512" or "block_m=32,64"; the hint is
    // written with this family's first parameter.
    const ParamDecl& first = f->params().front();
    const std::string hint = first.name + "=" +
                             (first.is_range() ? first.format(first.min) + ".." + first.format(first.max)
                              : first.values.size() < 2 ? first.format(first.values.front())
                                                        : first.format(first.values.front()) + "," + first.format(first.values[1]));
    ImGui::SetNextItemWidth(-90);
    const bool entered = ImGui::InputTextWithHint("##axis", hint.c_str(), axis_text_, sizeof axis_text_,
                                                  ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if (ImGui::Button("Set axis") || entered) {
      try {
        auto [p, values] = parse_axis(axis_text_, *f);
        auto& axis = s.sweep_axes[p];
        axis.enabled = true;
        axis.values = {values.begin(), values.end()};
        axis_error_.clear();
      } catch (const std::exception& e) {
        axis_error_ = e.what();
      }
    }
    if (!axis_error_.empty()) ImGui::TextColored(kRed, "%s", axis_error_.c_str());
    if (ImGui::SmallButton("family defaults")) s.reset_sweep_axes();
    ImGui::EndDisabled();
  }

  void draw_controls(AppState& s, RunSession& c) {
    ImGui::Separator();
    // expand() validates every point; recompute only when the plan text changes.
    SweepPlan plan;
    plan.base = s.config;
    std::string key = config_name(s.config) + "|" + s.here().key;
    for (const auto& [p, a] : s.sweep_axes)
      if (a.enabled && !a.values.empty()) {
        plan.axes.push_back({p, std::vector<int>(a.values.begin(), a.values.end())});
        key += p;
        for (int v : a.values) key += "," + std::to_string(v);
      }
    // Validating every point takes 10 us each: a 10k-point plan is counted on a worker, and the
    // count shown when it is done (a plan changed meanwhile is counted after it).
    if (preview_job_.valid() && preview_job_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      const PreviewCount n = preview_job_.get();
      preview_total_ = n.total, preview_invalid_ = n.invalid;
      if (!n.error.empty()) axis_error_ = n.error;
      preview_counted_ = preview_asked_;
    }
    if (key != preview_asked_ && !preview_job_.valid()) {
      preview_asked_ = key;
      preview_job_ = std::async(std::launch::async, [plan, here = s.here(), stop = preview_stop_] {
        PreviewCount n;
        try {
          for_each_point(plan, here, [&](SweepPoint&& pt) {
            ++n.total;
            if (!pt.valid()) ++n.invalid;
            return !*stop;
          });
        } catch (const std::exception& e) {
          n.error = e.what();
        }
        return n;
      });
    }
    const bool counted = preview_counted_ == key;
    if (counted)
      ImGui::TextWrapped("%d points, %d invalid on %s (skipped with their reason)", preview_total_, preview_invalid_, s.here().name.c_str());
    else
      ImGui::TextColored(kGrey, "counting the points...");
    ImGui::SetNextItemWidth(200);
    if (s.sweep_tag != tag_) std::snprintf(tag_, sizeof tag_, "%s", s.sweep_tag.c_str());
    if (ImGui::InputTextWithHint("tag", "gui-<family>@<problem>", tag_, sizeof tag_)) s.sweep_tag = tag_;
    if (!s.sweep_running) {
      const std::string blocker = s.run_blocker();
      ImGui::BeginDisabled(!counted || preview_total_ == preview_invalid_ || !blocker.empty());
      if (ImGui::Button("Start sweep")) s.start_sweep(c);
      ImGui::EndDisabled();
      if (!blocker.empty()) {
        ImGui::SameLine();
        ImGui::TextColored(kGrey, "(%s)", blocker.c_str());
      }
    } else if (ImGui::Button("Cancel sweep")) {
      c.cancel_sweep();
    }
    const SweepProgress& p = s.sweep_progress;
    if (p.total > 0) {
      char text[128];
      std::snprintf(text, sizeof text, "%d / %d", p.done, p.total);
      ImGui::ProgressBar(float(p.done) / float(p.total), ImVec2(-FLT_MIN, 0), text);
      ImGui::Text("%d failed, %d skipped, %s elapsed%s%s", p.failed, p.skipped, duration(p.elapsed_s).c_str(),
                  s.sweep_running ? ", about " : "", s.sweep_running ? (duration(p.eta_s) + " left").c_str() : "");
      // Each GPU's share first: on a small window the long reasons below would push it out of sight.
      if (p.runners.size() > 1) draw_runner_progress(p);
      // Why: the newest failure (red) and skip (grey) here; every point's own reason is in the
      // table's reason column.
      if (!p.last_failure.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("last failed: %s", p.last_failure.c_str());
        ImGui::PopStyleColor();
      }
      if (!p.last_skipped.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kGrey);
        ImGui::TextWrapped("last skipped: %s", p.last_skipped.c_str());
        ImGui::PopStyleColor();
      }
    }
  }

  // A row per runner of the pool: its share so far, its restarts, the point in flight, and a
  // runner taken out of the pool in red with why.
  void draw_runner_progress(const SweepProgress& p) {
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("##per_gpu", 6, flags)) return;
    ImGui::TableSetupColumn("GPU");
    ImGui::TableSetupColumn("done");
    ImGui::TableSetupColumn("failed");
    ImGui::TableSetupColumn("restarts");
    ImGui::TableSetupColumn("busy");
    ImGui::TableSetupColumn("now", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (const RunnerProgress& r : p.runners) {
      const bool removed = r.state == MemberState::Removed;
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(gpu_label(r.device_index, r.slot).c_str());
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s\n%s\n%s", r.device.empty() ? "(no GPU named)" : r.device.c_str(), r.device_uuid.empty() ? "no UUID" : r.device_uuid.c_str(),
                          r.command.c_str());
      ImGui::TableNextColumn(), ImGui::Text("%d", r.done);
      ImGui::TableNextColumn();
      if (r.failed > 0) ImGui::TextColored(kRed, "%d", r.failed);
      else ImGui::TextUnformatted("0");
      ImGui::TableNextColumn();
      if (r.restarts > 0) ImGui::TextColored(kRed, "%d", r.restarts);
      else ImGui::TextUnformatted("0");
      ImGui::TableNextColumn(), ImGui::TextUnformatted(duration(r.busy_s).c_str());
      ImGui::TableNextColumn();
      if (removed) {
        ImGui::TextColored(kRed, "out of the pool");
      } else if (r.busy && !r.current.empty()) {
        ImGui::TextUnformatted(r.current.c_str());
      } else {
        ImGui::TextColored(kGrey, "%s", p.running ? "idle" : "done");
      }
    }
    ImGui::EndTable();
    // Why a runner left: below the table, where the whole reason has the panel's width.
    for (const RunnerProgress& r : p.runners)
      if (r.state == MemberState::Removed) {
        ImGui::PushStyleColor(ImGuiCol_Text, kRed);
        ImGui::TextWrapped("%s (%s) is out of the pool: %s", gpu_label(r.device_index, r.slot).c_str(), r.device.c_str(),
                           r.last_failure.empty() ? "its runner failed runs in a row" : r.last_failure.c_str());
        ImGui::PopStyleColor();
      }
  }

  // A pool of mixed GPU models: which model the views compare, or all of them when asked.
  void draw_model_selector(AppState& s) {
    const auto& models = s.sweep.models();
    s.update_sweep_view();
    if (models.size() < 2) return;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("GPU model");
    ImGui::SameLine();
    ImGui::BeginDisabled(s.sweep_view.across);
    ImGui::SetNextItemWidth(220);
    if (ImGui::BeginCombo("##gpu_model", s.sweep_view.model.c_str())) {
      for (const ModelRows& m : models) {
        std::string devices;
        for (int d : m.devices) devices += (devices.empty() ? "" : ",") + (d >= 0 ? "gpu" + std::to_string(d) : std::string("?"));
        const std::string label = m.model + " (" + std::to_string(m.rows) + " points, " + devices + ")";
        if (ImGui::Selectable(label.c_str(), m.model == s.sweep_view.model)) s.sweep_view.model = m.model, s.sweep_view.chosen = true;
      }
      ImGui::EndCombo();
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::Checkbox("compare across models", &s.sweep_view.across);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Points of different GPU models are not comparable: the heatmap's best cells and the table show\n"
                        "one model's points unless this is ticked.");
  }

  // Best value per (x, y) cell over the other axes (heatmap_grid.h).
  void draw_heatmap(AppState& s, RunSession& c) {
    const FamilyPtr f = find_family(s.config.family);
    if (!f) return;
    const ParamTable& params = f->params();
    // Labels go before their combo, so "x BLOCK_M  y BLOCK_N" reads as it is meant.
    float names_w = 0;
    for (const ParamDecl& d : params) names_w = std::max(names_w, ImGui::CalcTextSize(d.name.c_str()).x);
    auto param_combo = [&](const char* label, std::string& target) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(label);
      ImGui::SameLine();
      ImGui::SetNextItemWidth(names_w + ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().FramePadding.x);
      if (ImGui::BeginCombo((std::string("##heat_") + label).c_str(), target.c_str())) {
        for (const ParamDecl& d : params)
          if (ImGui::Selectable(d.name.c_str(), d.name == target)) target = d.name;
        ImGui::EndCombo();
      }
    };
    param_combo("x", s.heat_x);
    ImGui::SameLine();
    param_combo("y", s.heat_y);
    ImGui::SameLine();
    ImGui::TextUnformatted("colour by");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(170);
    if (ImGui::BeginCombo("##heat_figure", s.heat_figure.c_str())) {
      for (const auto& fi : figure_list()) {
        if (ImGui::Selectable(fi.name.c_str(), fi.name == s.heat_figure)) s.heat_figure = fi.name;
        // A figure read from a counter explains itself with the catalogue's words.
        for (const auto& name : seed_metric_names())
          if (metric_label(name) == fi.name) metric_tooltip(name);
      }
      ImGui::EndCombo();
    }
    draw_model_selector(s);
    const ParamDecl* dx = find_param(params, s.heat_x);
    const ParamDecl* dy = find_param(params, s.heat_y);
    if (!dx || !dy) return;
    update_grid(s);
    const bool higher_better = grid_.higher_is_better;
    const int nx = int(grid_.x_values.size()), ny = int(grid_.y_values.size());
    const double lo = grid_.lo, hi = grid_.hi;
    if (nx == 0) {
      ImGui::PushStyleColor(ImGuiCol_Text, kGrey);
      ImGui::TextWrapped("No sweep results yet: start a sweep (Ctrl+Shift+R), or apply a stored sweep's run from History.");
      ImGui::PopStyleColor();
      return;
    }
    const float h = std::max(200.0f, ImGui::GetContentRegionAvail().y * 0.55f);
    ImPlot::PushColormap(ImPlotColormap_Viridis);
    if (ImPlot::BeginPlot("##heatmap", ImVec2(ImGui::GetContentRegionAvail().x - 90, h), ImPlotFlags_NoLegend | ImPlotFlags_NoMenus)) {
      ImPlot::SetupAxes(s.heat_x.c_str(), s.heat_y.c_str(), ImPlotAxisFlags_AutoFit | ImPlotAxisFlags_NoGridLines,
                        ImPlotAxisFlags_AutoFit | ImPlotAxisFlags_NoGridLines);
      labels_x_.clear(), labels_y_.clear(), ticks_x_.clear(), ticks_y_.clear();
      // A range column reads "1-25"; with many columns only every k-th is labelled, so labels never merge.
      auto label = [](const ParamDecl* d, int first, int last) { return first == last ? d->format(first) : d->format(first) + "-" + d->format(last); };
      // Every k-th label, k as small as lets the widest fit beside its neighbours.
      float widest = 0;
      for (int i = 0; i < nx; ++i)
        widest = std::max(widest, ImGui::CalcTextSize(label(dx, grid_.x_values[size_t(i)], grid_.x_last[size_t(i)]).c_str()).x);
      const float plot_w = std::max(50.0f, ImGui::GetContentRegionAvail().x - 90 - 70);
      const int every_x = std::max(1, int(std::ceil(nx * (widest + 14) / plot_w)));
      const int every_y = std::max(1, int(std::ceil(ny * (ImGui::GetTextLineHeight() + 4) / std::max(50.0f, h - 60))));
      for (int i = 0; i < nx; ++i)
        labels_x_.push_back(i % every_x ? "" : label(dx, grid_.x_values[size_t(i)], grid_.x_last[size_t(i)])), ticks_x_.push_back(i + 0.5);
      for (int i = 0; i < ny; ++i)
        labels_y_.push_back(i % every_y ? "" : label(dy, grid_.y_values[size_t(i)], grid_.y_last[size_t(i)])), ticks_y_.push_back(i + 0.5);
      std::vector<const char*> lx, ly;
      for (auto& l : labels_x_) lx.push_back(l.c_str());
      for (auto& l : labels_y_) ly.push_back(l.c_str());
      // Both axes have values: an empty grid returned above.
      ImPlot::SetupAxisTicks(ImAxis_X1, ticks_x_.data(), nx, lx.data());
      ImPlot::SetupAxisTicks(ImAxis_Y1, ticks_y_.data(), ny, ly.data());
      // ImPlot cannot colour NaN: empty cells (not run yet, failed, invalid) get the low colour
      // and are then covered in grey, so they never read as slow.
      shown_ = grid_.value;
      for (double& v : shown_)
        if (std::isnan(v)) v = lo;
      ImPlot::PlotHeatmap("##cells", shown_.data(), ny, nx, lo, hi, nx * ny <= 64 ? "%.3g" : nullptr, ImPlotPoint(0, 0),
                          ImPlotPoint(nx, ny));
      ImPlot::PushPlotClipRect();
      ImDrawList* draw = ImPlot::GetPlotDrawList();
      for (int row = 0; row < ny; ++row)
        for (int col = 0; col < nx; ++col)
          if (grid_.best_run[grid_.at(size_t(col), size_t(row))] < 0) {
            const double y_top = ny - row;  // row 0 is the top row
            draw->AddRectFilled(ImPlot::PlotToPixels(col, y_top), ImPlot::PlotToPixels(col + 1, y_top - 1), IM_COL32(70, 70, 70, 255));
          }
      ImPlot::PopPlotClipRect();
      // Hover names the run behind a cell and its value; a click applies that config.
      if (ImPlot::IsPlotHovered()) {
        const ImPlotPoint m = ImPlot::GetPlotMousePos();
        const int col = int(std::floor(m.x)), row_from_bottom = int(std::floor(m.y));
        if (col >= 0 && col < nx && row_from_bottom >= 0 && row_from_bottom < ny) {
          const size_t at = grid_.at(size_t(col), size_t(ny - 1 - row_from_bottom));
          const int run = grid_.best_run[at];
          if (run < 0) {
            ImGui::SetTooltip("%s = %s, %s = %s: no passed run", s.heat_x.c_str(), labels_x_[size_t(col)].c_str(),
                              s.heat_y.c_str(), labels_y_[size_t(row_from_bottom)].c_str());
          } else {
            const SweepRow& r = s.sweep[size_t(run)];
            const FigureInfo* fi = find_figure(s.heat_figure);
            const std::string unit = fi && !fi->unit.empty() ? " " + fi->unit : "";
            // "37.6 TFLOP/s" or "DRAM throughput 81.2 %": the name only where the unit does not say it.
            const std::string label = fi && fi->unit == s.heat_figure ? "" : s.heat_figure + " ";
            ImGui::SetTooltip("%s\n%s%.4g%s, the %s of %d passed runs in this cell\nmeasured on %s (%s)\nclick to apply it",
                              r.config_name.c_str(), label.c_str(), grid_.value[at], unit.c_str(), higher_better ? "highest" : "lowest",
                              grid_.count[at], run_gpu_label(r.device_index).c_str(), r.device.c_str());
            if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) s.apply(s.sweep.config(size_t(run)), c);
          }
        }
      }
      ImPlot::EndPlot();
    }
    ImGui::SameLine();
    ImPlot::ColormapScale(s.heat_figure.c_str(), lo, hi, ImVec2(80, h));
    ImPlot::PopColormap();
    // Say how the other axes are folded into a cell.
    std::string others;
    for (const auto& [name, axis] : s.sweep_axes)
      if (axis.enabled && axis.values.size() > 1 && name != s.heat_x && name != s.heat_y && find_param(params, name))
        others += (others.empty() ? "" : ", ") + name;
    ImGui::PushStyleColor(ImGuiCol_Text, kGrey);
    const std::string on = s.sweep.models().size() < 2 ? "" : s.sweep_view.across ? " on every GPU model" : " on " + s.sweep_view.model;
    ImGui::TextWrapped("each cell: the %s %s over %s%s; hover for its config and GPU, click to apply it",
                       higher_better ? "highest" : "lowest", s.heat_figure.c_str(),
                       others.empty() ? "its runs (no other axis varies)" : others.c_str(), on.c_str());
    ImGui::PopStyleColor();
    if (fastest_ >= 0 && size_t(fastest_) < s.sweep.size()) {
      const SweepRow& r = s.sweep[size_t(fastest_)];
      ImGui::Text("fastest%s: %s, %.4f ms on %s", on.c_str(), r.config_name.c_str(), r.ms_median, run_gpu_label(r.device_index).c_str());
    }
  }

  void draw_table(AppState& s, RunSession& c) {
    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("sweep_results", 10, flags, ImVec2(-1, std::max(120.0f, ImGui::GetContentRegionAvail().y)))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("config", ImGuiTableColumnFlags_WidthStretch, 3.0f);
    ImGui::TableSetupColumn("GPU");
    ImGui::TableSetupColumn("result");
    ImGui::TableSetupColumn("time (ms)", ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortAscending);
    ImGui::TableSetupColumn("TFLOP/s", ImGuiTableColumnFlags_PreferSortDescending);
    ImGui::TableSetupColumn("GB/s", ImGuiTableColumnFlags_PreferSortDescending);
    ImGui::TableSetupColumn("regs/thr");
    ImGui::TableSetupColumn("occ. (%)");
    ImGui::TableSetupColumn("reason", ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_NoSort);
    ImGui::TableHeadersRow();

    const GpuSpec here = s.here();
    const bool mixed = s.sweep.models().size() > 1 && s.sweep_view.across;  // the GPU column names the model too
    sort_rows(s, ImGui::TableGetSortSpecs(), here);
    ImGuiListClipper clipper;
    clipper.Begin(int(order_.size()));
    char buf[64];
    while (clipper.Step())
      for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
        const SweepRow& r = s.sweep[order_[size_t(row)]];
        const bool timed = r.timed();
        ImGui::PushID(row);
        ImGui::TableNextRow();
        ImGui::TableNextColumn(), cell(r.config_name);
        ImGui::TableNextColumn(), cell(mixed ? run_gpu_label(r.device_index) + " " + r.device : run_gpu_label(r.device_index));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.device.c_str());
        ImGui::TableNextColumn();
        disposition_cell(r);
        ImGui::TableNextColumn(), std::snprintf(buf, sizeof buf, "%.4f", r.ms_median), cell(timed ? buf : "-");
        ImGui::TableNextColumn(), std::snprintf(buf, sizeof buf, "%.2f", r.tflops), cell(timed ? buf : "-");
        ImGui::TableNextColumn(), std::snprintf(buf, sizeof buf, "%.0f", r.gbps), cell(timed ? buf : "-");
        ImGui::TableNextColumn(), std::snprintf(buf, sizeof buf, "%d", r.registers), cell(r.registers > 0 ? buf : "-");
        ImGui::TableNextColumn();
        if (std::isnan(r.occupancy_pct) || r.registers <= 0) cell("-");
        else std::snprintf(buf, sizeof buf, "%.0f", r.occupancy_pct), cell(buf);
        ImGui::TableNextColumn();
        // Why a point failed or was skipped; a passed run's note (replayed, not verified) is grey.
        if (!r.reason.empty()) cell(r.reason, r.passed() ? kGrey : kRed);
        ImGui::TableNextColumn();
        ImGui::BeginDisabled(s.sweep_running);
        if (ImGui::SmallButton("apply")) s.apply(s.sweep.config(order_[size_t(row)]), c);
        ImGui::EndDisabled();
        ImGui::PopID();
      }
    ImGui::EndTable();
  }

  // Whether derived data must be made again: the results changed (a new sweep, or more of one)
  // and, while a sweep streams in, the last one was made at least kRefreshS ago. Results that only
  // grew keep every index valid, so a view made before them still draws; a new sweep does not wait.
  static constexpr double kRefreshS = 0.25;
  struct Made {
    size_t size = 0;
    int64_t first_id = 0;
    std::string inputs;
    std::chrono::steady_clock::time_point at{};
    bool stale(const AppState& s, const std::string& now_inputs) const {
      const auto& r = s.sweep.rows();
      const bool same_sweep = r.size() >= size && (size == 0 || r.front().id == first_id) && now_inputs == inputs;
      if (!same_sweep) return true;
      if (r.size() == size) return false;
      return !s.sweep_running || std::chrono::duration<double>(std::chrono::steady_clock::now() - at).count() >= kRefreshS;
    }
    void made(const AppState& s, const std::string& now_inputs) {
      size = s.sweep.size();
      first_id = size ? s.sweep[0].id : 0;
      inputs = now_inputs;
      at = std::chrono::steady_clock::now();
    }
  };

  // The heatmap's cells, made when the results, the axes or the figure change (heatmap_grid.h).
  void update_grid(const AppState& s) {
    // One model's points are judged on its spec; across models, on this GPU's.
    const bool one_model = !s.sweep_view.across && !s.sweep_view.model.empty();
    const GpuSpec ran_on = one_model ? s.spec_for(s.sweep_view.model) : s.here();
    const std::string inputs = s.heat_x + "|" + s.heat_y + "|" + s.heat_figure + "|" + ran_on.key + "|" + view_key(s);
    if (!grid_made_.stale(s, inputs)) return;
    grid_ = heatmap_grid(s.sweep, s.heat_x, s.heat_y, s.heat_figure, ran_on, s.sweep_view);
    fastest_ = -1;
    for (size_t i = 0; i < s.sweep.size(); ++i) {
      const SweepRow& r = s.sweep[i];
      if (r.passed() && r.timed() && s.sweep_view.admits(r.device) && (fastest_ < 0 || r.ms_median < s.sweep[size_t(fastest_)].ms_median))
        fastest_ = int(i);
    }
    grid_made_.made(s, inputs);
  }

  static std::string view_key(const AppState& s) { return s.sweep_view.across ? "*" : s.sweep_view.model; }

  // The table's order, sorted once per change of the results or the sort column, by keys read
  // once per run; rows that came since the last sort wait at the end until the next one.
  void sort_rows(const AppState& s, ImGuiTableSortSpecs* spec, const GpuSpec& here) {
    const int col = spec && spec->SpecsCount > 0 ? spec->Specs[0].ColumnIndex : -1;
    const bool asc = spec && spec->SpecsCount > 0 && spec->Specs[0].SortDirection == ImGuiSortDirection_Ascending;
    const std::string inputs = std::to_string(col) + (asc ? "a" : "d") + here.key + "|" + view_key(s);
    const bool dirty = spec && spec->SpecsDirty;
    if (spec) spec->SpecsDirty = false;
    if (!dirty && !order_made_.stale(s, inputs)) {
      for (size_t i = appended_; i < s.sweep.size(); ++i)
        if (s.sweep_view.admits(s.sweep[i].device)) order_.push_back(i);
      appended_ = s.sweep.size();
      return;
    }
    const auto& runs = s.sweep.rows();
    order_.clear();
    for (size_t i = 0; i < runs.size(); ++i)
      if (s.sweep_view.admits(runs[i].device)) order_.push_back(i);
    appended_ = runs.size();
    order_made_.made(s, inputs);
    if (col < 0) return;
    if (col == 0 || col == 8) {
      std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
        const std::string& ka = col == 0 ? runs[a].config_name : runs[a].reason;
        const std::string& kb = col == 0 ? runs[b].config_name : runs[b].reason;
        return asc ? ka < kb : ka > kb;
      });
      return;
    }
    // Runs without figures sort last whichever way a column is sorted.
    const double none = asc ? 1e300 : -1e300;
    keys_.resize(runs.size());
    for (size_t i = 0; i < runs.size(); ++i) {
      const SweepRow& r = runs[i];
      const bool timed = r.timed();
      switch (col) {
        case 1: keys_[i] = double(r.device_index); break;
        case 2: keys_[i] = double(r.disposition); break;
        case 3: keys_[i] = timed ? r.ms_median : none; break;
        case 4: keys_[i] = timed ? r.tflops : none; break;
        case 5: keys_[i] = timed ? r.gbps : none; break;
        case 6: keys_[i] = r.registers > 0 ? r.registers : none; break;
        case 7: keys_[i] = std::isnan(r.occupancy_pct) ? none : r.occupancy_pct; break;
        default: keys_[i] = 0;
      }
    }
    std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) { return asc ? keys_[a] < keys_[b] : keys_[a] > keys_[b]; });
  }

  Made grid_made_, order_made_;
  std::vector<double> keys_;
  char axis_text_[128] = "";
  char tag_[96] = "";
  struct PreviewCount {
    int total = 0, invalid = 0;
    std::string error;
  };
  std::string axis_error_, preview_asked_, preview_counted_;  // the plan keys asked for and last counted
  std::shared_ptr<std::atomic<bool>> preview_stop_ = std::make_shared<std::atomic<bool>>(false);
  std::future<PreviewCount> preview_job_;  // declared after the flag: its destructor waits for the count
  int preview_total_ = 0, preview_invalid_ = 0;
  HeatmapGrid grid_;
  std::vector<double> shown_, ticks_x_, ticks_y_;
  std::vector<std::string> labels_x_, labels_y_;
  std::vector<size_t> order_;
  size_t appended_ = 0;  // rows looked at for order_ (those another model measured are left out)
  int fastest_ = -1;     // the fastest passed row the view admits, -1 when none
};

}  // namespace

std::unique_ptr<Panel> make_sweep_panel() { return std::make_unique<SweepPanel>(); }

}  // namespace gemmscope
