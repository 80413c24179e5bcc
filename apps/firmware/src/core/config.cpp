#include "config.h"

#include <cmath>

namespace esphil {

namespace {

struct Ctx {
  std::vector<Diagnostic>& d;
  void err(const std::string& path, const char* code, const std::string& msg, const std::string& hint) {
    d.push_back({true, path, code, msg, hint});
  }
  void warn(const std::string& path, const char* code, const std::string& msg, const std::string& hint) {
    d.push_back({false, path, code, msg, hint});
  }
};

bool optBool(Ctx& c, const JValue& o, const char* k, const std::string& path, bool& out) {
  JValue v = o.get(k);
  if (!v.valid()) return true;
  if (!v.isBool()) {
    c.err(path + "." + k, "type", std::string("'") + k + "' must be true or false", "use true or false");
    return false;
  }
  out = v.asBool();
  return true;
}
bool optInt(Ctx& c, const JValue& o, const char* k, const std::string& path, double lo, double hi, uint32_t& out) {
  JValue v = o.get(k);
  if (!v.valid()) return true;
  if (!v.isInt(lo, hi)) {
    c.err(path + "." + k, "type", std::string("'") + k + "' must be an integer " + jsonNumber(lo) + ".." + jsonNumber(hi),
          "fix the value");
    return false;
  }
  out = static_cast<uint32_t>(v.asNumber());
  return true;
}
bool optNum(Ctx& c, const JValue& o, const char* k, const std::string& path, double& out) {
  JValue v = o.get(k);
  if (!v.valid()) return true;
  if (!v.isNumber()) {
    c.err(path + "." + k, "type", std::string("'") + k + "' must be a number", "fix the value");
    return false;
  }
  out = v.asNumber();
  return true;
}
bool optStr(Ctx& c, const JValue& o, const char* k, const std::string& path, size_t maxLen, std::string& out) {
  JValue v = o.get(k);
  if (!v.valid()) return true;
  if (!v.isString() || v.asString().size() > maxLen) {
    c.err(path + "." + k, "type", std::string("'") + k + "' must be a string of at most " + std::to_string(maxLen) + " bytes",
          "fix the value");
    return false;
  }
  out = v.asString();
  return true;
}

bool nameAndPin(Ctx& c, const JValue& item, const std::string& path, std::string& name, int& pin) {
  bool ok = true;
  JValue n = item.get("name");
  if (!n.isString() || !isValidName(n.asString())) {
    c.err(path + ".name", "name.invalid", "name must be 1-16 chars of [a-z0-9_-] starting with a letter",
          "rename it, e.g. \"status\"");
    ok = false;
  } else {
    name = n.asString();
  }
  JValue p = item.get("pin");
  if (!p.isInt(0, 63)) {
    c.err(path + ".pin", "pin.invalid", "pin must be a GPIO number", "give the GPIO number, e.g. 2");
    ok = false;
  } else {
    pin = static_cast<int>(p.asNumber());
  }
  return ok;
}

std::string gpio(int pin) { return "GPIO" + std::to_string(pin); }

}  // namespace

bool parseConfig(const JValue& v, DeviceConfig& out, std::vector<Diagnostic>& diags) {
  Ctx c{diags};
  out = DeviceConfig();
  if (!v.isObject()) {
    c.err("", "config.type", "the configuration must be a JSON object", "send a DeviceConfig object");
    return false;
  }
  out.json = jsonStringify(v);
  JValue ver = v.get("version");
  if (!ver.isInt(1, 1)) c.err("version", "config.version", "version must be 1", "set \"version\": 1");
  JValue board = v.get("board");
  if (!board.isString() || (out.profile = findBoard(board.asString())) == nullptr) {
    c.err("board", "board.unknown", "unknown board",
          "use esp32-devkitc, esp32-doit-devkit-v1, esp32-s3-devkitc-1 or esp32-c3-devkitm-1");
    return false;
  }
  out.board = board.asString();
  const BoardProfile& bp = *out.profile;
  JValue core = v.get("core");
  if (core.valid()) {
    if (core.isString() && core.asString() == "2.x") {
      out.core = CoreLine::V2;
    } else if (core.isString() && core.asString() == "3.x") {
      out.core = CoreLine::V3;
    } else {
      c.err("core", "core.invalid", "core must be \"2.x\" or \"3.x\"", "set the arduino-esp32 major line");
    }
  }
  optStr(c, v, "name", "", 24, out.name);
  optBool(c, v, "wifi", "", out.wifi);
  JValue ll = v.get("logLevel");
  if (ll.valid() && (!ll.isString() || !logLevelFromName(ll.asString(), out.logLevel))) {
    c.err("logLevel", "type", "logLevel must be error, warn, info or debug", "fix the value");
  }

  std::vector<std::string> names;
  int pinUser[64];
  for (int& p : pinUser) p = 0;
  auto usePin = [&](int pin, const std::string& path, bool output, bool pwm) {
    if (!hasPin(bp.gpio, pin)) {
      c.err(path, "pin.unknown", gpio(pin) + " does not exist on " + out.board, "pick a GPIO the board has");
      return;
    }
    if (hasPin(bp.flash, pin)) {
      c.err(path, "pin.flash", gpio(pin) + " is wired to the SPI flash and cannot be used", "pick another GPIO");
      return;
    }
    if (output && hasPin(bp.inputOnly, pin)) {
      c.err(path, "pin.input-only", gpio(pin) + " is input-only and cannot drive an output", "use a GPIO below 34");
    }
    if (pwm && !hasPin(bp.pwm, pin)) c.err(path, "pin.no-pwm", gpio(pin) + " has no PWM output", "use a GPIO below 34");
    if (pinUser[pin]++ > 0) c.err(path, "pin.duplicate", gpio(pin) + " is used twice", "give each function its own GPIO");
    if (hasPin(bp.strapping, pin)) {
      c.warn(path, "pin.strapping", gpio(pin) + " is a strapping pin: its level at reset changes boot behaviour",
             "keep it free at reset or pick another GPIO");
    }
  };
  auto useName = [&](const std::string& n, const std::string& path) {
    for (const auto& m : names) {
      if (m == n) c.err(path, "name.duplicate", "name '" + n + "' is used twice", "give each target its own name");
    }
    names.push_back(n);
  };
  auto listOf = [&](const char* k) -> JValue {
    JValue a = v.get(k);
    if (a.valid() && !a.isArray()) {
      c.err(k, "type", std::string("'") + k + "' must be an array", "use [ ... ]");
      return JValue();
    }
    if (a.size() > MAX_TARGETS) {
      c.err(k, "config.too-many", std::string("more than 16 entries in '") + k + "'", "remove some");
      return JValue();
    }
    return a;
  };

  int i = 0;
  for (JValue it = listOf("leds").first(); it.valid(); it = it.next(), ++i) {
    std::string path = "leds[" + std::to_string(i) + "]";
    LedCfg l;
    if (!it.isObject()) {
      c.err(path, "type", "each LED must be an object", "use { name, pin }");
      continue;
    }
    if (nameAndPin(c, it, path, l.name, l.pin)) {
      useName(l.name, path + ".name");
      usePin(l.pin, path + ".pin", true, false);
    }
    optBool(c, it, "activeLow", path, l.activeLow);
    optBool(c, it, "initial", path, l.initial);
    out.leds.push_back(l);
  }
  i = 0;
  std::vector<LedcRequest> ledcReq;
  for (JValue it = listOf("pwm").first(); it.valid(); it = it.next(), ++i) {
    std::string path = "pwm[" + std::to_string(i) + "]";
    PwmCfg p;
    if (!it.isObject()) {
      c.err(path, "type", "each PWM output must be an object", "use { name, pin, freq, bits }");
      continue;
    }
    if (nameAndPin(c, it, path, p.name, p.pin)) {
      useName(p.name, path + ".name");
      usePin(p.pin, path + ".pin", true, true);
    }
    bool okF = optInt(c, it, "freq", path, 1, MAX_PWM_FREQ, p.freq);
    bool okB = optInt(c, it, "bits", path, 1, 20, p.bits);
    optInt(c, it, "initialDuty", path, 0, 1048575, p.initialDuty);
    if (okF && okB && !ledcFeasible(p.freq, p.bits, bp.ledcMaxBits)) {
      c.err(path, "pwm.infeasible",
            std::to_string(p.freq) + " Hz x " + std::to_string(p.bits) + " bits cannot be achieved on " + gpio(p.pin),
            "keep freq x 2^bits <= 80 MHz and bits <= " + std::to_string(bp.ledcMaxBits));
    }
    if (p.initialDuty > maxRaw(p.bits)) {
      c.err(path + ".initialDuty", "pwm.duty", "initialDuty exceeds 2^bits-1", "lower it");
    }
    out.pwm.push_back(p);
    ledcReq.push_back({p.freq, p.bits});
  }
  if (out.pwm.size() > bp.ledcChannels) {
    c.err("pwm", "pwm.channels",
          std::to_string(out.pwm.size()) + " PWM outputs but " + out.board + " has " + std::to_string(bp.ledcChannels) +
              " LEDC channels",
          "remove PWM outputs");
  } else {
    std::vector<LedcSlot> slots;
    int bad = allocateLedc(ledcReq, out.core, bp, slots);
    if (bad >= 0) {
      c.err("pwm[" + std::to_string(bad) + "]", "pwm.timer-conflict",
            "no LEDC channel/timer left for " + out.pwm[static_cast<size_t>(bad)].name +
                (out.core == CoreLine::V2 ? " (2.x pairs channels 2n/2n+1 on one timer)" : ""),
            "use the same freq and bits as another output, or fewer distinct setups");
    } else {
      for (size_t k = 0; k < out.pwm.size(); ++k) out.pwm[k].slot = slots[k];
    }
  }
  i = 0;
  for (JValue it = listOf("buttons").first(); it.valid(); it = it.next(), ++i) {
    std::string path = "buttons[" + std::to_string(i) + "]";
    ButtonCfg b;
    if (!it.isObject()) {
      c.err(path, "type", "each button must be an object", "use { name, pin }");
      continue;
    }
    if (nameAndPin(c, it, path, b.name, b.pin)) {
      useName(b.name, path + ".name");
      usePin(b.pin, path + ".pin", false, false);
    }
    JValue pull = it.get("pull");
    if (pull.valid()) {
      const std::string& s = pull.asString();
      if (pull.isString() && s == "up") {
        b.pull = Pull::Up;
      } else if (pull.isString() && s == "down") {
        b.pull = Pull::Down;
      } else if (pull.isString() && s == "none") {
        b.pull = Pull::None;
      } else {
        c.err(path + ".pull", "type", "pull must be up, down or none", "fix the value");
      }
    }
    if (b.pull != Pull::None && hasPin(bp.inputOnly, b.pin)) {
      c.err(path + ".pull", "pin.no-pull", gpio(b.pin) + " has no internal pull resistor",
            "set pull: \"none\" and fit an external resistor");
    }
    optBool(c, it, "activeLow", path, b.activeLow);
    optInt(c, it, "debounceMs", path, 0, 10000, b.debounceMs);
    out.buttons.push_back(b);
  }
  i = 0;
  for (JValue it = listOf("sensors").first(); it.valid(); it = it.next(), ++i) {
    std::string path = "sensors[" + std::to_string(i) + "]";
    SensorCfg s;
    if (!it.isObject()) {
      c.err(path, "type", "each sensor must be an object", "use { name, pin }");
      continue;
    }
    if (nameAndPin(c, it, path, s.name, s.pin)) {
      useName(s.name, path + ".name");
      usePin(s.pin, path + ".pin", false, false);
      if (!hasPin(bp.adc1 | bp.adc2, s.pin)) {
        c.err(path + ".pin", "pin.no-adc", gpio(s.pin) + " has no ADC", "use an ADC1 pin");
      } else if (out.wifi && hasPin(bp.adc2, s.pin)) {
        c.err(path + ".pin", "pin.adc2-wifi", gpio(s.pin) + " is on ADC2, which cannot be read while WiFi is on",
              "use an ADC1 pin");
      }
    }
    JValue kind = it.get("kind");
    if (kind.valid() && !(kind.isString() && kind.asString() == "adc")) {
      c.err(path + ".kind", "type", "kind must be \"adc\"", "remove it or set \"adc\"");
    }
    optStr(c, it, "unit", path, 16, s.unit);
    optNum(c, it, "scale", path, s.scale);
    optNum(c, it, "offset", path, s.offset);
    optNum(c, it, "maxHz", path, s.maxHz);
    if (!(s.maxHz > 0 && s.maxHz <= 1000)) c.err(path + ".maxHz", "sensor.rate", "maxHz must be in (0, 1000]", "fix it");
    out.sensors.push_back(s);
  }
  JValue ws = v.get("websocket");
  if (ws.valid() && !ws.isObject()) {
    c.err("websocket", "type", "websocket must be an object", "fix it");
  } else if (ws.valid()) {
    uint32_t port = out.ws.port;
    optInt(c, ws, "port", "websocket", 1, 65535, port);
    out.ws.port = static_cast<uint16_t>(port);
    optStr(c, ws, "path", "websocket", 64, out.ws.path);
    optStr(c, ws, "protocol", "websocket", 32, out.ws.protocol);
    uint32_t mc = static_cast<uint32_t>(out.ws.maxClients);
    optInt(c, ws, "maxClients", "websocket", 1, MAX_CLIENTS, mc);
    out.ws.maxClients = static_cast<int>(mc);
    JValue hb = ws.get("heartbeat");
    if (hb.isBool() && !hb.asBool()) {
      out.ws.heartbeat = false;
    } else if (hb.isObject()) {
      optInt(c, hb, "intervalMs", "websocket.heartbeat", 100, 3600000, out.ws.hbIntervalMs);
      optInt(c, hb, "timeoutMs", "websocket.heartbeat", 100, 3600000, out.ws.hbTimeoutMs);
      uint32_t f = out.ws.hbFailures;
      optInt(c, hb, "failures", "websocket.heartbeat", 1, 255, f);
      out.ws.hbFailures = static_cast<uint8_t>(f);
    } else if (hb.valid()) {
      c.err("websocket.heartbeat", "type", "heartbeat must be false or { intervalMs, timeoutMs, failures }", "fix it");
    }
    JValue tok = ws.get("authToken");
    if (tok.valid()) {
      if (!tok.isString() || tok.asString().empty() || tok.asString().size() > MAX_TOKEN_LEN) {
        c.err("websocket.authToken", "type", "authToken must be a string of 1-64 bytes", "fix it");
      } else {
        out.ws.auth = true;
        out.ws.authToken = tok.asString();
      }
    }
    optInt(c, ws, "authDeadlineMs", "websocket", 100, 600000, out.ws.authDeadlineMs);
    JValue origins = ws.get("allowedOrigins");
    if (origins.valid()) {
      if (!origins.isArray() || origins.size() > MAX_ORIGINS) {
        c.err("websocket.allowedOrigins", "type", "allowedOrigins must be an array of at most 8 strings", "fix it");
      } else {
        for (JValue o = origins.first(); o.valid(); o = o.next()) {
          if (!o.isString() || o.asString().size() > MAX_ORIGIN_LEN) {
            c.err("websocket.allowedOrigins", "type", "each origin must be a string, e.g. \"http://192.168.1.10:5173\"",
                  "fix it");
          } else {
            out.ws.allowedOrigins.push_back(o.asString());
          }
        }
      }
    }
    optBool(c, ws, "legacyText", "websocket", out.ws.legacyText);
  }
  for (const auto& d : diags) {
    if (d.error) return false;
  }
  return true;
}

bool parseConfigText(const std::string& json, DeviceConfig& out, std::vector<Diagnostic>& diags) {
  JsonDoc doc;
  if (doc.parse(json) != JsonError::None) {
    diags.push_back({true, "", "config.json", "the configuration is not valid JSON", "check the JSON text"});
    return false;
  }
  return parseConfig(doc.root(), out, diags);
}

void writeCaps(JsonWriter& w, const DeviceConfig& c) {
  w.beginObject();
  w.key("leds").beginArray();
  for (const auto& l : c.leds) w.beginObject().key("name").value(l.name).key("pin").value(l.pin).endObject();
  w.endArray();
  w.key("pwm").beginArray();
  for (const auto& p : c.pwm) {
    w.beginObject().key("name").value(p.name).key("pin").value(p.pin).key("freq").value(p.freq).key("bits").value(p.bits);
    w.endObject();
  }
  w.endArray();
  w.key("buttons").beginArray();
  for (const auto& b : c.buttons) w.beginObject().key("name").value(b.name).key("pin").value(b.pin).endObject();
  w.endArray();
  w.key("sensors").beginArray();
  for (const auto& s : c.sensors) {
    w.beginObject().key("name").value(s.name).key("pin").value(s.pin).key("unit").value(s.unit).key("maxHz").value(s.maxHz);
    w.endObject();
  }
  w.endArray();
  w.key("ops").beginArray();
  for (size_t i = 0; i < static_cast<size_t>(Op::Count_); ++i) w.value(opName(static_cast<Op>(i)));
  w.endArray();
  w.key("maxClients").value(c.ws.maxClients);
  w.key("maxFrame").value(static_cast<double>(MAX_FRAME));
  w.key("legacyText").value(c.ws.legacyText);
  w.key("auth").value(c.ws.auth);
  w.endObject();
}

}  // namespace esphil
