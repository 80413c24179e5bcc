#include "device.h"

#include <cstdio>

namespace esphil {

namespace {
std::string hex(uint32_t v, int digits) {
  char buf[12];
  std::snprintf(buf, sizeof buf, "%0*x", digits, static_cast<unsigned>(v));
  return std::string(buf).substr(0, static_cast<size_t>(digits));
}
}  // namespace

bool Device::begin(const char* fwVersion, const char* defaultConfigJson, const AppIdentity& app) {
  bootAt_ = hal_.millis();
  DeviceConfig cfg;
  std::vector<Diagnostic> diags;
  std::string stored;
  usingDefault_ = true;
  std::string storedProblem;
  if (hal_.loadConfig(stored)) {
    if (parseConfigText(stored, cfg, diags)) {
      usingDefault_ = false;
    } else {
      storedProblem = diags.empty() ? "invalid" : diags.front().path + ": " + diags.front().message;
    }
  }
  bool ok = true;
  if (usingDefault_) {
    diags.clear();
    ok = parseConfigText(defaultConfigJson, cfg, diags);
    if (!ok) {
      // A broken compiled default leaves a device with no targets that still answers over serial and WiFi.
      cfg = DeviceConfig();
      cfg.profile = findBoard(cfg.board);
    }
  }
  identity_.fw = fwVersion;
  identity_.board = cfg.board;
  identity_.device = (cfg.name.empty() ? std::string("esphil") : cfg.name) + "-" + hex(hal_.chipId() & 0xFFFFFF, 6);
  identity_.boot = hex(hal_.random32(), 8);
  identity_.app = app;

  std::vector<Effect> effects;
  machine_.init(cfg, effects);
  for (const auto& l : cfg.leds) hal_.pinModeOutput(l.pin);
  debouncers_.assign(cfg.buttons.size(), Debouncer());
  for (size_t i = 0; i < cfg.buttons.size(); ++i) {
    const ButtonCfg& b = cfg.buttons[i];
    hal_.pinModeInput(b.pin, b.pull);
    debouncers_[i].reset(false, bootAt_);
  }
  apply(effects);

  std::string s;
  JsonWriter w(s);
  w.beginObject().key("t").value("boot").key("fw").value(identity_.fw).key("board").value(identity_.board);
  w.key("device").value(identity_.device).key("boot").value(identity_.boot);
  writeAppMember(w, identity_.app);
  w.key("reason").value(hal_.resetReason());
  w.endObject();
  serialMachine(s);
  if (!storedProblem.empty()) log(LogLevel::Error, "stored config ignored (" + storedProblem + "); using the compiled default");
  if (!ok) log(LogLevel::Error, "compiled default config invalid: " + (diags.empty() ? "" : diags.front().message));

  if (cfg.wifi && hal_.loadWifi(wifiSsid_, wifiPass_) && !wifiSsid_.empty()) {
    hal_.wifiBegin(wifiSsid_, wifiPass_);
    wifiStartedAt_ = bootAt_;
    lastWifi_ = WifiStatus::Connecting;
    std::string l;
    JsonWriter(l).beginObject().key("t").value("wifi").key("status").value("connecting").key("ssid").value(wifiSsid_).endObject();
    serialMachine(l);
  } else {
    std::string l;
    JsonWriter(l).beginObject().key("t").value("wifi").key("status").value("unprovisioned").endObject();
    serialMachine(l);
    printReady();
  }
  return ok;
}

StepContext Device::context(OriginRef from) {
  StepContext c;
  c.from = from;
  c.nowMs = hal_.millis();
  c.uptimeMs = c.nowMs - bootAt_;
  c.identity = identity_;
  c.clients = connectedClients();
  if (hal_.wifiStatus() == WifiStatus::Connected) {
    c.hasIp = true;
    c.ip = hal_.localIp();
    c.hasRssi = true;
    c.rssi = hal_.rssi();
  }
  c.heapFree = hal_.heapFree();
  return c;
}

int Device::connectedClients() const {
  int n = 0;
  for (const auto& s : slots_) n += s.connected ? 1 : 0;
  return n;
}

bool Device::originAllowed(const std::string& origin) const {
  const auto& list = config().ws.allowedOrigins;
  if (origin.empty() || list.empty()) return true;
  for (const auto& o : list) {
    if (o == origin) return true;
  }
  return false;
}

bool Device::validateHeader(const std::string& name, const std::string& value) {
  // Header names arrive as sent (facts §1.1): compare case-insensitively.
  static const char kOrigin[] = "origin";
  if (name.size() != sizeof kOrigin - 1) return true;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kOrigin[i]) return true;
  }
  bool ok = originAllowed(value);
  if (!ok) originRefused_ = true;
  return ok;
}

void Device::sendHello(int client) {
  Slot& sl = slots_[client];
  std::string s;
  JsonWriter w(s);
  w.beginObject().key("t").value("hello").key("proto").value(PROTOCOL_VERSION).key("fw").value(identity_.fw);
  w.key("board").value(identity_.board).key("device").value(identity_.device).key("boot").value(identity_.boot);
  writeAppMember(w, identity_.app);
  w.key("caps");
  writeCaps(w, config());
  w.key("state");
  machine_.writeSnapshot(w);
  w.key("seq").value(sl.seq).endObject();
  sl.helloSent = true;
  hal_.send(client, s);
}

void Device::onConnect(int client, const std::string& url, const std::string& address) {
  if (client < 0) return;
  // The library accepts any path (WStype_CONNECTED carries it): serve only websocket.path, closing others with the
  // library's disconnect() (1000, PROTOCOL.md 2.3).
  if (client >= MAX_CLIENTS || targetPath(url) != config().ws.path) {
    hal_.disconnect(client);
    return;
  }
  const bool legacy = config().ws.legacyText && !config().leds.empty() && !hasEsphilMarker(url);
  // The library's slots (WEBSOCKETS_SERVER_CLIENT_MAX) are a build constant; websocket.maxClients is the config's
  // lower limit. A client in a slot past it passed the handshake, so it is told why before the close (PROTOCOL.md
  // 2.3): `busy`, id null, then disconnect() (1000). A legacy-mode connection gets no JSON it did not ask for.
  if (client >= config().ws.maxClients) {
    if (!legacy) {
      DecodeError e;
      e.code = ErrorCode::Busy;
      e.message = "device full: websocket.maxClients is " + std::to_string(config().ws.maxClients);
      hal_.send(client, Machine::errorResponse(e));
    }
    hal_.disconnect(client);
    return;
  }
  Slot& sl = slots_[client];
  sl = Slot();
  sl.connected = true;
  sl.authSince = hal_.millis();
  sl.address = address.substr(0, MAX_ADDRESS_LEN);
  machine_.clientDisconnected(client);  // a reused slot starts clean
  // The sketch never sees the offered subprotocol (arduinowebsockets-facts.md §3), so the marker is in the URL.
  sl.mode = legacy ? Slot::Mode::Legacy : Slot::Mode::Esphil;
  if (!legacy) greet(client);
}

void Device::greet(int client) {
  if (config().ws.auth) {
    std::string s;
    JsonWriter(s).beginObject().key("t").value("auth_required").key("proto").value(PROTOCOL_VERSION).key("deadlineMs")
        .value(config().ws.authDeadlineMs).endObject();
    hal_.send(client, s);
  } else {
    sendHello(client);
  }
}

void Device::onDisconnect(int client) {
  if (client < 0 || client >= MAX_CLIENTS) return;
  slots_[client] = Slot();
  machine_.clientDisconnected(client);
}

void Device::closeClient(int client) {
  hal_.disconnect(client);
  onDisconnect(client);
}

// PROTOCOL.md 9: a JSON object switches the connection (hello or auth_required first, then the frame is handled);
// LED ON/OFF goes on as legacy text; anything else is ignored. True when the frame goes on to the esphil path.
bool Device::legacyFrame(int client, const char* data, size_t len) {
  Slot& sl = slots_[client];
  if (startsJsonObject(data, len)) {
    sl.mode = Slot::Mode::Esphil;
    sl.authSince = hal_.millis();
    greet(client);
    return true;
  }
  if (legacyText(data, len) >= 0) return true;
  ++counters_.legacyIgnored;
  return false;
}

// What a legacy-mode connection gets for an event: the tutorial's broadcast when the first LED changes, except for its
// own command (its answer said it already); "" for anything else.
std::string Device::legacyBroadcast(const Event& e, int client) const {
  if (e.kind != EventKind::Led || config().leds.empty() || e.name != config().leds.front().name) return "";
  if (e.by == "legacy:" + std::to_string(client)) return "";
  return e.flag ? LEGACY_REPLY_ON : LEGACY_REPLY_OFF;
}

void Device::onText(int client, const char* data, size_t len) {
  if (client < 0 || client >= MAX_CLIENTS || !slots_[client].connected) return;
  if (slots_[client].refuseAt != 0) return;  // closing after a wrong token (PROTOCOL.md 8.1)
  if (slots_[client].mode == Slot::Mode::Legacy && !legacyFrame(client, data, len)) return;
  if (len > MAX_FRAME) {
    ++counters_.framesTooLarge;
    DecodeError e;
    e.code = ErrorCode::TooLarge;
    e.message = "frame of " + std::to_string(len) + " bytes exceeds " + std::to_string(MAX_FRAME);
    hal_.send(client, Machine::errorResponse(e));
    return;
  }
  int legacy = legacyText(data, len);
  Request req;
  DecodeError err;
  bool decoded = legacy < 0 && decodeRequest(data, len, req, err);
  // PROTOCOL.md 8.1: before auth every frame other than a valid `auth` request (other ops, bad JSON, legacy text)
  // is answered with `unauthorized` (id when readable) and nothing else happens.
  if (machine_.needsAuth(client) && !(decoded && req.op == Op::Auth)) {
    DecodeError e;
    e.code = ErrorCode::Unauthorized;
    e.hasId = decoded || err.hasId;
    e.id = decoded ? req.id : err.id;
    e.message = "this device requires a token: send {\"id\":1,\"op\":\"auth\",\"token\":...} first";
    hal_.send(client, Machine::errorResponse(e));
    return;
  }
  if (legacy >= 0) {
    OriginRef lf;
    lf.kind = OriginRef::Ws;
    lf.client = client;
    LegacyResult lr = machine_.legacy(legacy == 1, context(lf));
    if (lr.accepted) hal_.send(client, lr.reply);  // legacy off / no LED: no answer (PROTOCOL.md 9)
    apply(lr.effects);
    deliver(lr.events);
    return;
  }
  if (!decoded) {
    hal_.send(client, Machine::errorResponse(err));
    return;
  }
  OriginRef from;
  from.kind = OriginRef::Ws;
  from.client = client;
  const bool gate = req.op == Op::Auth && machine_.needsAuth(client);
  Slot& sl = slots_[client];
  const uint64_t now = hal_.millis();
  if (gate) {
    uint32_t locked = authThrottle_.lockedFor(sl.address, now);
    if (locked > 0) {
      // The address is locked: the token is not checked (PROTOCOL.md 8.1), refusal and disconnect() at once.
      DecodeError e;
      e.code = ErrorCode::Unauthorized;
      e.hasId = true;
      e.id = req.id;
      e.message = "too many failed auth attempts from this address: retry in " + std::to_string(locked) + " ms";
      hal_.send(client, Machine::errorResponse(e));
      closeClient(client);
      return;
    }
  }
  StepResult res;
  machine_.step(req.doc.root(), context(from), res);
  if (gate && machine_.needsAuth(client)) {
    // Wrong token: the refusal, then the library's disconnect() (close 1000; PROTOCOL.md 8.1 and 2.3), at once for
    // the first few from this address, else held until its lock ends (sent from loop(): never block the loop).
    ++counters_.authFailures;
    uint32_t hold = authThrottle_.failed(sl.address, now);
    if (hold == 0) {
      hal_.send(client, res.response);
      closeClient(client);
    } else {
      sl.refusal = res.response;
      sl.refuseAt = now + hold;
    }
    return;
  }
  if (gate) authThrottle_.succeeded(sl.address);
  hal_.send(client, res.response);
  if (req.op == Op::Auth && !slots_[client].helloSent) sendHello(client);
  apply(res.effects);
  deliver(res.events);
}

void Device::onBinary(int client) {
  if (client < 0 || client >= MAX_CLIENTS || !slots_[client].connected) return;
  if (slots_[client].refuseAt != 0) return;  // closing after a wrong token
  if (slots_[client].mode == Slot::Mode::Legacy) {
    ++counters_.legacyIgnored;  // PROTOCOL.md 9: never answered in legacy mode
    return;
  }
  DecodeError e;
  if (machine_.needsAuth(client)) {
    e.code = ErrorCode::Unauthorized;
    e.message = "this device requires a token: send {\"id\":1,\"op\":\"auth\",\"token\":...} first";
  } else {
    e.code = ErrorCode::BadRequest;
    e.message = "binary frames are not accepted: send JSON text";
  }
  hal_.send(client, Machine::errorResponse(e));
}

void Device::onFragment(int) {}

void Device::deliver(const std::vector<Event>& events) {
  for (const auto& e : events) {
    for (int c = 0; c < MAX_CLIENTS; ++c) {
      Slot& sl = slots_[c];
      if (sl.connected && sl.mode == Slot::Mode::Legacy) {
        std::string text = legacyBroadcast(e, c);
        if (!text.empty()) hal_.send(c, text);
        continue;
      }
      if (!sl.connected || !sl.helloSent) continue;
      hal_.send(c, encodeEvent(e, ++sl.seq));
    }
    serialMachine(encodeEvent(e, ++serialSeq_));
  }
}

void Device::apply(const std::vector<Effect>& effects) {
  for (const auto& e : effects) {
    switch (e.kind) {
      case EffectKind::LedOutput: hal_.digitalWrite(e.pin, e.level); break;
      case EffectKind::PwmOutput:
        if (!hal_.ledcConfigure(e.pin, e.channel, e.freq, e.bits)) {
          log(LogLevel::Error, "LEDC refused " + std::to_string(e.freq) + " Hz x " + std::to_string(e.bits) + " bits on GPIO" +
                                   std::to_string(e.pin));
        }
        hal_.ledcWrite(e.pin, e.channel, e.duty);
        break;
      case EffectKind::StoreConfig:
        if (!hal_.storeConfig(e.config)) log(LogLevel::Error, "could not store the configuration in NVS");
        break;
      case EffectKind::Reboot:
        rebootPending_ = true;
        rebootAt_ = hal_.millis() + e.afterMs;
        break;
    }
  }
}

void Device::log(LogLevel level, const std::string& msg) {
  if (static_cast<int>(level) > static_cast<int>(machine_.state().logLevel)) return;
  std::string line = std::string("[") + logLevelName(level) + "] " + msg + "\r\n";
  hal_.serialWrite(reinterpret_cast<const uint8_t*>(line.data()), line.size());
  Event e;
  e.kind = EventKind::Log;
  e.level = level;
  e.msg = msg.substr(0, 200);
  for (int c = 0; c < MAX_CLIENTS; ++c) {
    Slot& sl = slots_[c];
    if (sl.connected && sl.helloSent) hal_.send(c, encodeEvent(e, ++sl.seq));
  }
  // PROTOCOL.md 11.1: the console gets every event the clients get (sensor samples excepted).
  serialMachine(encodeEvent(e, ++serialSeq_));
}

void Device::serialMachine(const std::string& json) {
  std::string line = std::string(SERIAL_MACHINE_PREFIX) + json + "\r\n";
  hal_.serialWrite(reinterpret_cast<const uint8_t*>(line.data()), line.size());
}

void Device::printReady() {
  const WsCfg& ws = config().ws;
  bool up = hal_.wifiStatus() == WifiStatus::Connected;
  std::string ip = up ? hal_.localIp() : "";
  std::string s;
  JsonWriter w(s);
  w.beginObject().key("t").value("ready").key("ip");
  if (up) {
    w.value(ip);
  } else {
    w.null();
  }
  w.key("port").value(ws.port).key("path").value(ws.path).key("url");
  if (up) {
    w.value("ws://" + ip + ":" + std::to_string(ws.port) + ws.path);
  } else {
    w.null();
  }
  w.key("proto").value(PROTOCOL_VERSION).endObject();
  serialMachine(s);
}

void Device::onSerialBytes(const uint8_t* data, size_t len) {
  std::string text;
  for (size_t i = 0; i < len; ++i) {
    auto r = improv_.feed(data[i], text);
    if (r == improv::Decoder::Result::Packet) {
      handleImprov(improv_.packet());
      continue;
    }
    if (r == improv::Decoder::Result::BadChecksum) {
      ++counters_.serialBadImprov;
      improvError(improv::InvalidRpc);
      continue;
    }
    for (char ch : text) {
      if (ch == '\n' || ch == '\r') {
        if (lineOverflow_) {
          // PROTOCOL.md 11.1: the rest of an overlong line is dropped and reported as too_large.
          DecodeError e;
          e.code = ErrorCode::TooLarge;
          e.message = "serial line longer than " + std::to_string(MAX_SERIAL_LINE) + " bytes dropped";
          serialMachine(Machine::errorResponse(e));
        } else if (!line_.empty()) {
          serialLine(line_);
        }
        line_.clear();
        lineOverflow_ = false;
        continue;
      }
      if (lineOverflow_) continue;
      if (line_.size() >= MAX_SERIAL_LINE) {
        // Drop the whole overlong line (counted) rather than act on a truncated request.
        ++counters_.serialOverlongLines;
        lineOverflow_ = true;
        line_.clear();
        continue;
      }
      line_ += ch;
    }
  }
}

void Device::serialLine(const std::string& line) {
  // Lines without the prefix are not requests (PROTOCOL.md 11.2); non-printable noise in front of it is skipped.
  size_t start = 0;
  while (start < line.size()) {
    unsigned char c = static_cast<unsigned char>(line[start]);
    if (c >= 0x20 && c < 0x7f) break;
    ++start;
  }
  const std::string prefix = SERIAL_MACHINE_PREFIX;
  if (line.compare(start, prefix.size(), prefix) != 0) return;
  const char* json = line.data() + start + prefix.size();
  size_t len = line.size() - start - prefix.size();
  Request req;
  DecodeError err;
  if (!decodeRequest(json, len, req, err, MAX_SERIAL_LINE)) {
    serialMachine(Machine::errorResponse(err));
    return;
  }
  OriginRef from;
  from.kind = OriginRef::Serial;
  StepResult res;
  machine_.step(req.doc.root(), context(from), res);
  serialMachine(res.response);
  apply(res.effects);
  deliver(res.events);
}

void Device::improvSend(uint8_t type, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> p = improv::encode(type, data);
  p.push_back('\n');  // keeps the following log line at the start of a line for line-based readers
  hal_.serialWrite(p.data(), p.size());
}
void Device::improvState(uint8_t st) {
  improvState_ = st;
  improvSend(improv::CurrentState, {st});
}
void Device::improvError(uint8_t err) { improvSend(improv::ErrorState, {err}); }

void Device::handleImprov(const improv::Packet& p) {
  if (p.type != improv::RpcCommand) return;  // device-to-client types echoed back are ignored
  improv::RpcCommandData cmd;
  improv::Error e = improv::parseRpc(p.data, cmd);
  if (e != improv::None) {
    improvError(e);
    return;
  }
  improvError(improv::None);
  const WsCfg& ws = config().ws;
  std::string url = hal_.wifiStatus() == WifiStatus::Connected
                        ? "ws://" + hal_.localIp() + ":" + std::to_string(ws.port) + ws.path
                        : "";
  switch (cmd.command) {
    case improv::WifiSettings:
      wifiSsid_ = cmd.ssid;
      wifiPass_ = cmd.password;
      improvPending_ = true;
      wifiStartedAt_ = hal_.millis();
      lastWifi_ = WifiStatus::Connecting;
      improvState(improv::Provisioning);
      hal_.wifiBegin(wifiSsid_, wifiPass_);
      break;
    case improv::GetCurrentState:
      improvState(hal_.wifiStatus() == WifiStatus::Connected ? static_cast<uint8_t>(improv::Provisioned) : improvState_);
      if (!url.empty()) improvSend(improv::RpcResult, improv::rpcResult(improv::GetCurrentState, {url}));
      break;
    case improv::GetDeviceInfo: {
      const char* chip = "ESP32";
      if (config().profile != nullptr) {
        chip = config().profile->chip == Chip::Esp32S3 ? "ESP32-S3" : config().profile->chip == Chip::Esp32C3 ? "ESP32-C3" : "ESP32";
      }
      improvSend(improv::RpcResult, improv::rpcResult(improv::GetDeviceInfo, {"esphil", identity_.fw, chip, identity_.device}));
      break;
    }
    case improv::GetWifiNetworks:
      // Scanning blocks the radio for seconds; the list ends at once with the empty terminator.
      improvSend(improv::RpcResult, improv::rpcResult(improv::GetWifiNetworks, {}));
      break;
    default:
      improvError(improv::UnknownRpc);
  }
}

void Device::pollWifi(uint64_t now) {
  WifiStatus st = hal_.wifiStatus();
  if (st == lastWifi_) {
    if (st == WifiStatus::Connecting && improvPending_ && now - wifiStartedAt_ > WIFI_CONNECT_TIMEOUT_MS) {
      st = WifiStatus::Failed;
    } else {
      return;
    }
  }
  lastWifi_ = st;
  std::string s;
  JsonWriter w(s);
  w.beginObject().key("t").value("wifi").key("status");
  switch (st) {
    case WifiStatus::Connected: w.value("connected").key("ssid").value(wifiSsid_).key("ip").value(hal_.localIp()); break;
    case WifiStatus::Failed: w.value("failed").key("ssid").value(wifiSsid_); break;
    case WifiStatus::Disconnected: w.value("disconnected"); break;
    case WifiStatus::Connecting: w.value("connecting").key("ssid").value(wifiSsid_); break;
    case WifiStatus::Idle: w.value("unprovisioned"); break;
  }
  w.endObject();
  serialMachine(s);
  if (st == WifiStatus::Connected) {
    if (improvPending_) {
      improvPending_ = false;
      if (!hal_.storeWifi(wifiSsid_, wifiPass_)) log(LogLevel::Error, "could not store WiFi credentials");
      improvState(improv::Provisioned);
      const WsCfg& ws = config().ws;
      improvSend(improv::RpcResult,
                 improv::rpcResult(improv::WifiSettings, {"ws://" + hal_.localIp() + ":" + std::to_string(ws.port) + ws.path}));
    }
    printReady();
  } else if (st == WifiStatus::Failed && improvPending_) {
    improvPending_ = false;
    improvError(improv::UnableToConnect);
    improvState(improv::Ready);
  } else if (st == WifiStatus::Failed) {
    // The boot's join with the stored credentials failed: the device still serves serial requests, so it says so
    // with a ready line without an address (PROTOCOL.md 11.1 `ready`: ip null, reachable over serial only).
    printReady();
  }
}

void Device::pollButtons(uint64_t now) {
  const auto& bs = config().buttons;
  for (size_t i = 0; i < bs.size() && i < debouncers_.size(); ++i) {
    bool level = hal_.digitalRead(bs[i].pin) != 0;
    bool pressed = bs[i].activeLow ? !level : level;
    if (debouncers_[i].update(pressed, now, bs[i].debounceMs)) {
      std::vector<Event> events;
      machine_.buttonInput(bs[i].name, debouncers_[i].state(), events);
      deliver(events);
    }
  }
}

void Device::pollSensors(uint64_t now) {
  const auto& ss = config().sensors;
  for (size_t k = 0; k < ss.size() && k < MAX_TARGETS; ++k) {
    bool sampled = false;
    for (int c = 0; c < MAX_CLIENTS; ++c) {
      Slot& sl = slots_[c];
      double hz = machine_.state().subs[c][k];
      if (!sl.connected || !sl.helloSent || !(hz > 0)) continue;
      if (now < sl.nextSample[k]) continue;
      // The machine admits only MIN..MAX_SENSOR_HZ; clamping again keeps the cast defined whatever the state holds.
      double rate = hz < MIN_SENSOR_HZ ? MIN_SENSOR_HZ : hz > MAX_SENSOR_HZ ? MAX_SENSOR_HZ : hz;
      uint64_t period = static_cast<uint64_t>(1000.0 / rate);
      if (period == 0) period = 1;
      // Stay on the grid, but never burst to catch up after a stall.
      sl.nextSample[k] = (sl.nextSample[k] == 0 || now - sl.nextSample[k] >= period) ? now + period : sl.nextSample[k] + period;
      std::vector<Event> events;
      if (!sampled) {
        machine_.sensorSample(ss[k].name, hal_.analogRead(ss[k].pin), events);
        sampled = true;
      }
      const SensorRt& rt = machine_.state().sensors[k];
      Event e;
      e.kind = EventKind::Sensor;
      e.name = ss[k].name;
      e.raw = rt.raw;
      e.value = rt.value;
      hal_.send(c, encodeEvent(e, ++sl.seq));
    }
  }
}

void Device::loop() {
  uint64_t now = hal_.millis();
  if (originRefused_) {
    originRefused_ = false;
    log(LogLevel::Warn, "refused a WebSocket client: Origin not in websocket.allowedOrigins");
  }
  pollWifi(now);
  pollButtons(now);
  pollSensors(now);
  if (config().ws.auth) {
    for (int c = 0; c < MAX_CLIENTS; ++c) {
      Slot& sl = slots_[c];
      if (sl.connected && sl.refuseAt != 0 && now >= sl.refuseAt) {
        hal_.send(c, sl.refusal);
        closeClient(c);
        continue;
      }
      if (sl.connected && sl.refuseAt == 0 && !sl.helloSent && now - sl.authSince >= config().ws.authDeadlineMs) {
        ++counters_.authTimeouts;
        // A legacy-mode connection gets no JSON it did not ask for: just the close (PROTOCOL.md 9).
        if (sl.mode == Slot::Mode::Esphil) {
          DecodeError e;
          e.code = ErrorCode::Unauthorized;
          e.message = "auth deadline passed";
          hal_.send(c, Machine::errorResponse(e));
        }
        hal_.disconnect(c);
        onDisconnect(c);
      }
    }
  }
  if (rebootPending_ && now >= rebootAt_) {
    rebootPending_ = false;
    // PROTOCOL.md 5.1: close every connection (the library's disconnect(), 1000) before the restart drops TCP.
    for (int c = 0; c < MAX_CLIENTS; ++c) {
      if (!slots_[c].connected) continue;
      hal_.disconnect(c);
      onDisconnect(c);
    }
    hal_.reboot();
  }
}

}  // namespace esphil
