// split_shell_words against what /bin/sh itself makes of the same lines, and its refusals: a
// runner command given as text means what a shell would run, or is refused saying why.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "controller/shell_words.h"

using namespace gemmscope;

namespace {

// The words /bin/sh makes of `line`, one per printf line (none of the tested words holds a newline).
std::vector<std::string> sh_words(const std::string& line) {
  const std::string cmd = "set -f; for w in " + line + "; do printf '%s\\n' \"$w\"; done";
  std::string quoted = "'";
  for (char c : cmd) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted += "'";
  FILE* p = popen(("/bin/sh -c " + quoted).c_str(), "r");
  std::vector<std::string> out;
  std::string cur;
  for (int c; (c = fgetc(p)) != EOF;) {
    if (c == '\n') out.push_back(cur), cur.clear();
    else cur += char(c);
  }
  pclose(p);
  return out;
}

std::string refusal(const std::string& line) {
  try {
    split_shell_words(line);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(ShellWords, SplitsAsTheShellDoes) {
  for (const std::string line : {
           "ssh gpu-host gemmscope-runner --device 0",
           "  ssh   -p 2222\thost  gemmscope-runner ",
           "ssh host 'CUDA_VISIBLE_DEVICES=1 gemmscope-runner --device 0'",
           "sh -c 'exec ./runner --device 1 --uuid \"B C\"'",
           "a\"b c\"d 'e'\"f\" g\\ h",
           "x \"a\\\"b\\\\c\\$d\\`e\" y",
           "\"back\\slash\\n kept\" 'single \\ too'",
           "ssh host 'echo $HOME; ls *'",
           "a '' \"\" b",
           "env X=1 a~b c#d",
           "line\\\ncontinued",
       }) {
    EXPECT_EQ(split_shell_words(line), sh_words(line)) << line;
  }
}

TEST(ShellWords, JoinedWordsSplitBackToThemselves) {
  const std::vector<std::vector<std::string>> cases = {
      {"ssh", "host", "gemmscope-runner", "--device", "0"},
      {"sh", "-c", "exec ./r --uuid 'x y' \"$HOME\" | tee log"},
      {"a", "", "it's", "~home", "#hash", "glob*", "back\\slash"},
  };
  for (const auto& words : cases) EXPECT_EQ(split_shell_words(join_shell_words(words)), words) << join_shell_words(words);
  EXPECT_EQ(join_shell_words({"ssh", "host", "gemmscope-runner"}), "ssh host gemmscope-runner") << "plain words stay unquoted";
}

TEST(ShellWords, RefusesWhatItWouldHaveToExpandOrCannotRead) {
  EXPECT_NE(refusal("runner 'open").find("a single quote that is never closed at character 8"), std::string::npos) << refusal("runner 'open");
  EXPECT_NE(refusal("runner \"open").find("a double quote that is never closed at character 8"), std::string::npos);
  EXPECT_NE(refusal("runner \\").find("a backslash with nothing after it"), std::string::npos);
  EXPECT_NE(refusal("runner | tee x").find("unquoted '|' at character 8: a shell operator"), std::string::npos) << refusal("runner | tee x");
  for (const char* op : {"a;b", "a && b", "a > log", "a < in", "(a)", "a &"}) EXPECT_NE(refusal(op).find("a shell operator"), std::string::npos) << op;
  EXPECT_NE(refusal("ssh $HOST runner").find("unquoted '$' at character 5: an expansion"), std::string::npos) << refusal("ssh $HOST runner");
  EXPECT_NE(refusal("ssh \"$HOST\" runner").find("'$' inside double quotes at character 6"), std::string::npos);
  EXPECT_NE(refusal("runner `x`").find("an expansion"), std::string::npos);
  EXPECT_NE(refusal("runner *.json").find("a file-name pattern"), std::string::npos);
  EXPECT_NE(refusal("runner # comment").find("a comment"), std::string::npos);
  EXPECT_NE(refusal("~/gemmscope-runner").find("a home-directory expansion"), std::string::npos);
  EXPECT_NE(refusal("").find("an empty command"), std::string::npos);
  EXPECT_NE(refusal("   \t ").find("an empty command"), std::string::npos);
}
