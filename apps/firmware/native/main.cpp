// esphil-native: the firmware core with simulated hardware, driven over stdin/stdout (one JSON line in, one JSON
// line out). Two command sets (modes.h): machine mode for the sim's NativeBackend, device mode for its
// NativeDeviceBody. Protocol in README.md.
#include <cstdio>
#include <string>

#include "../src/core/json.h"
#include "../src/core/limits.h"
#include "modes.h"

using namespace esphil;

namespace {
// A command line carries at most one frame (15 KiB, escaped up to 6x, or hex: 2x) plus its context.
constexpr size_t MAX_COMMAND_LINE = MAX_FRAME * 6 + 4096;
}  // namespace

int main() {
  MachineMode machine;
  DeviceMode device;
  std::string line;
  bool overlong = false;
  for (;;) {
    // Bounded line reader: an overlong command is discarded up to its newline and answered too_large.
    int ch = std::getchar();
    if (ch == EOF) break;
    if (ch != '\n') {
      if (line.size() <= MAX_COMMAND_LINE) {
        line += static_cast<char>(ch);
      } else {
        overlong = true;
      }
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() && !overlong) continue;
    std::string out;
    JsonDoc doc;
    JsonLimits lim;
    lim.maxBytes = MAX_COMMAND_LINE;
    lim.maxDepth = 16;
    lim.maxNodes = 8192;
    if (overlong || line.size() > MAX_COMMAND_LINE) {
      out = failAnswer("too_large", "command line over " + std::to_string(MAX_COMMAND_LINE) + " bytes");
    } else if (doc.parse(line, lim) != JsonError::None || !doc.root().isObject()) {
      out = failAnswer("bad_command", "each line must be one JSON object");
    } else {
      JValue cmd = doc.root();
      const std::string& name = cmd.get("cmd").asString();
      if (MachineMode::handles(name)) {
        out = machine.handle(name, cmd);
      } else if (DeviceMode::handles(name)) {
        out = device.handle(name, cmd);
      } else {
        out = failAnswer("bad_command",
                         "unknown cmd (machine mode: start, frame, input, snapshot; device mode: boot, connect, text, "
                         "binary, fragment, disconnect, tick, pin, adc, serial, state)");
      }
    }
    overlong = false;
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    line.clear();
  }
  return 0;
}
