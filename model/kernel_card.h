// KernelCard: a user's own CUDA or Triton GEMM kernel, described by a TOML file beside its source
// (docs/kernel_cards.md): its tunables as a ParamTable, its restrictions, launch geometry and
// arguments as expressions, and the precision it computes in. Reading a card checks everything
// that can be checked without a compiler; every problem is a CardError naming the file, the field
// and the rule.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/card_expression.h"
#include "model/kernel_config.h"
#include "model/param_table.h"

namespace gemmscope {

enum class CardLanguage { Cuda, Triton };
std::string to_string(CardLanguage);

// One argument of a launch, in the kernel's order.
struct CardArgument {
  enum class Kind { A, B, C, Workspace, Int32, Int64, Float32 } kind = Kind::Int32;
  std::shared_ptr<const CardExpression> value;  // the scalars' expression
  std::string text;                             // as the card wrote it
  bool is_buffer() const { return kind == Kind::A || kind == Kind::B || kind == Kind::C || kind == Kind::Workspace; }
};

struct CardLaunch {
  std::string kernel;                                         // the entry
  std::vector<std::shared_ptr<const CardExpression>> grid;    // 1 to 3
  std::vector<std::shared_ptr<const CardExpression>> block;   // CUDA: 1 to 3; Triton: empty (32 x num_warps)
  std::shared_ptr<const CardExpression> shared_memory;        // CUDA: dynamic bytes; may be null
  std::vector<CardArgument> arguments;
};

// The precision a config computes in: fixed, or chosen by an enum parameter's value.
struct CardPrecision {
  Precision fixed = Precision::FP32;
  std::string param;                  // "" when fixed
  std::map<int, Precision> by_value;  // the parameter's value -> precision
};

// Triton's compile options among the parameters (the rest are the kernel's constexprs).
bool is_triton_option(const std::string& param);

struct KernelCard {
  std::string path;             // the card file ("" when built from text alone)
  std::string name;             // the family is "card:<name>"
  std::string description;
  CardLanguage language = CardLanguage::Cuda;
  std::string source_file;      // as the card names it, relative to the card
  std::string source_path;      // resolved
  std::string source_text;
  std::string card_text;        // the TOML, as read
  std::string hash;             // of the card and its source: one version of the card
  std::string kernel;
  std::vector<std::pair<Layout, Layout>> layouts;  // accepted A, B layouts
  ParamTable params;
  std::vector<std::shared_ptr<const CardExpression>> restrictions;
  CardLaunch launch;
  std::vector<CardLaunch> after;
  bool zero_output = false;
  std::shared_ptr<const CardExpression> workspace;  // may be null
  CardPrecision precision;

  std::string family_name() const { return "card:" + name; }
  // The values every expression sees for a config: M, N, K, the strides of its layouts, and each
  // parameter (an enum parameter as the position of its value).
  std::map<std::string, double> variables(const KernelConfig&) const;
};

// Reads the card at `path` and the source it names. Throws CardError.
KernelCard load_kernel_card(const std::string& path);
// The same from text (the runner receives a card this way). `path` names it in messages and
// resolves nothing.
KernelCard parse_kernel_card(const std::string& card_text, const std::string& path, const std::string& source_text);

// The names every expression of a card may use, for its parameter table.
std::vector<std::string> card_variable_names(const ParamTable&);

}  // namespace gemmscope
