// Conformance vectors: the same files the TypeScript tests run, with the same expectations.
#include "vectors.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <sys/stat.h>

#include "../src/core/backend.h"
#include "../src/core/config.h"
#include "../src/core/json.h"
#include "../src/core/machine.h"
#include "../src/core/protocol.h"
#include "vector_support.h"

using namespace esphil;

// Shared with the other vector runners (vector_support.h).
namespace vt {

bool readFile(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::stringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}
bool exists(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0;
}

JsonLimits bigLimits() {
  JsonLimits l;
  l.maxBytes = 64u << 20;
  l.maxDepth = 64;
  l.maxNodes = 4u << 20;
  return l;
}

int hexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The vector's input bytes: input (UTF-8 of the string), inputHex or inputFill.
bool vectorInput(const JValue& v, std::string& out, std::string& why) {
  if (v.get("input").isString()) {
    out = v.get("input").asString();
    return true;
  }
  if (v.get("inputHex").isString()) {
    const std::string& h = v.get("inputHex").asString();
    if (h.size() % 2 != 0) return (why = "odd inputHex"), false;
    out.clear();
    for (size_t i = 0; i < h.size(); i += 2) {
      int a = hexVal(h[i]), b = hexVal(h[i + 1]);
      if (a < 0 || b < 0) return (why = "bad inputHex"), false;
      out += static_cast<char>(a * 16 + b);
    }
    return true;
  }
  JValue fill = v.get("inputFill");
  if (fill.isObject()) {
    const std::string& prefix = fill.get("prefix").asString();
    const std::string& suffix = fill.get("suffix").asString();
    const std::string& ch = fill.get("fill").asString();
    double bytes = fill.get("bytes").asNumber();
    if (ch.size() != 1 || bytes < static_cast<double>(prefix.size() + suffix.size())) return (why = "bad inputFill"), false;
    out = prefix + std::string(static_cast<size_t>(bytes) - prefix.size() - suffix.size(), ch[0]) + suffix;
    return true;
  }
  why = "vector has no input";
  return false;
}

// mismatch() of device-model src/vectors/match.ts: expected is a pattern.
std::string mismatch(const JValue& exp, const JValue& act, const std::string& path) {
  if (exp.isNumber()) {
    if (act.isNumber() && std::fabs(act.asNumber() - exp.asNumber()) <= 1e-6) return "";
    return path + ": expected " + jsonStringify(exp) + ", got " + (act.valid() ? jsonStringify(act) : "undefined");
  }
  if (exp.isArray()) {
    if (!act.isArray()) return path + ": expected an array, got " + (act.valid() ? jsonStringify(act) : "undefined");
    if (act.size() != exp.size()) {
      return path + ": expected " + std::to_string(exp.size()) + " element(s), got " + std::to_string(act.size()) + ": " +
             jsonStringify(act);
    }
    size_t i = 0;
    for (JValue e = exp.first(), a = act.first(); e.valid(); e = e.next(), a = a.next(), ++i) {
      std::string m = mismatch(e, a, path + "[" + std::to_string(i) + "]");
      if (!m.empty()) return m;
    }
    return "";
  }
  if (exp.isObject()) {
    if (!act.isObject()) return path + ": expected an object, got " + (act.valid() ? jsonStringify(act) : "undefined");
    for (JValue e = exp.first(); e.valid(); e = e.next()) {
      JValue a = act.get(e.key().c_str());
      if (!a.valid()) return path + "." + e.key() + ": missing";
      std::string m = mismatch(e, a, path + "." + e.key());
      if (!m.empty()) return m;
    }
    return "";
  }
  if (act.valid() && jsonEqual(exp, act)) return "";
  return path + ": expected " + jsonStringify(exp) + ", got " + (act.valid() ? jsonStringify(act) : "undefined");
}

bool present(const JValue& v, const std::string& dotted) {
  JValue cur = v;
  size_t start = 0;
  while (start <= dotted.size()) {
    size_t dot = dotted.find('.', start);
    std::string key = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur.isObject()) return false;
    cur = cur.get(key.c_str());
    if (!cur.valid()) return false;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return true;
}


// Reads and parses one vector file; says why and returns false when it cannot. The document keeps pointing
// into `text`, so the caller owns both.
bool loadVectorFile(const std::string& path, std::string& text, std::optional<Parsed>& doc) {
  if (!readFile(path, text)) {
    std::printf("FAIL cannot read %s\n", path.c_str());
    return false;
  }
  doc.emplace(text);
  if (!doc->ok) {
    std::printf("FAIL %s is not JSON\n", path.c_str());
    return false;
  }
  return true;
}

int runEachVector(const std::string& path, int& total,
                  const std::function<std::string(const JValue&, const JValue&)>& one) {
  std::string text;
  std::optional<Parsed> loaded;
  if (!loadVectorFile(path, text, loaded)) return 1;
  int failed = 0, ran = 0;
  for (JValue v = loaded->root().get("vectors").first(); v.valid(); v = v.next()) {
    ++ran;
    std::string r = one(loaded->root(), v);
    if (!r.empty()) {
      ++failed;
      std::printf("FAIL vector \"%s\" (%s): %s\n", v.get("name").asString().c_str(), path.c_str(), r.c_str());
    }
  }
  std::printf("vectors %s: %d run, %d failed\n", path.c_str(), ran, failed);
  total += ran;
  return failed;
}

}  // namespace vt

using namespace vt;

namespace {

// ---------------------------------------------------------------------------------------------------------------
// @esphil/protocol request + legacy vectors
// ---------------------------------------------------------------------------------------------------------------

// The decoded request as an object of the fields this op knows (what fixed structs can compare).
std::string decodedJson(const Request& r) {
  std::string s;
  JsonWriter w(s);
  w.beginObject().key("id").value(r.id).key("op").value(opName(r.op));
  switch (r.op) {
    case Op::Ping:
      if (r.hasTs) w.key("ts").value(r.ts);
      break;
    case Op::LedSet: w.key("led").value(r.target).key("on").value(r.on); break;
    case Op::LedToggle: w.key("led").value(r.target); break;
    case Op::PwmSet:
      w.key("ch").value(r.target);
      if (r.hasDuty) w.key("duty").value(r.duty);
      if (r.hasRaw) w.key("raw").value(r.raw);
      break;
    case Op::PwmConfig: w.key("ch").value(r.target).key("freq").value(r.freq).key("bits").value(r.bits); break;
    case Op::SensorSubscribe: w.key("sensor").value(r.target).key("hz").value(r.hz); break;
    case Op::SensorUnsubscribe: w.key("sensor").value(r.target); break;
    case Op::LogLevel: w.key("level").value(logLevelName(r.level)); break;
    case Op::Auth: w.key("token").value(r.token); break;
    case Op::ConfigSet: w.key("config").value(r.config); break;
    default: break;
  }
  w.endObject();
  return s;
}

std::string runRequestVector(const JValue& v) {
  std::string input, why;
  if (!vectorInput(v, input, why)) return why;
  size_t maxBytes = v.get("maxBytes").isNumber() ? static_cast<size_t>(v.get("maxBytes").asNumber()) : MAX_FRAME;
  Request req;
  DecodeError err;
  bool ok = decodeRequest(input.data(), input.size(), req, err, maxBytes);
  JValue exp = v.get("expect");
  if (exp.get("ok").asBool()) {
    if (!ok) return "expected ok, got " + std::string(errorCodeName(err.code)) + " at '" + err.path + "': " + err.message;
    Parsed mine(decodedJson(req));
    // Every field we decoded must equal the expected value's; every op field the value has we must have decoded.
    JValue value = exp.get("value");
    for (JValue m = mine.root().first(); m.valid(); m = m.next()) {
      JValue e = value.get(m.key().c_str());
      if (!e.valid() || !jsonEqual(e, m)) return "decoded " + m.key() + " = " + jsonStringify(m) + ", expected " + jsonStringify(e);
    }
    return "";
  }
  if (ok) return "expected " + exp.get("code").asString() + ", but it decoded";
  std::string code = errorCodeName(err.code);
  if (code != exp.get("code").asString()) {
    return "expected " + exp.get("code").asString() + ", got " + code + " (" + err.message + ")";
  }
  if (exp.has("path") && exp.get("path").asString() != err.path) {
    return "expected path '" + exp.get("path").asString() + "', got '" + err.path + "'";
  }
  JValue id = exp.get("id");
  if (id.isNull() && err.hasId) return "expected id null, got " + std::to_string(err.id);
  if (id.isNumber() && (!err.hasId || static_cast<double>(err.id) != id.asNumber())) {
    return "expected id " + jsonStringify(id) + ", got " + (err.hasId ? std::to_string(err.id) : "null");
  }
  // The device answers the same error on the wire (handleFrame, starter config, ws client 0), unless it is legacy text.
  if (legacyText(input.data(), input.size()) < 0 && maxBytes == MAX_FRAME) {
    static DeviceConfig cfg;
    static bool init = false;
    if (!init) {
      std::vector<Diagnostic> d;
      parseConfigText(R"({"version":1,"board":"esp32-doit-devkit-v1","leds":[{"name":"status","pin":2}]})", cfg, d);
      init = true;
    }
    Machine m;
    std::vector<Effect> fx;
    m.init(cfg, fx);
    StepContext ctx;
    ctx.from.kind = OriginRef::Ws;
    BackendOutput out;
    handleFrame(m, input.data(), input.size(), ctx, out);
    Parsed reply(out.reply);
    if (!reply.ok) return "device reply is not JSON: " + out.reply.substr(0, 80);
    if (reply.root().get("error").get("code").asString() != code) return "device replied " + out.reply.substr(0, 120);
    if (!jsonEqual(reply.root().get("id"), id)) return "device reply id differs: " + out.reply.substr(0, 120);
  }
  return "";
}

std::string runLegacyVector(const JValue& v) {
  std::string input, why;
  if (!vectorInput(v, input, why)) return why;
  int got = legacyText(input.data(), input.size());
  JValue exp = v.get("expect").get("legacy");
  std::string want = exp.isString() ? exp.asString() : "null";
  std::string mine = got == 1 ? "on" : got == 0 ? "off" : "null";
  return mine == want ? "" : "expected " + want + ", got " + mine;
}

// PROTOCOL.md 9: which request targets mark an esphil connection, which frames switch a legacy-mode one.
std::string runConnectionUrlVector(const JValue& v) {
  std::string input, why;
  if (!vectorInput(v, input, why)) return why;
  bool want = v.get("expect").get("esphil").asBool();
  return hasEsphilMarker(input) == want ? "" : std::string("expected esphil ") + (want ? "true" : "false");
}

std::string runLegacySwitchVector(const JValue& v) {
  std::string input, why;
  if (!vectorInput(v, input, why)) return why;
  bool want = v.get("expect").get("switches").asBool();
  return startsJsonObject(input.data(), input.size()) == want ? "" : std::string("expected switches ") + (want ? "true" : "false");
}

// Device->client messages are encoded, not decoded, by the firmware: the valid ones exercise the JSON reader and
// writer (parse, write, parse again: same value as the vector's).
std::string runJsonRoundTrip(const JValue& v) {
  std::string input, why;
  if (!vectorInput(v, input, why)) return why;
  Parsed first(input);
  if (!first.ok) return "JSON reader rejected a valid message";
  Parsed second(jsonStringify(first.root()));
  if (!second.ok) return "JSON writer produced unreadable text";
  if (!jsonEqual(second.root(), v.get("expect").get("value"))) return "round trip changed the value";
  return "";
}

int runProtocolFile(const std::string& path, int& total) {
  std::string text;
  std::optional<Parsed> loaded;
  if (!loadVectorFile(path, text, loaded)) return 1;
  const Parsed& doc = *loaded;
  int failed = 0, ran = 0, skipped = 0;
  for (JValue v = doc.root().get("vectors").first(); v.valid(); v = v.next()) {
    const std::string& kind = v.get("kind").asString();
    std::string result;
    if (kind == "request") {
      result = runRequestVector(v);
    } else if (kind == "legacy") {
      result = runLegacyVector(v);
    } else if (kind == "connection-url") {
      result = runConnectionUrlVector(v);
    } else if (kind == "legacy-switch") {
      result = runLegacySwitchVector(v);
    } else if ((kind == "device-message" || kind == "serial-line") && v.get("expect").get("ok").asBool() &&
               v.has("input")) {
      result = runJsonRoundTrip(v);
    } else {
      ++skipped;  // client-side decoder errors: not the firmware's job
      continue;
    }
    ++ran;
    if (!result.empty()) {
      ++failed;
      std::printf("FAIL vector \"%s\" (%s): %s\n", v.get("name").asString().c_str(), path.c_str(), result.c_str());
    }
  }
  std::printf("vectors %s: %d run, %d failed, %d skipped (client-side decode errors)\n", path.c_str(), ran, failed, skipped);
  total += ran;
  return failed;
}

// ---------------------------------------------------------------------------------------------------------------
// @esphil/device-model state-machine vectors
// ---------------------------------------------------------------------------------------------------------------

std::string observable(const Machine& m) {
  std::string s;
  JsonWriter w(s);
  w.beginObject().key("snapshot");
  m.writeSnapshot(w);
  w.key("subscriptions").beginObject();
  const MachineState& st = m.state();
  for (int c = 0; c < MAX_CLIENTS; ++c) {
    bool any = false;
    for (size_t k = 0; k < st.config.sensors.size(); ++k) any = any || st.subs[c][k] > 0;
    if (!any) continue;
    w.key(std::to_string(c)).beginObject();
    for (size_t k = 0; k < st.config.sensors.size(); ++k) {
      if (st.subs[c][k] > 0) w.key(st.config.sensors[k].name).value(st.subs[c][k]);
    }
    w.endObject();
  }
  w.endObject().key("authorized").beginArray();
  for (int c = 0; c < MAX_CLIENTS; ++c) {
    if (st.authorized[c]) w.value(c);
  }
  w.endArray().endObject();
  return s;
}

std::string eventsJson(const std::vector<Event>& ev) {
  std::string s = "[";
  for (size_t i = 0; i < ev.size(); ++i) s += (i ? "," : "") + encodeEvent(ev[i], -1);
  return s + "]";
}
std::string effectsJson(const std::vector<Effect>& fx) {
  std::string s = "[";
  for (size_t i = 0; i < fx.size(); ++i) s += (i ? "," : "") + encodeEffect(fx[i]);
  return s + "]";
}

void applyCtx(const JValue& c, StepContext& ctx) {
  // Shallow overrides: the same reader as the native executable's.
  parseContext(c, ctx);
}

std::string runStateVector(const JValue& file, const JValue& v) {
  JValue cfgv = v.get("config");
  if (cfgv.isString()) cfgv = file.get("configs").get(cfgv.asString().c_str());
  DeviceConfig cfg;
  std::vector<Diagnostic> diags;
  if (!parseConfig(cfgv, cfg, diags)) {
    for (const auto& d : diags) {
      if (d.error) return "config rejected: " + d.path + ": " + d.code + ": " + d.message;
    }
    return "config rejected";
  }
  Machine m;
  std::vector<Effect> boot;
  m.init(cfg, boot);
  size_t i = 0;
  for (JValue s = v.get("steps").first(); s.valid(); s = s.next(), ++i) {
    std::string at = "step " + std::to_string(i);
    std::string before = observable(m);
    JValue e = s.get("expect");
    StepContext ctx;
    applyCtx(file.get("ctx"), ctx);
    applyCtx(s.get("ctx"), ctx);
    if (s.has("from")) parseOrigin(s.get("from"), ctx.from);
    std::string response = "null";
    std::vector<Event> events;
    std::vector<Effect> effects;
    if (s.has("legacy")) {
      LegacyResult lr = m.legacy(s.get("legacy").asString() == "on", ctx);
      response = lr.response;
      events = lr.events;
      effects = lr.effects;
      JValue reply = e.get("reply");
      if (reply.valid()) {
        std::string got = lr.accepted ? "\"" + lr.reply + "\"" : "null";
        if (got != jsonStringify(reply)) return at + ": expected reply " + jsonStringify(reply) + ", got " + got;
      }
    } else if (s.has("request")) {
      StepResult r;
      m.step(s.get("request"), ctx, r);
      response = r.response;
      events = r.events;
      effects = r.effects;
    } else {
      BackendOutput out;
      if (!applyInputJson(m, s.get("input"), out) && out.inputError == ErrorCode::None) {
        out.inputError = ErrorCode::BadParam;
      }
      events = out.events;
      effects = out.effects;
      std::string code = out.inputError == ErrorCode::None ? "null" : std::string(errorCodeName(out.inputError));
      JValue want = e.get("error");
      std::string w = want.isString() ? want.asString() : "null";
      if (w != code) return at + ": expected input error " + w + ", got " + code;
    }
    Parsed resp(response), evs(eventsJson(events)), fxs(effectsJson(effects)), obs(observable(m));
    if (!resp.ok || !evs.ok || !fxs.ok || !obs.ok) return at + ": the core produced invalid JSON";
    struct Check {
      const char* what;
      JValue exp, act;
    } checks[] = {
        {"response", e.get("response"), resp.root()},      {"events", e.get("events"), evs.root()},
        {"effects", e.get("effects"), fxs.root()},         {"state", e.get("state"), obs.root().get("snapshot")},
        {"authorized", e.get("authorized"), obs.root().get("authorized")},
    };
    for (const auto& c : checks) {
      if (!c.exp.valid()) continue;
      std::string mm = mismatch(c.exp, c.act, c.what);
      if (!mm.empty()) return at + ": " + mm;
    }
    JValue subs = e.get("subscriptions");
    if (subs.valid() && !jsonEqual(subs, obs.root().get("subscriptions"))) {
      return at + ": subscriptions " + jsonStringify(obs.root().get("subscriptions")) + ", expected " + jsonStringify(subs);
    }
    for (JValue p = e.get("absent").first(); p.valid(); p = p.next()) {
      if (present(resp.root(), p.asString())) return at + ": response has " + p.asString();
    }
    if (e.get("unchanged").asBool() && observable(m) != before) return at + ": state changed but the vector says unchanged";
  }
  return "";
}

int runStateFile(const std::string& path, int& total) {
  return runEachVector(path, total, [](const JValue& root, const JValue& v) { return runStateVector(root, v); });
}

}  // namespace

int runAllVectors(const std::string& packages) {
  int failed = 0, total = 0;
  const std::string proto = packages + "/protocol/vectors/";
  const char* protoFiles[] = {"requests.json", "legacy.json", "device-messages.json", "serial-lines.json"};
  for (const char* f : protoFiles) {
    if (!exists(proto + f)) {
      std::printf("FAIL missing vector file %s%s\n", proto.c_str(), f);
      ++failed;
      continue;
    }
    failed += runProtocolFile(proto + f, total);
  }
  const std::string sm = packages + "/device-model/vectors/state-machine.json";
  if (!exists(sm)) {
    std::printf("FAIL missing vector file %s\n", sm.c_str());
    ++failed;
  } else {
    failed += runStateFile(sm, total);
  }
  const std::string conn = packages + "/device-model/vectors/connection.json";
  if (!exists(conn)) {
    std::printf("FAIL missing vector file %s\n", conn.c_str());
    ++failed;
  } else {
    failed += runConnectionFile(conn, total);
  }
  std::printf("vectors: %d run, %d failed\n", total, failed);
  return failed;
}
