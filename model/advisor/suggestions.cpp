#include "model/advisor/suggestions.h"

#include "model/text_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "model/advisor/rules.h"
#include "model/kernel_family.h"
#include "model/roofline.h"
#include "model/validate.h"

namespace gemmscope {

namespace {


int64_t cdiv(int64_t a, int64_t b) { return b > 0 ? (a + b - 1) / b : 0; }

// A candidate: the config, which finding it serves, and why.
struct Move {
  KernelConfig config;
  std::string reason;
};

class Mover {
 public:
  Mover(const RunResult& r, const KernelFamily& f, const RunFacts& x) : r_(r), f_(f), x_(x) {}

  const ParamDecl* role(ParamRole p) const { return find_role(f_.params(), p); }
  int value(const ParamDecl& d) const { return r_.config.params.find(d.name).value_or(d.default_value); }

  // The next offered value up (dir > 0) or down from v: the neighbour in a list, x2 / /2 in a range.
  std::optional<int> step(const ParamDecl& d, int v, int dir) const {
    if (d.is_range()) {
      const int64_t n = dir > 0 ? int64_t(v) * 2 : v / 2;
      if (n < d.min || n > d.max || n == v) return std::nullopt;
      return int(n);
    }
    std::vector<int> vals = d.values;
    std::sort(vals.begin(), vals.end());
    auto it = std::find(vals.begin(), vals.end(), v);
    if (it == vals.end()) return std::nullopt;
    if (dir > 0) return ++it == vals.end() ? std::nullopt : std::optional<int>(*it);
    return it == vals.begin() ? std::nullopt : std::optional<int>(*--it);
  }

  // The config with one role stepped; nullopt when the family lacks it or the value has no neighbour.
  std::optional<Move> stepped(ParamRole p, int dir, const std::string& why) const {
    const ParamDecl* d = role(p);
    if (!d) return std::nullopt;
    const int v = value(*d);
    const auto n = step(*d, v, dir);
    if (!n) return std::nullopt;
    Move m{r_.config, d->name + " " + d->format(v) + " -> " + d->format(*n) + ": " + why};
    m.config.set(d->name, *n);
    return m;
  }

  // Whole waves through split-K: counts whose block total fills waves of the blocks an SM holds.
  std::vector<Move> split_k_fill() const {
    std::vector<Move> out;
    const ParamDecl* d = role(ParamRole::SplitK);
    if (!d || x_.grid <= 0 || x_.sms <= 0) return out;
    const int split = value(*d);
    // The output tiles from the shape where the tile is known, else what the grid holds per slice.
    const ParamDecl* dm = role(ParamRole::TileM);
    const ParamDecl* dn = role(ParamRole::TileN);
    const int64_t tiles = dm && dn && r_.config.shape.m > 0
                              ? cdiv(r_.config.shape.m, value(*dm)) * cdiv(r_.config.shape.n, value(*dn))
                              : std::max<int64_t>(1, x_.grid / std::max(1, split));
    const int per_sm = std::max(1, x_.blocks_per_sm);
    struct Cand { int s; double fill, waves; };
    std::vector<Cand> c;
    auto consider = [&](int64_t s) {
      if (s < 1 || s == split || !d->offers(int(s))) return;
      for (const auto& k : c)
        if (k.s == s) return;
      const int64_t blocks = tiles * s;
      const double waves = double(blocks) / double(per_sm * x_.sms);
      const double fill = waves / std::ceil(waves - 1e-9);
      c.push_back({int(s), fill, waves});
    };
    for (int b = 1; b <= per_sm; b *= 2)
      for (int w : {1, 2}) {
        const int64_t want = int64_t(w) * b * x_.sms;
        consider(cdiv(want, tiles));
        if (want % tiles == 0) consider(want / tiles);
      }
    for (int64_t p = 1; p <= int64_t(d->is_range() ? d->max : 4096); p *= 2)
      if (tiles * p >= x_.sms / 2 && tiles * p <= int64_t(4) * per_sm * x_.sms) consider(p);
    // Whole waves first, then the fewest blocks that give them (less reduction work).
    std::sort(c.begin(), c.end(), [](const Cand& a, const Cand& b) {
      const bool fa = a.fill >= 0.99 && a.waves >= 0.99, fb = b.fill >= 0.99 && b.waves >= 0.99;
      if (fa != fb) return fa;
      if (std::fabs(a.fill - b.fill) > 0.02) return a.fill > b.fill;
      return a.s < b.s;
    });
    for (const auto& k : c) {
      Move m{r_.config, d->name + " " + std::to_string(split) + " -> " + std::to_string(k.s) + ": " + std::to_string(tiles) + " tiles x " +
                            std::to_string(k.s) + " = " + std::to_string(tiles * k.s) + " blocks, " + format_number("%.2f", k.waves) +
                            " waves of " + std::to_string(per_sm) + " block(s)/SM on " + std::to_string(x_.sms) + " SMs"};
      m.config.set(d->name, k.s);
      out.push_back(m);
    }
    return out;
  }

  // More (smaller) or fewer (larger) output tiles, ranked by how full their waves are.
  std::vector<Move> retile(int dir, const std::string& why) const {
    std::vector<Move> out;
    const ParamDecl* dm = role(ParamRole::TileM);
    const ParamDecl* dn = role(ParamRole::TileN);
    if (!dm && !dn) return out;
    const int vm = dm ? value(*dm) : 0, vn = dn ? value(*dn) : 0;
    std::vector<std::pair<std::optional<int>, std::optional<int>>> pairs;
    const auto sm = dm ? step(*dm, vm, dir) : std::nullopt, sn = dn ? step(*dn, vn, dir) : std::nullopt;
    // The longer side first when shrinking (keeps the tile square-ish), the shorter when growing.
    const bool m_first = dir < 0 ? vm >= vn : vm <= vn;
    if (m_first) pairs = {{sm, std::nullopt}, {std::nullopt, sn}, {sm, sn}};
    else pairs = {{std::nullopt, sn}, {sm, std::nullopt}, {sm, sn}};
    for (const auto& [a, b] : pairs) {
      if (!a && !b) continue;
      if ((a.has_value() && !dm) || (b.has_value() && !dn)) continue;
      Move m{r_.config, ""};
      std::string what;
      if (a) m.config.set(dm->name, *a), what += dm->name + " " + std::to_string(vm) + " -> " + std::to_string(*a);
      if (b) m.config.set(dn->name, *b), what += (what.empty() ? "" : ", ") + dn->name + " " + std::to_string(vn) + " -> " + std::to_string(*b);
      if (a && b && !(sm && sn)) continue;
      const int64_t nm = a ? *a : vm, nn = b ? *b : vn;
      if (nm > 0 && nn > 0 && r_.config.shape.m > 0) {
        // The family's own grid (a block may walk several tiles); else one block a tile.
        const int64_t split = role(ParamRole::SplitK) ? value(*role(ParamRole::SplitK)) : 1;
        int64_t blocks = cdiv(r_.config.shape.m, nm) * cdiv(r_.config.shape.n, nn) * split;
        try {
          if (const FamilyPtr f = find_family(m.config.family))
            if (const LaunchStep* k = f->plan(m.config).main_kernel()) blocks = k->grid.count();
        } catch (const std::exception&) {  // a card whose grid expression fails here: validation says why later
        }
        what += " (" + std::to_string(blocks) + " blocks)";
      }
      m.reason = what + ": " + why;
      out.push_back(m);
    }
    return out;
  }

  // The same tile area in another aspect: half the rows and twice the columns, or the reverse. The
  // work per block stays; what changes is how long each contiguous row of C (row-major) a block
  // stores is, and how many A rows against B columns it reuses.
  std::vector<Move> reshape(const std::string& why) const {
    std::vector<Move> out;
    const ParamDecl* dm = role(ParamRole::TileM);
    const ParamDecl* dn = role(ParamRole::TileN);
    if (!dm || !dn) return out;
    const int vm = value(*dm), vn = value(*dn);
    for (int dir : {-1, +1}) {  // wider rows first: C is row-major
      const auto a = step(*dm, vm, dir), b = step(*dn, vn, -dir);
      if (!a || !b) continue;
      Move m{r_.config, dm->name + " " + std::to_string(vm) + " -> " + std::to_string(*a) + ", " + dn->name + " " + std::to_string(vn) +
                            " -> " + std::to_string(*b) + ": " + why};
      m.config.set(dm->name, *a);
      m.config.set(dn->name, *b);
      out.push_back(m);
    }
    return out;
  }

  // The precision parameter's value that makes the family run `p`.
  std::optional<Move> precision_to(Precision p, const std::string& why) const {
    const ParamDecl* d = role(ParamRole::Precision);
    if (!d) return std::nullopt;
    for (int v : d->values) {
      KernelConfig c = r_.config;
      c.set(d->name, v);
      if (v != value(*d) && f_.precision(c) == p) return Move{c, d->name + " " + d->format(value(*d)) + " -> " + d->format(v) + ": " + why};
    }
    return std::nullopt;
  }

  void add(std::vector<Move>& v, std::optional<Move> m) const {
    if (m) v.push_back(std::move(*m));
  }

  std::vector<Move> moves(const Finding& f, const GpuSpec& g) const {
    std::vector<Move> v;
    const std::string id = f.id;
    if (id == "grid_too_small" || id == "tail_effect" || (id == "achieved_below_theoretical" && f.stage == Stage::GridParallelism)) {
      v = split_k_fill();
      if (v.empty()) {  // no split-K in this family: more tiles (grid too small) or other tile counts (tail)
        for (auto& m : retile(-1, "more blocks for the SMs")) v.push_back(m);
        if (id == "tail_effect")
          for (auto& m : retile(+1, "fewer, fuller waves")) v.push_back(m);
      }
    } else if (id == "theoretical_occupancy_low" || id == "occupancy_low" || id == "local_spills") {
      // Spills are a register problem whatever limits occupancy.
      const std::string limiter = id == "local_spills" || !x_.occupancy ? "registers" : x_.occupancy->limiter;
      if (limiter == "shared memory") {
        add(v, stepped(ParamRole::Stages, -1, "one stage less shared memory per block"));
        add(v, stepped(ParamRole::TileK, -1, "a smaller K tile in shared memory"));
        for (auto& m : retile(-1, "a smaller tile in shared memory")) v.push_back(m);
      } else if (limiter == "warps") {
        add(v, stepped(ParamRole::Threads, -1, "smaller blocks pack the SM's warps better"));
        add(v, stepped(ParamRole::Warps, -1, "smaller blocks pack the SM's warps better"));
      } else if (limiter == "blocks") {
        add(v, stepped(ParamRole::Threads, +1, "larger blocks reach the warp limit before the block limit"));
        add(v, stepped(ParamRole::Warps, +1, "larger blocks reach the warp limit before the block limit"));
        for (auto& m : retile(+1, "larger blocks")) v.push_back(m);
      } else {  // registers
        add(v, stepped(ParamRole::ThreadN, -1, "a smaller register tile per thread needs fewer registers"));
        add(v, stepped(ParamRole::ThreadM, -1, "a smaller register tile per thread needs fewer registers"));
        add(v, stepped(ParamRole::Threads, +1, "more threads share the tile: fewer accumulators each"));
        add(v, stepped(ParamRole::Warps, +1, "more warps share the tile: fewer accumulators each"));
        for (auto& m : retile(-1, "fewer accumulators per thread")) v.push_back(m);
        for (auto& m : reshape("the same accumulators in another shape")) v.push_back(m);
      }
    } else if (id == "latency_bound" || id == "tensor_idle" || id == "achieved_below_theoretical") {
      add(v, stepped(ParamRole::Stages, +1, "one more stage of loads in flight"));
      add(v, stepped(ParamRole::Warps, +1, "more warps to switch between"));
      add(v, stepped(ParamRole::Threads, +1, "more warps to switch between"));
      add(v, stepped(ParamRole::TileK, +1, "more work per load round"));
      for (auto& m : reshape("longer contiguous rows of C per block, other operand reuse")) v.push_back(m);
      if (x_.waves > 0 && x_.waves < 2)
        for (auto& m : split_k_fill()) v.push_back(m);
    } else if (id == "fp32_on_cuda_cores") {
      add(v, precision_to(Precision::TF32x3, "3xTF32 on the tensor cores, FP32-level error"));
    } else if (id == "fma_bound") {
      add(v, stepped(ParamRole::ThreadN, +1, "a larger register tile: more FMAs per load"));
      add(v, stepped(ParamRole::ThreadM, +1, "a larger register tile: more FMAs per load"));
      for (auto& m : retile(+1, "more reuse per block")) v.push_back(m);
    } else if (id == "fails_allclose") {
      const bool tensor_faster = compute_peak_tflops(g, Precision::TF32x3) > compute_peak_tflops(g, Precision::FP32);
      add(v, precision_to(tensor_faster ? Precision::TF32x3 : Precision::FP32, "passes allclose(1e-4, 1e-4)"));
      add(v, precision_to(tensor_faster ? Precision::FP32 : Precision::TF32x3, "passes allclose(1e-4, 1e-4)"));
    } else if (id == "compute_bound") {
      for (auto& m : retile(+1, "more mma work per block")) v.push_back(m);
      add(v, stepped(ParamRole::Warps, -1, "fewer warps, each with a larger share of the tile"));
    } else if (id == "dram_rereads" || id == "l2_hit_low" || id == "memory_bound") {
      add(v, stepped(ParamRole::Swizzle, +1, "a grouped tile order keeps shared operands in L2"));
      if (const ParamDecl* d = role(ParamRole::Swizzle)) {
        if (auto a = step(*d, value(*d), +1))
          if (auto b = step(*d, *a, +1)) {
            Move m{r_.config, d->name + " " + d->format(value(*d)) + " -> " + d->format(*b) + ": a wider group of tiles shares operands"};
            m.config.set(d->name, *b);
            v.push_back(m);
          }
      }
      if (const ParamDecl* d = role(ParamRole::GridOrder))
        for (int o : d->values)
          if (o != value(*d)) {
            Move m{r_.config, d->name + " " + d->format(value(*d)) + " -> " + d->format(o) + ": walk the tiles the other way"};
            m.config.set(d->name, o);
            v.push_back(m);
            break;
          }
      if (id != "l2_hit_low")
        for (auto& m : retile(+1, "larger tiles read each operand fewer times")) v.push_back(m);
    }
    return v;
  }

 private:
  const RunResult& r_;
  const KernelFamily& f_;
  const RunFacts& x_;
};

std::string format_value(const KernelFamily& f, const std::string& param, int v) {
  const ParamDecl* d = find_param(f.params(), param);
  return d ? d->format(v) : std::to_string(v);
}

}  // namespace

std::vector<Suggestion> suggest(const RunResult& r, const std::vector<Finding>& findings, const GpuSpec& running, const GpuSpec& reference,
                                const SuggestOptions& o) {
  std::vector<Suggestion> out;
  const FamilyPtr family = find_family(r.config.family);
  if (!family || o.max <= 0) return out;
  for (const auto& f : findings)
    if (f.id == "near_floor") return out;
  const RunFacts x = run_facts(r, running);
  const Mover mover(r, *family, x);
  std::set<std::string> seen = o.exclude;
  seen.insert(config_name(r.config));
  for (const auto& f : findings) {
    for (const Move& m : mover.moves(f, running)) {
      if (int(out.size()) >= o.max) return out;
      const std::string name = config_name(m.config);
      if (seen.count(name)) continue;
      seen.insert(name);
      if (!validate(m.config, running).ok() || !validate(m.config, reference).ok()) continue;
      Suggestion s;
      s.config = m.config;
      s.name = name;
      s.finding = f.id;
      s.reason = m.reason;
      for (const auto& [param, v] : m.config.params.items()) {
        const int before = r.config.params.find(param).value_or(v);
        if (before != v) s.changes.push_back({param, format_value(*family, param, before), format_value(*family, param, v)});
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace gemmscope
