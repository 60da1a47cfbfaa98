// The words a POSIX shell makes of one command line (quotes, backslashes, blanks), for runner
// commands given as text (--runner-cmd 'ssh HOST gemmscope-runner --device 0'). Nothing is
// expanded: a character whose unquoted meaning is not literal (an operator, `$`, a backquote, a
// glob, a comment, a leading `~`) is refused, so a command never means something other than what
// was written.
#pragma once
#include <string>
#include <vector>

namespace gemmscope {

// Throws std::invalid_argument naming the character, its position (1-based) and the rule; an
// empty line (no words) is refused too.
std::vector<std::string> split_shell_words(const std::string& line);

// The words back as one line that split_shell_words reads as the same words (each quoted only
// where it needs to be): for messages, and for the GUI's text field.
std::string join_shell_words(const std::vector<std::string>& words);

}  // namespace gemmscope
