// Roofline panel: log-log rooflines of this GPU and of the reference GPU side by side, every run
// a point (measured here, projected there), hover for figures, click to select and compare.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "imgui.h"
#include "implot.h"

#include "app/gui/app_state.h"
#include "app/gui/gui_style.h"
#include "app/gui/label_layout.h"
#include "app/gui/panel.h"
#include "app/gui/run_figures.h"
#include "model/roofline.h"
#include "model/run_roofline.h"

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

// The name ceilings() gives a precision's datasheet rate; 3xTF32 has no line of its own.
std::string roof_name(Precision p) {
  return p == Precision::FP32 ? "FP32" : p == Precision::TF32 ? "TF32" : "3xTF32";
}

// A run's point: which list it is in (0 live, 1 sweep, 2 stored) and where, so a list that only
// grew is read from where it was left (a streaming sweep adds a few points a frame).
struct Dot {
  int group = 0;
  size_t index = 0;
  int64_t id = 0;
  RunRoofline roof;  // judged on the GPU the run ran on, projected onto the reference
  double x = 0, y_here = 0, y_ref = 0;
  float log_x = 0, log_y[2] = {0, 0};  // log10 of x and of y here / on the reference, for thinning
};

// The marks one plot draws: at most kMaxMarks thinned ones per plot, plus the runs always drawn.
struct Marks {
  std::vector<size_t> dots[3];   // per group, indices into that group's dots
  std::vector<size_t> selected;  // into dots_[group] as (group << 56 | index)
  size_t shown = 0, total = 0;
  int cells_per_decade = 0;      // 0: nothing thinned
};

constexpr size_t kMaxMarks = 1000;  // per plot, across the three groups: ~4 ms of software-GL rendering for both plots at 1000 each

class RooflinePanel final : public Panel {
 public:
  const char* title() const override { return "Roofline"; }

  void draw(AppState& s, RunSession& session) override {
    draw_controls(s);
    const GpuSpec here = s.here(), ref = s.reference();
    collect(s, ref);
    thin(s);
    const float table_h = s.selected.empty() ? 0.0f : 150.0f;
    const ImVec2 size(-1, std::max(250.0f, ImGui::GetContentRegionAvail().y - table_h));
    unlabelled_[0].clear(), unlabelled_[1].clear();
    const float note_h = 2 * ImGui::GetTextLineHeightWithSpacing();  // room for the unlabelled ceilings
    const ImVec2 plots(size.x, size.y - note_h);
    if (ImPlot::BeginSubplots("##rooflines", 1, 2, plots, ImPlotSubplotFlags_LinkAllY)) {
      draw_roofline(s, session, here, true);
      draw_roofline(s, session, ref, false);
      ImPlot::EndSubplots();
    }
    draw_unlabelled(here, ref);
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

  // The figures a tooltip names, from a whole run (live, stored) or a sweep's light row.
  struct Shown {
    const std::string &config_name, &device;
    Disposition disposition;
    double ms_median, tflops, gbps;
  };
  template <class R>
  static Shown shown(const R& r) {
    return {r.config_name, r.device, r.disposition, r.ms_median, r.tflops, r.gbps};
  }
  static Shown shown_of(const AppState& s, const Dot& d) {
    return d.group == 0 ? shown(s.live_runs[d.index]) : d.group == 1 ? shown(s.sweep[d.index]) : shown(s.history[d.index]);
  }
  static size_t size_of(const AppState& s, int group) {
    return group == 0 ? s.live_runs.size() : group == 1 ? s.sweep.size() : s.history.size();
  }
  static int64_t id_at(const AppState& s, int group, size_t i) {
    return group == 0 ? s.live_runs[i].id : group == 1 ? s.sweep[i].id : s.history[i].id;
  }

  // The points are read only when the runs shown, the GPUs or the toggles change, never every
  // frame; a list that only grew (a streaming sweep) is read from where it was left.
  void collect(const AppState& s, const GpuSpec& ref) {
    const std::string context = std::to_string(s.device_specs.size()) + "/" + ref.key + "/" + s.here().name + "/" +
                                (s.has_device() ? std::to_string(s.runner->detected.measured.fp32_tflops) : "") + "/" +
                                std::to_string(show_live_) + std::to_string(show_sweep_) + std::to_string(show_history_) + "/" +
                                (s.sweep_view.across ? "*" : s.sweep_view.model);
    const bool all_again = context != context_;
    context_ = context;
    const bool shown[3] = {show_live_, show_sweep_, show_history_};
    // A sweep's rows share a device or two: its spec is looked up once, not once a row.
    std::map<std::string, GpuSpec> specs;
    auto spec_of = [&](const std::string& device) -> const GpuSpec& {
      auto it = specs.find(device);
      return it != specs.end() ? it->second : specs.emplace(device, s.spec_for(device)).first->second;
    };
    for (int g = 0; g < 3; ++g) {
      const size_t n = size_of(s, g);
      Seen& seen = seen_[g];
      const bool grew = !all_again && n >= seen.size &&
                        (seen.size == 0 || (id_at(s, g, 0) == seen.first_id && id_at(s, g, seen.size - 1) == seen.last_id));
      if (grew && n == seen.size) continue;
      if (!grew) dots_[g].clear(), seen.size = 0;
      for (size_t i = seen.size; shown[g] && i < n; ++i) {
        Dot d;
        d.group = g, d.index = i, d.id = id_at(s, g, i);
        if (g == 1) {
          const SweepRow& r = s.sweep[i];
          // A pool of mixed models: the Sweep panel's model (or all, when it compares across them).
          if (!r.timed() || !s.sweep_view.admits(r.device)) continue;
          d.roof = r.roofline(spec_of(r.device), ref);
        } else {
          const RunResult& r = g == 0 ? s.live_runs[i] : s.history[i];
          if (r.ms_median <= 0) continue;
          d.roof = run_roofline(r, spec_of(r.device), ref);
        }
        d.x = d.roof.point.intensity();
        d.y_here = d.roof.point.tflops();
        d.y_ref = d.roof.reference_tflops;
        if (d.x <= 0 || d.y_here <= 0) continue;
        d.log_x = float(std::log10(d.x));
        d.log_y[0] = float(std::log10(d.y_here));
        d.log_y[1] = d.y_ref > 0 ? float(std::log10(d.y_ref)) : -30.0f;
        dots_[g].push_back(d);
      }
      seen.size = n;
      seen.first_id = n ? id_at(s, g, 0) : 0;
      seen.last_id = n ? id_at(s, g, n - 1) : 0;
      ++dots_version_;
      if (!grew) rebuilt_ = true;  // the old marks point at dots that are gone
    }
  }

  // The marks of each plot: every point while there are at most kMaxMarks, else one per cell of a
  // log-log grid (the fastest of the cell), the grid coarsened until they fit; the selected runs,
  // the baseline and each group's fastest (a cell's fastest, so always drawn) too. Stored copies
  // of this session's runs are drawn once, as live or sweep runs. Made again when the points are
  // rebuilt or the selection or baseline changes; points that only came after (a streaming sweep)
  // are added to the cells they fall in, O(1) each, until the marks outgrow kMaxMarks.
  void thin(const AppState& s) {
    const bool same_choice = s.selected == marks_selected_ && s.baseline == marks_baseline_;
    if (same_choice && !rebuilt_ && dots_version_ == marks_version_) return;
    if (same_choice && !rebuilt_ && add_to_marks()) {
      marks_version_ = dots_version_;
      return;
    }
    marks_selected_ = s.selected, marks_baseline_ = s.baseline, marks_version_ = dots_version_, rebuilt_ = false;
    std::unordered_set<int64_t> session;
    for (int g = 0; g < 2; ++g)
      for (const Dot& d : dots_[g]) session.insert(d.id);
    auto keep = [&](const Dot& d) { return d.group != 2 || !session.count(d.id); };
    auto always = [&](const Dot& d) { return s.selected.count(d.id) || (s.baseline && d.id == *s.baseline); };
    for (int p = 0; p < 2; ++p) {
      Marks& m = marks_[p];
      m = {};
      for (int g = 0; g < 3; ++g)
        for (const Dot& d : dots_[g]) m.total += keep(d) ? 1 : 0;
      int cells = 256;  // per decade: finer than a pixel on any plot this panel draws
      for (;;) {
        for (auto& v : m.dots) v.clear();
        for (auto& c : cells_[p]) c.clear();
        if (m.total <= kMaxMarks) {
          for (int g = 0; g < 3; ++g)
            for (size_t i = 0; i < dots_[g].size(); ++i)
              if (keep(dots_[g][i])) m.dots[g].push_back(i);
          m.cells_per_decade = 0;
          break;
        }
        m.cells_per_decade = cells;
        size_t marks = 0;
        for (int g = 0; g < 3; ++g) {
          for (size_t i = 0; i < dots_[g].size(); ++i)
            if (keep(dots_[g][i])) add_to_cell(p, g, i);
          marks += m.dots[g].size();
        }
        if (marks <= kMaxMarks || cells <= 4) break;
        cells /= 2;
      }
      // The runs always drawn, beside the thinned ones: selected, baseline.
      for (int g = 0; g < 3; ++g) {
        std::vector<char> in(dots_[g].size(), 0);
        for (size_t i : m.dots[g]) in[i] = 1;
        for (size_t i = 0; i < dots_[g].size(); ++i) {
          const Dot& d = dots_[g][i];
          if (!keep(d)) continue;
          if (s.selected.count(d.id)) m.selected.push_back(uint64_t(g) << 56 | i);
          if (!in[i] && always(d)) m.dots[g].push_back(i), in[i] = 1;
        }
        m.shown += m.dots[g].size();
      }
    }
    for (int g = 0; g < 3; ++g) marked_upto_[g] = dots_[g].size();
  }

  // Dot i of group g into plot p's grid: a new cell is a new mark, a faster dot replaces its cell's.
  void add_to_cell(int p, int g, size_t i) {
    Marks& m = marks_[p];
    const Dot& d = dots_[g][i];
    const int cells = m.cells_per_decade;
    const auto cx = uint64_t(int64_t(std::floor(double(d.log_x) * cells)) + (1 << 20));
    const auto cy = uint64_t(int64_t(std::floor(double(d.log_y[p]) * cells)) + (1 << 20));
    auto [it, fresh] = cells_[p][g].emplace(cx << 32 | cy, m.dots[g].size());
    if (fresh) m.dots[g].push_back(i);
    else if (d.log_y[p] > dots_[g][m.dots[g][it->second]].log_y[p]) m.dots[g][it->second] = i;
  }

  // The dots that came since the marks were made, added in place; false when the marks would
  // outgrow kMaxMarks (or stored runs changed), so they are made again.
  bool add_to_marks() {
    if (dots_[2].size() != marked_upto_[2]) return false;
    for (int p = 0; p < 2; ++p) {
      Marks& m = marks_[p];
      for (int g = 0; g < 2; ++g) {
        const size_t before = m.dots[g].size();
        for (size_t i = marked_upto_[g]; i < dots_[g].size(); ++i) {
          if (m.cells_per_decade == 0) m.dots[g].push_back(i);
          else add_to_cell(p, g, i);
        }
        m.shown += m.dots[g].size() - before;
        m.total += dots_[g].size() - marked_upto_[g];
      }
      if (m.shown > kMaxMarks + m.selected.size() + 2) return false;
    }
    for (int g = 0; g < 3; ++g) marked_upto_[g] = dots_[g].size();
    return true;
  }

  // The compute ceilings the selected runs are judged against (judge(): the datasheet rate of each
  // run's precision), so a TF32 or 3xTF32 run shows which line is its roof.
  std::vector<std::pair<double, std::string>> selected_ceilings(const GpuSpec& spec) const {
    std::vector<std::pair<double, std::string>> out;
    for (const size_t at : marks_[0].selected) {
      const Dot& d = dot_at(at);
      const double v = compute_peak_tflops(spec, d.roof.precision);
      const std::string name = roof_name(d.roof.precision);
      if (std::none_of(out.begin(), out.end(), [&](const auto& o) { return o.second == name; })) out.emplace_back(v, name);
    }
    return out;
  }

  void draw_ceilings(const GpuSpec& spec, bool measured_here) {
    auto list = ceilings(spec);
    double top = 0;
    for (const auto& c : list)
      if (!c.is_bandwidth) top = std::max(top, c.value);
    // A selected run's roof is drawn white: the line of that value, or one added for it (3xTF32).
    std::vector<bool> marked(list.size(), false);
    for (const auto& [value, name] : selected_ceilings(spec)) {
      bool found = false;
      for (size_t i = 0; i < list.size(); ++i)
        if (!list[i].is_bandwidth && !list[i].measured && list[i].label == name) marked[i] = found = true;
      if (!found && value > 0) {
        list.push_back({name, false, value, false});
        marked.push_back(true);
      }
    }
    std::vector<CeilingLabel> labels;
    int bw_i = 0, fl_i = 0;
    for (size_t i = 0; i < list.size(); ++i) {
      const Ceiling& c = list[i];
      CeilingLabel l;
      l.c = c;
      l.colour = marked[i] ? ImVec4(1, 1, 1, 1) : ceiling_colour(c, c.is_bandwidth ? bw_i++ : fl_i++);
      l.weight = marked[i] ? 2.0f : c.measured ? 1.5f : 2.5f;
      char text[128];
      std::snprintf(text, sizeof text, "%s %.0f %s", c.label.c_str(), c.value, c.is_bandwidth ? "GB/s" : "TFLOP/s");
      l.text = text;
      labels.push_back(l);
    }
    // A ceiling whose label finds no room on its line is named under the plots instead: every
    // ceiling is named, and no label overlaps another, a point or the legend.
    place_labels(labels, spec, top, measured_here);
    for (const CeilingLabel& l : labels) {
      const Ceiling& c = l.c;
      double xs[2], ys[2];
      if (c.is_bandwidth) {
        xs[0] = kMinIntensity, ys[0] = c.value * kMinIntensity / 1e3;
        xs[1] = top * 1e3 / c.value, ys[1] = top;
      } else {
        xs[0] = c.value * 1e3 / spec.dram_gbps, ys[0] = c.value;
        xs[1] = kMaxIntensity, ys[1] = c.value;
      }
      ImPlotSpec style;
      style.LineColor = l.colour;
      style.LineWeight = l.weight;
      style.Flags = ImPlotItemFlags_NoLegend;
      ImPlot::PlotLine(l.text.c_str(), xs, ys, 2, style);
      if (!l.placed) unlabelled_[measured_here ? 0 : 1].push_back({l.text, l.colour});
      if (l.placed) {
        ImPlot::PushStyleColor(ImPlotCol_InlayText, l.colour);
        ImPlot::PlotText(l.text.c_str(), l.at.x, l.at.y);
        ImPlot::PopStyleColor();
      }
    }
  }

  struct CeilingLabel {
    Ceiling c;
    std::string text;
    ImVec4 colour;
    float weight = 1;
    bool placed = false;
    ImPlotPoint at;  // the label's centre, when placed
  };

  // Places each label where it overlaps no other label, no point, the legend or the plot's edge
  // (label_layout.h): compute ceilings right-aligned above or below their line or just after its
  // knee, bandwidths along their slope from the bottom up.
  // `top_tflops`: the highest compute ceiling, where the bandwidth slopes end.
  void place_labels(std::vector<CeilingLabel>& labels, const GpuSpec& spec, double top_tflops, bool measured_here) {
    const ImVec2 pos = ImPlot::GetPlotPos(), size = ImPlot::GetPlotSize();
    const float h = ImGui::GetTextLineHeight(), pad = 4;
    LabelLayout layout({pos.x, pos.y, pos.x + size.x, pos.y + size.y});
    for_each_mark(measured_here, [&](const Dot& d) {
      const double y = measured_here ? d.y_here : d.y_ref;
      if (y <= 0) return;
      const ImVec2 p = ImPlot::PlotToPixels(d.x, y);
      layout.block({p.x - 6, p.y - 6, p.x + 6, p.y + 6});
    });
    // No label crosses a line: each line is blocked, a horizontal one as one thin box, a slope as a
    // chain of small ones. Candidates sit just above or below their own line, so it blocks none.
    for (const auto& l : labels) {
      if (!l.c.is_bandwidth) {
        const ImVec2 a = ImPlot::PlotToPixels(l.c.value * 1e3 / spec.dram_gbps, l.c.value);
        layout.block({a.x, a.y - 1, pos.x + size.x, a.y + 1});
      } else {
        // The slope ends where it meets the highest compute ceiling.
        const float y_end = ImPlot::PlotToPixels(kMaxIntensity, top_tflops).y;
        for (float y = pos.y + size.y; y > std::max(pos.y, y_end); y -= 4) {
          const ImPlotPoint at = ImPlot::PixelsToPlot(ImVec2(pos.x, y));
          const float x = ImPlot::PlotToPixels(at.y * 1e3 / l.c.value, at.y).x;
          layout.block({x - 2, y - 2, x + 2, y + 2});
        }
      }
    }
    for (size_t i : label_order(labels)) {
      CeilingLabel& l = labels[i];
      const auto cands = label_candidates(l, spec, pos, size, h, pad);
      if (const auto chosen = layout.place(cands)) {
        const LabelBox& b = cands[*chosen];
        l.placed = true;
        l.at = ImPlot::PixelsToPlot(ImVec2((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2));
      }
    }
  }

  // Datasheet compute ceilings first, highest first; then measured ones; then bandwidths.
  static std::vector<size_t> label_order(const std::vector<CeilingLabel>& labels) {
    std::vector<size_t> order(labels.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const Ceiling &ca = labels[a].c, &cb = labels[b].c;
      if (ca.is_bandwidth != cb.is_bandwidth) return !ca.is_bandwidth;
      if (ca.measured != cb.measured) return !ca.measured;
      return ca.value > cb.value;
    });
    return order;
  }

  // A compute ceiling's label: above or below its line, right-aligned at the edge, midway, or just
  // after its knee. A bandwidth's: along its slope from the bottom up, just right of the line.
  static std::vector<LabelBox> label_candidates(const CeilingLabel& l, const GpuSpec& spec, ImVec2 pos, ImVec2 size, float h,
                                                float pad) {
    const float w = ImGui::CalcTextSize(l.text.c_str()).x;
    std::vector<LabelBox> cands;
    if (!l.c.is_bandwidth) {
      const float y = ImPlot::PlotToPixels(kMaxIntensity, l.c.value).y;
      const float right = pos.x + size.x - pad - w;
      const float knee = ImPlot::PlotToPixels(l.c.value * 1e3 / spec.dram_gbps, l.c.value).x + pad;
      // Never further than the next row: a label two rows off reads as another line's.
      for (const float y0 : {y - 1 - h, y + 2})
        for (const float x0 : {right, (right + 2 * knee) / 3, (2 * right + knee) / 3, knee}) cands.push_back({x0, y0, x0 + w, y0 + h});
    } else {
      // The box's top-left corner just right of the line at the box's top: the slope rises to the
      // right, so the whole box lies below it.
      for (float y = pos.y + size.y - pad - h; y > pos.y + pad; y -= h / 2) {
        const ImPlotPoint at = ImPlot::PixelsToPlot(ImVec2(pos.x, y));
        const float x = ImPlot::PlotToPixels(at.y * 1e3 / l.c.value, at.y).x + pad;
        cands.push_back({x, y, x + w, y + h});
      }
    }
    return cands;
  }

  void draw_roofline(AppState& s, RunSession& session, const GpuSpec& spec, bool measured_here) {
    // The title fits its plot: "NVIDIA" and "GeForce" go first when it does not.
    std::string name = spec.name;
    const float room = ImGui::GetContentRegionAvail().x / 2 - 20;
    const std::string prefix = measured_here ? "This GPU: " : "Reference: ";
    std::string suffix = measured_here ? "" : " (runs projected)";
    auto fits = [&] { return ImGui::CalcTextSize((prefix + name + suffix).c_str()).x <= room; };
    for (const char* drop : {"NVIDIA ", "GeForce "})
      if (!fits())
        if (const size_t at = name.find(drop); at != std::string::npos) name.erase(at, std::strlen(drop));
    if (!fits() && !suffix.empty()) suffix = " (projected)";
    const std::string title = prefix + name + suffix;
    if (!ImPlot::BeginPlot(title.c_str(), ImVec2(), ImPlotFlags_NoMenus)) return;
    ImPlot::SetupAxes("intensity (FLOP/byte)", "TFLOP/s");
    ImPlot::SetupAxisScale(ImAxis_X1, ImPlotScale_Log10);
    ImPlot::SetupAxisScale(ImAxis_Y1, ImPlotScale_Log10);
    ImPlot::SetupAxisLimits(ImAxis_X1, kMinIntensity, kMaxIntensity, ImPlotCond_Once);
    ImPlot::SetupAxisLimits(ImAxis_Y1, 0.01, 3000, ImPlotCond_Once);
    // Below the plot, the legend hides no point and no label.
    ImPlot::SetupLegend(ImPlotLocation_South, ImPlotLegendFlags_Outside | ImPlotLegendFlags_Horizontal);
    draw_ceilings(spec, measured_here);

    static const char* kGroups[] = {"live runs", "sweep runs", "stored runs"};
    static const ImPlotMarker kMarkers[] = {ImPlotMarker_Circle, ImPlotMarker_Square, ImPlotMarker_Diamond};
    const Marks& m = marks_[measured_here ? 0 : 1];
    for (int g = 0; g < 3; ++g) {
      xs_.clear(), ys_.clear();
      for (const size_t i : m.dots[g]) {
        const Dot& d = dots_[g][i];
        xs_.push_back(d.x), ys_.push_back(measured_here ? d.y_here : d.y_ref);
      }
      if (xs_.empty()) continue;
      const std::string label = kGroups[g];
      ImPlotSpec style;
      style.Marker = kMarkers[g];
      style.MarkerSize = g == 0 ? 5.0f : 4.0f;
      ImPlot::PlotScatter(label.c_str(), xs_.data(), ys_.data(), int(xs_.size()), style);
    }
    xs_.clear(), ys_.clear();
    for (const size_t at : m.selected) {
      const Dot& d = dot_at(at);
      xs_.push_back(d.x), ys_.push_back(measured_here ? d.y_here : d.y_ref);
    }
    if (!xs_.empty()) {
      ImPlotSpec style;
      style.Marker = ImPlotMarker_Circle;
      style.MarkerSize = 9;
      style.MarkerFillColor = ImVec4(0, 0, 0, 0);
      style.MarkerLineColor = ImVec4(1, 1, 1, 1);
      style.LineColor = ImVec4(1, 1, 1, 1);  // the legend's swatch: the white of the ring
      style.LineWeight = 2.5f;
      ImPlot::PlotScatter("selected", xs_.data(), ys_.data(), int(xs_.size()), style);
    }
    draw_guided_path(s, measured_here);
    hover(s, session, spec, measured_here);
    ImPlot::EndPlot();
  }

  // The guided tuner's kept configs, start to best, as numbered arrows (in the legend as "guided path").
  void draw_guided_path(const AppState& s, bool measured_here) {
    if (!s.guided || s.guided->tuner().path().empty()) return;
    xs_.clear(), ys_.clear();
    for (const TuneStep& step : s.guided->tuner().path()) {
      const RunRoofline rr = run_roofline(step.run, s.spec_for(step.run), s.reference());
      const double y = measured_here ? rr.point.tflops() : rr.reference_tflops;
      if (rr.point.intensity() <= 0 || y <= 0) continue;
      xs_.push_back(rr.point.intensity()), ys_.push_back(y);
    }
    if (xs_.empty()) return;
    const ImVec4 colour = kAmber;
    ImPlotSpec style;
    style.LineColor = colour;
    style.LineWeight = 2.0f;
    style.Marker = ImPlotMarker_Circle;
    style.MarkerSize = 4;
    style.MarkerFillColor = colour;
    ImPlot::PlotLine("guided path", xs_.data(), ys_.data(), int(xs_.size()), style);
    ImPlot::PushPlotClipRect();
    ImDrawList* dl = ImPlot::GetPlotDrawList();
    const ImU32 c = ImGui::GetColorU32(colour);
    for (size_t i = 0; i < xs_.size(); ++i) {
      const ImVec2 b = ImPlot::PlotToPixels(xs_[i], ys_[i]);
      char n[24];
      std::snprintf(n, sizeof n, "%zu", i + 1);
      dl->AddText(ImVec2(b.x + 5, b.y - 16), c, n);
      if (i == 0) continue;
      const ImVec2 a = ImPlot::PlotToPixels(xs_[i - 1], ys_[i - 1]);
      const float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
      if (len < 8) continue;
      const float ux = dx / len, uy = dy / len, head = 9;
      dl->AddTriangleFilled(b, ImVec2(b.x - ux * head - uy * head * 0.5f, b.y - uy * head + ux * head * 0.5f),
                            ImVec2(b.x - ux * head + uy * head * 0.5f, b.y - uy * head - ux * head * 0.5f), c);
    }
    ImPlot::PopPlotClipRect();
  }

  // The nearest point within a few pixels shows its figures; a click selects it for comparison.
  void hover(AppState& s, RunSession& session, const GpuSpec& spec, bool measured_here) {
    if (!ImPlot::IsPlotHovered()) return;
    const ImVec2 mouse = ImGui::GetMousePos();
    const Dot* best = nullptr;
    float best_d2 = 10.0f * 10.0f;
    for_each_mark(measured_here, [&](const Dot& d) {
      const double y = measured_here ? d.y_here : d.y_ref;
      if (y <= 0) return;
      const ImVec2 p = ImPlot::PlotToPixels(d.x, y);
      const float d2 = (p.x - mouse.x) * (p.x - mouse.x) + (p.y - mouse.y) * (p.y - mouse.y);
      if (d2 < best_d2) best_d2 = d2, best = &d;
    });
    if (!best) return;
    const Shown r = shown_of(s, *best);
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(r.config_name.c_str());
    ImGui::Text("%s on %s", to_string(r.disposition).c_str(), r.device.c_str());
    ImGui::Text("time %s   %.2f TFLOP/s   %.0f GB/s", short_time(r.ms_median).c_str(), r.tflops, r.gbps);
    ImGui::Text("intensity %.2f FLOP/B (%s)", best->x, best->roof.bytes_from_counters ? "DRAM counters" : "compulsory bytes");
    ImGui::Text("%s-bound on %s, %.1f %% of attainable", best->roof.here.memory_bound ? "memory" : "compute", r.device.c_str(),
                best->roof.here.pct_of_attainable);
    ImGui::Text("its roof: %s %.0f TFLOP/s (white once selected)", roof_name(best->roof.precision).c_str(),
                compute_peak_tflops(spec, best->roof.precision));
    ImGui::Text("on %s: %s projected (floor %s), %s-bound", s.reference().name.c_str(),
                short_time(best->roof.projection.projected_seconds * 1e3).c_str(),
                short_time(best->roof.projection.floor_seconds * 1e3).c_str(), best->roof.projection.memory_bound ? "memory" : "compute");
    if (!measured_here) ImGui::TextDisabled("(point projected onto %s)", spec.name.c_str());
    ImGui::TextDisabled("click to select / unselect");
    ImGui::EndTooltip();
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      // Compare, the Advisor and the table below read the whole run: a sweep's is fetched.
      if (!s.selected.erase(best->id)) s.selected.insert(best->id), s.fetch_stored_run(best->id, session);
    }
  }

  void draw_comparison(AppState& s, const GpuSpec& ref) {
    if (s.selected.empty()) return;
    ImGui::Text("Selected runs (%zu)", s.selected.size());
    ImGui::SameLine();
    if (ImGui::SmallButton("clear")) s.selected.clear();
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("compare", 9, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("config", ImGuiTableColumnFlags_WidthStretch);
    for (const char* h : {"time here", "TFLOP/s", "GB/s", "FLOP/B", "roof (TFLOP/s)", "bound", "% attainable", "on reference"})
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
      ImGui::TableNextColumn(), ImGui::Text("%s %.0f", roof_name(roof.precision).c_str(), compute_peak_tflops(s.spec_for(*r), roof.precision));
      ImGui::TableNextColumn(), ImGui::TextUnformatted(v.memory_bound ? "memory" : "compute");
      ImGui::TableNextColumn(), ImGui::Text("%.1f", v.pct_of_attainable);
      ImGui::TableNextColumn(), ImGui::Text("%s", short_time(pr.projected_seconds * 1e3).c_str());
    }
    ImGui::EndTable();
  }

  // The ceilings the plots had no room to label, each in its line's colour.
  void draw_unlabelled(const GpuSpec& here, const GpuSpec& ref) {
    bool any = false;
    // One coloured item after another, wrapping where the row is full.
    auto item = [&](const std::string& text, const ImVec4* colour) {
      const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
      if (any && ImGui::GetItemRectMax().x + 8 + ImGui::CalcTextSize(text.c_str()).x <= right) ImGui::SameLine(0, 8);
      if (colour) ImGui::TextColored(*colour, "%s", text.c_str());
      else ImGui::TextDisabled("%s", text.c_str());
      any = true;
    };
    for (int p = 0; p < 2; ++p) {
      if (unlabelled_[p].empty()) continue;
      item((p == 0 ? here : ref).name + " also:", nullptr);
      for (const auto& [text, colour] : unlabelled_[p]) item(text, &colour);
    }
    if (marks_[0].cells_per_decade > 0) {
      char note[160];
      std::snprintf(note, sizeof note, "%zu of %zu runs drawn: the fastest of each dense cell; selected, baseline and best always",
                    marks_[0].shown, marks_[0].total);
      item(note, nullptr);
    }
    if (!any) ImGui::TextDisabled("white: the roof the selected runs are judged against");
  }

  bool show_live_ = true, show_sweep_ = true, show_history_ = true;
  std::vector<std::pair<std::string, ImVec4>> unlabelled_[2];
  const Dot& dot_at(size_t at) const { return dots_[at >> 56][at & ((size_t(1) << 56) - 1)]; }
  // Every mark a plot draws (thinned, always drawn), group by group.
  template <class F>
  void for_each_mark(bool measured_here, F&& f) const {
    const Marks& m = marks_[measured_here ? 0 : 1];
    for (int g = 0; g < 3; ++g)
      for (const size_t i : m.dots[g]) f(dots_[g][i]);
  }

  struct Seen {
    size_t size = 0;
    int64_t first_id = 0, last_id = 0;
  };
  std::vector<Dot> dots_[3];       // live, sweep, stored
  Seen seen_[3];
  std::string context_;
  uint64_t dots_version_ = 0;
  bool rebuilt_ = false;
  Marks marks_[2];                 // this GPU's plot, the reference's
  std::unordered_map<uint64_t, size_t> cells_[2][3];  // per plot and group: a grid cell -> its mark's place in marks_[p].dots[g]
  size_t marked_upto_[3] = {0, 0, 0};                 // dots already in the marks, per group
  uint64_t marks_version_ = ~uint64_t(0);
  std::set<int64_t> marks_selected_;
  std::optional<int64_t> marks_baseline_;
  std::vector<double> xs_, ys_;
};

}  // namespace

std::unique_ptr<Panel> make_roofline_panel() { return std::make_unique<RooflinePanel>(); }

}  // namespace gemmscope
