#include "controller/shell_words.h"

#include <optional>
#include <stdexcept>

namespace gemmscope {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// Why an unquoted character cannot be taken as itself ("" when it can). `word_start`: nothing
// of the current word read yet, where `#` starts a comment and `~` a home directory.
std::string unquoted_rule(char c, bool word_start) {
  switch (c) {
    case '|': case '&': case ';': case '<': case '>': case '(': case ')':
      return "a shell operator; a runner command is one program and its arguments (for a pipeline or a redirection, use sh -c '...')";
    case '$': case '`':
      return "an expansion, which is not done here; write the value itself, or quote it to pass it on (ssh HOST 'echo $X')";
    case '*': case '?': case '[':
      return "a file-name pattern, which is not expanded here; quote it to pass it as it is";
    case '#':
      return word_start ? "a comment in a shell; quote it to pass it as it is" : "";
    case '~':
      return word_start ? "a home-directory expansion, which is not done here; write the path itself" : "";
    default:
      return "";
  }
}

// "'LINE': WHAT at character N[: RULE]".
[[noreturn]] void refuse(const std::string& line, size_t at, const std::string& what, const std::string& rule = "") {
  throw std::invalid_argument("'" + line + "': " + what + " at character " + std::to_string(at + 1) + (rule.empty() ? "" : ": " + rule));
}

}  // namespace

std::vector<std::string> split_shell_words(const std::string& line) {
  std::vector<std::string> words;
  std::optional<std::string> word;  // set once a word has begun (also by '' alone: an empty argument)
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (blank(c)) {
      if (word) words.push_back(std::move(*word)), word.reset();
      continue;
    }
    if (c == '\'') {
      const size_t end = line.find('\'', i + 1);
      if (end == std::string::npos) refuse(line, i, "a single quote that is never closed");
      word = word.value_or("") + line.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      std::string text;
      size_t j = i + 1;
      for (; j < line.size() && line[j] != '"'; ++j) {
        const char d = line[j];
        if (d == '\\' && j + 1 < line.size()) {
          // Inside double quotes a backslash escapes only these; before anything else it is itself.
          const char e = line[j + 1];
          if (e == '$' || e == '`' || e == '"' || e == '\\') text += e, ++j;
          else if (e == '\n') ++j;
          else text += d;
        } else if (d == '$' || d == '`') {
          refuse(line, j, "'" + std::string(1, d) + "' inside double quotes",
                 "an expansion, which is not done here; write the value itself, or put it in single quotes to pass it on");
        } else {
          text += d;
        }
      }
      if (j >= line.size()) refuse(line, i, "a double quote that is never closed");
      word = word.value_or("") + text;
      i = j;
    } else if (c == '\\') {
      if (i + 1 >= line.size()) refuse(line, i, "a backslash with nothing after it");
      if (line[i + 1] != '\n') word = word.value_or("") + line[i + 1];  // backslash-newline joins lines
      ++i;
    } else if (const std::string rule = unquoted_rule(c, !word); !rule.empty()) {
      refuse(line, i, "unquoted '" + std::string(1, c) + "'", rule);
    } else {
      word = word.value_or("") + c;
    }
  }
  if (word) words.push_back(std::move(*word));
  if (words.empty()) throw std::invalid_argument("'" + line + "': an empty command (give the program and its arguments)");
  return words;
}

std::string join_shell_words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    bool plain = !w.empty();
    for (size_t i = 0; i < w.size() && plain; ++i)
      plain = !blank(w[i]) && w[i] != '\'' && w[i] != '"' && w[i] != '\\' && unquoted_rule(w[i], i == 0).empty();
    if (plain) {
      out += w;
      continue;
    }
    // Single quotes hold everything but a single quote, which is closed, escaped and reopened.
    out += '\'';
    for (const char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

}  // namespace gemmscope
