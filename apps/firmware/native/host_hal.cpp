#include "host_hal.h"

#include "../src/core/device.h"

namespace esphil {

namespace {
bool validUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 9;
    if (n == 9) return false;
    uint32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 2) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 (a JS TextDecoder refuses them).
    static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return false;
    i += n + 1;
  }
  return true;
}
const char kHex[] = "0123456789abcdef";
int hexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

void writeBytesMember(JsonWriter& w, const std::string& bytes) {
  if (validUtf8(bytes)) {
    w.key("text").value(bytes);
    return;
  }
  std::string h;
  h.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    h += kHex[c >> 4];
    h += kHex[c & 15];
  }
  w.key("hex").value(h);
}

bool decodeHex(const std::string& hex, std::string& out) {
  if (hex.size() % 2 != 0) return false;
  out.clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int a = hexVal(hex[i]), b = hexVal(hex[i + 1]);
    if (a < 0 || b < 0) return false;
    out += static_cast<char>(a * 16 + b);
  }
  return true;
}

void HostHal::pinModeOutput(int pin) {
  std::string s;
  JsonWriter(s).beginObject().key("a").value("pin-mode").key("pin").value(pin).key("mode").value("output").endObject();
  record(s);
}

void HostHal::pinModeInput(int pin, Pull pull) {
  // An undriven input reads its pull level (a pull-down or none reads 0).
  if (!inputs_.count(pin)) inputs_[pin] = pull == Pull::Up ? 1 : 0;
  std::string s;
  JsonWriter(s).beginObject().key("a").value("pin-mode").key("pin").value(pin).key("mode").value("input").key("pull")
      .value(pull == Pull::Up ? "up" : pull == Pull::Down ? "down" : "none").endObject();
  record(s);
}

void HostHal::digitalWrite(int pin, int level) {
  std::string s;
  JsonWriter(s).beginObject().key("a").value("pin").key("pin").value(pin).key("level").value(level ? 1 : 0).endObject();
  record(s);
}

bool HostHal::ledcConfigure(int pin, int channel, uint32_t freq, uint32_t bits) {
  std::string s;
  JsonWriter(s).beginObject().key("a").value("ledc-setup").key("pin").value(pin).key("channel").value(channel)
      .key("freq").value(freq).key("bits").value(bits).endObject();
  record(s);
  return true;
}

void HostHal::ledcWrite(int pin, int channel, uint32_t duty) {
  std::string s;
  JsonWriter(s).beginObject().key("a").value("ledc-write").key("pin").value(pin).key("channel").value(channel)
      .key("duty").value(duty).endObject();
  record(s);
}

void HostHal::wifiBegin(const std::string& ssid, const std::string& password) {
  // Joining takes no virtual time here: the next loop() sees the outcome.
  wifiStatus_ = wifi_.hasNetwork && ssid == wifi_.ssid && password == wifi_.password ? WifiStatus::Connected
                                                                                     : WifiStatus::Failed;
  std::string s;
  JsonWriter(s).beginObject().key("a").value("wifi-begin").key("ssid").value(ssid).endObject();
  record(s);
}

void HostHal::send(int client, const std::string& text) {
  std::string s;
  JsonWriter w(s);
  w.beginObject().key("a").value("send").key("slot").value(client);
  writeBytesMember(w, text);
  w.endObject();
  record(s);
}

void HostHal::disconnect(int client) {
  // The library's disconnect(num): close 1000 without a reason, then TCP stop (facts §6, W.cpp:71-78).
  std::string s;
  JsonWriter(s).beginObject().key("a").value("close").key("slot").value(client).key("code").value(1000).endObject();
  record(s);
  if (device_ != nullptr) device_->onDisconnect(client);
}

void HostHal::serialWrite(const uint8_t* data, size_t len) {
  std::string s;
  JsonWriter w(s);
  w.beginObject().key("a").value("serial");
  writeBytesMember(w, std::string(reinterpret_cast<const char*>(data), len));
  w.endObject();
  record(s);
}

bool HostHal::storeConfig(const std::string& json) {
  std::string s;
  JsonWriter(s).beginObject().key("a").value("store-config").key("json").value(json).endObject();
  record(s);
  return true;
}

bool HostHal::storeWifi(const std::string& ssid, const std::string& password) {
  wifi_.hasStored = true;
  wifi_.storedSsid = ssid;
  wifi_.storedPassword = password;
  std::string s;
  JsonWriter(s).beginObject().key("a").value("store-wifi").key("ssid").value(ssid).key("password").value(password)
      .endObject();
  record(s);
  return true;
}

bool HostHal::loadWifi(std::string& ssid, std::string& password) {
  ssid = wifi_.storedSsid;
  password = wifi_.storedPassword;
  return wifi_.hasStored;
}

void HostHal::reboot() {
  restarted_ = true;
  record("{\"a\":\"restart\"}");
}

uint32_t HostHal::heapFree() {
  // The sim's model of free heap: a base less about 3 KB per connected client (a guess, not measured).
  int clients = device_ != nullptr ? device_->connectedClients() : 0;
  return heapBase_ - static_cast<uint32_t>(clients) * 3000u;
}

}  // namespace esphil
