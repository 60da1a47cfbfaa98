#include "model/card_expression.h"

#include <cmath>
#include <muParser.h>

namespace gemmscope {

namespace {

double cdiv(double a, double b) { return std::ceil(a / b); }
double mod(double a, double b) { return std::fmod(a, b); }

std::string fmt(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.10g", v);
  return b;
}

}  // namespace

CardExpression::CardExpression(std::string where, std::string text, const std::vector<std::string>& names)
    : where_(std::move(where)), text_(std::move(text)), names_(names), parser_(std::make_unique<mu::Parser>()),
      slots_(std::make_unique<std::vector<double>>(names.size(), 0.0)), mu_(std::make_unique<std::mutex>()) {
  try {
    parser_->DefineFun("cdiv", cdiv);
    parser_->DefineOprt("%", mod, mu::prMUL_DIV, mu::oaLEFT);
    for (size_t i = 0; i < names_.size(); ++i) parser_->DefineVar(names_[i], &(*slots_)[i]);
    parser_->SetExpr(text_);
    parser_->Eval();  // parses now, so a bad expression is refused when the card is read
  } catch (const mu::Parser::exception_type& e) {
    std::string why = e.GetMsg();
    if (e.GetCode() == mu::ecUNEXPECTED_VAR || e.GetCode() == mu::ecUNASSIGNABLE_TOKEN || e.GetCode() == mu::ecUNEXPECTED_ARG ||
        (e.GetCode() == mu::ecUNEXPECTED_OPERATOR && !e.GetToken().empty() && std::isalpha(static_cast<unsigned char>(e.GetToken()[0]))))
      why = "'" + e.GetToken() + "' is not a parameter, M, N, K or a stride (" + why + ")";
    throw CardError(where_ + ": expression \"" + text_ + "\" at position " + std::to_string(e.GetPos()) + ": " + why);
  }
}

CardExpression::~CardExpression() = default;
CardExpression::CardExpression(CardExpression&&) noexcept = default;
CardExpression& CardExpression::operator=(CardExpression&&) noexcept = default;

double CardExpression::value(const std::map<std::string, double>& vars) const {
  std::lock_guard lock(*mu_);
  for (size_t i = 0; i < names_.size(); ++i) {
    auto it = vars.find(names_[i]);
    (*slots_)[i] = it == vars.end() ? 0.0 : it->second;
  }
  try {
    return parser_->Eval();
  } catch (const mu::Parser::exception_type& e) {
    throw CardError(where_ + ": expression \"" + text_ + "\": " + e.GetMsg());
  }
}

int64_t CardExpression::integer(const std::map<std::string, double>& vars) const {
  const double v = value(vars);
  if (!std::isfinite(v)) throw CardError(where_ + ": expression \"" + text_ + "\" evaluates to " + fmt(v) + " (a division by zero?)");
  if (std::fabs(v - std::round(v)) > 1e-9 || std::fabs(v) > 9.2e18)
    throw CardError(where_ + ": expression \"" + text_ + "\" evaluates to " + fmt(v) + ", not an integer (cdiv() rounds up)");
  return int64_t(std::llround(v));
}

}  // namespace gemmscope
