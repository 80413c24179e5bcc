// device-model/vectors/connection.json against the core's Device: what WebSocket connections observe (a step's
// `client` is the slot, default 0; `expect.peers` the frames other slots get from that step).
// The library's part is modelled as the Arduino adapter wires it: a refused Origin is the validator returning
// false (the library then answers 400, shared/reference/arduinowebsockets-facts.md §2), and a Hal disconnect is the
// library's disconnect(), close 1000 (facts §6). The sim runs the same file through its transport.
#include <cstdio>
#include <string>

#include "../src/core/device.h"
#include "fake_hal.h"
#include "vector_support.h"

using namespace esphil;

namespace vt {
namespace {

constexpr int kClients = 5;
constexpr int kLibraryRefusal = 400;
constexpr int kLibraryClose = 1000;

bool fromHex(const std::string& h, std::string& out) {
  if (h.size() % 2 != 0) return false;
  out.clear();
  for (size_t i = 0; i < h.size(); i += 2) {
    int a = hexVal(h[i]), b = hexVal(h[i + 1]);
    if (a < 0 || b < 0) return false;
    out += static_cast<char>(a * 16 + b);
  }
  return true;
}

// Feeds one non-connect step to the device; "" or why the step is malformed.
std::string feed(Device& d, FakeHal& hal, const JValue& step, int kSlot) {
  std::string bytes;
  if (step.get("text").isString()) {
    const std::string& t = step.get("text").asString();
    d.onText(kSlot, t.data(), t.size());
  } else if (step.get("textHex").isString()) {
    if (!fromHex(step.get("textHex").asString(), bytes)) return "bad textHex";
    d.onText(kSlot, bytes.data(), bytes.size());
  } else if (step.get("binaryHex").isString()) {
    d.onBinary(kSlot);
  } else if (step.get("fragments").isArray()) {
    for (JValue f = step.get("fragments").first(); f.valid(); f = f.next()) d.onFragment(kSlot);
  } else if (step.get("advanceMs").isNumber()) {
    hal.now += static_cast<uint64_t>(step.get("advanceMs").asNumber());
    d.loop();
  } else {
    return "unknown step kind";
  }
  return "";
}

// The frames `kSlot` got since `from`, as a JSON array (non-JSON frames as strings).
std::string framesSince(const FakeHal& hal, size_t from, int kSlot) {
  std::string out = "[";
  for (size_t i = from; i < hal.sent.size(); ++i) {
    if (hal.sent[i].first != kSlot) continue;
    if (out.size() > 1) out += ',';
    Parsed p(hal.sent[i].second);
    if (p.ok && p.root().isObject()) {
      out += hal.sent[i].second;
    } else {
      jsonEscape(out, hal.sent[i].second.data(), hal.sent[i].second.size());
    }
  }
  return out + "]";
}

// "" when `slot` got exactly `want` (patterns) since the marks, and closed exactly when `wantClose` (1000 only).
std::string judge(const FakeHal& hal, size_t sentMark, size_t discMark, int slot, const JValue& want, const JValue& close) {
  Parsed frames(framesSince(hal, sentMark, slot));
  if (!frames.ok) return "frames are not JSON";
  Parsed none("[]");
  std::string m = mismatch(want.valid() ? want : none.root(), frames.root(), "frames");
  if (!m.empty()) return m;
  bool closed = false;
  for (size_t k = discMark; k < hal.disconnected.size(); ++k) closed = closed || hal.disconnected[k] == slot;
  bool wantClose = close.isNumber();
  if (wantClose && static_cast<int>(close.asNumber()) != kLibraryClose) return "the core can only close with 1000";
  if (closed != wantClose) return closed ? "closed unexpectedly" : "not closed";
  return "";
}

std::string runVector(const JValue& file, const JValue& v) {
  JValue cfg = file.get("configs").get(v.get("config").asString().c_str());
  if (!cfg.isObject()) return "unknown config";
  std::string cfgJson = jsonStringify(cfg);
  FakeHal hal;
  Device d(hal);
  if (!d.begin("0.1.0", cfgJson.c_str())) return "config refused by the core";
  bool open[kClients] = {};
  int i = 0;
  for (JValue step = v.get("steps").first(); step.valid(); step = step.next(), ++i) {
    const std::string at = "step " + std::to_string(i);
    JValue e = step.get("expect");
    int slot = step.get("client").isInt(0, kClients - 1) ? static_cast<int>(step.get("client").asNumber()) : 0;
    if (step.has("client") && !step.get("client").isInt(0, kClients - 1)) return at + ": bad client";
    size_t sentMark = hal.sent.size(), discMark = hal.disconnected.size();
    JValue connect = step.get("connect");
    if (connect.isObject()) {
      // The library hands every header it does not parse to the sketch's validator (facts §1.1): Origin is one.
      bool refused = connect.get("origin").isString() && !d.validateHeader("Origin", connect.get("origin").asString());
      int wanted = e.get("refused").isNumber() ? static_cast<int>(e.get("refused").asNumber()) : 0;
      if (refused != (wanted == kLibraryRefusal)) return at + (refused ? ": Origin refused" : ": Origin allowed");
      if (refused) continue;
      d.onConnect(slot, connect.get("url").isString() ? connect.get("url").asString() : "/");
      open[slot] = true;
    } else {
      std::string why = feed(d, hal, step, slot);
      if (!why.empty()) return at + ": " + why;
    }
    std::string bad = judge(hal, sentMark, discMark, slot, e.get("frames"), e.get("close"));
    if (!bad.empty()) return at + ": " + bad;
    if (e.get("close").isNumber()) open[slot] = false;
    JValue peers = e.get("peers");
    for (int p = 0; p < kClients; ++p) {
      if (p == slot || !open[p]) continue;
      const std::string key = std::to_string(p);
      bad = judge(hal, sentMark, discMark, p, peers.get(key.c_str()), JValue());
      if (!bad.empty()) return at + " (client " + key + "): " + bad;
    }
  }
  return "";
}

}  // namespace

int runConnectionFile(const std::string& path, int& total) {
  return runEachVector(path, total, [](const JValue& root, const JValue& v) { return runVector(root, v); });
}

}  // namespace vt
