// AppState: the one root of the GUI's state, owned by main() and touched by the UI thread only.
// The session (controller/run_session.h) reports through events applied at frame start (apply()).
#pragma once
#include <array>
#include <filesystem>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/gui/run_export.h"
#include "app/gui/sweep_rows.h"
#include "controller/guided_run.h"
#include "controller/run_session.h"
#include "model/advisor/suggestions.h"
#include "model/gpu_spec.h"
#include "model/kernel_config.h"
#include "model/run_options.h"
#include "model/run_result.h"

namespace gemmscope {

// CPU times of a set of frames: count, mean, a 95th percentile (0.05 ms bins), the longest, and
// how many went over the 8 ms budget (issue 16) and over 16 ms.
struct FrameSummary {
  static constexpr double kBinMs = 0.05;
  static constexpr int kBins = 2000;        // up to 100 ms; a longer frame lands in the last bin
  int frames = 0, over_8ms = 0, over_16ms = 0;
  double sum_ms = 0, max_ms = 0;
  std::array<int, kBins> bins{};
  void add(double ms);
  double mean() const { return frames ? sum_ms / frames : 0; }
  double p95() const;                       // the upper edge of the bin holding the 95th percentile
};

// Frame times, to keep the UI under its budget at any store or sweep size. A frame is timed from
// its start (events drained) to its draw data submitted, swap excluded, twice: wall time (what the
// user waits, including time the UI thread was preempted by a sweep's runner and store on a small
// machine) and the UI thread's CPU time (the work the frame itself costs).
struct FrameStats {
  std::array<float, 300> ms{};  // CPU time of each recent frame, ring buffer
  int head = 0, count = 0;
  double last_ms = 0, last_interval_ms = 0, max_interval_sweeping = 0;  // interval: wall time between frame starts (swap included)
  // Frames that wrote a screenshot or the report's files are counted apart (`capture_frames`): that
  // is the report's work, not the UI's.
  FrameSummary all, sweeping, held;         // wall; held: a preset's hold steps (one panel shown for N frames)
  FrameSummary all_cpu, sweeping_cpu, held_cpu;  // the UI thread's CPU time
  int capture_frames = 0;
  bool holding = false;                     // set by the preset driver during a hold step
  double first_frame_ms = -1;               // process start to the end of the first frame
  double first_rows_ms = -1;                // process start to the first frame that drew stored rows in History
  void add(double frame_ms, double cpu_ms, double interval_ms, bool sweeping, bool capture);
  // Kept for the overlay and the report's sweep sentence.
  int frames_sweeping() const { return sweeping.frames; }
};

// A request to write a PNG of the window ("" panel) or of one panel, after this frame renders.
struct CaptureRequest {
  std::string panel;
  std::string path;
};

// The sweep axes as the editor holds them: per parameter, whether swept and which values.
struct SweepAxisEdit {
  bool enabled = false;
  std::set<int> values;
};

// A report being written: screenshots span frames (a panel is brought to front and drawn before
// it is read back), so report_writer.h's step_report() advances this once per frame.
struct ReportJob {
  std::string dir;
  std::vector<std::string> panels;  // window titles; "" is the whole window
  std::string title = "gemmscope report";
  std::string preset_json;          // copied into the folder when the report came from a preset
  size_t next = 0;
  int wait_frames = 0;
  bool started = false, focused = false, overlay_was_shown = false;
  std::vector<std::string> requested;  // PNG paths asked for
  bool write_documents = true;         // false: screenshots only
  bool done = false;
  bool ok = false;
  std::string error;
  std::shared_future<std::string> results;  // results.csv/json being written (report_writer.h): "" or why not
};

// The kernel card being tuned, watched for saves (hot reload).
struct CardWatch {
  std::string path;               // the card file
  std::string source_path;
  std::string hash;               // the version now registered
  std::string error;              // why the last save could not be read ("" when it could)
  std::filesystem::file_time_type card_time{}, source_time{};
  int versions = 0;               // saves read since it was opened
};

// The results store as the session last reported it.
struct StoreStatus {
  bool known = false;  // the session has reported on it
  bool open = false, writable = false;
  std::string path, error;
};

struct AppState {
  // [SECTION] Devices
  std::vector<GpuSpec> specs;              // assets/gpus
  std::vector<GpuSpec> device_specs;       // the GPUs the store's runs ran on, as the store remembers them
  std::optional<RunnerInfo> runner;        // set once hello answered: the primary runner (live runs go there)
  std::vector<RunnerInfo> runners;         // every runner of the pool, in slot order (the primary first)
  std::string pool_error;                  // why the pool is not what was asked ("" when it is)
  // What the session was started with (--devices, --runner-cmd), shown and edited by Runners > Devices.
  std::string devices_arg;
  std::vector<std::string> runner_cmds;
  std::vector<std::string> launch_args;    // the program's own arguments, for a restart on another selection
  std::string here_key = "h200";           // the spec plotted as "this GPU" when no device answered
  std::string reference_key = "rtx4090";
  std::string runner_description;          // command line, for the report
  GpuSpec here() const;                    // the detected GPU, else the chosen spec
  GpuSpec reference() const;
  // The spec of the GPU a run ran on: this runner's when it is that device, else the store's or a
  // spec file's of that name, else here().
  GpuSpec spec_for(const RunResult&) const;
  GpuSpec spec_for(const std::string& device_name) const;
  bool has_device() const { return runner && runner->ok; }
  bool is_replay() const { return runner && runner->runner_kind == "replay"; }
  // Why runs cannot start now ("" when they can): no device yet, or none at all.
  std::string run_blocker() const;

  // [SECTION] Store
  StoreStatus store;

  // [SECTION] Kernel card
  std::optional<CardWatch> card;
  // Reads and registers the card and switches the workload to it (the current problem, the
  // card's defaults); runs it when a GPU is there. False, with the reason in the log, on error.
  bool open_card(const std::string& path, RunSession&);
  // Hot reload: when the card or its source changed on disk, reads the new version, keeps the
  // current values the new version still offers, and runs it again. A version that does not
  // read is reported (card->error) and the last good one stays.
  void poll_card(RunSession&);

  // [SECTION] Workload and live runs
  KernelConfig config;
  RunOptions options;
  bool live = false;                       // re-run continuously
  bool auto_run = true;                    // run whenever a parameter changes (a visible toggle)
  bool run_in_flight = false;
  std::vector<RunResult> live_runs;        // this session's live runs, oldest first
  void request_run(RunSession&);           // validates, then posts the current config
  void apply(const KernelConfig&, RunSession&);  // a stored or swept config into the live view, run at once

  // [SECTION] Sweep
  std::map<std::string, SweepAxisEdit> sweep_axes;  // per family parameter
  std::string sweep_tag;
  bool sweep_running = false;
  SweepProgress sweep_progress;
  // The current sweep's results as light rows, in arrival order; whole results are fetched by id
  // (fetch_stored_run) or streamed from the store by the sweep's tag (export_selection, reports).
  SweepRows sweep;
  std::string sweep_rows_tag, sweep_rows_store;  // the tag the rows' runs were stored under, and the store
  std::string heat_x = "block_m", heat_y = "block_n";
  // Which GPU model the heatmap and table compare (a pool of mixed GPUs; sweep.view_model()).
  ModelView sweep_view;
  // The model it shows: the user's pick while the rows have it, else the primary runner's (its
  // first points may come after another's), else the first to arrive. Called as results arrive.
  void update_sweep_view();
  std::string heat_figure = "TFLOP/s";
  void reset_sweep_axes();                 // the family's sweep_space() for the current shape
  void start_sweep(RunSession&);
  void new_sweep(const std::string& tag);  // empties the rows for a sweep whose runs are stored under `tag`

  // [SECTION] Advisor
  // The run the Advisor panel reads: the one selected run, else a guided tuning's best (until a
  // live run follows it), else the latest live run, else the current sweep's fastest; nullptr
  // when there is none.
  const RunResult* advised_run() const;
  // "Try all": the advice's configs as a small sweep, remembered so the panel can say whether it
  // paid off (the run they came from, before, against each of them, after).
  struct AdviceTrial {
    RunResult from;
    std::vector<std::string> names;
    std::string tag;
  };
  std::optional<AdviceTrial> advice_trial;
  void try_suggestions(const std::vector<Suggestion>&, const RunResult& from, RunSession&);
  // Guided tuning from the current config; its sweeps run like any sweep (progress, cancel).
  std::unique_ptr<GuidedRun> guided;
  size_t live_runs_before_guided = 0;      // a live run after the tuning started is read instead of its best
  TuneBudget guided_budget;
  void start_guided(RunSession&);
  void cancel_guided(RunSession&);
  // Every event goes through here first, so the guided run sees its sweep's results.
  void route(SessionEvent&&, RunSession&);

  // [SECTION] History
  std::vector<RunResult> history;          // the last query's whole runs, newest first (the roofline's; bounded by its limit)
  std::vector<std::string> sweep_tags;
  std::vector<std::string> store_problems, store_devices, store_cards;  // what History's filters offer
  std::optional<int64_t> baseline;
  bool history_loaded = false;
  // History's table: the filtered query's count and the pages of light rows near what is on
  // screen, fetched as the table scrolls; never the whole table.
  struct HistoryPages {
    static constexpr int kRows = 100;      // rows a page
    static constexpr size_t kKept = 6;     // pages kept; those farthest from the screen go first
    StoreQuery filter;                     // newest first; limit and offset are set per page
    uint64_t view = 0;                     // a new number for each filter or refresh: older pages are dropped
    std::optional<int64_t> total;          // unset until the count answers
    std::map<int64_t, std::vector<RunRow>> pages;  // by page number
    std::set<int64_t> asked;               // page numbers asked for in this view
    const RunRow* row(int64_t i) const;    // nullptr while its page is on its way
    int64_t shown_rows() const;            // the count, or the first page's rows until it comes
    // A new view of `filter`: drops every page, asks for the count and the first page.
    void reset(const StoreQuery& filter, RunSession&);
    int64_t centre = 0;                    // the page in the middle of the screen last frame
    // Asks for the pages of rows [first, last) not asked for yet.
    void need(int64_t first, int64_t last, RunSession&);
    // A page that came; the farthest from the screen go when more than kKept are held.
    void add(int64_t first_row, std::vector<RunRow>&& rows);
  };
  HistoryPages history_pages;
  // Whole runs fetched by id for what History's light rows cannot do: pin, select, apply.
  std::map<int64_t, RunResult> stored_runs;
  std::set<int64_t> stored_runs_asked;
  void fetch_stored_run(int64_t id, RunSession&);  // once per id; find_run() has it when it comes

  // [SECTION] Selection shared by the roofline and history (run ids; unstored runs get negative ids)
  std::set<int64_t> selected;
  int64_t next_local_id = -1;
  const RunResult* find_run(int64_t id) const;
  // File > Export selection: the selected runs (all shown runs when none is selected) to `path`,
  // as .csv (one row per run), .json, or with `ncu_long` Nsight Compute's long --csv format; the
  // sweep's stored runs are streamed from the store. Returns the absolute path written; throws
  // naming the path and why.
  std::string export_selection(const std::string& path, bool ncu_long) const;
  // What a report's results.csv and results.json hold: the live runs and the current sweep's.
  ExportSource session_runs() const;

  // [SECTION] Messages, frames, captures
  std::vector<std::string> log;            // newest last
  std::string last_error;
  FrameStats frames;
  std::vector<CaptureRequest> captures;    // served after rendering
  std::vector<std::string> written_pngs;
  std::string focus_panel;                 // brought to front next frame
  std::map<std::string, std::array<float, 4>> panel_rects;  // x, y, w, h of each panel last frame
  std::optional<ReportJob> report;         // the report being written, if any
  bool show_frame_overlay = false;
  bool show_open_store = false;            // the File > Open store dialog
  bool show_devices = false;               // the Run > Devices window (a preset may open it: "show_devices")
  bool show_open_card = false;             // the File > Open kernel card dialog
  bool quit = false;
  // Quit, then start again with these arguments (the runner changes: "Show the sample", Open
  // replay file). Empty: a plain quit.
  std::vector<std::string> restart_args;
  bool show_open_replay = false;           // the File > Open replay file dialog
  std::string sample_title;                // set when the window shows the sample (--sample)

  void set_config(const KernelConfig&);    // keeps sweep axes in step with the family
  void apply(SessionEvent&&);
  void message(const std::string& text, bool error = false);
};

}  // namespace gemmscope
