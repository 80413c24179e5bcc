// Machine mode: the frame-level commands (start/frame/input/snapshot) the sim's NativeBackend speaks.
#include "../src/core/backend.h"
#include "../src/core/config.h"
#include "modes.h"

namespace esphil {

std::string failAnswer(const char* code, const std::string& msg) {
  std::string s;
  JsonWriter(s).beginObject().key("ok").value(false).key("error").beginObject().key("code").value(code)
      .key("message").value(msg).endObject().endObject();
  return s;
}

bool MachineMode::handles(const std::string& cmd) {
  return cmd == "start" || cmd == "frame" || cmd == "input" || cmd == "snapshot";
}

std::string MachineMode::handle(const std::string& name, const JValue& cmd) {
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
      return s;
    }
    std::vector<Effect> effects;
    machine_.init(cfg, effects);
    started_ = true;
    std::string s;
    JsonWriter w(s);
    w.beginObject().key("ok").value(true).key("caps").raw(machine_.capsJson()).key("state").raw(machine_.snapshotJson());
    w.key("effects").beginArray();
    for (const auto& e : effects) w.raw(encodeEffect(e));
    w.endArray().endObject();
    return s;
  }
  if (!started_) return failAnswer("not_started", "send {\"cmd\":\"start\",\"config\":{...}} first");
  if (name == "snapshot") return "{\"ok\":true,\"state\":" + machine_.snapshotJson() + "}";
  StepContext ctx;
  parseContext(cmd.get("ctx"), ctx);
  if (cmd.has("from")) parseOrigin(cmd.get("from"), ctx.from);
  BackendOutput bo;
  if (name == "frame") {
    JValue text = cmd.get("text");
    if (!text.isString()) return failAnswer("bad_command", "frame needs \"text\"");
    handleFrame(machine_, text.asString().data(), text.asString().size(), ctx, bo);
  } else if (!applyInputJson(machine_, cmd.get("input"), bo)) {
    // Like applyInput: a malformed input is ignored and reported, never fatal.
    bo.inputError = ErrorCode::BadParam;
  }
  std::string s;
  JsonWriter w(s);
  w.beginObject().key("ok").value(true);
  writeOutput(w, bo);
  w.endObject();
  return s;
}

}  // namespace esphil
