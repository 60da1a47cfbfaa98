// gemmscope: the GUI. One loop on the main thread (poll, drain controller events, build the
// panels, render, serve screenshots, swap); the runner, sweeps and the store live on the
// controller thread (gui_controller.h).
//   gemmscope [--replay FILE.json | --runner PATH] [--store PATH | --no-store] [--reference KEY]
//             [--devices all|0,2,3] [--runner-cmd 'CMD ...']... [--report PRESET.json --out DIR] [--size WxH]
#include <algorithm>
#include <cerrno>
#include <cfloat>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "imgui_internal.h"  // DockBuilder: the default layout
#include "implot.h"
#include <GLFW/glfw3.h>

#include "app/gui/app_state.h"
#include "app/gui/menus.h"
#include "app/gui/panel.h"
#include "app/gui/preset.h"
#include "app/gui/report_writer.h"
#include "app/gui/sample.h"
#include "app/gui/screenshot.h"
#include "controller/device_selection.h"
#include "controller/result_store.h"
#include "controller/run_session.h"
#include "controller/shell_words.h"
#include "model/kernel_family.h"

using namespace gemmscope;
namespace fs = std::filesystem;

namespace {

struct Options {
  std::string runner, replay, store, reference = "rtx4090", report_preset, out_dir;
  bool no_store = false;
  int replay_delay_ms = 0;
  std::string replay_spec;  // the spec (a key or a JSON file, e.g. the measured one a bench wrote) the replay claims
  std::string card;         // a kernel card to open at start
  bool sample = false;      // open assets/sample (device-measured runs, replayed)
  std::vector<std::string> replay_files, replay_cards;  // what the replay runner reads: --replay, or the sample's
  std::string size = "1600x1000";
  int width = 1600, height = 1000;
  // A pool of runners, as the CLI reads them (device_selection.h, shell_words.h).
  std::string devices_text;
  std::optional<DeviceSelection> devices;
  std::vector<std::string> runner_cmd_texts;
  std::vector<std::vector<std::string>> runner_cmds;
  bool uses_pool() const { return devices || !runner_cmds.empty(); }
};

// nullopt with the exit code when the arguments ask for help or are wrong (CLI11 has printed why).
std::variant<Options, int> parse_args(int argc, char** argv) {
  Options o;
  CLI::App app{"gemmscope: the desktop app. Tune GEMM kernels live: run, read the counters, sweep, compare on rooflines.", "gemmscope"};
  app.add_option("--runner", o.runner, "the CUDA runner (default: next to this executable)");
  app.add_option("--replay", o.replay, "answer runs from stored results with gemmscope-replay-runner (no GPU; says REPLAY)");
  app.add_option("--replay-delay-ms", o.replay_delay_ms, "the replay runner waits N ms per run (to watch a sweep stream in)")
      ->check(CLI::Range(0, 60000));
  app.add_option("--replay-spec", o.replay_spec, "the GPU spec the replayed results were measured on (default: matched by name)");
  app.add_option("--store", o.store, "results store (default $GEMMSCOPE_DB or ~/.local/share/gemmscope/results.sqlite)");
  app.add_flag("--no-store", o.no_store, "keep runs in memory only");
  app.add_option("--reference", o.reference, "reference GPU spec")->capture_default_str();
  app.add_flag("--sample", o.sample,
               "no GPU here? open the sample: runs measured on an H200 (assets/sample), in a store of their own, replayed");
  app.add_option("--card", o.card, "open a kernel card (TOML) of your own CUDA or Triton kernel, watched for saves");
  app.add_option("--report", o.report_preset, "run the preset, write its report into --out DIR, and exit (needs a display: use xvfb-run)");
  app.add_option("--out", o.out_dir, "the report folder for --report");
  app.add_option("--size", o.size, "window size WxH")->capture_default_str();
  app.add_option("--devices", o.devices_text,
                 "sweep on several GPUs, one runner each: all (every GPU the first runner counts) or indices like 0,2,3; "
                 "points go to whichever runner is free, live runs to the first (with --replay: replay runners as those devices; all: two)");
  app.add_option("--runner-cmd", o.runner_cmd_texts,
                 "a runner started as given, e.g. 'ssh HOST gemmscope-runner --device 0' (any command that speaks the runner "
                 "protocol on stdio; split like a shell would, nothing expanded), repeatable; alone, the only runners; with "
                 "--devices, beside the local ones")
      ->take_all();
  try {
    app.parse(argc, argv);
    if (std::sscanf(o.size.c_str(), "%dx%d", &o.width, &o.height) != 2 || o.width < 320 || o.height < 240 || o.width > 16384 ||
        o.height > 16384)
      throw CLI::ValidationError("--size", "wants WxH between 320x240 and 16384x16384, got " + o.size);
    if (!o.report_preset.empty() && o.out_dir.empty()) throw CLI::RequiredError("--out (for --report)");
    if (o.sample && (!o.replay.empty() || !o.runner.empty() || !o.store.empty() || o.no_store))
      throw CLI::ValidationError("--sample", "brings its own runs, runner and store: it cannot be combined with --replay, --runner, --store or --no-store");
    if (!o.replay.empty()) o.replay_files = {o.replay};
    if (o.sample && (app.count("--devices") || !o.runner_cmd_texts.empty()))
      throw CLI::ValidationError("--sample", "replays one GPU's runs: it cannot be combined with --devices or --runner-cmd");
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  // The CLI's words for the same mistakes (cli_options.cpp), with this program's name.
  try {
    if (app.count("--devices")) o.devices = parse_device_selection(o.devices_text);
  } catch (const std::invalid_argument& e) {
    std::cerr << "gemmscope: --devices " << e.what() << "\n";
    return 2;
  }
  for (const auto& text : o.runner_cmd_texts) {
    try {
      o.runner_cmds.push_back(split_shell_words(text));
    } catch (const std::invalid_argument& e) {
      std::cerr << "gemmscope: --runner-cmd " << e.what() << "\n";
      return 2;
    }
  }
  return o;
}

fs::path exe_dir() {
  std::error_code ec;
  return fs::read_symlink("/proc/self/exe", ec).parent_path();
}

std::vector<std::string> runner_command(const Options& o, const std::vector<std::string>& preset_cards) {
  if (!o.replay_files.empty()) {
    fs::path replay = exe_dir() / "gemmscope-replay-runner";
    if (!fs::exists(replay)) replay = exe_dir() / "../replay_runner/gemmscope-replay-runner";
    std::vector<std::string> cmd = {fs::weakly_canonical(replay).string()};
    for (const auto& f : o.replay_files) cmd.insert(cmd.end(), {"--results", fs::absolute(f).string()});
    for (const auto& c : o.replay_cards) cmd.insert(cmd.end(), {"--card", c});
    if (o.replay_delay_ms > 0) cmd.insert(cmd.end(), {"--delay-ms", std::to_string(o.replay_delay_ms)});
    if (!o.replay_spec.empty()) cmd.insert(cmd.end(), {"--spec", o.replay_spec});
    if (!o.card.empty()) cmd.insert(cmd.end(), {"--card", fs::absolute(o.card).string()});
    for (const auto& c : preset_cards) cmd.insert(cmd.end(), {"--card", fs::absolute(c).string()});
    // --devices with a replay: each local runner claims one device of a host that has them all
    // (`all`: two), as a CUDA runner refuses an ordinal past the driver's count.
    if (o.devices) {
      int count = o.devices->all ? 2 : 1;
      for (int d : o.devices->indices) count = std::max(count, d + 1);
      cmd.insert(cmd.end(), {"--device-count", std::to_string(count)});
    }
    return cmd;
  }
  return {o.runner.empty() ? default_runner_path() : o.runner};
}

// Workload and Report on the left; Live and Roofline side by side; Sweep and History below.
void build_default_layout(ImGuiID dock, ImVec2 size) {
  ImGui::DockBuilderRemoveNode(dock);
  ImGui::DockBuilderAddNode(dock, ImGuiDockNodeFlags_DockSpace);
  ImGui::DockBuilderSetNodeSize(dock, size);
  ImGuiID left, rest, left_bottom, top, bottom, live, roof;
  ImGui::DockBuilderSplitNode(dock, ImGuiDir_Left, 0.27f, &left, &rest);
  ImGui::DockBuilderSplitNode(left, ImGuiDir_Down, 0.36f, &left_bottom, &left);
  ImGui::DockBuilderSplitNode(rest, ImGuiDir_Down, 0.45f, &bottom, &top);
  ImGui::DockBuilderSplitNode(top, ImGuiDir_Left, 0.42f, &live, &roof);
  ImGui::DockBuilderDockWindow("Workload", left);
  ImGui::DockBuilderDockWindow("Report", left_bottom);
  ImGui::DockBuilderDockWindow("Live", live);
  ImGui::DockBuilderDockWindow("Advisor", live);
  ImGui::DockBuilderDockWindow("Roofline", roof);
  ImGui::DockBuilderDockWindow("Sweep", bottom);
  ImGui::DockBuilderDockWindow("History", bottom);
  ImGui::DockBuilderDockWindow("Compare", bottom);
  ImGui::DockBuilderFinish(dock);
}

// One bar says what is missing and what still works; a second one names a store that failed.
void draw_banner(AppState& s) {
  ImGuiViewport* vp = ImGui::GetMainViewport();
  std::string text;
  ImVec4 colour;
  if (!s.runner) text = "Starting the runner...", colour = ImVec4(0.25f, 0.25f, 0.3f, 1);
  else if (!s.runner->ok)
    text = "NO GPU: " + s.runner->error + ". Still here: stored runs, replay files, the spec rooflines.",
    colour = ImVec4(0.55f, 0.1f, 0.1f, 1);
  else if (s.is_replay() && !s.sample_title.empty())
    text = "SAMPLE: " + s.sample_title + ". Nothing here was measured on this machine; on one with an NVIDIA GPU, gemmscope measures for real.",
    colour = ImVec4(0.6f, 0.35f, 0.0f, 1);
  else if (s.is_replay())
    text = "REPLAY: results are answered from a stored file by gemmscope-replay-runner, not measured (" + s.runner->detected.name + ")",
    colour = ImVec4(0.6f, 0.35f, 0.0f, 1);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_MenuBar;
  if (!text.empty()) {
    ImGui::PushStyleColor(ImGuiCol_WindowBg, colour);
    if (ImGui::BeginViewportSideBar("##banner", vp, ImGuiDir_Up, ImGui::GetFrameHeight(), flags)) {
      if (ImGui::BeginMenuBar()) {
        // With no GPU, one click shows what the app does with measured runs.
        if (s.runner && !s.runner->ok && s.sample_title.empty() && ImGui::SmallButton("Show the sample (runs measured on an H200)"))
          s.restart_args = {"--sample"}, s.quit = true;
        ImGui::TextUnformatted(text.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
        ImGui::EndMenuBar();
      }
    }
    ImGui::End();
    ImGui::PopStyleColor();
  }
  if (s.store.known && !s.store.open && !s.store.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.55f, 0.1f, 0.1f, 1));
    if (ImGui::BeginViewportSideBar("##store_banner", vp, ImGuiDir_Up, ImGui::GetFrameHeight(), flags)) {
      if (ImGui::BeginMenuBar()) {
        if (ImGui::SmallButton("Open another store...")) s.show_open_store = true;
        ImGui::SameLine();
        ImGui::Text("NO STORE: %s. Runs are kept in memory only.", s.store.error.c_str());
        ImGui::EndMenuBar();
      }
    }
    ImGui::End();
    ImGui::PopStyleColor();
  }
}

// The CPU time this thread has used, in ms.
double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

void draw_frame_overlay(const AppState& s) {
  if (!s.show_frame_overlay) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  // Bottom left, over the message log: the corner with the least to hide.
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + 10, vp->WorkPos.y + vp->WorkSize.y - 10), ImGuiCond_Always, ImVec2(0, 1));
  ImGui::SetNextWindowBgAlpha(0.75f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoDocking;
  if (ImGui::Begin("##frames", nullptr, flags)) {
    const auto& f = s.frames;
    const bool over = f.last_ms > 8.0;
    ImGui::TextColored(over ? ImVec4(1, 0.4f, 0.3f, 1) : ImVec4(0.6f, 0.9f, 0.6f, 1), "frame %.2f ms CPU, %.1f ms between frames",
                       f.last_ms, f.last_interval_ms);
    if (f.sweeping.frames > 0)
      ImGui::Text("during sweeps: CPU mean %.2f, p95 %.2f, max %.2f ms, %d of %d over 8 ms; max between frames %.1f ms", f.sweeping.mean(),
                  f.sweeping.p95(), f.sweeping.max_ms, f.sweeping.over_8ms, f.sweeping.frames, f.max_interval_sweeping);
    ImGui::PlotLines("##ft", f.ms.data(), f.count, f.count < int(f.ms.size()) ? 0 : f.head, nullptr, 0.0f, 32.0f, ImVec2(260, 36));
  }
  ImGui::End();
}

}  // namespace

int main(int argc, char** argv) {
  const auto process_start = std::chrono::steady_clock::now();  // the first frame's time is counted from here
  auto parsed = parse_args(argc, argv);
  if (auto* code = std::get_if<int>(&parsed)) return *code;
  Options opt = std::get<Options>(parsed);

  std::optional<PresetDriver> driver;
  std::string preset_error;
  if (!opt.report_preset.empty()) {
    try {
      std::ifstream in(opt.report_preset);
      if (!in) throw std::invalid_argument("cannot open " + opt.report_preset);
      driver.emplace(nlohmann::json::parse(in), opt.out_dir, fs::path(opt.report_preset).parent_path().string());
    } catch (const std::exception& e) {
      std::cerr << "gemmscope: preset " << opt.report_preset << ": " << e.what() << "\n";
      return 2;
    }
  }

  AppState s;
  try {
    s.specs = load_gpu_specs(default_gpu_spec_dir());
  } catch (const std::exception& e) {
    s.message(std::string("GPU specs: ") + e.what(), true);
  }
  s.reference_key = opt.reference;
  s.set_config(make_config(problem_p9(), default_family_for(problem_p9())));
  if (opt.sample) {
    // The sample's runs go into a store of their own, made afresh, so History browses them and
    // the user's store is never touched.
    try {
      const Sample sample = load_sample(default_sample_path());
      opt.store = (fs::path(default_store_path()).parent_path() / "sample.sqlite").string();
      std::error_code ec;
      fs::create_directories(fs::path(opt.store).parent_path(), ec);
      const int n = import_sample(sample, opt.store);
      opt.replay_files = sample.results;
      opt.replay_cards = sample.cards;
      opt.replay_spec = sample.spec;
      s.sample_title = sample.title;
      s.message("sample: " + std::to_string(n) + " runs (" + sample.about + ") in " + opt.store);
    } catch (const std::exception& e) {
      std::cerr << "gemmscope: --sample: " << e.what() << "\n";
      return 2;
    }
  }

  glfwSetErrorCallback([](int code, const char* text) { std::cerr << "gemmscope: GLFW error " << code << ": " << text << "\n"; });
  // With an X display and no Wayland one, ask for X11 directly (GLFW 3.4 would probe Wayland first).
  if (std::getenv("DISPLAY") && !std::getenv("WAYLAND_DISPLAY")) glfwInitHint(GLFW_PLATFORM, GLFW_PLATFORM_X11);
  if (!glfwInit()) {
    std::cerr << "gemmscope: no display could be opened (GLFW init failed). Run under X11/Wayland, or headless with\n"
                 "  xvfb-run -a -s \"-screen 0 1600x1000x24\" gemmscope --report PRESET.json --out DIR\n"
                 "or use gemmscope-cli.\n";
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWwindow* window = glfwCreateWindow(opt.width, opt.height, "gemmscope", nullptr, nullptr);
  if (!window) {
    std::cerr << "gemmscope: could not create an OpenGL 3.0 window\n";
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(driver ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImPlot::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.ConfigFlags |= ImGuiConfigFlags_DockingEnable;
  // Scripted runs start from the default layout every time; interactive ones keep the user's.
  std::string ini;
  bool fresh_layout = true;
  if (!driver) {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    fs::path dir = xdg ? fs::path(xdg) / "gemmscope" : home ? fs::path(home) / ".config/gemmscope" : fs::path(".");
    std::error_code ec;
    fs::create_directories(dir, ec);
    ini = (dir / "imgui.ini").string();
    fresh_layout = !fs::exists(ini);
    io.IniFilename = ini.c_str();
  } else {
    io.IniFilename = nullptr;
  }
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  const auto command = runner_command(opt, driver ? driver->cards() : std::vector<std::string>{});
  for (const auto& part : command) s.runner_description += (s.runner_description.empty() ? "" : " ") + part;
  const std::string store_path = opt.no_store ? "" : opt.store.empty() ? default_store_path() : opt.store;
  if (!store_path.empty()) {
    std::error_code ec;
    fs::create_directories(fs::path(store_path).parent_path(), ec);
  }
  SessionOptions session{command, store_path, {}};
  s.devices_arg = opt.devices_text, s.runner_cmds = opt.runner_cmd_texts;
  s.launch_args.assign(argv + 1, argv + argc);
  if (opt.uses_pool()) {
    try {
      // The local runners are the one command above, each given "--device N".
      session.pool = pool_options(command, opt.devices.value_or(DeviceSelection{}), opt.runner_cmds);
    } catch (const std::invalid_argument& e) {
      std::cerr << "gemmscope: " << e.what() << "\n";
      return 2;
    }
    s.runner_description.clear();
    for (const auto& r : session.pool.commands) {
      std::string line;
      for (const auto& part : r) line += (line.empty() ? "" : " ") + part;
      s.runner_description += (s.runner_description.empty() ? "" : "; ") + line;
    }
  }
  auto controller = std::make_unique<RunSession>(std::move(session));
  controller->hello();
  MenuState menu;
  std::snprintf(menu.store_path, sizeof menu.store_path, "%s", store_path.c_str());
  std::snprintf(menu.card_path, sizeof menu.card_path, "%s", opt.card.c_str());
  bool card_requested = !opt.card.empty();
  auto last_card_poll = std::chrono::steady_clock::now();

  auto panels = make_panels();
  std::vector<bool> open(panels.size(), true);
  bool title_set = false;
  const auto started = std::chrono::steady_clock::now();
  auto previous_frame_start = started;
  int exit_code = 0;

  while (!glfwWindowShouldClose(window) && !s.quit) {
    glfwPollEvents();
    if (glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {
      ImGui_ImplGlfw_Sleep(10);
      continue;
    }
    const auto frame_start = std::chrono::steady_clock::now();
    const double cpu_start_ms = thread_cpu_ms();
    const double interval_ms = std::chrono::duration<double, std::milli>(frame_start - previous_frame_start).count();
    previous_frame_start = frame_start;
    for (auto& e : controller->drain()) s.route(std::move(e), *controller);
    // A card named on the command line opens once the runner answered (so it runs at once);
    // then its files are watched twice a second.
    if (card_requested && s.runner) card_requested = false, s.open_card(opt.card, *controller);
    if (s.card && frame_start - last_card_poll > std::chrono::milliseconds(500)) {
      last_card_poll = frame_start;
      s.poll_card(*controller);
    }
    if (s.runner && !title_set) {
      const std::string title = s.is_replay() ? "gemmscope - REPLAY (" + s.runner->detected.name + ")"
                                : s.has_device() ? "gemmscope - " + s.runner->detected.name
                                                 : "gemmscope - no GPU";
      glfwSetWindowTitle(window, title.c_str());
      title_set = true;
    }
    if (driver) {
      driver->step(s, *controller);
      if (driver->finished()) {
        exit_code = driver->exit_code();
        if (exit_code != 0) std::cerr << "gemmscope: preset " << opt.report_preset << ": " << driver->failure() << "\n";
        break;
      }
      if (std::chrono::duration<double>(frame_start - started).count() > driver->timeout_s()) {
        std::cerr << "gemmscope: the preset did not finish within " << driver->timeout_s() << " s\n";
        for (const auto& line : s.log) std::cerr << "  " << line << "\n";
        exit_code = 1;
        break;
      }
    }
    bool report_io = s.report && step_report(*s.report, s);  // this frame wrote the report's files

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // Scripted runs keep the (unmoving) pointer off the UI, so no tooltip lands in a screenshot.
    if (driver) io.AddMousePosEvent(-FLT_MAX, -FLT_MAX);
    ImGui::NewFrame();

    if (!driver) handle_shortcuts(s, *controller, menu);  // a scripted run takes no keys
    std::vector<const char*> titles;
    for (const auto& p : panels) titles.push_back(p->title());
    draw_main_menu(s, *controller, menu, titles, open);
    if (menu.fresh_layout) fresh_layout = true, menu.fresh_layout = false;
    draw_banner(s);
    const ImGuiID dock = ImGui::GetID("gemmscope-dock");
    if (fresh_layout) {
      build_default_layout(dock, ImGui::GetMainViewport()->WorkSize);
      fresh_layout = false;
    }
    ImGui::DockSpaceOverViewport(dock, ImGui::GetMainViewport());

    s.panel_rects.clear();
    const std::string focus = s.focus_panel;
    s.focus_panel.clear();
    for (size_t i = 0; i < panels.size(); ++i) {
      if (!open[i]) {
        if (focus != panels[i]->title()) continue;
        open[i] = true;
      }
      if (focus == panels[i]->title()) ImGui::SetNextWindowFocus();
      bool keep = true;
      if (ImGui::Begin(panels[i]->title(), &keep)) {
        const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
        s.panel_rects[panels[i]->title()] = {pos.x, pos.y, size.x, size.y};
        panels[i]->draw(s, *controller);
      }
      ImGui::End();
      open[i] = keep;
    }
    draw_frame_overlay(s);
    draw_dialogs(s, *controller, menu);

    ImGui::Render();
    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window, &fb_w, &fb_h);
    glViewport(0, 0, fb_w, fb_h);
    glClearColor(0.1f, 0.1f, 0.12f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (!s.captures.empty()) {
      serve_captures(s, fb_w, fb_h, io.DisplayFramebufferScale.x, io.DisplayFramebufferScale.y);
      report_io = true;
    }
    const auto frame_end = std::chrono::steady_clock::now();
    const double frame_ms = std::chrono::duration<double, std::milli>(frame_end - frame_start).count();
    s.frames.add(frame_ms, thread_cpu_ms() - cpu_start_ms, interval_ms, s.sweep_running, report_io);
    const double since_start_ms = std::chrono::duration<double, std::milli>(frame_end - process_start).count();
    if (s.frames.first_frame_ms < 0) s.frames.first_frame_ms = since_start_ms;
    if (s.frames.first_rows_ms < 0 && s.history_pages.row(0)) s.frames.first_rows_ms = since_start_ms;
    glfwSwapBuffers(window);
  }

  controller.reset();  // stops the runner before the window goes
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImPlot::DestroyContext();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  if (!s.restart_args.empty()) {
    // Everything is shut down (the runner too); the same executable starts again with them.
    const std::string exe = (exe_dir() / "gemmscope").string();
    std::vector<std::string> words = {exe};
    words.insert(words.end(), s.restart_args.begin(), s.restart_args.end());
    words.insert(words.end(), {"--size", std::to_string(opt.width) + "x" + std::to_string(opt.height)});
    std::vector<char*> args;
    for (auto& w : words) args.push_back(w.data());
    args.push_back(nullptr);
    execv(exe.c_str(), args.data());
    std::cerr << "gemmscope: could not start " << exe << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  if (driver) {
    for (const auto& line : s.log) std::cout << "gemmscope: " << line << "\n";
    const FrameSummary& f = s.frames.sweeping;
    if (f.frames > 0)
      std::cout << "gemmscope: frame time during sweep: mean " << f.mean() << " ms, p95 " << f.p95() << " ms, max " << f.max_ms << " ms, "
                << f.over_8ms << "/" << f.frames << " frames over 8 ms\n";
  }
  return exit_code;
}
