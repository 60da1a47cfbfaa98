// Run > Devices: the pool's runners (GPU index, model, short UUID, state, command) from their
// hellos and the sweep's progress, and a restart of the app on another --devices / --runner-cmd
// selection, checked as the command line checks it. No CUDA here: the runners say what they are.
#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "imgui.h"

#include "app/gui/device_list.h"
#include "app/gui/gui_style.h"
#include "app/gui/menus.h"

namespace gemmscope {

namespace {

void draw_runner_table(const AppState& s) {
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("runners", 6, flags)) return;
  for (const char* h : {"slot", "GPU", "model", "UUID"}) ImGui::TableSetupColumn(h);
  // The state and the command share what is left; either's whole text is in its tooltip.
  ImGui::TableSetupColumn("state", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("command", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableHeadersRow();
  for (size_t i = 0; i < s.runners.size(); ++i) {
    const RunnerInfo& r = s.runners[i];
    const RunnerProgress* p = nullptr;
    for (const RunnerProgress& q : s.sweep_progress.runners)
      if (q.slot == i) p = &q;
    const std::string state = runner_state(r, p);
    ImGui::TableNextRow();
    ImGui::TableNextColumn(), ImGui::Text("%zu%s", i, i == 0 ? " (live runs)" : "");
    ImGui::TableNextColumn(), ImGui::TextUnformatted(gpu_label(r.device_index, i).c_str());
    ImGui::TableNextColumn(), ImGui::TextUnformatted(r.ok ? r.detected.name.c_str() : "-");
    ImGui::TableNextColumn(), ImGui::TextUnformatted(short_uuid(r.device_uuid).c_str());
    if (ImGui::IsItemHovered() && !r.device_uuid.empty()) ImGui::SetTooltip("%s", r.device_uuid.c_str());
    ImGui::TableNextColumn(), ImGui::TextColored(state == "ready" || state == "busy" ? kGreen : kRed, "%s", state.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", state.c_str());
    ImGui::TableNextColumn(), ImGui::TextUnformatted(r.command.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.command.c_str());
  }
  ImGui::EndTable();
}

}  // namespace

void draw_devices_window(AppState& s, MenuState& m) {
  if (!s.show_devices) return;
  if (!m.devices_filled) {
    // The editor starts from what this session was started with.
    std::snprintf(m.devices, sizeof m.devices, "%s", s.devices_arg.c_str());
    std::string cmds;
    for (const auto& c : s.runner_cmds) cmds += c + "\n";
    std::snprintf(m.runner_cmds, sizeof m.runner_cmds, "%s", cmds.c_str());
    m.devices_filled = true;
  }
  // Centred, at most the window's width: a removed runner's reason or a long command would
  // otherwise grow it past the screen; their cells clip and say the rest on hover.
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x * 0.5f, vp->WorkPos.y + vp->WorkSize.y * 0.3f), ImGuiCond_Appearing,
                          ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::min(1000.0f, vp->WorkSize.x - 40), 0), ImGuiCond_Appearing);
  if (ImGui::Begin("Devices", &s.show_devices, ImGuiWindowFlags_NoDocking)) {
    if (s.runners.empty()) ImGui::TextColored(kGrey, "the runners have not answered yet");
    else draw_runner_table(s);
    if (!s.pool_error.empty()) ImGui::TextColored(kRed, "%s", s.pool_error.c_str());
    ImGui::Separator();
    ImGui::TextUnformatted("Start again on other GPUs (the command line's --devices and --runner-cmd):");
    ImGui::SetNextItemWidth(240);
    ImGui::InputTextWithHint("devices", "all, or 0,2,3 (empty: one runner)", m.devices, sizeof m.devices);
    ImGui::InputTextMultiline("runner commands\n(one a line)", m.runner_cmds, sizeof m.runner_cmds,
                              ImVec2(-ImGui::CalcTextSize("runner commands").x - 20, ImGui::GetTextLineHeight() * 4));
    ImGui::BeginDisabled(s.sweep_running);
    if (ImGui::Button("Restart the session")) {
      std::vector<std::string> cmds;
      std::istringstream lines(m.runner_cmds);
      for (std::string line; std::getline(lines, line);) cmds.push_back(line);
      try {
        std::vector<std::string> args = args_without_pool(s.launch_args);
        const std::vector<std::string> pool = pool_args(m.devices, cmds);
        // The command line refuses this mix; refused here, the app is not restarted into an error.
        if (!pool.empty() && !s.sample_title.empty())
          throw std::invalid_argument("the sample replays one GPU's runs: open a replay file or a store first (File menu)");
        args.insert(args.end(), pool.begin(), pool.end());
        // The runners are stopped with the session; main() starts this program again with them.
        s.restart_args = args.empty() ? std::vector<std::string>{"--no-store"} : args;
        if (args.empty() && s.store.open) s.restart_args = {"--store", s.store.path};
        s.quit = true;
        m.devices_error.clear();
      } catch (const std::invalid_argument& e) {
        m.devices_error = e.what();
      }
    }
    ImGui::EndDisabled();
    if (s.sweep_running) ImGui::SameLine(), ImGui::TextColored(kGrey, "(a sweep is running)");
    if (!m.devices_error.empty()) ImGui::TextColored(kRed, "%s", m.devices_error.c_str());
  }
  ImGui::End();
}

}  // namespace gemmscope
