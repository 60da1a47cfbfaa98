// Report panel: screenshots of the window or one panel, and a report folder (Markdown + HTML
// with the PNGs, configs, figures, GPU specs, CSV/JSON exports). Also the message log.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>

#include "imgui.h"

#include "app/gui/app_state.h"
#include "app/gui/gui_style.h"
#include "app/gui/open_folder.h"
#include "app/gui/panel.h"

namespace gemmscope {
namespace {


const char* const kPanels[] = {"Workload", "Live", "Roofline", "Sweep", "History", "Report"};

class ReportPanel final : public Panel {
 public:
  const char* title() const override { return "Report"; }

  void draw(AppState& s, RunSession&) override {
    if (dir_[0] == 0) {
      const std::time_t t = std::time(nullptr);
      std::strftime(dir_, sizeof dir_, "gemmscope-report-%Y%m%d-%H%M%S", std::localtime(&t));
    }
    ImGui::SetNextItemWidth(-60);
    ImGui::InputText("folder", dir_, sizeof dir_);
    const bool busy = s.report && !s.report->done;
    ImGui::BeginDisabled(busy);
    if (ImGui::Button("Screenshot window")) shoot(s, "");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110);
    ImGui::Combo("##panel", &panel_, kPanels, IM_ARRAYSIZE(kPanels));
    ImGui::SameLine();
    if (ImGui::Button("Screenshot panel")) shoot(s, kPanels[panel_]);
    if (ImGui::Button("Write report")) {
      ReportJob job;
      job.dir = dir_;
      job.panels = {"", "Live", "Roofline", "Sweep", "History"};
      s.report = job;
    }
    ImGui::EndDisabled();
    if (busy) {
      ImGui::SameLine();
      ImGui::Text("writing... (%zu/%zu captures)", s.report->next, s.report->panels.size());
    } else if (s.report) {
      if (s.report->ok) {
        const std::string where = std::filesystem::absolute(s.report->dir).string();
        ImGui::TextWrapped("written to %s", where.c_str());
        if (ImGui::SmallButton("Open folder")) {
          if (const std::string why = open_folder(where); !why.empty()) s.message(why, true);
        }
      } else {
        ImGui::TextColored(kRed, "%s", s.report->error.c_str());
      }
    }
    ImGui::Checkbox("frame-time overlay", &s.show_frame_overlay);

    ImGui::SeparatorText("Messages");
    if (ImGui::BeginChild("log", ImVec2(0, 0), ImGuiChildFlags_Borders)) {
      for (const auto& line : s.log) ImGui::TextWrapped("%s", line.c_str());
      if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
    }
    ImGui::EndChild();
  }

 private:
  // A screenshot is a report job without documents: the panel is brought to front first.
  void shoot(AppState& s, const std::string& panel) {
    ReportJob job;
    job.dir = dir_;
    job.panels = {panel};
    job.write_documents = false;
    s.report = job;
  }

  char dir_[512] = "";
  int panel_ = 2;
};

}  // namespace

std::unique_ptr<Panel> make_report_panel() { return std::make_unique<ReportPanel>(); }

}  // namespace gemmscope
