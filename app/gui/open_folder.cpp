#include "app/gui/open_folder.h"

#include <cerrno>
#include <cstring>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace gemmscope {

std::string open_folder(const std::string& path) {
  // xdg-open returns once the file manager is asked; a child reaped later would be a zombie, so
  // it is waited for here (it takes milliseconds) and its status tells whether it worked.
  pid_t pid = 0;
  char* const argv[] = {const_cast<char*>("xdg-open"), const_cast<char*>(path.c_str()), nullptr};
  if (const int rc = posix_spawnp(&pid, "xdg-open", nullptr, nullptr, argv, environ); rc != 0)
    return std::string("cannot start xdg-open: ") + std::strerror(rc);
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return std::string("xdg-open: ") + std::strerror(errno);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return "xdg-open " + path + " failed (exit " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")";
  return "";
}

}  // namespace gemmscope
