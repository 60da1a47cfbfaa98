// gemmscope-scale-query: times what the History panel and an export ask of a large store
// (issue 16): opening it (an upgrade included), the newest page and the count of each filter the
// panel offers, a page half-way down and the last page (jumps by offset), the next page by key, and
// each filter's distinct values.
// Each figure is the median of --repeat runs after one untimed warm-up (the store's pages in the
// OS cache, as they are while the app runs), and the first, cold-in-process, time beside it.
//   gemmscope-scale-query --db FILE.sqlite [--repeat N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "controller/result_store.h"

using namespace gemmscope;

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

struct Timing {
  double first = 0, median = 0;
};
Timing time_it(int repeat, const std::function<void()>& work) {
  Timing t;
  std::vector<double> runs;
  for (int i = 0; i <= repeat; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    work();
    const double ms = ms_since(t0);
    if (i == 0) t.first = ms;
    else runs.push_back(ms);
  }
  std::sort(runs.begin(), runs.end());
  t.median = runs.empty() ? t.first : runs[runs.size() / 2];
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db;
  int repeat = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--db" && i + 1 < argc) db = argv[++i];
    else if (a == "--repeat" && i + 1 < argc) repeat = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: gemmscope-scale-query --db FILE.sqlite [--repeat N]\n");
      return 2;
    }
  }
  if (db.empty() || repeat < 1) {
    std::fprintf(stderr, "gemmscope-scale-query: --db is needed and --repeat must be at least 1\n");
    return 2;
  }
  try {
    const auto t0 = std::chrono::steady_clock::now();
    ResultStore store(db);
    std::printf("open: %.1f ms (schema %d)\n", ms_since(t0), store.schema_version());
    for (const auto& n : store.notices()) std::printf("  %s\n", n.c_str());

    // The panel's filters, alone and combined as a user would.
    struct Case {
      const char* name;
      StoreQuery q;
    };
    std::vector<Case> cases;
    auto add = [&](const char* name, const std::function<void(StoreQuery&)>& set) {
      StoreQuery q;
      set(q);
      cases.push_back({name, q});
    };
    const auto devices = store.distinct("device"), sweeps = store.distinct("sweep"), cards = store.distinct("card");
    add("none", [](StoreQuery&) {});
    add("family=splitk", [](StoreQuery& q) { q.family = "splitk"; });
    add("problem=p6", [](StoreQuery& q) { q.problem = "p6"; });
    if (!devices.empty()) add("device=<last>", [&](StoreQuery& q) { q.device = devices.back(); });
    if (!sweeps.empty()) add("sweep=<middle>", [&](StoreQuery& q) { q.sweep = sweeps[sweeps.size() / 2]; });
    if (!cards.empty()) add("card=<first>", [&](StoreQuery& q) { q.card = cards.front(); });
    add("date=2026-11-10", [](StoreQuery& q) { q.from = q.to = "2026-11-10"; });
    add("passed only", [](StoreQuery& q) { q.passed_only = true; });
    add("family+problem", [](StoreQuery& q) { q.family = "splitk", q.problem = "p6"; });
    if (!devices.empty())
      add("family+device+passed", [&](StoreQuery& q) { q.family = "splitk", q.device = devices.back(), q.passed_only = true; });
    add("family+date range", [](StoreQuery& q) { q.family = "tc_splitk", q.from = "2026-11-05", q.to = "2026-11-12"; });

    std::printf("\n%-22s %10s %18s %18s %18s %18s %18s\n", "filter", "runs", "newest page ms", "count ms", "middle page ms", "last page ms",
                "next by key ms");
    std::printf("%-22s %10s %18s %18s %18s %18s %18s\n", "", "", "(median / first)", "(median / first)", "(median / first)", "(median / first)",
                "(median / first)");
    for (Case& c : cases) {
      StoreQuery q = c.q;
      q.newest_first = true;
      q.limit = 100;
      int64_t n = 0;
      std::vector<RunRow> first;
      const Timing page = time_it(repeat, [&] { first = store.page(q); });
      const Timing count = time_it(repeat, [&] { n = store.count(q); });
      StoreQuery middle = q;
      middle.offset = n / 2;
      const Timing deep = time_it(repeat, [&] { store.page(middle); });
      // The last page: the deepest jump the scrollbar makes.
      StoreQuery last = q;
      last.offset = std::max<int64_t>(0, n - q.limit);
      const Timing bottom = time_it(repeat, [&] { store.page(last); });
      StoreQuery next = q;
      if (!first.empty()) next.after = first.back().id;
      const Timing key = time_it(repeat, [&] { store.page(next); });
      std::printf("%-22s %10lld %8.2f / %7.2f %8.2f / %7.2f %8.2f / %7.2f %8.2f / %7.2f %8.2f / %7.2f\n", c.name, (long long)n, page.median,
                  page.first, count.median, count.first, deep.median, deep.first, bottom.median, bottom.first, key.median, key.first);
    }
    std::printf("\nquery plans (the newest page):\n");
    for (Case& c : cases) {
      StoreQuery q = c.q;
      q.newest_first = true;
      q.limit = 100;
      std::string plan = store.query_plan(q);
      for (char& ch : plan)
        if (ch == '\n') ch = ';';
      std::printf("  %-22s %s\n", c.name, plan.c_str());
    }
    std::printf("\n%-10s %8s %18s\n", "distinct", "values", "ms (median / first)");
    for (const char* col : {"family", "problem", "device", "sweep", "card"}) {
      size_t n = 0;
      const Timing t = time_it(repeat, [&] { n = store.distinct(col).size(); });
      std::printf("%-10s %8zu %8.2f / %7.2f\n", col, n, t.median, t.first);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gemmscope-scale-query: %s\n", e.what());
    return 1;
  }
  return 0;
}
