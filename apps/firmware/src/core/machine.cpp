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

void Machine::init(const DeviceConfig& cfg, std::vector<Effect>& effects) {
  s_ = MachineState();
  s_.config = cfg;
  s_.logLevel = cfg.logLevel;
  for (size_t i = 0; i < cfg.leds.size(); ++i) {
    s_.leds.push_back(cfg.leds[i].initial);
    effects.push_back(ledEffect(i));
  }
  for (size_t i = 0; i < cfg.pwm.size(); ++i) {
    s_.pwm.push_back({cfg.pwm[i].freq, cfg.pwm[i].bits, cfg.pwm[i].initialDuty});
    effects.push_back(pwmEffect(i));
  }
  s_.buttons.assign(cfg.buttons.size(), false);
  s_.sensors.assign(cfg.sensors.size(), SensorRt());
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

void Machine::step(const Request& req, const StepContext& ctx, StepResult& out) {
  out = StepResult();
  const uint32_t id = req.id;
  auto error = [&](ErrorCode c, const std::string& msg) { out.response = encodeError(true, id, c, msg); };
  const bool fromWs = ctx.from.kind == OriginRef::Ws;
  const int ci = clientIdx(ctx.from.client);

  // Auth gate: a client of a token-protected device may only send `auth` until it has passed.
  if (req.op == Op::Auth) {
    if (!s_.config.ws.auth || !fromWs) {
      Res r(id);
      r.w.beginObject().endObject();
      out.response = r.done();
      return;
    }
    if (req.token != s_.config.ws.authToken) return error(ErrorCode::Unauthorized, "wrong token");
    s_.authorized[ci] = true;
    Res r(id);
    r.w.beginObject().endObject();
    out.response = r.done();
    return;
  }
  if (fromWs && needsAuth(ctx.from.client)) {
    return error(ErrorCode::Unauthorized, "send {\"op\":\"auth\",\"token\":...} first");
  }
  const std::string by = causeOf(ctx.from);

  switch (req.op) {
    case Op::Ping: {
      Res r(id);
      r.w.beginObject();
      if (req.hasTs) r.w.key("ts").value(req.ts);
      r.w.key("uptimeMs").value(static_cast<double>(ctx.uptimeMs)).endObject();
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
      if (i < 0) return error(ErrorCode::UnknownTarget, "no LED named '" + req.target + "'");
      size_t k = static_cast<size_t>(i);
      bool on = req.op == Op::LedSet ? req.on : !s_.leds[k];
      bool changed = s_.leds[k] != on;
      s_.leds[k] = on;
      if (changed) {
        Event e;
        e.kind = EventKind::Led;
        e.name = req.target;
        e.flag = on;
        e.by = by;
        out.events.push_back(e);
        out.effects.push_back(ledEffect(k));
      }
      Res r(id);
      r.w.beginObject().key("led").value(req.target).key("on").value(on).endObject();
      out.response = r.done();
      return;
    }
    case Op::PwmSet:
    case Op::PwmConfig: {
      int i = findPwm(req.target);
      if (i < 0) return error(ErrorCode::UnknownTarget, "no PWM output named '" + req.target + "'");
      size_t k = static_cast<size_t>(i);
      PwmRt next = s_.pwm[k];
      if (req.op == Op::PwmSet) {
        if (req.hasRaw) {
          if (req.raw > maxRaw(next.bits)) {
            return error(ErrorCode::BadParam,
                         "raw " + jsonNumber(req.raw) + " exceeds " + std::to_string(maxRaw(next.bits)) + " at " +
                             std::to_string(next.bits) + " bits");
          }
          next.duty = static_cast<uint32_t>(req.raw);
        } else {
          next.duty = dutyToRaw(req.duty, next.bits);
        }
      } else {
        uint32_t maxBits = s_.config.profile ? s_.config.profile->ledcMaxBits : 20;
        if (req.bits > maxBits || req.freq > MAX_PWM_FREQ) {
          return error(ErrorCode::PwmInfeasible, jsonNumber(req.freq) + " Hz x " + jsonNumber(req.bits) +
                                                     " bits cannot be achieved: bits 1.." + std::to_string(maxBits) +
                                                     ", freq x 2^bits <= 80 MHz");
        }
        uint32_t freq = static_cast<uint32_t>(req.freq), bits = static_cast<uint32_t>(req.bits);
        if (!ledcFeasible(freq, bits, s_.config.profile ? s_.config.profile->ledcMaxBits : 20)) {
          return error(ErrorCode::PwmInfeasible, std::to_string(freq) + " Hz x " + std::to_string(bits) +
                                                     " bits cannot be achieved: keep freq x 2^bits <= 80 MHz");
        }
        // Re-run allocation with the new setup: a 2.x pair-mate or the timer budget may refuse it.
        if (s_.config.profile != nullptr) {
          std::vector<LedcRequest> reqs;
          for (size_t j = 0; j < s_.pwm.size(); ++j) {
            reqs.push_back(j == k ? LedcRequest{freq, bits} : LedcRequest{s_.pwm[j].freq, s_.pwm[j].bits});
          }
          std::vector<LedcSlot> slots;
          if (allocateLedc(reqs, s_.config.core, *s_.config.profile, slots) >= 0) {
            return error(ErrorCode::PwmInfeasible,
                         "no LEDC timer for " + std::to_string(freq) + " Hz x " + std::to_string(bits) +
                             " bits: another output shares the timer with a different setup");
          }
          for (size_t j = 0; j < slots.size(); ++j) s_.config.pwm[j].slot = slots[j];
        }
        // Keep the effective duty fraction across a resolution change.
        next.duty = dutyToRaw(pwmFraction(next.duty, next.bits), bits);
        next.freq = freq;
        next.bits = bits;
      }
      bool changed = next.duty != s_.pwm[k].duty || next.freq != s_.pwm[k].freq || next.bits != s_.pwm[k].bits;
      s_.pwm[k] = next;
      if (changed) {
        Event e;
        e.kind = EventKind::Pwm;
        e.name = req.target;
        e.freq = next.freq;
        e.bits = next.bits;
        e.duty = next.duty;
        e.by = by;
        out.events.push_back(e);
        out.effects.push_back(pwmEffect(k));
      }
      Res r(id);
      r.w.beginObject().key("ch").value(req.target).key("freq").value(next.freq).key("bits").value(next.bits);
      r.w.key("duty").value(next.duty).endObject();
      out.response = r.done();
      return;
    }
    case Op::SensorSubscribe:
    case Op::SensorUnsubscribe: {
      int i = findSensor(req.target);
      if (i < 0) return error(ErrorCode::UnknownTarget, "no sensor named '" + req.target + "'");
      if (!fromWs) return error(ErrorCode::BadRequest, "sensor streams are for WebSocket clients only");
      size_t k = static_cast<size_t>(i);
      if (req.op == Op::SensorSubscribe) {
        double mx = s_.config.sensors[k].maxHz;
        if (req.hz > mx) return error(ErrorCode::BadParam, "hz must be at most " + jsonNumber(mx) + " for " + req.target);
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
      if (fromWs) return error(ErrorCode::Unauthorized, "config.set is accepted over the serial console only");
      DeviceConfig next;
      std::vector<Diagnostic> diags;
      if (!parseConfig(req.config, next, diags)) {
        for (const auto& d : diags) {
          if (d.error) {
            return error(ErrorCode::BadParam, "config" + (d.path.empty() ? "" : "." + d.path) + ": " + d.message +
                                                  " (" + d.hint + ")");
          }
        }
      }
      Effect st;
      st.kind = EffectKind::StoreConfig;
      st.config = next.json;
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
      if (fromWs) return error(ErrorCode::Unauthorized, "config.get is accepted over the serial console only");
      Res r(id);
      r.w.beginObject().key("config").raw(s_.config.json.empty() ? "{}" : s_.config.json).endObject();
      out.response = r.done();
      return;
    }
    case Op::Auth:
    case Op::Count_:
      break;
  }
  error(ErrorCode::Internal, "unhandled op");
}

void Machine::buttonInput(const std::string& name, bool pressed, std::vector<Event>& events) {
  int i = findButton(name);
  if (i < 0) return;
  size_t k = static_cast<size_t>(i);
  if (s_.buttons[k] == pressed) return;
  s_.buttons[k] = pressed;
  Event e;
  e.kind = EventKind::Button;
  e.name = name;
  e.flag = pressed;
  events.push_back(e);
}

void Machine::sensorSample(const std::string& name, double raw, std::vector<Event>& events) {
  int i = findSensor(name);
  if (i < 0) return;
  size_t k = static_cast<size_t>(i);
  const SensorCfg& c = s_.config.sensors[k];
  s_.sensors[k].raw = raw;
  s_.sensors[k].value = raw * c.scale + c.offset;
  Event e;
  e.kind = EventKind::Sensor;
  e.name = name;
  e.raw = raw;
  e.value = s_.sensors[k].value;
  events.push_back(e);
}

void Machine::clientDisconnected(int client) {
  if (client < 0 || client >= MAX_CLIENTS) return;
  for (double& hz : s_.subs[client]) hz = 0;
  s_.authorized[client] = false;
}

std::string Machine::legacy(bool on, int client, std::vector<Event>& events, std::vector<Effect>& effects) {
  if (s_.config.leds.empty()) return "";
  bool changed = s_.leds[0] != on;
  s_.leds[0] = on;
  if (changed) {
    Event e;
    e.kind = EventKind::Led;
    e.name = s_.config.leds[0].name;
    e.flag = on;
    e.by = "legacy:" + std::to_string(client);
    events.push_back(e);
    effects.push_back(ledEffect(0));
  }
  return on ? LEGACY_REPLY_ON : LEGACY_REPLY_OFF;
}

}  // namespace esphil
