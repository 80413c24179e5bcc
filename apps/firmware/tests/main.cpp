// Host test runner: unit tests of the core, then the conformance vectors of @esphil/protocol and
// @esphil/device-model. Usage: host-tests [--vectors <packages dir>] [--only <substring>]
#include <cstring>
#include <string>

#include "harness.h"
#include "vectors.h"

int main(int argc, char** argv) {
  std::string packages;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--vectors") == 0 && i + 1 < argc) packages = argv[++i];
    if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = argv[++i];
  }
  int ran = 0;
  for (auto& c : th::registry()) {
    if (!only.empty() && std::string(c.name).find(only) == std::string::npos) continue;
    th::current() = c.name;
    int before = th::failures();
    c.fn();
    ++ran;
    if (th::failures() == before) std::printf("ok   %s\n", c.name);
  }
  int unitFailures = th::failures();
  std::printf("unit: %d tests, %d failed checks\n", ran, unitFailures);
  int vectorFailures = 0;
  if (!packages.empty()) vectorFailures = runAllVectors(packages);
  return (unitFailures == 0 && vectorFailures == 0) ? 0 : 1;
}
