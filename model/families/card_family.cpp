#include "model/families/card_family.h"

#include <algorithm>

namespace gemmscope {
namespace {

std::string str(int64_t v) { return std::to_string(v); }

std::string layout_name(Layout a, Layout b) {
  return std::string(a == Layout::RowMajor ? "R" : "C") + (b == Layout::RowMajor ? "R" : "C");
}

class CardFamily final : public KernelFamily {
 public:
  explicit CardFamily(std::shared_ptr<const KernelCard> card) : card_(std::move(card)) {}

  std::string name() const override { return card_->family_name(); }
  std::string summary() const override {
    return (card_->description.empty() ? "kernel card" : card_->description) + " (" + to_string(card_->language) + ", " +
           (card_->path.empty() ? card_->name : card_->path) + ")";
  }
  std::string source() const override { return ""; }
  const ParamTable& params() const override { return card_->params; }
  std::shared_ptr<const KernelCard> card() const override { return card_; }

  std::vector<ConfigError> check(const KernelConfig& c, const GpuSpec&) const override {
    std::vector<ConfigError> e;
    const auto& s = c.shape;
    const auto layout = std::make_pair(s.a_layout, s.b_layout);
    if (std::find(card_->layouts.begin(), card_->layouts.end(), layout) == card_->layouts.end()) {
      std::string accepted;
      for (const auto& [a, b] : card_->layouts) accepted += (accepted.empty() ? "" : ", ") + layout_name(a, b);
      e.push_back({"layout", layout_name(s.a_layout, s.b_layout), "the card accepts " + accepted});
    }
    const auto vars = card_->variables(c);
    for (const auto& r : card_->restrictions) {
      try {
        if (r->value(vars) == 0) {
          const std::string first = restriction_param(*r);
          e.push_back({first, restriction_values(*r, c, first), "breaks the card's restriction " + r->text()});
        }
      } catch (const CardError& x) {
        e.push_back({"card", card_->name, x.what()});
      }
    }
    if (!e.empty()) return e;
    // Every expression of the launch must evaluate to something launchable.
    try {
      for (const CardLaunch* l : launches()) {
        for (size_t i = 0; i < l->grid.size(); ++i)
          if (const int64_t g = l->grid[i]->integer(vars); g < 1)
            e.push_back({"grid", str(g), l->grid[i]->where() + ": \"" + l->grid[i]->text() + "\" gives " + str(g) + " blocks; a grid needs at least 1"});
        for (size_t i = 0; i < l->block.size(); ++i)
          if (const int64_t b = l->block[i]->integer(vars); b < 1)
            e.push_back({"threads", str(b), l->block[i]->where() + ": \"" + l->block[i]->text() + "\" gives " + str(b) + " threads"});
        if (l->shared_memory && l->shared_memory->integer(vars) < 0)
          e.push_back({"smem", str(l->shared_memory->integer(vars)), l->shared_memory->where() + ": negative shared memory"});
        for (const auto& arg : l->arguments)
          if (arg.value) arg.value->value(vars);
      }
      if (card_->workspace && card_->workspace->integer(vars) < 0)
        e.push_back({"workspace", str(card_->workspace->integer(vars)), card_->workspace->where() + ": a negative size"});
      if (card_->language == CardLanguage::Triton) {
        const int warps = warps_of(c);
        if (warps < 1 || warps > 32 || (warps & (warps - 1)) != 0)
          e.push_back({"num_warps", str(warps), "Triton takes a power of two from 1 to 32 warps"});
      }
    } catch (const CardError& x) {
      e.push_back({"card", card_->name, x.what()});
    }
    return e;
  }

  LaunchPlan plan(const KernelConfig& c) const override {
    const auto vars = card_->variables(c);
    LaunchPlan p;
    if (card_->zero_output) p.steps.push_back({LaunchStep::Kind::ZeroOutput, "", {}, {}, 0});
    for (const CardLaunch* l : launches()) {
      LaunchStep st;
      st.entry = l->kernel;
      int64_t g[3] = {1, 1, 1}, b[3] = {1, 1, 1};
      for (size_t i = 0; i < l->grid.size(); ++i) g[i] = l->grid[i]->integer(vars);
      if (card_->language == CardLanguage::Cuda) {
        for (size_t i = 0; i < l->block.size(); ++i) b[i] = l->block[i]->integer(vars);
        st.dynamic_smem = l->shared_memory ? l->shared_memory->integer(vars) : 0;
        st.smem_formula = l->shared_memory ? "launch.shared_memory = " + l->shared_memory->text() : "";
      } else {
        b[0] = 32 * warps_of(c);  // Triton's shared memory is known once it compiled
      }
      st.grid = {g[0], g[1], g[2]};
      st.block = {b[0], b[1], b[2]};
      for (const auto& arg : l->arguments) {
        KernelArg a;
        switch (arg.kind) {
          case CardArgument::Kind::A: a.kind = KernelArg::Kind::A; break;
          case CardArgument::Kind::B: a.kind = KernelArg::Kind::B; break;
          case CardArgument::Kind::C: a.kind = KernelArg::Kind::C; break;
          case CardArgument::Kind::Workspace: a.kind = KernelArg::Kind::Workspace; break;
          case CardArgument::Kind::Int32: a.kind = KernelArg::Kind::Int32, a.integer = arg.value->integer(vars); break;
          case CardArgument::Kind::Int64: a.kind = KernelArg::Kind::Int64, a.integer = arg.value->integer(vars); break;
          case CardArgument::Kind::Float32: a.kind = KernelArg::Kind::Float32, a.real = arg.value->value(vars); break;
        }
        st.args.push_back(a);
      }
      p.steps.push_back(st);
    }
    p.workspace_bytes = card_->workspace ? card_->workspace->integer(vars) : 0;
    return p;
  }

  std::vector<std::string> defines(const KernelConfig& c) const override {
    // CUDA: every parameter as a define. Triton: the same list names the constexprs and options,
    // so the prepared launch says what a config compiles with (the helper gets them as values).
    std::vector<std::string> d = common_defines(c.shape);
    for (const ParamDecl& p : card_->params) {
      const int v = c.params.find(p.name).value_or(p.default_value);
      d.push_back("-D" + p.name + "=" + std::to_string(v));
      if (!p.labels.empty()) d.push_back("-D" + p.name + "_" + p.format(v) + "=1");
    }
    return d;
  }

  Precision precision(const KernelConfig& c) const override {
    if (card_->precision.param.empty()) return card_->precision.fixed;
    const auto v = c.params.find(card_->precision.param);
    auto it = v ? card_->precision.by_value.find(*v) : card_->precision.by_value.end();
    return it == card_->precision.by_value.end() ? card_->precision.fixed : it->second;
  }

 private:
  std::vector<const CardLaunch*> launches() const {
    std::vector<const CardLaunch*> v = {&card_->launch};
    for (const auto& l : card_->after) v.push_back(&l);
    return v;
  }
  int warps_of(const KernelConfig& c) const { return c.params.find("num_warps").value_or(4); }
  // Whether `word` appears in `t` as a whole name, not inside a longer one.
  static bool names(const std::string& t, const std::string& word) {
    for (size_t at = t.find(word); at != std::string::npos; at = t.find(word, at + 1)) {
      const bool left = at == 0 || !(std::isalnum(static_cast<unsigned char>(t[at - 1])) || t[at - 1] == '_');
      const size_t end = at + word.size();
      const bool right = end >= t.size() || !(std::isalnum(static_cast<unsigned char>(t[end])) || t[end] == '_');
      if (left && right) return true;
    }
    return false;
  }
  // The first parameter (else dimension) a restriction names, so the GUI puts the reason beside
  // its control.
  std::string restriction_param(const CardExpression& r) const {
    size_t best = std::string::npos;
    std::string name;
    for (const ParamDecl& d : card_->params)
      if (names(r.text(), d.name))
        if (size_t at = r.text().find(d.name); at < best) best = at, name = d.name;
    if (!name.empty()) return name;
    for (const char* dim : {"M", "N", "K"})
      if (names(r.text(), dim)) return dim;
    return "card";
  }
  // The value of what the error names, then "with" the others the restriction reads:
  // "256 with BLOCK_SIZE_N=256, num_warps=4".
  std::string restriction_values(const CardExpression& r, const KernelConfig& c, const std::string& first) const {
    std::string head, rest;
    auto add = [&](const std::string& name, const std::string& v) {
      if (name == first) head = v;
      else rest += (rest.empty() ? "" : ", ") + name + "=" + v;
    };
    for (const ParamDecl& d : card_->params)
      if (names(r.text(), d.name)) add(d.name, d.format(c.params.find(d.name).value_or(d.default_value)));
    for (const auto& [dim, v] : {std::pair{"M", c.shape.m}, {"N", c.shape.n}, {"K", c.shape.k}})
      if (names(r.text(), dim)) add(dim, str(v));
    if (head.empty()) return rest.empty() ? "(the config)" : rest;
    return rest.empty() ? head : head + " with " + rest;
  }

  std::shared_ptr<const KernelCard> card_;
};

}  // namespace

FamilyPtr make_card_family(std::shared_ptr<const KernelCard> card) { return std::make_shared<CardFamily>(std::move(card)); }

FamilyPtr load_card_family(const std::string& path) {
  FamilyPtr f = make_card_family(std::make_shared<const KernelCard>(load_kernel_card(path)));
  register_family(f);
  return f;
}

std::string card_hash_of(const KernelConfig& c) {
  const FamilyPtr f = find_family(c.family);
  const auto card = f ? f->card() : nullptr;
  return card ? card->hash : "";
}

}  // namespace gemmscope
