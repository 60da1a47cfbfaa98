#include "app/gui/menus.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <exception>
#include <filesystem>

#include "imgui.h"

#include "app/gui/gui_style.h"

namespace gemmscope {

const std::vector<Shortcut>& shortcuts() {
  static const std::vector<Shortcut> list = {
      {"Ctrl+R", "run the current config"},         {"Ctrl+Shift+R", "start the sweep, or cancel it"},
      {"F12", "screenshot of the window"},          {"Ctrl+O", "open a kernel card"},
      {"Ctrl+Shift+O", "open a store"},             {"Ctrl+E", "export the selection"},
      {"Ctrl+Q", "quit"},
  };
  return list;
}

void request_window_screenshot(AppState& s) {
  if (s.report && !s.report->done) return;  // one capture job at a time
  char dir[64];
  const std::time_t t = std::time(nullptr);
  std::strftime(dir, sizeof dir, "gemmscope-screenshot-%Y%m%d-%H%M%S", std::localtime(&t));
  ReportJob job;
  job.dir = dir;
  job.panels = {""};
  job.write_documents = false;
  s.report = job;
}

namespace {

void toggle_sweep(AppState& s, RunSession& c) {
  if (s.sweep_running) c.cancel_sweep();
  else s.start_sweep(c);
}

}  // namespace

void handle_shortcuts(AppState& s, RunSession& c, MenuState& m) {
  const ImGuiInputFlags global = ImGuiInputFlags_RouteGlobal;
  if (ImGui::Shortcut(ImGuiMod_Ctrl | ImGuiKey_R, global)) s.request_run(c);
  if (ImGui::Shortcut(ImGuiMod_Ctrl | ImGuiMod_Shift | ImGuiKey_R, global)) toggle_sweep(s, c);
  if (ImGui::Shortcut(ImGuiKey_F12, global)) request_window_screenshot(s);
  if (ImGui::Shortcut(ImGuiMod_Ctrl | ImGuiKey_O, global)) s.show_open_card = true;
  if (ImGui::Shortcut(ImGuiMod_Ctrl | ImGuiMod_Shift | ImGuiKey_O, global)) s.show_open_store = true;
  if (ImGui::Shortcut(ImGuiMod_Ctrl | ImGuiKey_E, global)) m.show_export = true;
  if (ImGui::Shortcut(ImGuiMod_Ctrl | ImGuiKey_Q, global)) s.quit = true;
}

void draw_main_menu(AppState& s, RunSession& c, MenuState& m, const std::vector<const char*>& panel_titles, std::vector<bool>& open) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open kernel card...", "Ctrl+O")) s.show_open_card = true;
    if (ImGui::MenuItem("Open store...", "Ctrl+Shift+O")) s.show_open_store = true;
    if (ImGui::MenuItem("Open replay file...")) s.show_open_replay = true;
    if (s.sample_title.empty() && ImGui::MenuItem("Open the sample (runs measured on an H200)")) s.restart_args = {"--sample"}, s.quit = true;
    if (ImGui::MenuItem("Export selection...", "Ctrl+E")) m.show_export = true;
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) s.quit = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Run")) {
    const std::string blocker = s.run_blocker();
    if (ImGui::MenuItem("Run current config", "Ctrl+R", false, blocker.empty())) s.request_run(c);
    if (ImGui::MenuItem(s.sweep_running ? "Cancel sweep" : "Start sweep", "Ctrl+Shift+R", false, s.sweep_running || blocker.empty()))
      toggle_sweep(s, c);
    ImGui::MenuItem("Auto-run on change", nullptr, &s.auto_run);
    const std::string devices = "Devices (" + std::to_string(std::max<size_t>(1, s.runners.size())) + " runner" +
                                (s.runners.size() > 1 ? "s" : "") + ")...";
    if (ImGui::MenuItem(devices.c_str())) s.show_devices = true;
    if (!blocker.empty()) ImGui::TextDisabled("(%s)", blocker.c_str());
    ImGui::Separator();
    if (ImGui::MenuItem("Screenshot window", "F12")) request_window_screenshot(s);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    for (size_t i = 0; i < panel_titles.size(); ++i) {
      bool v = open[i];
      if (ImGui::MenuItem(panel_titles[i], nullptr, &v)) open[i] = v;
    }
    ImGui::MenuItem("Frame-time overlay", nullptr, &s.show_frame_overlay);
    if (ImGui::MenuItem("Reset layout")) m.fresh_layout = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    ImGui::SeparatorText("Keyboard");
    for (const auto& k : shortcuts()) ImGui::Text("%-13s %s", k.keys, k.what);
    ImGui::SeparatorText("Documents");
    ImGui::TextUnformatted("README.md, docs/kernel_cards.md, app/gui/README.md");
    ImGui::EndMenu();
  }
  ImGui::TextDisabled("  store: %s%s", s.store.open ? s.store.path.c_str() : "(none)",
                      s.store.open && !s.store.writable ? " (read-only)" : "");
  ImGui::SameLine(ImGui::GetWindowWidth() - 190);
  ImGui::TextDisabled("frame %.1f ms, %.0f fps", s.frames.last_ms, ImGui::GetIO().Framerate);
  ImGui::EndMainMenuBar();
}

namespace {

// File > Open kernel card: a path typed in; the card is read here (it is small) and watched.
void draw_open_card(AppState& s, RunSession& session, MenuState& m) {
  if (s.show_open_card) ImGui::OpenPopup("Open kernel card");
  s.show_open_card = false;
  if (!ImGui::BeginPopupModal("Open kernel card", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::TextUnformatted("Kernel card (a TOML file beside your CUDA or Triton source; docs/kernel_cards.md):");
  ImGui::SetNextItemWidth(520);
  const bool enter = ImGui::InputText("##card_path", m.card_path, sizeof m.card_path, ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::Button("Open") || enter) {
    if (s.open_card(m.card_path, session)) ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
  if (!s.last_error.empty() && s.last_error.rfind("card not opened", 0) == 0) {
    ImGui::PushStyleColor(ImGuiCol_Text, kRed);
    ImGui::PushTextWrapPos(520);
    ImGui::TextUnformatted(s.last_error.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
  }
  ImGui::EndPopup();
}

// File > Open store: a path typed in (the session opens it on its thread and reports back).
void draw_open_store(AppState& s, RunSession& session, MenuState& m) {
  if (s.show_open_store) ImGui::OpenPopup("Open store");
  s.show_open_store = false;
  if (!ImGui::BeginPopupModal("Open store", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::TextUnformatted("Results store (an SQLite file; a new name creates one):");
  ImGui::SetNextItemWidth(520);
  const bool enter = ImGui::InputText("##store_path", m.store_path, sizeof m.store_path, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::BeginDisabled(s.sweep_running);
  if (ImGui::Button("Open") || enter) {
    session.open_store(m.store_path);
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
  if (s.sweep_running) ImGui::TextDisabled("(the store cannot change while a sweep runs)");
  ImGui::EndPopup();
}

// File > Open replay file: an export (JSON array of runs) answered by the replay runner. The
// runner is a different process, so the app starts again on it, keeping the store.
void draw_open_replay(AppState& s, MenuState& m) {
  if (s.show_open_replay) ImGui::OpenPopup("Open replay file");
  s.show_open_replay = false;
  if (!ImGui::BeginPopupModal("Open replay file", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::TextUnformatted("Stored results to answer runs from (an export: File > Export selection, or gemmscope-cli export):");
  ImGui::SetNextItemWidth(520);
  const bool enter = ImGui::InputText("##replay_path", m.replay_path, sizeof m.replay_path, ImGuiInputTextFlags_EnterReturnsTrue);
  const std::string path = m.replay_path;
  const bool exists = !path.empty() && std::filesystem::is_regular_file(path);
  ImGui::BeginDisabled(!exists);
  if (ImGui::Button("Open (the app starts again on it)") || (enter && exists)) {
    s.restart_args = {"--replay", std::filesystem::absolute(path).string()};
    if (s.store.open && s.sample_title.empty()) s.restart_args.insert(s.restart_args.end(), {"--store", s.store.path});
    else s.restart_args.push_back("--no-store");
    s.quit = true;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) ImGui::CloseCurrentPopup();
  if (!path.empty() && !exists) ImGui::TextColored(kRed, "%s: no such file", path.c_str());
  ImGui::EndPopup();
}

// File > Export selection: the selected runs (or every run shown) as CSV, JSON or ncu's long CSV.
void draw_export(AppState& s, MenuState& m) {
  if (m.show_export) ImGui::OpenPopup("Export selection"), m.export_result.clear();
  m.show_export = false;
  if (!ImGui::BeginPopupModal("Export selection", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::Text("%s", s.selected.empty() ? "No run is selected: every run shown (live, sweep, history) is exported."
                                       : (std::to_string(s.selected.size()) + " selected runs are exported.").c_str());
  ImGui::TextUnformatted("File (.csv: one row per run; .json: whole results):");
  ImGui::SetNextItemWidth(520);
  const bool enter = ImGui::InputText("##export_path", m.export_path, sizeof m.export_path, ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::Checkbox("Nsight Compute's long CSV (ncu --csv: one row per run and metric)", &m.export_ncu_long);
  if (ImGui::Button("Export") || enter) {
    try {
      m.export_result = "written: " + s.export_selection(m.export_path, m.export_ncu_long);
      m.export_failed = false;
      s.message(m.export_result);
    } catch (const std::exception& e) {
      m.export_result = e.what();
      m.export_failed = true;
    }
  }
  ImGui::SameLine();
  if (ImGui::Button("Close")) ImGui::CloseCurrentPopup();
  if (!m.export_result.empty()) {
    ImGui::PushTextWrapPos(520);
    ImGui::TextColored(m.export_failed ? kRed : kGreen, "%s", m.export_result.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndPopup();
}

}  // namespace

void draw_dialogs(AppState& s, RunSession& c, MenuState& m) {
  draw_open_store(s, c, m);
  draw_open_card(s, c, m);
  draw_export(s, m);
  draw_open_replay(s, m);
  draw_devices_window(s, m);
}

}  // namespace gemmscope
