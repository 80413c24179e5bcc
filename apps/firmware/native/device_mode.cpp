// Device mode: connection events into a real Device over a HostHal; every answer lists the actions it took.
#include <cstdlib>

#include "../src/core/app_identity.h"
#include "../src/core/config.h"
#include "../src/core/device.h"
#include "host_hal.h"
#include "modes.h"

namespace esphil {

namespace {
constexpr uint32_t DEFAULT_HEAP_BASE = 210000;

uint32_t hexNumber(const JValue& v, uint32_t fallback) {
  if (!v.isString() || v.asString().empty() || v.asString().size() > 8) return fallback;
  char* end = nullptr;
  unsigned long n = std::strtoul(v.asString().c_str(), &end, 16);
  return *end == '\0' ? static_cast<uint32_t>(n) : fallback;
}

bool slotOf(const JValue& cmd, int& slot) {
  if (!cmd.get("slot").isInt(0, MAX_CLIENTS - 1)) return false;
  slot = static_cast<int>(cmd.get("slot").asNumber());
  return true;
}

// A "text" string or a "hex" byte string: the library hands frames over as bytes (no UTF-8 check, facts §5.5).
bool bytesOf(const JValue& cmd, std::string& out) {
  if (cmd.get("text").isString()) {
    out = cmd.get("text").asString();
    return true;
  }
  return cmd.get("hex").isString() && decodeHex(cmd.get("hex").asString(), out);
}

// The booted image's esp_app_desc_t, as the board's bootloader read it: {"project","version","elfSha256" (64 hex)}.
// Absent or malformed: the device does not know what it booted (no `app` in the boot line and hello).
AppIdentity appOf(const JValue& v) {
  if (!v.isObject() || !v.get("project").isString() || !v.get("version").isString()) return AppIdentity();
  std::string sha;
  if (!v.get("elfSha256").isString() || !decodeHex(v.get("elfSha256").asString(), sha) ||
      sha.size() != APP_ELF_SHA256_BYTES) {
    return AppIdentity();
  }
  const std::string& project = v.get("project").asString();
  const std::string& version = v.get("version").asString();
  return appIdentityFromDesc(project.c_str(), project.size(), version.c_str(), version.size(),
                             reinterpret_cast<const uint8_t*>(sha.data()), sha.size());
}
}  // namespace

DeviceMode::DeviceMode() = default;
DeviceMode::~DeviceMode() = default;

bool DeviceMode::handles(const std::string& c) {
  return c == "boot" || c == "connect" || c == "text" || c == "binary" || c == "fragment" || c == "disconnect" ||
         c == "tick" || c == "pin" || c == "adc" || c == "serial" || c == "state";
}

std::string DeviceMode::answer(const std::string& extra) {
  std::string s = "{\"ok\":true" + extra + ",\"actions\":[";
  bool first = true;
  for (const auto& a : hal_->takeActions()) {
    if (!first) s += ',';
    s += a;
    first = false;
  }
  return s + "]}";
}

std::string DeviceMode::boot(const JValue& cmd) {
  JValue cfg = cmd.get("config");
  if (!cfg.isObject()) return failAnswer("bad_command", "boot needs \"config\" (a device config object)");
  HostWifi wifi;
  JValue net = cmd.get("network");
  if (net.isObject()) {
    wifi.hasNetwork = true;
    wifi.ssid = net.get("ssid").asString();
    wifi.password = net.get("password").asString();
    if (net.get("rssi").isInt(-127, 0)) wifi.rssi = static_cast<int>(net.get("rssi").asNumber());
  }
  JValue stored = cmd.get("stored");
  if (stored.isObject()) {
    wifi.hasStored = true;
    wifi.storedSsid = stored.get("ssid").asString();
    wifi.storedPassword = stored.get("password").asString();
  }
  if (cmd.get("ip").isString()) wifi.ip = cmd.get("ip").asString();
  uint32_t heap = cmd.get("heapFree").isInt(0, 4294967295.0) ? static_cast<uint32_t>(cmd.get("heapFree").asNumber())
                                                              : DEFAULT_HEAP_BASE;
  std::string reason = cmd.get("resetReason").isString() ? cmd.get("resetReason").asString() : "poweron";
  // A fresh board: the old Device and its Hal (RAM) are gone; what NVS held comes back in the command.
  device_.reset();
  hal_.reset(new HostHal(wifi, hexNumber(cmd.get("chipId"), 0), hexNumber(cmd.get("bootId"), 0), heap, reason));
  if (cmd.get("nowMs").isNumber()) hal_->advanceTo(static_cast<uint64_t>(cmd.get("nowMs").asNumber()));
  device_.reset(new Device(*hal_));
  hal_->attach(device_.get());
  const std::string fw = cmd.get("fw").isString() ? cmd.get("fw").asString() : "0.1.0";
  bool ok = device_->begin(fw.c_str(), jsonStringify(cfg).c_str(), appOf(cmd.get("app")));
  const Identity& id = device_->identity();
  std::string extra;
  JsonWriter w(extra);
  // `extra` continues an object already opened by answer(): members only.
  w.key("configOk").value(ok).key("identity").beginObject().key("fw").value(id.fw).key("board").value(id.board);
  w.key("device").value(id.device).key("boot").value(id.boot).endObject();
  w.key("caps").raw(device_->machine().capsJson()).key("state").raw(device_->machine().snapshotJson());
  return answer("," + extra);
}

std::string DeviceMode::handle(const std::string& name, const JValue& cmd) {
  if (name == "boot") return boot(cmd);
  if (!device_) return failAnswer("not_booted", "send {\"cmd\":\"boot\",\"config\":{...}} first");
  if (hal_->restarted()) return failAnswer("not_booted", "the device restarted: send boot again");
  JValue now = cmd.get("nowMs");
  if (now.valid() && !now.isInt(0, 9007199254740991.0)) return failAnswer("bad_command", "nowMs must be an integer >= 0");
  if (now.valid()) hal_->advanceTo(static_cast<uint64_t>(now.asNumber()));
  return run(name, cmd);
}

std::string DeviceMode::run(const std::string& name, const JValue& cmd) {
  int slot = 0;
  const bool needsSlot = name == "connect" || name == "text" || name == "binary" || name == "fragment" ||
                         name == "disconnect";
  if (needsSlot && !slotOf(cmd, slot)) {
    return failAnswer("bad_command", name + " needs \"slot\" 0.." + std::to_string(MAX_CLIENTS - 1));
  }
  if (name == "connect") {
    JValue url = cmd.get("url");
    if (!url.isString()) return failAnswer("bad_command", "connect needs \"url\" (the request target)");
    // The validator sees every header the library does not parse itself, all of them (results AND-ed without
    // short-circuit, facts §1.1, S.cpp:789-794); a refusal is the library's 400 and a DISCONNECTED for the slot.
    bool valid = true;
    for (JValue h = cmd.get("headers").first(); h.valid(); h = h.next()) {
      if (!h.isArray() || h.size() != 2 || !h.first().isString() || !h.first().next().isString()) {
        return failAnswer("bad_command", "headers must be [[name, value], ...]");
      }
      valid = device_->validateHeader(h.first().asString(), h.first().next().asString()) && valid;
    }
    if (!valid) {
      device_->onDisconnect(slot);
      return answer(",\"accepted\":false");
    }
    const std::string address = cmd.get("address").isString() ? cmd.get("address").asString() : std::string();
    device_->onConnect(slot, url.asString(), address);
    return answer(",\"accepted\":true");
  }
  if (name == "text") {
    std::string data;
    if (!bytesOf(cmd, data)) return failAnswer("bad_command", "text needs \"text\" (a string) or \"hex\" (bytes)");
    device_->onText(slot, data.data(), data.size());
    return answer("");
  }
  if (name == "binary") {
    device_->onBinary(slot);
    return answer("");
  }
  if (name == "fragment") {
    device_->onFragment(slot);
    return answer("");
  }
  if (name == "disconnect") {
    device_->onDisconnect(slot);
    return answer("");
  }
  if (name == "tick") {
    device_->loop();
    return answer("");
  }
  if (name == "pin" || name == "adc") {
    JValue pin = cmd.get("pin");
    JValue v = cmd.get(name == "pin" ? "level" : "raw");
    if (!pin.isInt(0, 48) || !v.isInt(0, name == "pin" ? 1 : 4095)) {
      return failAnswer("bad_command", name == "pin" ? "pin needs \"pin\" 0..48 and \"level\" 0|1"
                                                     : "adc needs \"pin\" 0..48 and \"raw\" 0..4095");
    }
    if (name == "pin") {
      hal_->setDigital(static_cast<int>(pin.asNumber()), static_cast<int>(v.asNumber()));
    } else {
      hal_->setAdc(static_cast<int>(pin.asNumber()), static_cast<int>(v.asNumber()));
    }
    return answer("");
  }
  if (name == "serial") {
    std::string data;
    if (!bytesOf(cmd, data)) return failAnswer("bad_command", "serial needs \"text\" or \"hex\"");
    device_->onSerialBytes(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    return answer("");
  }
  // state
  const DeviceCounters& c = device_->counters();
  std::string extra;
  JsonWriter w(extra);
  w.key("state").raw(device_->machine().snapshotJson()).key("clients").value(device_->connectedClients());
  w.key("counters").beginObject().key("framesTooLarge").value(c.framesTooLarge).key("authTimeouts").value(c.authTimeouts);
  w.key("authFailures").value(c.authFailures).key("serialOverlongLines").value(c.serialOverlongLines);
  w.key("serialBadImprov").value(c.serialBadImprov).endObject();
  return answer("," + extra);
}

}  // namespace esphil
