// CardExpression: one expression of a kernel card (a grid size, a restriction, an argument),
// parsed by muparser with cdiv(), min(), max() and % added. Parse and evaluation errors name the
// card, the field, the expression and the position.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace mu {
class Parser;
}

namespace gemmscope {

// A card problem: "<card>: <field>: <what is wrong>".
struct CardError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

class CardExpression {
 public:
  // `where` names the card and field ("p9.toml: launch.grid[0]"); `names` are every variable an
  // expression may use. Throws CardError when the text does not parse or names something else.
  CardExpression(std::string where, std::string text, const std::vector<std::string>& names);
  ~CardExpression();
  CardExpression(CardExpression&&) noexcept;
  CardExpression& operator=(CardExpression&&) noexcept;

  // Evaluates with the given values (every name the constructor got must be present).
  double value(const std::map<std::string, double>& vars) const;
  // The value as an integer; a fraction, infinity (a division by zero) or NaN is an error.
  int64_t integer(const std::map<std::string, double>& vars) const;
  const std::string& text() const { return text_; }
  const std::string& where() const { return where_; }

 private:
  std::string where_, text_;
  std::vector<std::string> names_;
  std::unique_ptr<mu::Parser> parser_;
  std::unique_ptr<std::vector<double>> slots_;  // the variables' storage, bound to the parser
  std::unique_ptr<std::mutex> mu_;               // the UI and the session evaluate the same card
};

}  // namespace gemmscope
