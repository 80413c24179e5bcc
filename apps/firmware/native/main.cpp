// esphil-native: the firmware core with simulated hardware, driven over stdin/stdout (one JSON line in, one
// JSON line out). The simulator's NativeBackend wraps it as a DeviceBackend. Protocol in README.md.
#include <cstdio>
#include <string>

#include "../src/core/backend.h"
#include "../src/core/config.h"
#include "../src/core/json.h"
#include "../src/core/machine.h"

using namespace esphil;

namespace {

// A command line carries at most one frame (15 KiB, escaped up to 6x) plus its context.
constexpr size_t MAX_COMMAND_LINE = MAX_FRAME * 6 + 4096;

std::string fail(const char* code, const std::string& msg) {
  std::string s;
  JsonWriter(s).beginObject().key("ok").value(false).key("error").beginObject().key("code").value(code)
      .key("message").value(msg).endObject().endObject();
  return s;
}

}  // namespace

int main() {
  Machine machine;
  bool started = false;
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
    if (overlong) line.assign(MAX_COMMAND_LINE + 1, ' ');
    overlong = false;
    std::string out;
    JsonDoc doc;
    JsonLimits lim;
    lim.maxBytes = MAX_COMMAND_LINE;
    lim.maxDepth = 16;
    lim.maxNodes = 8192;
    if (line.size() > MAX_COMMAND_LINE) {
      out = fail("too_large", "command line over " + std::to_string(MAX_COMMAND_LINE) + " bytes");
    } else if (doc.parse(line, lim) != JsonError::None || !doc.root().isObject()) {
      out = fail("bad_command", "each line must be one JSON object");
    } else {
      JValue cmd = doc.root();
      const std::string& name = cmd.get("cmd").asString();
      if (name == "start") {
        DeviceConfig cfg;
        std::vector<Diagnostic> diags;
        if (!parseConfig(cmd.get("config"), cfg, diags)) {
          std::string s;
          JsonWriter w(s);
          w.beginObject().key("ok").value(false).key("error").beginObject().key("code").value("bad_config");
          w.key("message").value("configuration rejected").key("diagnostics").beginArray();
          for (const auto& d : diags) {
            w.beginObject().key("severity").value(d.error ? "error" : "warning").key("path").value(d.path);
            w.key("code").value(d.code).key("message").value(d.message).key("hint").value(d.hint).endObject();
          }
          w.endArray().endObject().endObject();
          out = s;
        } else {
          std::vector<Effect> effects;
          machine.init(cfg, effects);
          started = true;
          std::string s;
          JsonWriter w(s);
          w.beginObject().key("ok").value(true).key("caps").raw(machine.capsJson()).key("state").raw(machine.snapshotJson());
          w.key("effects").beginArray();
          for (const auto& e : effects) w.raw(encodeEffect(e));
          w.endArray().endObject();
          out = s;
        }
      } else if (!started) {
        out = fail("not_started", "send {\"cmd\":\"start\",\"config\":{...}} first");
      } else if (name == "frame" || name == "input") {
        StepContext ctx;
        parseContext(cmd.get("ctx"), ctx);
        if (cmd.has("from")) parseOrigin(cmd.get("from"), ctx.from);
        BackendOutput bo;
        bool ok = true;
        if (name == "frame") {
          JValue text = cmd.get("text");
          if (!text.isString()) {
            ok = false;
            out = fail("bad_command", "frame needs \"text\"");
          } else {
            handleFrame(machine, text.asString().data(), text.asString().size(), ctx, bo);
          }
        } else if (!applyInputJson(machine, cmd.get("input"), bo)) {
          // Like applyInput: a malformed input is ignored and reported, never fatal.
          bo.inputError = ErrorCode::BadParam;
        }
        if (ok) {
          std::string s;
          JsonWriter w(s);
          w.beginObject().key("ok").value(true);
          writeOutput(w, bo);
          w.endObject();
          out = s;
        }
      } else if (name == "snapshot") {
        out = "{\"ok\":true,\"state\":" + machine.snapshotJson() + "}";
      } else {
        out = fail("bad_command", "unknown cmd (start, frame, input, snapshot)");
      }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    line.clear();
  }
  return 0;
}
