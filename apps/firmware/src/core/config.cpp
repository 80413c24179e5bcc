#include "config.h"

#include <cmath>

namespace esphil {

const char* pullName(Pull p) { return p == Pull::Up ? "up" : p == Pull::Down ? "down" : "none"; }

namespace {

// describe() of device-model structure.ts: how an unexpected value is named in messages.
std::string describe(const JValue& v) {
  if (!v.valid()) return "undefined";
  switch (v.type()) {
    case JType::Null: return "null";
    case JType::Array: return "an array";
    case JType::Object: return "an object";
    case JType::Bool: return v.asBool() ? "true" : "false";
    case JType::Number: return jsonNumber(v.asNumber());
    case JType::String: {
      // slice(0, 40) in UTF-16 units; cut on a code point boundary.
      const std::string& s = v.asString();
      size_t units = 0, i = 0;
      while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        size_t u = len == 4 ? 2 : 1;
        if (units + u > 40) break;
        units += u;
        i += len;
      }
      return "\"" + s.substr(0, i) + "\"";
    }
  }
  return "undefined";
}

bool isJsSpace(const std::string& s, size_t i, size_t& len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  len = 1;
  if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return true;
  auto at = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
  if (c == 0xC2 && at(1) == 0xA0) return (len = 2), true;
  if (c == 0xE1 && at(1) == 0x9A && at(2) == 0x80) return (len = 3), true;
  if (c == 0xE2 && at(1) == 0x80 && ((at(2) >= 0x80 && at(2) <= 0x8A) || at(2) == 0xA8 || at(2) == 0xA9 || at(2) == 0xAF)) {
    return (len = 3), true;
  }
  if (c == 0xE2 && at(1) == 0x81 && at(2) == 0x9F) return (len = 3), true;
  if (c == 0xE3 && at(1) == 0x80 && at(2) == 0x80) return (len = 3), true;
  if (c == 0xEF && at(1) == 0xBB && at(2) == 0xBF) return (len = 3), true;
  return false;
}

bool allPrintableAscii(const std::string& s, size_t from) {
  for (size_t i = from; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}
bool isTargetName(const std::string& s) { return isValidName(s); }
bool isDeviceName(const std::string& s) {
  if (s.empty() || s.size() > 24 || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  }
  return true;
}
bool isPath(const std::string& s) { return !s.empty() && s[0] == '/' && allPrintableAscii(s, 1); }
bool isProtocolToken(const std::string& s) {
  static const std::string extra = "!#$%&'*+.^_`|~-";
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || extra.find(c) != std::string::npos;
    if (!ok) return false;
  }
  return true;
}
bool isToken(const std::string& s) { return !s.empty() && allPrintableAscii(s, 0); }
bool isOrigin(const std::string& s) {
  size_t start;
  if (s.compare(0, 7, "http://") == 0) {
    start = 7;
  } else if (s.compare(0, 8, "https://") == 0) {
    start = 8;
  } else {
    return false;
  }
  if (start >= s.size()) return false;
  for (size_t i = start; i < s.size();) {
    size_t len = 1;
    if (s[i] == '/' || isJsSpace(s, i, len)) return false;
    i += len;
  }
  return true;
}

struct DiagList {
  explicit DiagList(std::vector<Diagnostic>& d) : items(d) {}
  std::vector<Diagnostic>& items;
  size_t errors = 0;
  void error(const std::string& path, const std::string& code, const std::string& msg, const std::string& hint) {
    items.push_back(make(true, path, code, msg, hint));
    ++errors;
  }
  void warn(const std::string& path, const std::string& code, const std::string& msg, const std::string& hint) {
    items.push_back(make(false, path, code, msg, hint));
  }
  static Diagnostic make(bool err, const std::string& path, const std::string& code, const std::string& msg,
                         const std::string& hint) {
    Diagnostic d;  // no aggregate init: arduino-esp32 2.x builds the core as C++11
    d.error = err;
    d.path = path;
    d.code = code;
    d.message = msg;
    d.hint = hint;
    return d;
  }
};

std::string join(const std::vector<const char*>& v) {
  std::string s;
  for (const char* x : v) s += (s.empty() ? "" : ", ") + std::string(x);
  return s;
}

// Fields of structure.ts: one object's checks, tracking soundness.
class Fields {
 public:
  Fields(DiagList& d, const JValue& obj, std::string path, const std::vector<const char*>& allowed)
      : d_(d), obj_(obj), path_(std::move(path)) {
    for (JValue m = obj.first(); m.valid(); m = m.next()) {
      if (obj.get(m.key().c_str()).index() != m.index()) continue;  // duplicate key: the last one counts
      bool known = false;
      for (const char* a : allowed) known = known || m.key() == a;
      if (!known) {
        d.warn(at(m.key()), "config.unknown-key", "Unknown key '" + m.key() + "' is ignored",
               "Known keys here: " + join(allowed) + ". Check the spelling.");
      }
    }
  }
  bool ok = true;
  std::string at(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  JValue get(const char* key) const { return obj_.get(key); }

  bool fail(const std::string& key, const char* code, const std::string& msg, const std::string& hint) {
    ok = false;
    d_.error(at(key), code, msg, hint);
    return false;
  }
  // Returns true when present and valid (value in `out`).
  bool integer(const char* key, double lo, double hi, bool required, double& out) {
    JValue v = obj_.get(key);
    std::string range = jsonNumber(lo) + ".." + jsonNumber(hi);
    if (!v.valid()) {
      if (required) fail(key, "config.missing", "'" + at(key) + "' is required", "Add an integer " + range + ".");
      return false;
    }
    if (!v.isNumber() || !(std::isfinite(v.asNumber()) && std::floor(v.asNumber()) == v.asNumber())) {
      return fail(key, "config.type", "'" + at(key) + "' must be an integer, got " + describe(v),
                  "Use a whole number " + range + ".");
    }
    double x = v.asNumber();
    if (x < lo || x > hi) {
      return fail(key, "config.range", "'" + at(key) + "' is " + jsonNumber(x) + ", outside " + range,
                  "Use a value from " + jsonNumber(lo) + " to " + jsonNumber(hi) + ".");
    }
    out = x;
    return true;
  }
  bool number(const char* key, double lo, double hi, bool exclusiveMin, double& out) {
    JValue v = obj_.get(key);
    if (!v.valid()) return false;
    if (!v.isNumber() || !std::isfinite(v.asNumber())) {
      return fail(key, "config.type", "'" + at(key) + "' must be a finite number, got " + describe(v), "Use a plain number.");
    }
    double x = v.asNumber();
    if (x < lo || x > hi || (exclusiveMin && x == lo)) {
      std::string range = (exclusiveMin ? "more than " : "at least ") + jsonNumber(lo) + " and at most " + jsonNumber(hi);
      return fail(key, "config.range", "'" + at(key) + "' is " + jsonNumber(x) + "; it must be " + range,
                  "Use a value " + range + ".");
    }
    out = x;
    return true;
  }
  bool boolean(const char* key, bool& out) {
    JValue v = obj_.get(key);
    if (!v.valid()) return false;
    if (!v.isBool()) {
      return fail(key, "config.type", "'" + at(key) + "' must be true or false, got " + describe(v), "Use true or false.");
    }
    out = v.asBool();
    return true;
  }
  bool str(const char* key, size_t maxLen, bool (*pattern)(const std::string&), const char* patternHint, std::string& out,
           size_t minLen = 1) {
    JValue v = obj_.get(key);
    if (!v.valid()) return false;
    if (!v.isString()) return fail(key, "config.type", "'" + at(key) + "' must be a string, got " + describe(v), "Use a string.");
    size_t n = utf16Length(v.asString());
    if (n < minLen || n > maxLen) {
      return fail(key, "config.range",
                  "'" + at(key) + "' must be " + std::to_string(minLen) + ".." + std::to_string(maxLen) + " characters (got " +
                      std::to_string(n) + ")",
                  n > maxLen ? "Shorten it to at most " + std::to_string(maxLen) + " characters."
                             : "Use at least " + std::to_string(minLen) + " characters.");
    }
    if (pattern != nullptr && !pattern(v.asString())) {
      return fail(key, "config.format", "'" + at(key) + "' is " + describe(v) + ", which is not allowed",
                  patternHint != nullptr ? patternHint : "Check the format.");
    }
    out = v.asString();
    return true;
  }
  int oneOf(const char* key, const std::vector<const char*>& values) {
    JValue v = obj_.get(key);
    if (!v.valid()) return -1;
    if (v.isString()) {
      for (size_t i = 0; i < values.size(); ++i) {
        if (v.asString() == values[i]) return static_cast<int>(i);
      }
    }
    fail(key, "config.enum", "'" + at(key) + "' is " + describe(v) + "; expected one of " + join(values),
         "Use one of: " + join(values) + ".");
    return -2;
  }
  bool name(std::string& out) {
    JValue v = obj_.get("name");
    if (!v.valid()) return fail("name", "config.missing", "'" + at("name") + "' is required", "Add a name such as \"status\".");
    if (!v.isString() || !isTargetName(v.asString())) {
      return fail("name", "name.invalid",
                  "'" + at("name") + "' is " + describe(v) +
                      ": names are 1-16 characters of a-z, 0-9, '_' and '-', starting with a letter",
                  "Use a short lowercase name such as \"status\" or \"fan_1\".");
    }
    out = v.asString();
    return true;
  }
  bool pin(int& out) {
    double p;
    if (!integer("pin", 0, 63, true, p)) return false;
    out = static_cast<int>(p);
    return true;
  }

 private:
  DiagList& d_;
  JValue obj_;
  std::string path_;
};

const std::vector<const char*> kLogLevels = {"error", "warn", "info", "debug"};

enum class Kind { Leds, Pwm, Buttons, Sensors };
const char* kindKey(Kind k) {
  switch (k) {
    case Kind::Leds: return "leds";
    case Kind::Pwm: return "pwm";
    case Kind::Buttons: return "buttons";
    case Kind::Sensors: return "sensors";
  }
  return "";
}
const char* kindLabel(Kind k) {
  switch (k) {
    case Kind::Leds: return "LED";
    case Kind::Pwm: return "PWM output";
    case Kind::Buttons: return "button";
    case Kind::Sensors: return "sensor";
  }
  return "";
}

struct Usage {
  Kind kind;
  std::string name;
  int pin;
  std::string path;
};

template <typename Pred>
std::string usable(const BoardProfile& b, Pred want, size_t limit = 0) {
  std::string s;
  size_t n = 0;
  for (const auto& g : b.gpios) {
    if (g.flash || g.psram || g.uart0 != nullptr || g.usb != nullptr || !g.exposed || !want(g)) continue;
    if (limit != 0 && n >= limit) break;
    s += (s.empty() ? "" : ", ") + std::to_string(g.gpio);
    ++n;
  }
  return s;
}

void checkHardware(DiagList& d, DeviceConfig& c, const std::vector<size_t> (&indexes)[4]) {
  const BoardProfile& b = *c.profile;
  auto pathOf = [&](Kind k, size_t i) {
    const auto& idx = indexes[static_cast<int>(k)];
    return std::string(kindKey(k)) + "[" + std::to_string(i < idx.size() ? idx[i] : i) + "]";
  };
  std::vector<Usage> usages;
  for (size_t i = 0; i < c.leds.size(); ++i) usages.push_back({Kind::Leds, c.leds[i].name, c.leds[i].pin, pathOf(Kind::Leds, i)});
  for (size_t i = 0; i < c.pwm.size(); ++i) usages.push_back({Kind::Pwm, c.pwm[i].name, c.pwm[i].pin, pathOf(Kind::Pwm, i)});
  for (size_t i = 0; i < c.buttons.size(); ++i) {
    usages.push_back({Kind::Buttons, c.buttons[i].name, c.buttons[i].pin, pathOf(Kind::Buttons, i)});
  }
  for (size_t i = 0; i < c.sensors.size(); ++i) {
    usages.push_back({Kind::Sensors, c.sensors[i].name, c.sensors[i].pin, pathOf(Kind::Sensors, i)});
  }
  for (size_t i = 0; i < usages.size(); ++i) {
    const Usage& u = usages[i];
    for (size_t j = 0; j < i; ++j) {
      const Usage& f = usages[j];
      if (f.name != u.name) continue;
      d.error(u.path + ".name", "name.duplicate",
              "Name '" + u.name + "' is used by " + kindLabel(f.kind) + " " + f.path + " (GPIO" + std::to_string(f.pin) +
                  ") and " + kindLabel(u.kind) + " " + u.path + " (GPIO" + std::to_string(u.pin) + ")",
              "Rename one of them; names must be unique across LEDs, PWM outputs, buttons and sensors.");
      break;
    }
  }
  std::vector<const Usage*> owners(64, nullptr);
  for (const Usage& u : usages) {
    std::string at = u.path + ".pin";
    std::string who = "GPIO" + std::to_string(u.pin) + " (" + kindLabel(u.kind) + " '" + u.name + "')";
    const GpioInfo* g = findGpio(b, u.pin);
    if (g == nullptr) {
      d.error(at, "pin.unknown",
              "GPIO" + std::to_string(u.pin) + " does not exist on the " + b.name + " (" + b.chipName + "); " +
                  kindLabel(u.kind) + " '" + u.name + "' cannot use it",
              "Pick one of the board's GPIOs: " + usable(b, [](const GpioInfo&) { return true; }) + ".");
      continue;
    }
    if (g->flash) {
      d.error(at, "pin.flash", who + " is wired to the SPI flash on the " + b.name + "; using it crashes the chip",
              "Never use the flash pins; pick another GPIO such as " +
                  usable(b, [](const GpioInfo& x) { return x.output && x.strapping == nullptr; }, 6) + ".");
      continue;
    }
    if (g->psram) {
      d.error(at, "pin.psram", who + " is used by the PSRAM of the " + b.module + " on this board",
              "Pick another GPIO; the PSRAM pins are not free on this module.");
      continue;
    }
    if (u.pin >= 0 && u.pin < 64 && owners[static_cast<size_t>(u.pin)] != nullptr) {
      const Usage& f = *owners[static_cast<size_t>(u.pin)];
      d.error(at, "pin.duplicate",
              "GPIO" + std::to_string(u.pin) + " is used twice: by " + kindLabel(f.kind) + " '" + f.name + "' (" + f.path +
                  ") and " + kindLabel(u.kind) + " '" + u.name + "' (" + u.path + ")",
              "Move '" + u.name + "' to a free GPIO.");
      continue;
    }
    owners[static_cast<size_t>(u.pin)] = &u;
    // checkRole
    if (u.kind == Kind::Leds && !g->output) {
      d.error(at, "pin.input-only", who + " is input-only on the " + b.name + " and cannot drive an LED",
              "Move the LED to an output-capable GPIO (" + usable(b, [](const GpioInfo& x) { return x.output; }, 8) +
                  "...); GPIO" + std::to_string(u.pin) + " can still serve a button or sensor.");
    }
    if (u.kind == Kind::Pwm && !g->pwm) {
      d.error(at, "pwm.no-pwm-pin", who + " cannot output PWM on the " + b.name + (g->output ? "" : " (it is input-only)"),
              "Use a PWM-capable GPIO (" + usable(b, [](const GpioInfo& x) { return x.pwm; }, 8) + "...).");
    }
    if (u.kind == Kind::Buttons) {
      for (const auto& bt : c.buttons) {
        if (bt.name != u.name) continue;
        if (bt.pull != Pull::None && !g->pulls) {
          std::string pull = pullName(bt.pull);
          d.error(at, "pin.no-pull",
                  who + " asks for an internal pull-" + pull + ", but GPIO" + std::to_string(u.pin) +
                      " has no internal pull resistors",
                  "Fit an external 10 kOhm pull-" + pull +
                      " resistor and set \"pull\": \"none\", or move the button to a GPIO with pulls.");
        }
        break;
      }
    }
    if (u.kind == Kind::Sensors) {
      std::string adc1 = usable(b, [](const GpioInfo& x) { return x.adcUnit == 1; });
      if (g->adcUnit == 0) {
        d.error(at, "adc.no-adc-pin", who + " has no ADC channel on the " + b.name, "Use an ADC1 pin: " + adc1 + ".");
      } else if (g->adcUnit == 2 && c.wifi) {
        d.error(at, "adc2.wifi",
                who + " is on ADC2 (channel " + std::to_string(g->adcChannel) + "), which cannot be read while WiFi is on",
                "Move the sensor to an ADC1 pin (" + adc1 + "), or set \"wifi\": false.");
      }
    }
    // warnSpecial
    if (g->strapping != nullptr) {
      d.warn(at, "pin.strapping", who + " is a strapping pin: " + g->strapping,
             "Allowed, but make sure nothing attached pulls it the wrong way during reset; prefer another GPIO if one is free.");
    }
    if (g->uart0 != nullptr) {
      d.warn(at, "pin.uart0",
             who + " is UART0 " + g->uart0 + ", the USB serial console used for logs, flashing and config.set",
             "Avoid it unless you give up the serial console; pick another GPIO.");
    }
    if (g->usb != nullptr) {
      d.warn(at, "pin.usb", who + " is the native USB " + g->usb + " line; using it drops the USB serial/JTAG connection",
             "Pick another GPIO unless the board is programmed over UART.");
    }
    if (g->psramOnVariants) {
      d.warn(at, "pin.psram-variant",
             who + " is used by PSRAM on " + b.name + " variants with a PSRAM module (WROVER / R8)",
             "Fine on a module without PSRAM; pick another GPIO if yours has PSRAM.");
    }
    if (!g->exposed) {
      d.warn(at, "pin.not-exposed",
             who + " is not broken out on the " + b.name + " headers" + (g->note ? std::string(" (") + g->note + ")" : ""),
             "You will need to solder to the module; pick a header pin if you can.");
    }
  }
  // checkPwm
  std::vector<LedcRequest> reqs;
  for (size_t i = 0; i < c.pwm.size(); ++i) {
    const PwmCfg& p = c.pwm[i];
    std::string problem = ledcProblem(p.freq, p.bits, b.ledc);
    if (!problem.empty()) {
      int mb = ledcMaxBits(p.freq, b.ledc);
      d.error(pathOf(Kind::Pwm, i) + ".bits", "pwm.infeasible",
              "PWM '" + p.name + "' (GPIO" + std::to_string(p.pin) + "): " + problem,
              mb > 0 ? "At " + std::to_string(p.freq) + " Hz use at most " + std::to_string(mb) +
                           " bits, or lower the frequency (limit: freq x 2^bits <= " + jsonNumber(b.ledc.clockHz / 1e6) +
                           " MHz, bits 1.." + std::to_string(b.ledc.maxBits) + ")."
                     : "Lower the frequency to at most " + std::to_string(b.ledc.clockHz / 2) + " Hz.");
    } else if (p.initialDuty > maxRaw(p.bits)) {
      d.error(pathOf(Kind::Pwm, i) + ".initialDuty", "pwm.duty-range",
              "PWM '" + p.name + "' (GPIO" + std::to_string(p.pin) + "): initialDuty " + std::to_string(p.initialDuty) +
                  " exceeds " + std::to_string(maxRaw(p.bits)) + ", the maximum at " + std::to_string(p.bits) + " bits",
              "Use 0.." + std::to_string(maxRaw(p.bits)) + " (the maximum means 100 %).");
    }
    LedcRequest r;
    r.name = p.name;
    r.pin = p.pin;
    r.freq = p.freq;
    r.bits = p.bits;
    r.channel = p.channel;
    reqs.push_back(r);
  }
  std::vector<LedcSlot> slots;
  std::vector<LedcIssue> issues;
  allocateLedc(reqs, b.ledc, c.core, slots, issues);
  for (const auto& is : issues) {
    d.error(pathOf(Kind::Pwm, is.index) + (is.field.empty() ? "" : "." + is.field), is.code, is.message, is.hint);
  }
  for (size_t i = 0; i < c.pwm.size(); ++i) c.pwm[i].slot = slots[i];
}

}  // namespace

bool parseConfig(const JValue& input, DeviceConfig& out, std::vector<Diagnostic>& diags) {
  DiagList d(diags);
  out = DeviceConfig();
  std::vector<size_t> indexes[4];
  if (!input.isObject()) {
    d.error("", "config.type", "The config must be a JSON object, got " + describe(input),
            "Start from starterConfig(board) or the example in the device-model README.");
    return false;
  }
  Fields top(d, input, "",
             {"version", "board", "core", "name", "wifi", "leds", "pwm", "buttons", "sensors", "websocket", "logLevel"});
  bool sound = true;
  JValue ver = input.get("version");
  if (!(ver.isNumber() && ver.asNumber() == 1)) {
    d.error("version", ver.valid() ? "config.version" : "config.missing", "'version' must be 1, got " + describe(ver),
            "Set \"version\": 1.");
    sound = false;
  }
  JValue board = input.get("board");
  if (!board.valid()) {
    d.error("board", "config.missing", "'board' is required", std::string("Use one of: ") + boardIdList() + ".");
    sound = false;
  } else if (!board.isString() || findBoard(board.asString()) == nullptr) {
    d.error("board", "board.unknown", "Unknown board " + describe(board), std::string("Use one of: ") + boardIdList() + ".");
    sound = false;
  } else {
    out.board = board.asString();
    out.profile = findBoard(out.board);
  }
  int core = top.oneOf("core", {"2.x", "3.x"});
  if (core == 0) out.core = CoreLine::V2;
  top.str("name", 24, isDeviceName, "Use lowercase letters, digits, \"_\" or \"-\", starting with a letter.", out.name);
  top.boolean("wifi", out.wifi);
  int ll = top.oneOf("logLevel", kLogLevels);
  if (ll >= 0) out.logLevel = static_cast<LogLevel>(ll);

  const Kind kinds[] = {Kind::Leds, Kind::Pwm, Kind::Buttons, Kind::Sensors};
  for (Kind k : kinds) {
    const char* key = kindKey(k);
    JValue list = input.get(key);
    if (!list.valid()) continue;
    if (!list.isArray()) {
      d.error(key, "config.type", std::string("'") + key + "' must be an array, got " + describe(list),
              std::string("Use a list, e.g. \"") + key + "\": [].");
      continue;
    }
    if (list.size() > MAX_TARGETS) {
      d.error(key, "config.too-many",
              std::string("'") + key + "' has " + std::to_string(list.size()) + " entries; at most 16 are accepted",
              "Remove entries.");
      continue;
    }
    size_t i = 0;
    for (JValue e = list.first(); e.valid(); e = e.next(), ++i) {
      std::string path = std::string(key) + "[" + std::to_string(i) + "]";
      if (!e.isObject()) {
        d.error(path, "config.type", "'" + path + "' must be an object, got " + describe(e),
                "Use e.g. { \"name\": \"status\", \"pin\": 2 }.");
        continue;
      }
      switch (k) {
        case Kind::Leds: {
          Fields f(d, e, path, {"name", "pin", "activeLow", "initial"});
          LedCfg l;
          f.name(l.name);
          f.pin(l.pin);
          f.boolean("activeLow", l.activeLow);
          f.boolean("initial", l.initial);
          if (f.ok) {
            out.leds.push_back(l);
            indexes[0].push_back(i);
          }
          break;
        }
        case Kind::Pwm: {
          Fields f(d, e, path, {"name", "pin", "freq", "bits", "initialDuty", "channel"});
          PwmCfg p;
          double x;
          f.name(p.name);
          f.pin(p.pin);
          if (f.integer("freq", 1, 40000000, false, x)) p.freq = static_cast<uint32_t>(x);
          if (f.integer("bits", 1, 20, false, x)) p.bits = static_cast<uint32_t>(x);
          if (f.integer("initialDuty", 0, 1048575, false, x)) p.initialDuty = static_cast<uint32_t>(x);
          if (f.integer("channel", 0, 15, false, x)) p.channel = static_cast<int>(x);
          if (f.ok) {
            out.pwm.push_back(p);
            indexes[1].push_back(i);
          }
          break;
        }
        case Kind::Buttons: {
          Fields f(d, e, path, {"name", "pin", "pull", "activeLow", "debounceMs"});
          ButtonCfg bt;
          double x;
          f.name(bt.name);
          f.pin(bt.pin);
          int pull = f.oneOf("pull", {"up", "down", "none"});
          if (pull >= 0) bt.pull = static_cast<Pull>(pull);
          f.boolean("activeLow", bt.activeLow);
          if (f.integer("debounceMs", 0, 1000, false, x)) bt.debounceMs = static_cast<uint32_t>(x);
          if (f.ok) {
            out.buttons.push_back(bt);
            indexes[2].push_back(i);
          }
          break;
        }
        case Kind::Sensors: {
          Fields f(d, e, path, {"name", "pin", "kind", "unit", "scale", "offset", "maxHz"});
          SensorCfg s;
          f.name(s.name);
          f.pin(s.pin);
          f.oneOf("kind", {"adc"});
          f.str("unit", 8, nullptr, nullptr, s.unit);
          f.number("scale", -1e9, 1e9, false, s.scale);
          f.number("offset", -1e9, 1e9, false, s.offset);
          f.number("maxHz", MIN_SENSOR_HZ, MAX_SENSOR_HZ, false, s.maxHz);
          if (f.ok) {
            out.sensors.push_back(s);
            indexes[3].push_back(i);
          }
          break;
        }
      }
    }
  }

  JValue ws = input.get("websocket");
  if (ws.valid()) {
    WsCfg w;
    if (!ws.isObject()) {
      d.error("websocket", "config.type", "'websocket' must be an object, got " + describe(ws),
              "Use e.g. { \"port\": 81 } or leave it out for defaults.");
    } else {
      Fields f(d, ws, "websocket",
               {"port", "path", "protocol", "maxClients", "heartbeat", "authToken", "authDeadlineMs", "allowedOrigins",
                "legacyText"});
      double x;
      if (f.integer("port", 1, 65535, false, x)) w.port = static_cast<uint16_t>(x);
      f.str("path", 64, isPath, "Start the path with \"/\" and use no spaces.", w.path);
      f.str("protocol", 32, isProtocolToken, "Use a token such as \"esphil.v1\" (no spaces or separators).", w.protocol);
      if (f.integer("maxClients", 1, 16, false, x)) w.maxClients = static_cast<int>(x);
      // A short token falls to guessing (PROTOCOL.md 8.1): MIN_TOKEN_LEN..MAX_TOKEN_LEN printable characters.
      if (f.str("authToken", MAX_TOKEN_LEN, isToken, "Use printable ASCII without spaces.", w.authToken, MIN_TOKEN_LEN)) {
        w.auth = true;
      }
      if (f.integer("authDeadlineMs", 100, 60000, false, x)) w.authDeadlineMs = static_cast<uint32_t>(x);
      f.boolean("legacyText", w.legacyText);
      JValue hb = ws.get("heartbeat");
      if (hb.isBool() && !hb.asBool()) {
        w.heartbeat = false;
      } else if (hb.valid()) {
        if (!hb.isObject()) {
          d.error("websocket.heartbeat", "config.type",
                  "'websocket.heartbeat' must be an object or false, got " + describe(hb),
                  "Use { \"intervalMs\": 15000, \"timeoutMs\": 3000, \"failures\": 2 } or false.");
          f.ok = false;
        } else {
          Fields h(d, hb, "websocket.heartbeat", {"intervalMs", "timeoutMs", "failures"});
          double a = 0, t = 0, n = 0;
          bool okA = h.integer("intervalMs", 100, 600000, true, a);
          bool okT = h.integer("timeoutMs", 100, 600000, true, t);
          bool okN = h.integer("failures", 1, 10, true, n);
          if (h.ok && okA && okT && okN) {
            w.hbIntervalMs = static_cast<uint32_t>(a);
            w.hbTimeoutMs = static_cast<uint32_t>(t);
            w.hbFailures = static_cast<uint32_t>(n);
          } else {
            f.ok = false;
          }
        }
      }
      JValue origins = ws.get("allowedOrigins");
      if (origins.valid()) {
        if (!origins.isArray() || origins.size() > 16) {
          d.error("websocket.allowedOrigins", "config.type",
                  "'websocket.allowedOrigins' must be an array of at most 16 origin strings",
                  "Use e.g. [\"http://localhost:5173\"], or [] to allow any origin.");
          f.ok = false;
        } else {
          size_t i = 0;
          for (JValue o = origins.first(); o.valid(); o = o.next(), ++i) {
            size_t n = o.isString() ? utf16Length(o.asString()) : 0;
            if (!o.isString() || n == 0 || n > 128 || !isOrigin(o.asString())) {
              d.error("websocket.allowedOrigins[" + std::to_string(i) + "]", "config.format",
                      "Origin " + describe(o) + " is not a scheme://host[:port] origin",
                      "Write origins as the browser sends them, e.g. \"http://192.168.1.10:8080\" (no path, no trailing "
                      "slash).");
              f.ok = false;
            } else {
              w.allowedOrigins.push_back(o.asString());
            }
          }
        }
      }
      if (f.ok) out.ws = w;
    }
  }
  if (!sound) return false;
  checkHardware(d, out, indexes);
  return d.errors == 0;
}

bool parseConfigText(const std::string& json, DeviceConfig& out, std::vector<Diagnostic>& diags) {
  JsonDoc doc;
  JsonLimits lim;
  lim.maxBytes = MAX_SERIAL_LINE;
  if (doc.parse(json, lim) != JsonError::None) {
    DiagList d(diags);
    d.error("", "config.json", "The config is not valid JSON", "Check the JSON text.");
    return false;
  }
  return parseConfig(doc.root(), out, diags);
}

void writeResolvedConfig(JsonWriter& w, const DeviceConfig& c, bool includeToken) {
  w.beginObject().key("version").value(1).key("board").value(c.board);
  w.key("core").value(c.core == CoreLine::V2 ? "2.x" : "3.x").key("name").value(c.name).key("wifi").value(c.wifi);
  w.key("leds").beginArray();
  for (const auto& l : c.leds) {
    w.beginObject().key("name").value(l.name).key("pin").value(l.pin).key("activeLow").value(l.activeLow);
    w.key("initial").value(l.initial).endObject();
  }
  w.endArray().key("pwm").beginArray();
  for (const auto& p : c.pwm) {
    w.beginObject().key("name").value(p.name).key("pin").value(p.pin).key("freq").value(p.freq).key("bits").value(p.bits);
    w.key("initialDuty").value(p.initialDuty);
    if (p.channel >= 0) w.key("channel").value(p.channel);
    w.endObject();
  }
  w.endArray().key("buttons").beginArray();
  for (const auto& b : c.buttons) {
    w.beginObject().key("name").value(b.name).key("pin").value(b.pin).key("pull").value(pullName(b.pull));
    w.key("activeLow").value(b.activeLow).key("debounceMs").value(b.debounceMs).endObject();
  }
  w.endArray().key("sensors").beginArray();
  for (const auto& s : c.sensors) {
    w.beginObject().key("name").value(s.name).key("pin").value(s.pin).key("kind").value("adc").key("unit").value(s.unit);
    w.key("scale").value(s.scale).key("offset").value(s.offset).key("maxHz").value(s.maxHz).endObject();
  }
  w.endArray().key("websocket").beginObject();
  const WsCfg& ws = c.ws;
  w.key("port").value(static_cast<int>(ws.port)).key("path").value(ws.path).key("protocol").value(ws.protocol);
  w.key("maxClients").value(ws.maxClients).key("heartbeat");
  if (ws.heartbeat) {
    w.beginObject().key("intervalMs").value(ws.hbIntervalMs).key("timeoutMs").value(ws.hbTimeoutMs);
    w.key("failures").value(ws.hbFailures).endObject();
  } else {
    w.value(false);
  }
  w.key("authDeadlineMs").value(ws.authDeadlineMs).key("allowedOrigins").beginArray();
  for (const auto& o : ws.allowedOrigins) w.value(o);
  w.endArray().key("legacyText").value(ws.legacyText);
  if (ws.auth && includeToken) w.key("authToken").value(ws.authToken);
  w.endObject().key("logLevel").value(logLevelName(c.logLevel)).endObject();
}

std::string resolvedConfigJson(const DeviceConfig& c, bool includeToken) {
  std::string s;
  JsonWriter w(s);
  writeResolvedConfig(w, c, includeToken);
  return s;
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
  w.key("legacyText").value(c.ws.legacyText && !c.leds.empty());
  w.key("auth").value(c.ws.auth);
  w.endObject();
}

}  // namespace esphil
