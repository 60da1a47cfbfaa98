// The main menu bar, its keyboard shortcuts and the dialogs it opens (open a card, open a store,
// export the selection). The state they keep between frames is MenuState, owned by main().
#pragma once
#include <string>
#include <vector>

#include "app/gui/app_state.h"

namespace gemmscope {

struct MenuState {
  char card_path[1024] = "";
  char store_path[1024] = "";
  char replay_path[1024] = "";
  char export_path[1024] = "gemmscope-runs.csv";
  bool export_ncu_long = false;
  std::string export_result;  // the path written, or why not
  bool export_failed = false;
  bool show_export = false;
  bool fresh_layout = false;  // View > Reset layout
  // Run > Devices: the selection being edited (--devices, one --runner-cmd a line) and why it is refused.
  bool devices_filled = false;
  char devices[256] = "";
  char runner_cmds[4096] = "";
  std::string devices_error;
};

// One line per shortcut, as the menus show them.
struct Shortcut {
  const char* keys;
  const char* what;
};
const std::vector<Shortcut>& shortcuts();

// Shortcuts work from any panel (Ctrl+R runs even while a text field has focus elsewhere).
void handle_shortcuts(AppState&, RunSession&, MenuState&);
// `panel_titles` and `open` are the View menu's toggles.
void draw_main_menu(AppState&, RunSession&, MenuState&, const std::vector<const char*>& panel_titles, std::vector<bool>& open);
void draw_dialogs(AppState&, RunSession&, MenuState&);
// The device list (devices_window.cpp): each runner and its state, and a restart on another selection.
void draw_devices_window(AppState&, MenuState&);
// A screenshot of the whole window into a folder named for the time (F12).
void request_window_screenshot(AppState&);

}  // namespace gemmscope
