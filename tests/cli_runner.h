// Running the built `cotenant` binary from a test: RunCotenant (with a TempDir from testing.h)
// captures the exit code, stdout and stderr (stdin is /dev/null).
// Header-only because COTENANT_BINARY is defined per test target by CMake.
#pragma once

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "testing.h"

namespace cotenant::testing {

struct RunResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out;
  std::string err;
};

inline RunResult RunCotenant(const std::vector<std::string>& args, const TempDir& dir) {
  std::string out_path = dir.Path("stdout.txt");
  std::string err_path = dir.Path("stderr.txt");
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen("/dev/null", "r", stdin) || !freopen(out_path.c_str(), "w", stdout) ||
        !freopen(err_path.c_str(), "w", stderr)) {
      _exit(126);
    }
    std::vector<std::string> copy = args;
    std::string binary = COTENANT_BINARY;
    std::vector<char*> argv{binary.data()};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  return r;
}

}  // namespace cotenant::testing
