#include "backend.h"

namespace esphil {

void handleFrame(Machine& m, const char* text, size_t len, const StepContext& ctx, BackendOutput& out) {
  out = BackendOutput();
  out.hasReply = true;
  int legacy = legacyText(text, len);
  if (legacy >= 0) {
    LegacyResult lr = m.legacy(legacy == 1, ctx);
    // PROTOCOL.md 9: a refused legacy command (legacy off, no LED, unauthorized slot) gets no answer.
    out.hasReply = lr.accepted;
    out.reply = lr.reply;
    out.events = std::move(lr.events);
    out.effects = std::move(lr.effects);
    return;
  }
  Request req;
  DecodeError err;
  if (!decodeRequest(text, len, req, err, MAX_FRAME)) {
    out.reply = Machine::errorResponse(err);
    return;
  }
  StepResult res;
  m.step(req.doc.root(), ctx, res);
  out.reply = res.response;
  out.events = std::move(res.events);
  out.effects = std::move(res.effects);
}

bool parseOrigin(const JValue& v, OriginRef& out) {
  if (!v.isObject()) return false;
  const std::string& k = v.get("kind").asString();
  if (k == "serial") {
    out.kind = OriginRef::Serial;
    out.client = 0;
    return true;
  }
  if (k == "ws" && v.get("client").isInt(0, MAX_CLIENTS - 1)) {
    out.kind = OriginRef::Ws;
    out.client = static_cast<int>(v.get("client").asNumber());
    return true;
  }
  return false;
}

void parseContext(const JValue& v, StepContext& ctx) {
  if (!v.isObject()) return;
  parseOrigin(v.get("from"), ctx.from);
  if (v.get("nowMs").isNumber()) ctx.nowMs = static_cast<uint64_t>(v.get("nowMs").asNumber());
  if (v.get("uptimeMs").isNumber()) ctx.uptimeMs = static_cast<uint64_t>(v.get("uptimeMs").asNumber());
  JValue id = v.get("identity");
  if (id.isObject()) {
    if (id.get("fw").isString()) ctx.identity.fw = id.get("fw").asString();
    if (id.get("board").isString()) ctx.identity.board = id.get("board").asString();
    if (id.get("device").isString()) ctx.identity.device = id.get("device").asString();
    if (id.get("boot").isString()) ctx.identity.boot = id.get("boot").asString();
  }
  if (v.get("clients").isNumber()) ctx.clients = static_cast<int>(v.get("clients").asNumber());
  // Shallow override: only keys that are present change the context (null means "none").
  JValue ip = v.get("ip");
  if (ip.valid()) {
    ctx.hasIp = ip.isString();
    ctx.ip = ip.asString();
  }
  JValue rssi = v.get("rssi");
  if (rssi.valid()) {
    ctx.hasRssi = rssi.isNumber();
    ctx.rssi = static_cast<int>(rssi.asNumber());
  }
  if (v.get("heapFree").isNumber()) ctx.heapFree = static_cast<uint32_t>(v.get("heapFree").asNumber());
}

bool applyInputJson(Machine& m, const JValue& in, BackendOutput& out) {
  out = BackendOutput();
  if (!in.isObject()) return false;
  const std::string& kind = in.get("kind").asString();
  if (kind == "button") {
    if (!in.get("button").isString()) return false;
    if (!in.get("pressed").isBool()) {
      out.inputError = ErrorCode::BadParam;
      return true;
    }
    out.inputError = m.buttonInput(in.get("button").asString(), in.get("pressed").asBool(), out.events);
    return true;
  }
  if (kind == "sensor-sample") {
    if (!in.get("sensor").isString()) return false;
    if (!in.get("raw").isNumber()) {
      out.inputError = ErrorCode::BadParam;
      return true;
    }
    out.inputError = m.sensorSample(in.get("sensor").asString(), in.get("raw").asNumber(), out.events);
    return true;
  }
  if (kind == "client-disconnected") {
    if (!in.get("client").isInt(0, 1e9)) return false;
    m.clientDisconnected(static_cast<int>(in.get("client").asNumber()));
    return true;
  }
  return false;
}

void writeOutput(JsonWriter& w, const BackendOutput& out) {
  w.key("reply");
  if (out.hasReply) {
    w.value(out.reply);
  } else {
    w.null();
  }
  w.key("events").beginArray();
  for (const auto& e : out.events) w.raw(encodeEvent(e, -1));
  w.endArray();
  w.key("effects").beginArray();
  for (const auto& e : out.effects) w.raw(encodeEffect(e));
  w.endArray();
  if (out.inputError != ErrorCode::None) w.key("inputError").value(errorCodeName(out.inputError));
}

}  // namespace esphil
