#include "machine.h"

#include <cmath>

namespace esphil {

std::string causeOf(const OriginRef& o) {
  switch (o.kind) {
    case OriginRef::Ws: return "ws:" + std::to_string(o.client);
    case OriginRef::Serial: return "serial";
    case OriginRef::Local: return "local";
  }
  return "local";
}

std::string encodeEvent(const Event& e, int64_t seq) {
  std::string s;
  JsonWriter w(s);
  w.beginObject().key("t").value("evt");
  if (seq >= 0) w.key("seq").value(static_cast<double>(seq));
  switch (e.kind) {
    case EventKind::Led:
      w.key("ev").value("led").key("led").value(e.name).key("on").value(e.flag).key("by").value(e.by);
      break;
    case EventKind::Pwm:
      w.key("ev").value("pwm").key("ch").value(e.name).key("freq").value(e.freq).key("bits").value(e.bits);
      w.key("duty").value(e.duty).key("by").value(e.by);
      break;
    case EventKind::Button:
      w.key("ev").value("button").key("button").value(e.name).key("pressed").value(e.flag);
      break;
    case EventKind::Sensor:
      w.key("ev").value("sensor").key("sensor").value(e.name).key("raw").value(e.raw).key("value").value(e.value);
      break;
    case EventKind::Log:
      w.key("ev").value("log").key("level").value(logLevelName(e.level)).key("msg").value(e.msg);
      break;
  }
  w.endObject();
  return s;
}

std::string encodeEffect(const Effect& e) {
  std::string s;
  JsonWriter w(s);
  w.beginObject();
  switch (e.kind) {
    case EffectKind::Reboot: w.key("kind").value("reboot").key("afterMs").value(e.afterMs); break;
    case EffectKind::StoreConfig: w.key("kind").value("store-config").key("config").raw(e.config); break;
    case EffectKind::PwmOutput:
      w.key("kind").value("pwm-output").key("ch").value(e.name).key("pin").value(e.pin).key("freq").value(e.freq);
      w.key("bits").value(e.bits).key("duty").value(e.duty).key("fraction").value(e.fraction);
      break;
    case EffectKind::LedOutput:
      w.key("kind").value("led-output").key("led").value(e.name).key("pin").value(e.pin).key("on").value(e.on);
      w.key("level").value(e.level);
      break;
  }
  w.endObject();
  return s;
}

int Machine::findLed(const std::string& n) const {
  for (size_t i = 0; i < s_.config.leds.size(); ++i) {
    if (s_.config.leds[i].name == n) return static_cast<int>(i);
  }
  return -1;
}
int Machine::findPwm(const std::string& n) const {
  for (size_t i = 0; i < s_.config.pwm.size(); ++i) {
    if (s_.config.pwm[i].name == n) return static_cast<int>(i);
  }
  return -1;
}
int Machine::findButton(const std::string& n) const {
  for (size_t i = 0; i < s_.config.buttons.size(); ++i) {
    if (s_.config.buttons[i].name == n) return static_cast<int>(i);
  }
  return -1;
}
int Machine::findSensor(const std::string& n) const {
  for (size_t i = 0; i < s_.config.sensors.size(); ++i) {
    if (s_.config.sensors[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

Effect Machine::ledEffect(size_t i) const {
  const LedCfg& l = s_.config.leds[i];
  Effect e;
  e.kind = EffectKind::LedOutput;
  e.name = l.name;
  e.pin = l.pin;
  e.on = s_.leds[i];
  e.level = (e.on != l.activeLow) ? 1 : 0;
  return e;
}
Effect Machine::pwmEffect(size_t i) const {
  const PwmCfg& p = s_.config.pwm[i];
  const PwmRt& r = s_.pwm[i];
  Effect e;
  e.kind = EffectKind::PwmOutput;
  e.name = p.name;
  e.pin = p.pin;
  e.freq = r.freq;
  e.bits = r.bits;
  e.duty = r.duty;
  e.fraction = pwmFraction(r.duty, r.bits);
  e.channel = p.slot.channel;
  return e;
}

double scaleSensor(double raw, double scale, double offset) {
  const double f = 1e6;  // 10^SENSOR_VALUE_DECIMALS
  double v = std::floor((raw * scale + offset) * f + 0.5) / f;
  return v == 0 ? 0.0 : v;
}

void Machine::init(const DeviceConfig& cfg, std::vector<Effect>& effects) {
  s_ = MachineState();
  s_.config = cfg;
  s_.logLevel = cfg.logLevel;
  for (size_t i = 0; i < cfg.leds.size(); ++i) s_.leds.push_back(cfg.leds[i].initial);
  for (size_t i = 0; i < cfg.pwm.size(); ++i) {
    PwmRt p;
    p.freq = cfg.pwm[i].freq;
    p.bits = cfg.pwm[i].bits;
    p.duty = cfg.pwm[i].initialDuty;
    s_.pwm.push_back(p);
  }
  s_.buttons.assign(cfg.buttons.size(), false);
  for (const auto& sc : cfg.sensors) {
    SensorRt r;
    r.value = sc.offset;
    s_.sensors.push_back(r);
  }
  for (size_t i = 0; i < cfg.leds.size(); ++i) effects.push_back(ledEffect(i));
  for (size_t i = 0; i < cfg.pwm.size(); ++i) effects.push_back(pwmEffect(i));
}

void Machine::writeSnapshot(JsonWriter& w) const {
  const DeviceConfig& c = s_.config;
  w.beginObject();
  w.key("leds").beginObject();
  for (size_t i = 0; i < c.leds.size(); ++i) w.key(c.leds[i].name).value(static_cast<bool>(s_.leds[i]));
  w.endObject();
  w.key("pwm").beginObject();
  for (size_t i = 0; i < c.pwm.size(); ++i) {
    w.key(c.pwm[i].name).beginObject().key("freq").value(s_.pwm[i].freq).key("bits").value(s_.pwm[i].bits);
    w.key("duty").value(s_.pwm[i].duty).endObject();
  }
  w.endObject();
  w.key("buttons").beginObject();
  for (size_t i = 0; i < c.buttons.size(); ++i) w.key(c.buttons[i].name).value(static_cast<bool>(s_.buttons[i]));
  w.endObject();
  w.key("sensors").beginObject();
  for (size_t i = 0; i < c.sensors.size(); ++i) {
    w.key(c.sensors[i].name).beginObject().key("raw").value(s_.sensors[i].raw).key("value").value(s_.sensors[i].value);
    w.endObject();
  }
  w.endObject();
  w.key("logLevel").value(logLevelName(s_.logLevel));
  w.endObject();
}
std::string Machine::snapshotJson() const {
  std::string s;
  JsonWriter w(s);
  writeSnapshot(w);
  return s;
}
std::string Machine::capsJson() const {
  std::string s;
  JsonWriter w(s);
  writeCaps(w, s_.config);
  return s;
}

std::string Machine::errorResponse(const DecodeError& e) { return encodeError(e.hasId, e.id, e.code, e.message); }

namespace {

struct Res {
  std::string s;
  JsonWriter w{s};
  explicit Res(double id) { w.beginObject().key("t").value("res").key("id").value(id).key("ok").value(true).key("result"); }
  std::string done() {
    w.endObject();
    return s;
  }
};

}  // namespace

namespace {
template <typename T>
std::string known(const std::vector<T>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ", ") + i.name;
  return s.empty() ? "none" : s;
}
}  // namespace

namespace {
// requestId of device-model respond.ts: a non-negative integer id, else null.
bool requestId(const JValue& req, double& id) {
  JValue v = req.get("id");
  if (!v.isNumber()) return false;
  double d = v.asNumber();
  if (!(std::isfinite(d) && std::floor(d) == d && d >= 0 && d <= MAX_REQUEST_ID)) return false;
  id = d;
  return true;
}
bool isIntegral(const JValue& v) {
  return v.isNumber() && std::isfinite(v.asNumber()) && std::floor(v.asNumber()) == v.asNumber();
}
}  // namespace

void Machine::step(const JValue& req, const StepContext& ctx, StepResult& out) {
  out = StepResult();
  double rid = 0;
  const bool hasId = requestId(req, rid);
  auto error = [&](ErrorCode c, const std::string& msg) { out.response = encodeError(hasId, rid, c, msg); };
  const double id = hasId ? rid : 0;  // an ok response without a readable id answers id 0, as TS does
  const bool fromWs = ctx.from.kind == OriginRef::Ws;
  const int ci = clientIdx(ctx.from.client);
  const DeviceConfig& cfg = s_.config;

  JValue opv = req.get("op");
  if (!req.isObject() || !opv.isString() || !hasId) {
    return error(ErrorCode::BadRequest, "A request is an object with an id (integer >= 0) and an op");
  }
  const std::string& opName_ = opv.asString();
  Op op;
  bool knownOp = opFromName(opName_, op);
  if (opName_ != "auth" && fromWs && needsAuth(ctx.from.client)) {
    return error(ErrorCode::Unauthorized, "Send {\"op\":\"auth\",\"token\":...} first");
  }
  if (!knownOp) return error(ErrorCode::UnknownOp, "Unknown op '" + opName_.substr(0, 32) + "'");
  const std::string by = causeOf(ctx.from);

  switch (op) {
    case Op::Auth: {
      JValue tok = req.get("token");
      if (!tok.isString()) return error(ErrorCode::BadParam, "'token' must be a string");
      if (cfg.ws.auth && fromWs) {
        // Constant-time compare: the time taken must not reveal how much of the token matched.
        const std::string& a = tok.asString();
        const std::string& b = cfg.ws.authToken;
        size_t n = a.size() > b.size() ? a.size() : b.size();
        unsigned diff = static_cast<unsigned>(a.size() ^ b.size());
        for (size_t i = 0; i < n; ++i) {
          unsigned ca = i < a.size() ? static_cast<unsigned char>(a[i]) : 0u;
          unsigned cb = i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
          diff |= ca ^ cb;
        }
        if (diff != 0) return error(ErrorCode::Unauthorized, "Wrong token");
        s_.authorized[ci] = true;
      }
      Res r(id);
      r.w.beginObject().endObject();
      out.response = r.done();
      return;
    }
    case Op::Ping: {
      JValue ts = req.get("ts");
      if (ts.valid() && !(ts.isNumber() && std::isfinite(ts.asNumber()))) {
        return error(ErrorCode::BadParam, "'ts' must be a number when given");
      }
      Res r(id);
      r.w.beginObject().key("uptimeMs").value(static_cast<double>(ctx.uptimeMs));
      if (ts.valid()) r.w.key("ts").value(ts.asNumber());
      r.w.endObject();
      out.response = r.done();
      return;
    }
    case Op::Info: {
      Res r(id);
      JsonWriter& w = r.w;
      w.beginObject().key("fw").value(ctx.identity.fw).key("board").value(ctx.identity.board);
      w.key("device").value(ctx.identity.device).key("boot").value(ctx.identity.boot);
      w.key("uptimeMs").value(static_cast<double>(ctx.uptimeMs)).key("heapFree").value(ctx.heapFree);
      w.key("rssi");
      if (ctx.hasRssi) {
        w.value(ctx.rssi);
      } else {
        w.null();
      }
      w.key("ip");
      if (ctx.hasIp) {
        w.value(ctx.ip);
      } else {
        w.null();
      }
      w.key("clients").value(ctx.clients).endObject();
      out.response = r.done();
      return;
    }
    case Op::StateGet: {
      Res r(id);
      writeSnapshot(r.w);
      out.response = r.done();
      return;
    }
    case Op::LedSet:
    case Op::LedToggle: {
      JValue onv = req.get("on");
      if (op == Op::LedSet && !onv.isBool()) return error(ErrorCode::BadParam, "'on' must be true or false");
      JValue led = req.get("led");
      if (!led.isString()) return error(ErrorCode::BadParam, "'led' must be an LED name");
      const std::string& name = led.asString();
      int i = findLed(name);
      if (i < 0) return error(ErrorCode::UnknownTarget, "No LED '" + name + "' (LEDs: " + known(cfg.leds) + ")");
      size_t k = static_cast<size_t>(i);
      bool on = op == Op::LedSet ? onv.asBool() : !s_.leds[k];
      s_.leds[k] = on;
      // Every successful command emits an event, changed or not: every client sees every command and who sent it.
      Event e;
      e.kind = EventKind::Led;
      e.name = name;
      e.flag = on;
      e.by = by;
      out.events.push_back(e);
      out.effects.push_back(ledEffect(k));
      Res r(id);
      r.w.beginObject().key("led").value(name).key("on").value(on).endObject();
      out.response = r.done();
      return;
    }
    case Op::PwmSet:
    case Op::PwmConfig: {
      JValue ch = req.get("ch");
      if (!ch.isString()) return error(ErrorCode::BadParam, "'ch' must be a PWM output name");
      const std::string& name = ch.asString();
      int i = findPwm(name);
      if (i < 0) return error(ErrorCode::UnknownTarget, "No PWM output '" + name + "' (PWM outputs: " + known(cfg.pwm) + ")");
      size_t k = static_cast<size_t>(i);
      PwmRt next = s_.pwm[k];
      if (op == Op::PwmSet) {
        const double mx = std::pow(2.0, next.bits) - 1;
        JValue duty = req.get("duty");
        JValue raw = req.get("raw");
        if (duty.valid() == raw.valid()) {
          return error(ErrorCode::BadParam, "Give exactly one of 'duty' (fraction 0..1) or 'raw' (counts)");
        }
        if (duty.valid()) {
          if (!(duty.isNumber() && std::isfinite(duty.asNumber()) && duty.asNumber() >= 0 && duty.asNumber() <= 1)) {
            return error(ErrorCode::BadParam, "'duty' must be a number from 0 to 1");
          }
          next.duty = dutyToRaw(duty.asNumber(), next.bits);
        } else {
          if (!(isIntegral(raw) && raw.asNumber() >= 0 && raw.asNumber() <= mx)) {
            return error(ErrorCode::BadParam, "'raw' must be an integer from 0 to " + jsonNumber(mx) + " at " +
                                                  std::to_string(next.bits) + " bits (" + jsonNumber(mx) + " = 100 %)");
          }
          next.duty = static_cast<uint32_t>(raw.asNumber());
        }
      } else {
        JValue fv = req.get("freq");
        JValue bv = req.get("bits");
        if (!(isIntegral(fv) && fv.asNumber() >= 1)) return error(ErrorCode::BadParam, "'freq' must be a whole number of Hz >= 1");
        if (!isIntegral(bv)) return error(ErrorCode::BadParam, "'bits' must be an integer");
        if (cfg.profile == nullptr) return error(ErrorCode::Internal, "Unknown board '" + cfg.board + "'");
        std::string problem = ledcProblem(fv.asNumber(), bv.asNumber(), cfg.profile->ledc);
        if (!problem.empty()) return error(ErrorCode::PwmInfeasible, "PWM '" + name + "': " + problem);
        // Feasible means 1 <= freq <= 40 MHz and 1 <= bits <= 20: the casts below are exact.
        uint32_t freq = static_cast<uint32_t>(fv.asNumber()), bits = static_cast<uint32_t>(bv.asNumber());
        // Re-run the allocator with every output pinned to its current channel and the new setup for this one.
        std::vector<LedcRequest> reqs;
        for (size_t j = 0; j < cfg.pwm.size(); ++j) {
          LedcRequest lr;
          lr.name = cfg.pwm[j].name;
          lr.pin = cfg.pwm[j].pin;
          lr.freq = j == k ? freq : s_.pwm[j].freq;
          lr.bits = j == k ? bits : s_.pwm[j].bits;
          lr.channel = cfg.pwm[j].slot.channel >= 0 ? cfg.pwm[j].slot.channel : cfg.pwm[j].channel;
          reqs.push_back(lr);
        }
        std::vector<LedcSlot> slots;
        std::vector<LedcIssue> issues;
        if (!allocateLedc(reqs, cfg.profile->ledc, cfg.core, slots, issues)) {
          return error(ErrorCode::PwmInfeasible, issues.front().message);
        }
        for (size_t j = 0; j < slots.size(); ++j) s_.config.pwm[j].slot = slots[j];
        // The duty keeps its effective fraction (full on stays full on).
        next.duty = dutyToRaw(pwmFraction(next.duty, next.bits), bits);
        next.freq = freq;
        next.bits = bits;
      }
      s_.pwm[k] = next;
      Event e;
      e.kind = EventKind::Pwm;
      e.name = name;
      e.freq = next.freq;
      e.bits = next.bits;
      e.duty = next.duty;
      e.by = by;
      out.events.push_back(e);
      out.effects.push_back(pwmEffect(k));
      Res r(id);
      r.w.beginObject().key("ch").value(name).key("freq").value(next.freq).key("bits").value(next.bits);
      r.w.key("duty").value(next.duty).endObject();
      out.response = r.done();
      return;
    }
    case Op::SensorSubscribe:
    case Op::SensorUnsubscribe: {
      if (!fromWs) {
        return error(ErrorCode::BadParam, "Sensor streams go to WebSocket clients only; read sensors over serial with state.get");
      }
      JValue sv = req.get("sensor");
      if (!sv.isString()) return error(ErrorCode::BadParam, "'sensor' must be a sensor name");
      const std::string& name = sv.asString();
      int i = findSensor(name);
      if (i < 0) return error(ErrorCode::UnknownTarget, "No sensor '" + name + "' (sensors: " + known(cfg.sensors) + ")");
      size_t k = static_cast<size_t>(i);
      if (op == Op::SensorSubscribe) {
        double mx = cfg.sensors[k].maxHz;
        JValue hzv = req.get("hz");
        double hz = hzv.asNumber();
        if (!(hzv.isNumber() && std::isfinite(hz) && hz >= MIN_SENSOR_HZ && hz <= mx)) {
          return error(ErrorCode::BadParam, "'hz' must be at least " + jsonNumber(MIN_SENSOR_HZ) + " and at most " + jsonNumber(mx) + " for sensor '" +
                                                cfg.sensors[k].name + "'");
        }
        s_.subs[ci][k] = hz;
        Res r(id);
        r.w.beginObject().key("sensor").value(name).key("hz").value(hz).endObject();
        out.response = r.done();
      } else {
        s_.subs[ci][k] = 0;
        Res r(id);
        r.w.beginObject().key("sensor").value(name).endObject();
        out.response = r.done();
      }
      return;
    }
    case Op::Reboot: {
      Effect e;
      e.kind = EffectKind::Reboot;
      e.afterMs = REBOOT_DELAY_MS;
      out.effects.push_back(e);
      Res r(id);
      r.w.beginObject().key("inMs").value(REBOOT_DELAY_MS).endObject();
      out.response = r.done();
      return;
    }
    case Op::LogLevel: {
      JValue lv = req.get("level");
      LogLevel level;
      if (!lv.isString() || !logLevelFromName(lv.asString(), level)) {
        return error(ErrorCode::BadParam, "'level' must be one of error, warn, info, debug");
      }
      s_.logLevel = level;
      Res r(id);
      r.w.beginObject().key("level").value(logLevelName(level)).endObject();
      out.response = r.done();
      return;
    }
    case Op::ConfigSet: {
      // Serial only: a WebSocket client could otherwise lock everyone out or brick the pin setup remotely.
      if (ctx.from.kind != OriginRef::Serial) {
        return error(ErrorCode::Unauthorized, "config.set is accepted on the serial console only");
      }
      DeviceConfig next;
      std::vector<Diagnostic> diags;
      if (!parseConfig(req.get("config"), next, diags)) {
        for (const auto& d : diags) {
          if (!d.error) continue;
          std::string where = d.path.empty() ? "config" : "config." + d.path;
          return error(ErrorCode::BadParam, where + ": " + d.code + ": " + d.message + ". " + d.hint);
        }
        return error(ErrorCode::BadParam, "Invalid config");
      }
      Effect st;
      st.kind = EffectKind::StoreConfig;
      st.config = resolvedConfigJson(next, true);
      out.effects.push_back(st);
      Effect rb;
      rb.kind = EffectKind::Reboot;
      rb.afterMs = REBOOT_DELAY_MS;
      out.effects.push_back(rb);
      Res r(id);
      r.w.beginObject().key("caps");
      writeCaps(r.w, next);
      r.w.key("rebootInMs").value(REBOOT_DELAY_MS).endObject();
      out.response = r.done();
      return;
    }
    case Op::ConfigGet: {
      // The running config with every default filled in; the token stays on the device for WebSocket clients.
      Res r(id);
      r.w.beginObject().key("config");
      writeResolvedConfig(r.w, cfg, ctx.from.kind == OriginRef::Serial);
      r.w.endObject();
      out.response = r.done();
      return;
    }
    case Op::Count_:
      break;
  }
  error(ErrorCode::Internal, "unhandled op");
}

ErrorCode Machine::buttonInput(const std::string& name, bool pressed, std::vector<Event>& events) {
  int i = findButton(name);
  if (i < 0) return ErrorCode::UnknownTarget;
  size_t k = static_cast<size_t>(i);
  if (s_.buttons[k] == pressed) return ErrorCode::None;
  s_.buttons[k] = pressed;
  Event e;
  e.kind = EventKind::Button;
  e.name = name;
  e.flag = pressed;
  events.push_back(e);
  return ErrorCode::None;
}

ErrorCode Machine::sensorSample(const std::string& name, double raw, std::vector<Event>& events) {
  int i = findSensor(name);
  if (i < 0) return ErrorCode::UnknownTarget;
  const double mx = (1 << ADC_BITS) - 1;
  if (!(raw >= 0 && raw <= mx && std::floor(raw) == raw)) return ErrorCode::BadParam;
  size_t k = static_cast<size_t>(i);
  const SensorCfg& c = s_.config.sensors[k];
  s_.sensors[k].raw = raw;
  s_.sensors[k].value = scaleSensor(raw, c.scale, c.offset);
  Event e;
  e.kind = EventKind::Sensor;
  e.name = name;
  e.raw = raw;
  e.value = s_.sensors[k].value;
  events.push_back(e);
  return ErrorCode::None;
}

void Machine::clientDisconnected(int client) {
  if (client < 0 || client >= MAX_CLIENTS) return;
  for (double& hz : s_.subs[client]) hz = 0;
  s_.authorized[client] = false;
}

LegacyResult Machine::legacy(bool on, const StepContext& ctx) {
  LegacyResult out;
  if (!s_.config.ws.legacyText || s_.config.leds.empty()) {
    out.response = encodeError(true, 0, ErrorCode::UnknownOp, "Legacy text mode is off");
    return out;
  }
  std::string req;
  JsonWriter(req).beginObject().key("id").value(0).key("op").value("led.set").key("led").value(s_.config.leds[0].name)
      .key("on").value(on).endObject();
  JsonDoc doc;
  doc.parse(req);
  StepResult r;
  step(doc.root(), ctx, r);
  out.response = r.response;
  if (r.events.empty()) return out;  // refused (unauthorized slot): no reply, nothing changed
  std::string by = ctx.from.kind == OriginRef::Ws ? "legacy:" + std::to_string(ctx.from.client) : "serial";
  for (auto& e : r.events) {
    if (e.kind == EventKind::Led) e.by = by;
  }
  out.accepted = true;
  out.reply = on ? LEGACY_REPLY_ON : LEGACY_REPLY_OFF;
  out.events = std::move(r.events);
  out.effects = std::move(r.effects);
  return out;
}

}  // namespace esphil
