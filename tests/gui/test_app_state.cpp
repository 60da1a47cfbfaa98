// The GUI's state without a window: what decides whether Run and Sweep are offered, what a
// failed store turns into, and which GPU a stored run is judged against.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "app/gui/app_state.h"
#include "controller/result_store.h"
#include "model/kernel_family.h"
#include "tests/support/fake_runner.h"

using namespace gemmscope;
using namespace gemmscope::testing;

namespace {

// Applies the session's events until one of type E arrived (or 30 s passed).
template <class E>
bool apply_until(AppState& s, RunSession& session) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline)
    for (auto& e : session.wait(std::chrono::milliseconds(200))) {
      const bool hit = std::holds_alternative<E>(e);
      s.apply(std::move(e));
      if (hit) return true;
    }
  return false;
}

AppState fresh_state() {
  AppState s;
  s.specs = load_gpu_specs(default_gpu_spec_dir());
  s.set_config(make_config(problem_p9(), "seed_tall_skinny"));
  return s;
}

}  // namespace

TEST(AppState, WithNoGpuRunsAndSweepsAreRefusedSayingWhyAndNothingIsStored) {
  const std::string store = temp_path("gui_no_gpu", ".sqlite");
  RunSession session({{"/nonexistent/gemmscope-runner"}, store});
  AppState s = fresh_state();
  EXPECT_NE(s.run_blocker(), "") << "before hello answers, nothing can run either";
  session.hello();
  ASSERT_TRUE(apply_until<HelloEvent>(s, session));
  ASSERT_FALSE(s.has_device());
  EXPECT_NE(s.run_blocker().find("no GPU"), std::string::npos) << s.run_blocker();
  s.request_run(session);
  EXPECT_FALSE(s.run_in_flight);
  EXPECT_NE(s.last_error.find("not run: no GPU"), std::string::npos) << s.last_error;
  s.start_sweep(session);
  EXPECT_FALSE(s.sweep_running);
  EXPECT_NE(s.last_error.find("sweep not started"), std::string::npos) << s.last_error;
  // Nothing reached the store: no no_device rows.
  session.query_history({});
  ASSERT_TRUE(apply_until<HistoryEvent>(s, session));
  EXPECT_TRUE(s.history.empty());
}

TEST(AppState, ACorruptStoreIsKnownWithItsReason) {
  const std::string store = temp_path("gui_corrupt", ".sqlite");
  std::ofstream(store) << std::string(8192, 'x');
  RunSession session({{fake_runner("gui_corrupt")}, store});
  AppState s = fresh_state();
  ASSERT_TRUE(apply_until<StoreEvent>(s, session));
  EXPECT_TRUE(s.store.known);
  EXPECT_FALSE(s.store.open);
  EXPECT_NE(s.store.error.find("not a gemmscope store"), std::string::npos) << s.store.error;
  // The banner's button opens another; the state follows the session's answer.
  session.open_store(temp_path("gui_other", ".sqlite"));
  ASSERT_TRUE(apply_until<StoreEvent>(s, session));
  EXPECT_TRUE(s.store.open);
  EXPECT_EQ(s.store.error, "");
}

TEST(AppState, AStoredRunIsJudgedAgainstTheGpuItRanOn) {
  AppState s = fresh_state();
  RunResult h200_run, h100_run, unknown_run;
  h200_run.device = "NVIDIA H200";
  h100_run.device = "NVIDIA H100 80GB HBM3";
  unknown_run.device = "Some Other GPU";
  // No device here, and the store remembered the H200 with its measured ceilings.
  GpuSpec stored = *find_spec(s.specs, "h200");
  stored.name = "NVIDIA H200";
  stored.measured.dram_write_gbps = 4318;
  s.device_specs = {stored};
  s.here_key = "rtx4090";
  EXPECT_DOUBLE_EQ(s.spec_for(h200_run).measured.dram_write_gbps, 4318);
  EXPECT_EQ(s.spec_for(h100_run).key, "h100_sxm");  // matched to the spec file by name
  EXPECT_EQ(s.spec_for(unknown_run).key, "rtx4090");  // nothing known: the chosen spec
}

namespace {

const char* kCard = R"TOML(
name = "reload_me"
language = "cuda"
source = "k.cu"
kernel = "k"
[params.BLOCK]
values = [8, 16, 32]
default = 16
[launch]
grid = ["cdiv(N, BLOCK)", "cdiv(M, BLOCK)"]
block = ["BLOCK", "BLOCK"]
arguments = ["A", "B", "C", "M", "N", "K"]
)TOML";

// Writes a file and moves its time forward, so a save within the same second still shows.
void save(const std::filesystem::path& p, const std::string& text, int seconds_later) {
  std::ofstream(p) << text;
  std::filesystem::last_write_time(p, std::filesystem::file_time_type::clock::now() + std::chrono::seconds(seconds_later));
}

}  // namespace

TEST(AppState, AKernelCardIsWatchedAndEachSaveIsReadAndRunAgain) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(temp_path("gui_card", ""));
  fs::create_directories(dir);
  save(dir / "k.cu", "extern \"C\" __global__ void k(const float*, const float*, float*, int, int, int) {}\n", 0);
  save(dir / "card.toml", kCard, 0);
  RunSession session({{fake_runner("gui_card")}, ""});
  AppState s = fresh_state();
  session.hello();
  ASSERT_TRUE(apply_until<HelloEvent>(s, session));
  ASSERT_TRUE(s.open_card((dir / "card.toml").string(), session)) << s.last_error;
  EXPECT_EQ(s.config.family, "card:reload_me");
  EXPECT_EQ(s.config.shape, problem_p9()) << "the card takes the current problem";
  ASSERT_TRUE(apply_until<RunEvent>(s, session)) << "opening a card runs it";
  const std::string first = s.card->hash;
  // The user picks a value, then saves the source: the new version runs with that value kept.
  KernelConfig c = s.config;
  c.set("BLOCK", 32);
  s.set_config(c);
  save(dir / "k.cu", "extern \"C\" __global__ void k(const float*, const float*, float*, int, int, int) { /* faster */ }\n", 2);
  s.poll_card(session);
  EXPECT_NE(s.card->hash, first);
  EXPECT_EQ(s.card->versions, 2);
  EXPECT_EQ(s.config.get("BLOCK"), 32);
  EXPECT_EQ(find_family("card:reload_me")->card()->hash, s.card->hash);
  ASSERT_TRUE(apply_until<RunEvent>(s, session)) << "a save runs the current config again";
  // A save that does not read leaves the last good version in place and says why.
  const std::string good = s.card->hash;
  save(dir / "card.toml", "name = [", 4);
  s.poll_card(session);
  EXPECT_EQ(s.card->hash, good);
  EXPECT_NE(s.card->error.find("not valid TOML"), std::string::npos) << s.card->error;
  EXPECT_EQ(find_family("card:reload_me")->card()->hash, good);
  // Fixing it clears the error.
  save(dir / "card.toml", std::string(kCard) + "\n# fixed\n", 6);
  s.poll_card(session);
  EXPECT_EQ(s.card->error, "");
  EXPECT_EQ(s.card->versions, 3);
  fs::remove_all(dir);
}

TEST(AppState, ExportSelectionWritesTheSelectedRunsOrEveryRunShown) {
  AppState s = fresh_state();
  RunResult a, b;
  a.id = 1, a.config = s.config, a.config_name = "first@p9", a.disposition = Disposition::Passed, a.ms_median = 5;
  b.id = 2, b.config = s.config, b.config_name = "second@p9", b.disposition = Disposition::Passed, b.ms_median = 4;
  s.live_runs = {a};
  // No store open: the sweep's result is kept whole, and that is what is exported.
  b.id = -2;
  s.new_sweep("t");
  s.apply(SweepResultEvent{b, ""});
  ASSERT_NE(s.sweep.unstored(-2), nullptr);
  s.history = {a, b};  // stored copies of the same runs are written once

  EXPECT_THROW(s.export_selection(temp_path("export_bad", ".txt"), false), std::invalid_argument)
      << "an extension that is neither .csv nor .json is refused";

  const std::string all = temp_path("export_all", ".json");
  EXPECT_EQ(s.export_selection(all, false), std::filesystem::absolute(all).string());
  std::ifstream in_all(all);
  const auto j = nlohmann::json::parse(in_all);
  ASSERT_EQ(j.size(), 2u) << "nothing selected: every run shown, once each";

  s.selected = {-2};
  const std::string one = temp_path("export_one", ".csv");
  s.export_selection(one, false);
  std::ifstream in_one(one);
  std::string header, row, extra;
  std::getline(in_one, header), std::getline(in_one, row);
  EXPECT_NE(row.find("second@p9"), std::string::npos) << row;
  EXPECT_FALSE(std::getline(in_one, extra)) << "only the selected run";

  const std::string ncu = temp_path("export_ncu", ".csv");
  s.export_selection(ncu, true);
  std::ifstream in_ncu(ncu);
  std::getline(in_ncu, header);
  EXPECT_NE(header.find("\"Metric Name\""), std::string::npos) << "Nsight Compute's long format: " << header;

  AppState empty = fresh_state();
  EXPECT_THROW(empty.export_selection(temp_path("export_none", ".csv"), false), std::invalid_argument);
}

// Issue 16: a sweep's results are light rows once stored; only the fastest is whole. An export
// reads the sweep's runs back from the store by its tag (not an older sweep's of the same tag),
// and the ones the store refused from memory.
TEST(AppState, ASweepIsHeldAsRowsAndExportedFromTheStore) {
  const std::string path = temp_path("gui_sweep_rows", ".sqlite");
  AppState s = fresh_state();
  const FamilyPtr splitk = find_family("splitk");
  auto result = [&](int split_k, double ms) {
    RunResult r;
    r.config = splitk->defaults(problem_p6());
    r.config.set("split_k", split_k);
    r.config_name = config_name(r.config);
    r.disposition = Disposition::Passed;
    r.device = "NVIDIA H200";
    r.ms_median = ms;
    r.tflops = 1 / ms;
    r.reason = "replayed\nsecond line";
    r.metrics["sm__throughput.avg.pct_of_peak_sustained_elapsed"] = {61.5, "%", "cupti"};
    return r;
  };
  std::vector<RunResult> stored;
  {
    ResultStore st(path);
    st.insert(result(1, 9.0), "same-tag");  // an older sweep's run under the same tag
    for (int k = 2; k <= 4; ++k) {
      RunResult r = result(k, 10.0 - k);
      r.id = st.insert(r, "same-tag");
      stored.push_back(r);
    }
  }
  s.store = {true, true, true, path, ""};
  s.new_sweep("same-tag");
  for (const auto& r : stored) s.apply(SweepResultEvent{r, ""});
  RunResult refused = result(5, 20.0);
  s.apply(SweepResultEvent{refused, "store full"});  // id 0: given a local one, kept whole
  ASSERT_EQ(s.sweep.size(), 4u);
  EXPECT_LT(s.sweep[3].id, 0);
  EXPECT_EQ(s.sweep[0].reason, "replayed") << "a row keeps the reason's first line";
  EXPECT_EQ(s.sweep.config(1), stored[1].config) << "a row's config comes back whole";
  EXPECT_EQ(s.sweep.param(2, "split_k"), 4);
  EXPECT_DOUBLE_EQ(s.sweep[0].figure("SM throughput", s.here()), 61.5);
  ASSERT_NE(s.sweep.best(), nullptr);
  EXPECT_EQ(s.sweep.best()->id, stored[2].id) << "the fastest (6 ms) is kept whole";
  EXPECT_EQ(s.advised_run(), s.sweep.best());
  EXPECT_EQ(s.find_run(stored[0].id), nullptr) << "a stored, slower result is not held: fetched by id when needed";
  EXPECT_NE(s.find_run(s.sweep[3].id), nullptr) << "the refused one is held, as nothing else has it";
  EXPECT_EQ(s.sweep.stored_ids(), (std::vector<int64_t>{stored[0].id, stored[1].id, stored[2].id}));

  const std::string json_path = temp_path("gui_sweep_rows", ".json");
  s.export_selection(json_path, false);
  std::ifstream in(json_path);
  const auto j = nlohmann::json::parse(in);
  std::set<std::string> names;
  for (const auto& r : j) names.insert(r.at("config_name").get<std::string>());
  EXPECT_EQ(j.size(), 4u) << "the three stored sweep runs and the refused one; not the older run of the tag";
  EXPECT_EQ(names.count(stored[0].config_name), 1u);
  EXPECT_EQ(names.count(refused.config_name), 1u);
  EXPECT_EQ(names.count(result(1, 9).config_name), 0u);
  for (const auto& r : j) {
    if (r.at("config_name") == stored[0].config_name) {
      EXPECT_EQ(r.at("reason"), "replayed\nsecond line") << "the whole run, from the store";
    }
  }

  // A selected stored run that is not held is read back by id.
  s.selected = {stored[0].id};
  const std::string csv_path = temp_path("gui_sweep_rows_one", ".csv");
  s.export_selection(csv_path, false);
  std::ifstream csv(csv_path);
  const std::string text((std::istreambuf_iterator<char>(csv)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find(stored[0].config_name), std::string::npos) << text;
  EXPECT_EQ(text.find(stored[1].config_name), std::string::npos) << "only the selected run";

  // The report's results are the live runs and the sweep's, from the same sources.
  const ExportSource src = s.session_runs();
  EXPECT_EQ(src.sweep_tag, "same-tag");
  EXPECT_EQ(src.store_path, path);
  EXPECT_EQ(src.runs.size(), 1u) << "only the refused result is copied whole";
}

namespace {
// Applies events until `done` holds (or 30 s pass).
bool apply_while(AppState& s, RunSession& session, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done() && std::chrono::steady_clock::now() < deadline)
    for (auto& e : session.wait(std::chrono::milliseconds(100))) s.apply(std::move(e));
  return done();
}
}  // namespace

TEST(AppState, HistoryHoldsTheCountAndOnlyThePagesAskedFor) {
  const std::string store = temp_path("gui_pages", ".sqlite");
  {
    ResultStore st(store);
    for (int i = 0; i < 950; ++i) {
      RunResult r;
      r.config = find_family(i % 2 ? "splitk" : "seed_tall_skinny")->defaults(problem_p9());
      r.config_name = config_name(r.config);
      r.disposition = Disposition::Passed;
      r.ms_median = 1 + i;
      st.insert(r);
    }
  }
  RunSession session({{fake_runner("gui_pages")}, store});
  AppState s = fresh_state();
  ASSERT_TRUE(apply_until<StoreEvent>(s, session));
  auto& pages = s.history_pages;
  pages.reset({}, session);
  ASSERT_TRUE(apply_while(s, session, [&] { return pages.total && pages.row(0); }));
  EXPECT_EQ(*pages.total, 950);
  EXPECT_EQ(pages.row(0)->id, 950) << "newest first";
  EXPECT_EQ(pages.row(99)->id, 851);
  EXPECT_EQ(pages.row(100), nullptr) << "a page not asked for is not there";
  // The next page comes by key, a far one by offset; each is asked for once.
  pages.need(95, 130, session);
  pages.need(95, 130, session);
  pages.need(905, 950, session);
  ASSERT_TRUE(apply_while(s, session, [&] { return pages.row(150) && pages.row(949); }));
  EXPECT_EQ(pages.row(150)->id, 800);
  EXPECT_EQ(pages.row(949)->id, 1);
  EXPECT_EQ(pages.asked, (std::set<int64_t>{0, 1, 9}));
  // Memory stays a few pages: scrolling through all of them keeps kKept.
  for (int64_t first = 0; first < 950; first += 100) {
    pages.need(first, first + 100, session);
    ASSERT_TRUE(apply_while(s, session, [&] { return pages.row(first) != nullptr; })) << first;
    EXPECT_LE(pages.pages.size(), AppState::HistoryPages::kKept);
  }
  EXPECT_EQ(pages.row(949)->id, 1);
  // A new filter is a new view: the old view's pages are gone and late ones are dropped.
  StoreQuery splitk;
  splitk.family = "splitk";
  pages.need(300, 400, session);  // answered after the reset below, for the old view
  pages.reset(splitk, session);
  EXPECT_TRUE(pages.pages.empty());
  ASSERT_TRUE(apply_while(s, session, [&] { return pages.total.has_value() && pages.row(0); }));
  EXPECT_EQ(*pages.total, 475);
  EXPECT_EQ(pages.row(0)->id, 950);
  EXPECT_EQ(pages.row(1)->id, 948);
  EXPECT_EQ(pages.pages.size(), 1u) << "the old view's page 3 was dropped";
}

// A pool of mixed GPU models (issue 14): the views compare the primary runner's model even when
// another model's points come first, and the user's pick once there is one.
TEST(AppState, TheSweepViewFollowsThePrimarysModelUntilTheUserPicks) {
  AppState s;
  RunnerInfo primary, other;
  primary.ok = other.ok = true;
  primary.detected.name = "NVIDIA H200", other.detected.name = "NVIDIA H100";
  primary.device_index = 0, other.device_index = 1;
  s.apply(HelloEvent{primary, {primary, other}, ""});
  EXPECT_EQ(s.runners.size(), 2u);
  RunResult r;
  r.config = make_config(problem_p9(), "seed_tall_skinny");
  r.config_name = config_name(r.config);
  r.disposition = Disposition::Passed, r.ms_median = 1;
  r.id = 1, r.device = "NVIDIA H100", r.device_index = 1;
  s.apply(SweepResultEvent{r, ""});
  EXPECT_EQ(s.sweep_view.model, "NVIDIA H100") << "the only model so far";
  r.id = 2, r.device = "NVIDIA H200", r.device_index = 0;
  s.apply(SweepResultEvent{r, ""});
  EXPECT_EQ(s.sweep_view.model, "NVIDIA H200") << "the primary's, once it has points";
  s.sweep_view.model = "NVIDIA H100", s.sweep_view.chosen = true;
  r.id = 3;
  s.apply(SweepResultEvent{r, ""});
  EXPECT_EQ(s.sweep_view.model, "NVIDIA H100") << "the user's pick stays";
  EXPECT_EQ(s.spec_for("NVIDIA H100").name, "NVIDIA H100") << "a pool member's own spec judges its runs";
}
