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
  for (size_t i = 0; i < cfg.pwm.size(); ++i) s_.pwm.push_back({cfg.pwm[i].freq, cfg.pwm[i].bits, cfg.pwm[i].initialDuty});
  s_.buttons.assign(cfg.buttons.size(), false);
  for (const auto& sc : cfg.sensors) s_.sensors.push_back({0, sc.offset});
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
  explicit Res(uint32_t id) { w.beginObject().key("t").value("res").key("id").value(id).key("ok").value(true).key("result"); }
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

void Machine::step(const Request& req, const StepContext& ctx, StepResult& out) {
  out = StepResult();
  const uint32_t id = req.id;
  auto error = [&](ErrorCode c, const std::string& msg) { out.response = encodeError(true, id, c, msg); };
  const bool fromWs = ctx.from.kind == OriginRef::Ws;
  const int ci = clientIdx(ctx.from.client);
  const DeviceConfig& cfg = s_.config;

  if (req.op != Op::Auth && fromWs && needsAuth(ctx.from.client)) {
    return error(ErrorCode::Unauthorized, "Send {\"op\":\"auth\",\"token\":...} first");
  }
  const std::string by = causeOf(ctx.from);

  switch (req.op) {
    case Op::Auth: {
      if (cfg.ws.auth && fromWs) {
        // Constant-time compare: the time taken must not reveal how much of the token matched.
        const std::string& a = req.token;
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
      Res r(id);
      r.w.beginObject().key("uptimeMs").value(static_cast<double>(ctx.uptimeMs));
      if (req.hasTs) r.w.key("ts").value(req.ts);
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
      int i = findLed(req.target);
      if (i < 0) return error(ErrorCode::UnknownTarget, "No LED '" + req.target + "' (LEDs: " + known(cfg.leds) + ")");
      size_t k = static_cast<size_t>(i);
      bool on = req.op == Op::LedSet ? req.on : !s_.leds[k];
      s_.leds[k] = on;
      // Every successful command emits an event, changed or not: every client sees every command and who sent it.
      Event e;
      e.kind = EventKind::Led;
      e.name = req.target;
      e.flag = on;
      e.by = by;
      out.events.push_back(e);
      out.effects.push_back(ledEffect(k));
      Res r(id);
      r.w.beginObject().key("led").value(req.target).key("on").value(on).endObject();
      out.response = r.done();
      return;
    }
    case Op::PwmSet:
    case Op::PwmConfig: {
      int i = findPwm(req.target);
      if (i < 0) {
        return error(ErrorCode::UnknownTarget, "No PWM output '" + req.target + "' (PWM outputs: " + known(cfg.pwm) + ")");
      }
      size_t k = static_cast<size_t>(i);
      PwmRt next = s_.pwm[k];
      if (req.op == Op::PwmSet) {
        uint32_t mx = maxRaw(next.bits);
        if (req.hasRaw) {
          if (req.raw > mx) {
            return error(ErrorCode::BadParam, "'raw' must be an integer from 0 to " + std::to_string(mx) + " at " +
                                                  std::to_string(next.bits) + " bits (" + std::to_string(mx) + " = 100 %)");
          }
          next.duty = static_cast<uint32_t>(req.raw);
        } else {
          next.duty = dutyToRaw(req.duty, next.bits);
        }
      } else {
        if (cfg.profile == nullptr) return error(ErrorCode::Internal, "Unknown board '" + cfg.board + "'");
        std::string problem = ledcProblem(req.freq, req.bits, cfg.profile->ledc);
        if (!problem.empty()) return error(ErrorCode::PwmInfeasible, "PWM '" + req.target + "': " + problem);
        uint32_t freq = static_cast<uint32_t>(req.freq), bits = static_cast<uint32_t>(req.bits);
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
      e.name = req.target;
      e.freq = next.freq;
      e.bits = next.bits;
      e.duty = next.duty;
      e.by = by;
      out.events.push_back(e);
      out.effects.push_back(pwmEffect(k));
      Res r(id);
      r.w.beginObject().key("ch").value(req.target).key("freq").value(next.freq).key("bits").value(next.bits);
      r.w.key("duty").value(next.duty).endObject();
      out.response = r.done();
      return;
    }
    case Op::SensorSubscribe:
    case Op::SensorUnsubscribe: {
      if (!fromWs) {
        return error(ErrorCode::BadParam, "Sensor streams go to WebSocket clients only; read sensors over serial with state.get");
      }
      int i = findSensor(req.target);
      if (i < 0) return error(ErrorCode::UnknownTarget, "No sensor '" + req.target + "' (sensors: " + known(cfg.sensors) + ")");
      size_t k = static_cast<size_t>(i);
      if (req.op == Op::SensorSubscribe) {
        double mx = cfg.sensors[k].maxHz;
        if (!(req.hz > 0) || req.hz > mx) {
          return error(ErrorCode::BadParam, "'hz' must be more than 0 and at most " + jsonNumber(mx) + " for sensor '" +
                                                cfg.sensors[k].name + "'");
        }
        s_.subs[ci][k] = req.hz;
        Res r(id);
        r.w.beginObject().key("sensor").value(req.target).key("hz").value(req.hz).endObject();
        out.response = r.done();
      } else {
        s_.subs[ci][k] = 0;
        Res r(id);
        r.w.beginObject().key("sensor").value(req.target).endObject();
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
      s_.logLevel = req.level;
      Res r(id);
      r.w.beginObject().key("level").value(logLevelName(req.level)).endObject();
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
      if (!parseConfig(req.config, next, diags)) {
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

std::string Machine::legacy(bool on, int client, std::vector<Event>& events, std::vector<Effect>& effects) {
  if (s_.config.leds.empty()) return "";
  s_.leds[0] = on;
  Event e;
  e.kind = EventKind::Led;
  e.name = s_.config.leds[0].name;
  e.flag = on;
  e.by = "legacy:" + std::to_string(client);
  events.push_back(e);
  effects.push_back(ledEffect(0));
  return on ? LEGACY_REPLY_ON : LEGACY_REPLY_OFF;
}

}  // namespace esphil
