// The whole device over a fake Hal: connection slots, sequence numbers, auth, Origin, serial console, Improv.
#include "../src/arduino/device_config.h"
#include "../src/core/device.h"
#include "fake_hal.h"
#include "harness.h"

using namespace esphil;

namespace {
std::string field(const std::string& json, const char* key) {
  JsonDoc d;
  if (d.parse(json) != JsonError::None) return "<not json>";
  JValue v = d.root().get(key);
  return v.valid() ? (v.isString() ? v.asString() : jsonStringify(v)) : "<absent>";
}
bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }
void serialIn(Device& d, const std::string& s) { d.onSerialBytes(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }
void text(Device& d, int c, const std::string& s) { d.onText(c, s.data(), s.size()); }
}  // namespace

TEST("device: boots the compiled default, prints boot/wifi/ready lines, drives outputs") {
  FakeHal hal;
  Device d(hal);
  CHECK(d.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON));
  CHECK(d.usingDefaultConfig());
  std::string s = hal.takeSerial();
  CHECK(has(s, "@esphil {\"t\":\"boot\",\"fw\":\"0.1.0\",\"board\":\"esp32-doit-devkit-v1\",\"device\":\"esphil-a1b2c3\""));
  CHECK(has(s, "@esphil {\"t\":\"wifi\",\"status\":\"unprovisioned\"}\r\n"));
  CHECK(has(s, "@esphil {\"t\":\"ready\",\"ip\":null,\"port\":81,\"path\":\"/\",\"url\":null,\"proto\":1}\r\n"));
  CHECK_EQ(hal.levels[2], 0);
  CHECK(!hal.ledc.empty());
  CHECK_EQ(hal.ledc.front().freq, 5000u);
  CHECK_EQ(hal.ledc.front().bits, 10u);
}

TEST("device: hello on connect, responses to the sender, events numbered per connection") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON);
  d.onConnect(0, "/?esphil");
  d.onConnect(1, "/?esphil");
  CHECK_EQ(field(hal.to(0).at(0), "t"), std::string("hello"));
  CHECK_EQ(field(hal.to(0).at(0), "seq"), std::string("0"));
  CHECK_EQ(field(hal.to(0).at(0), "boot"), std::string("5f2c9e1a"));
  text(d, 0, R"({"id":7,"op":"led.set","led":"status","on":true})");
  CHECK_EQ(hal.levels[2], 1);
  auto c0 = hal.to(0), c1 = hal.to(1);
  CHECK_EQ(c0.size(), 3u);
  CHECK_EQ(field(c0.at(1), "id"), std::string("7"));
  CHECK_EQ(field(c0.at(2), "seq"), std::string("1"));
  CHECK_EQ(field(c1.back(), "by"), std::string("ws:0"));
  text(d, 1, "LED OFF");
  CHECK_EQ(hal.to(1).at(2), std::string("LED is now OFF"));
  CHECK_EQ(field(hal.to(0).back(), "seq"), std::string("2"));
  CHECK_EQ(field(hal.to(0).back(), "by"), std::string("legacy:1"));
  CHECK_EQ(hal.levels[2], 0);
  text(d, 0, "{nope");
  CHECK(has(hal.to(0).back(), "\"code\":\"bad_json\""));
  CHECK_EQ(field(hal.to(0).back(), "id"), std::string("null"));
  std::string huge(MAX_FRAME + 1, ' ');
  text(d, 0, huge);
  CHECK(has(hal.to(0).back(), "\"code\":\"too_large\""));
}

TEST("device: token auth first, deadline disconnects, hello after auth") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0",
          R"({"version":1,"board":"esp32-doit-devkit-v1","leds":[{"name":"status","pin":2}],)"
          R"("websocket":{"authToken":"s3cret-token-0123","authDeadlineMs":2000}})");
  d.onConnect(0, "/?esphil");
  d.onConnect(1, "/?esphil");
  CHECK_EQ(field(hal.to(0).at(0), "t"), std::string("auth_required"));
  CHECK_EQ(field(hal.to(0).at(0), "deadlineMs"), std::string("2000"));
  text(d, 0, R"({"id":1,"op":"ping"})");
  CHECK(has(hal.to(0).back(), "unauthorized"));
  text(d, 0, "LED ON");
  CHECK(has(hal.to(0).back(), "unauthorized"));
  text(d, 0, "{bad");
  CHECK(has(hal.to(0).back(), "unauthorized"));
  CHECK_EQ(hal.levels[2], 0);
  text(d, 0, R"({"id":2,"op":"auth","token":"s3cret-token-0123"})");
  auto c0 = hal.to(0);
  CHECK_EQ(field(c0.at(c0.size() - 2), "ok"), std::string("true"));
  CHECK_EQ(field(c0.back(), "t"), std::string("hello"));
  hal.now += 2000;
  d.loop();
  CHECK_EQ(hal.disconnected.size(), 1u);
  CHECK_EQ(hal.disconnected.at(0), 1);
  CHECK_EQ(d.counters().authTimeouts, 1u);
  d.onConnect(2, "/?esphil");
  text(d, 2, R"({"id":3,"op":"auth","token":"guess"})");
  CHECK(has(hal.to(2).back(), "unauthorized"));
  CHECK_EQ(hal.disconnected.back(), 2);
}

TEST("device: failed auth slowed per address: free guesses, held refusal, locked address, reset by success") {
  // PROTOCOL.md 8.1 "failed attempts"; the simulator's auth-throttle.ts pins the same numbers.
  CHECK_EQ(authBackoffMs(AUTH_FREE_FAILURES), 0u);
  CHECK_EQ(authBackoffMs(AUTH_FREE_FAILURES + 1), AUTH_BACKOFF_BASE_MS);
  CHECK_EQ(authBackoffMs(AUTH_FREE_FAILURES + 2), 2 * AUTH_BACKOFF_BASE_MS);
  CHECK_EQ(authBackoffMs(AUTH_FREE_FAILURES + 6), AUTH_BACKOFF_MAX_MS);
  CHECK_EQ(authBackoffMs(UINT32_MAX), AUTH_BACKOFF_MAX_MS);
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0",
          R"({"version":1,"board":"esp32-doit-devkit-v1","leds":[{"name":"status","pin":2}],)"
          R"("websocket":{"authToken":"s3cret-token-0123","authDeadlineMs":60000}})");
  const std::string attacker = "192.168.1.66";
  for (uint32_t i = 0; i < AUTH_FREE_FAILURES; ++i) {
    d.onConnect(0, "/?esphil", attacker);
    text(d, 0, R"({"id":1,"op":"auth","token":"guess-guess-guess"})");
    CHECK(has(hal.to(0).back(), "\"code\":\"unauthorized\""));
    CHECK_EQ(hal.disconnected.size(), static_cast<size_t>(i + 1));
  }
  // The 4th wrong token: no answer and no disconnect until the lock ends; frames meanwhile are not answered.
  d.onConnect(0, "/?esphil", attacker);
  size_t before = hal.to(0).size();
  text(d, 0, R"({"id":4,"op":"auth","token":"guess-guess-guess"})");
  text(d, 0, R"({"id":5,"op":"ping"})");
  d.onBinary(0);
  hal.now += AUTH_BACKOFF_BASE_MS - 1;
  d.loop();
  CHECK_EQ(hal.to(0).size(), before);
  CHECK_EQ(hal.disconnected.size(), static_cast<size_t>(AUTH_FREE_FAILURES));
  // Another connection from the same address, right token: not checked while locked.
  d.onConnect(1, "/?esphil", attacker);
  text(d, 1, R"({"id":6,"op":"auth","token":"s3cret-token-0123"})");
  CHECK(has(hal.to(1).back(), "retry in 1 ms"));
  CHECK_EQ(field(hal.to(1).back(), "id"), std::string("6"));
  CHECK_EQ(hal.disconnected.back(), 1);
  // Another address is not locked.
  d.onConnect(2, "/?esphil", "192.168.1.10");
  text(d, 2, R"({"id":7,"op":"auth","token":"s3cret-token-0123"})");
  CHECK_EQ(field(hal.to(2).back(), "t"), std::string("hello"));
  hal.now += 1;
  d.loop();
  CHECK_EQ(field(hal.to(0).back(), "id"), std::string("4"));
  CHECK(has(hal.to(0).back(), "\"code\":\"unauthorized\""));
  CHECK_EQ(hal.disconnected.back(), 0);
  CHECK_EQ(d.counters().authFailures, AUTH_FREE_FAILURES + 1);
  // After the lock: the right token works and clears the address, so the next wrong one is free again.
  d.onConnect(0, "/?esphil", attacker);
  text(d, 0, R"({"id":8,"op":"auth","token":"s3cret-token-0123"})");
  CHECK_EQ(field(hal.to(0).back(), "t"), std::string("hello"));
  d.onConnect(3, "/?esphil", attacker);
  size_t n = hal.disconnected.size();
  text(d, 3, R"({"id":9,"op":"auth","token":"guess-guess-guess"})");
  CHECK_EQ(hal.disconnected.size(), n + 1);
  // A client that closes while its refusal is held just goes away: nothing is sent to the next one in the slot.
  for (uint32_t i = 0; i < AUTH_FREE_FAILURES; ++i) {
    d.onConnect(3, "/?esphil", attacker);
    text(d, 3, R"({"id":10,"op":"auth","token":"guess-guess-guess"})");
  }
  size_t sent3 = hal.to(3).size();
  d.onDisconnect(3);
  d.onConnect(3, "/?esphil", "192.168.1.11");
  hal.now += AUTH_BACKOFF_MAX_MS;
  d.loop();
  CHECK_EQ(hal.to(3).size(), sent3 + 1);  // only its own auth_required
  CHECK_EQ(field(hal.to(3).back(), "t"), std::string("auth_required"));
}

TEST("device: Origin allow-list; clients without Origin always pass") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0", R"({"version":1,"board":"esp32-devkitc","websocket":{"allowedOrigins":["http://bench.local:5173"]}})");
  CHECK(d.originAllowed(""));
  CHECK(d.originAllowed("http://bench.local:5173"));
  CHECK(!d.originAllowed("http://evil.example"));
  FakeHal h2;
  Device any(h2);
  any.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON);
  CHECK(any.originAllowed("http://evil.example"));
}

TEST("device: the header validator refuses a foreign Origin (any name case) and logs it from the next loop()") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0", R"({"version":1,"board":"esp32-devkitc","websocket":{"allowedOrigins":["http://bench.local:5173"]}})");
  hal.takeSerial();
  CHECK(d.validateHeader("Host", "http://evil.example"));
  CHECK(d.validateHeader("origin", "http://bench.local:5173"));
  CHECK(!d.validateHeader("oRiGiN", "http://evil.example"));
  CHECK(!has(hal.serial, "refused"));  // inside the library's loop: nothing is sent yet
  d.loop();
  CHECK(has(hal.takeSerial(), "[warn] refused a WebSocket client: Origin not in websocket.allowedOrigins"));
  d.loop();
  CHECK(!has(hal.takeSerial(), "refused"));
}

TEST("device: onConnect serves websocket.path only, whatever the query; other paths are disconnected at once") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0", R"({"version":1,"board":"esp32-devkitc","websocket":{"path":"/ws"}})");
  d.onConnect(0, "/ws?x=1&y", "10.0.0.1");
  CHECK_EQ(field(hal.to(0).at(0), "t"), std::string("hello"));
  d.onConnect(1, "/");
  d.onConnect(2, "/ws/");
  d.onConnect(3, "/other?/ws");
  CHECK(hal.to(1).empty());
  CHECK(hal.to(2).empty());
  CHECK(hal.to(3).empty());
  CHECK_EQ(hal.disconnected.size(), 3u);
  CHECK_EQ(d.connectedClients(), 1);
}

TEST("device: serial requests need the prefix, noise before it is skipped, overlong lines answered too_large") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON);
  hal.takeSerial();
  static const char kNoisy[] =
      "\x00\xff garbage\r\n@esphil {\"id\":1,\"op\":\"ping\"}\r\n{\"id\":5,\"op\":\"ping\"}\n"
      "\x01\xfe@esphil {\"id\":2,\"op\":\"pwm.set\",\"ch\":\"fan\",\"duty\":1}\n";
  serialIn(d, std::string(kNoisy, sizeof kNoisy - 1));
  std::string s = hal.takeSerial();
  CHECK(has(s, "@esphil {\"t\":\"res\",\"id\":1,\"ok\":true,\"result\":{\"uptimeMs\":0}}\r\n"));
  CHECK(has(s, "\"duty\":1023"));
  CHECK(has(s, "@esphil {\"t\":\"evt\",\"seq\":1,\"ev\":\"pwm\",\"ch\":\"fan\""));
  CHECK(!has(s, "\"id\":5"));  // no prefix: not a request
  CHECK_EQ(hal.ledc.back().duty, 1023u);
  std::string longLine(MAX_SERIAL_LINE + 10, 'x');
  serialIn(d, "@esphil {" + longLine + "\n@esphil {\"id\":3,\"op\":\"ping\"}\n");
  CHECK_EQ(d.counters().serialOverlongLines, 1u);
  s = hal.takeSerial();
  CHECK(has(s, "@esphil {\"t\":\"res\",\"id\":null,\"ok\":false,\"error\":{\"code\":\"too_large\""));
  CHECK(has(s, "\"id\":3,\"ok\":true"));
  CHECK(!has(s, "bad_json"));
}

TEST("device: a serial request with IMPROV in a string is answered (not eaten as an Improv packet)") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON);
  hal.takeSerial();
  serialIn(d, "@esphil {\"id\":7,\"op\":\"led.set\",\"led\":\"IMPROVE\",\"on\":true}\n");
  std::string s = hal.takeSerial();
  CHECK(has(s, "@esphil {\"t\":\"res\",\"id\":7,\"ok\":false,\"error\":{\"code\":\"bad_param\""));  // upper case is no name
  CHECK_EQ(d.counters().serialBadImprov, 0u);
}

TEST("device: config.set over serial stores the resolved config and reboots after 100 ms; NVS wins next boot") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON);
  serialIn(d, R"(@esphil {"id":9,"op":"config.set","config":{"version":1,"board":"esp32-doit-devkit-v1","leds":[{"name":"blue","pin":23}]}})"
              "\n");
  CHECK(hal.hasConfig);
  CHECK(has(hal.storedConfig, "\"name\":\"blue\""));
  CHECK(has(hal.storedConfig, "\"activeLow\":false"));
  hal.now += 99;
  d.loop();
  CHECK_EQ(hal.reboots, 0);
  hal.now += 1;
  d.loop();
  CHECK_EQ(hal.reboots, 1);
  FakeHal h2;
  h2.storedConfig = hal.storedConfig;
  h2.hasConfig = true;
  Device d2(h2);
  d2.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON);
  CHECK(!d2.usingDefaultConfig());
  CHECK_EQ(d2.config().leds.at(0).name, std::string("blue"));
  FakeHal h3;
  h3.storedConfig = "{broken";
  h3.hasConfig = true;
  Device d3(h3);
  d3.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON);
  CHECK(d3.usingDefaultConfig());
  CHECK(has(h3.serial, "[error] stored config ignored"));
}

TEST("device: Improv provisioning connects, stores credentials, answers the URL and prints ready") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON);
  hal.takeSerial();
  std::vector<uint8_t> data = {0x01, 10, 3, 'l', 'a', 'b', 5, 'p', 'a', 's', 's', '1'};
  std::vector<uint8_t> pkt = improv::encode(improv::RpcCommand, data);
  d.onSerialBytes(pkt.data(), pkt.size());
  CHECK_EQ(hal.beganSsid, std::string("lab"));
  std::string s = hal.takeSerial();
  std::vector<uint8_t> provisioning = improv::encode(improv::CurrentState, {improv::Provisioning});
  CHECK(has(s, std::string(provisioning.begin(), provisioning.end())));
  hal.wifi = WifiStatus::Connected;
  d.loop();
  s = hal.takeSerial();
  CHECK(hal.hasWifi);
  CHECK_EQ(hal.pass, std::string("pass1"));
  std::vector<uint8_t> result = improv::encode(improv::RpcResult, improv::rpcResult(improv::WifiSettings, {"ws://192.168.1.42:81/"}));
  CHECK(has(s, std::string(result.begin(), result.end())));
  CHECK(has(s, "@esphil {\"t\":\"ready\",\"ip\":\"192.168.1.42\",\"port\":81,\"path\":\"/\",\"url\":\"ws://192.168.1.42:81/\",\"proto\":1}"));
  std::vector<uint8_t> bad = improv::encode(improv::RpcCommand, data);
  bad.back() ^= 1;
  d.onSerialBytes(bad.data(), bad.size());
  std::vector<uint8_t> invalid = improv::encode(improv::ErrorState, {improv::InvalidRpc});
  CHECK(has(hal.takeSerial(), std::string(invalid.begin(), invalid.end())));
}

TEST("device: a failed join with stored credentials still prints ready, without an address (serial only)") {
  FakeHal hal;
  hal.hasWifi = true;
  hal.ssid = "lab";
  hal.pass = "wrong";
  Device d(hal);
  d.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON);
  std::string s = hal.takeSerial();
  CHECK(has(s, "@esphil {\"t\":\"wifi\",\"status\":\"connecting\",\"ssid\":\"lab\"}\r\n"));
  CHECK(!has(s, "\"t\":\"ready\""));
  hal.wifi = WifiStatus::Failed;
  d.loop();
  s = hal.takeSerial();
  CHECK(has(s, "@esphil {\"t\":\"wifi\",\"status\":\"failed\",\"ssid\":\"lab\"}\r\n"));
  CHECK(has(s, "@esphil {\"t\":\"ready\",\"ip\":null,\"port\":81,\"path\":\"/\",\"url\":null,\"proto\":1}\r\n"));
  d.loop();
  CHECK(!has(hal.takeSerial(), "\"t\":\"ready\""));
}

TEST("device: Improv reports unable-to-connect after the WiFi timeout") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON);
  std::vector<uint8_t> pkt = improv::encode(improv::RpcCommand, {0x01, 5, 3, 'l', 'a', 'b', 0});
  d.onSerialBytes(pkt.data(), pkt.size());
  hal.takeSerial();
  hal.now += WIFI_CONNECT_TIMEOUT_MS + 1;
  d.loop();
  std::string s = hal.takeSerial();
  std::vector<uint8_t> err = improv::encode(improv::ErrorState, {improv::UnableToConnect});
  CHECK(has(s, std::string(err.begin(), err.end())));
  CHECK(!hal.hasWifi);
}

TEST("device: sensor streams per client at their own rate; debounced button edges to everyone") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON);
  d.onConnect(0, "/?esphil");
  d.onConnect(1, "/?esphil");
  hal.adc[34] = 2048;
  text(d, 0, R"({"id":1,"op":"sensor.subscribe","sensor":"light","hz":10})");
  text(d, 1, R"({"id":2,"op":"sensor.subscribe","sensor":"light","hz":2})");
  size_t base0 = hal.to(0).size(), base1 = hal.to(1).size();
  for (int t = 0; t <= 1000; t += 10) {
    d.loop();
    hal.now += 10;
  }
  size_t n0 = hal.to(0).size() - base0, n1 = hal.to(1).size() - base1;
  CHECK(n0 >= 10 && n0 <= 11);
  CHECK(n1 >= 2 && n1 <= 3);
  CHECK(has(hal.to(0).back(), "\"raw\":2048"));
  hal.inputs[4] = 0;  // pressed (active low)
  d.loop();
  size_t before = hal.to(1).size();
  hal.now += 10;
  d.loop();
  CHECK_EQ(hal.to(1).size(), before);  // still bouncing window
  hal.now += 30;
  d.loop();
  CHECK(has(hal.to(1).back(), "\"ev\":\"button\",\"button\":\"boot\",\"pressed\":true"));
  d.onDisconnect(0);
  base1 = hal.to(1).size();
  size_t sent0 = hal.to(0).size();
  hal.now += 1000;
  d.loop();
  CHECK_EQ(hal.to(0).size(), sent0);
}

TEST("device: legacy mode (PROTOCOL.md 9): path check, text-only broadcasts of any cause, ignored frames, switch") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0", ESPHIL_DEVICE_CONFIG_JSON);  // status LED on GPIO2, boot button on GPIO4 (active low)
  d.onConnect(0, "/other?esphil");
  CHECK_EQ(hal.disconnected.size(), 1u);  // not websocket.path: the library's disconnect()
  CHECK_EQ(d.connectedClients(), 0);
  d.onConnect(0, "/");
  d.onConnect(1, "/?esphil");
  CHECK(hal.to(0).empty());  // no hello for a tutorial page
  CHECK_EQ(field(hal.to(1).at(0), "t"), std::string("hello"));
  text(d, 1, R"({"id":1,"op":"led.set","led":"status","on":true})");
  CHECK_EQ(hal.to(0).size(), 1u);
  CHECK_EQ(hal.to(0).back(), std::string("LED is now ON"));
  text(d, 0, "LED OFF");
  CHECK_EQ(hal.to(0).size(), 2u);  // its answer only, not the broadcast as well
  CHECK_EQ(hal.to(0).back(), std::string("LED is now OFF"));
  CHECK_EQ(field(hal.to(1).back(), "by"), std::string("legacy:0"));
  text(d, 0, "led on");
  text(d, 0, "[1]");
  d.onBinary(0);
  d.onFragment(0);
  CHECK_EQ(hal.to(0).size(), 2u);
  CHECK_EQ(d.counters().legacyIgnored, 3u);
  hal.inputs[4] = 0;  // a button press is an event, but not the first LED's: nothing for the page
  for (int t = 0; t < 5; ++t) {
    hal.now += 20;
    d.loop();
  }
  CHECK(has(hal.to(1).back(), "\"ev\":\"button\""));
  CHECK_EQ(hal.to(0).size(), 2u);
  serialIn(d, "@esphil {\"id\":2,\"op\":\"led.toggle\",\"led\":\"status\"}\r\n");  // another cause: serial
  CHECK_EQ(hal.to(0).back(), std::string("LED is now ON"));
  text(d, 0, "\n{\"id\":3,\"op\":\"ping\"}");
  auto c0 = hal.to(0);
  CHECK_EQ(field(c0.at(c0.size() - 2), "t"), std::string("hello"));
  CHECK_EQ(field(c0.back(), "id"), std::string("3"));
  text(d, 0, "nonsense");  // an esphil connection now: answered
  CHECK(has(hal.to(0).back(), "\"code\":\"bad_json\""));
}

TEST("device: legacy mode with a token: closed unswitched at the deadline; a switch restarts the deadline") {
  FakeHal hal;
  Device d(hal);
  d.begin("0.1.0",
          R"({"version":1,"board":"esp32-doit-devkit-v1","leds":[{"name":"status","pin":2}],)"
          R"("websocket":{"authToken":"s3cret-token-0123","authDeadlineMs":2000}})");
  d.onConnect(0, "/");
  d.onConnect(1, "/");
  CHECK(hal.to(0).empty());
  text(d, 0, "LED ON");
  CHECK(has(hal.to(0).back(), "\"code\":\"unauthorized\""));
  CHECK_EQ(hal.levels[2], 0);
  hal.now += 1500;
  text(d, 1, R"({"id":1,"op":"ping"})");  // switch: auth_required, deadline from now
  CHECK_EQ(field(hal.to(1).at(0), "t"), std::string("auth_required"));
  CHECK(has(hal.to(1).at(1), "\"code\":\"unauthorized\""));
  size_t sent0 = hal.to(0).size();
  hal.now += 500;
  d.loop();
  CHECK_EQ(hal.disconnected.size(), 1u);
  CHECK_EQ(hal.disconnected.at(0), 0);
  CHECK_EQ(hal.to(0).size(), sent0);  // no JSON message before the close of a legacy-mode connection
  hal.now += 1499;
  d.loop();
  CHECK_EQ(hal.disconnected.size(), 1u);
  hal.now += 1;
  d.loop();
  CHECK_EQ(hal.disconnected.back(), 1);
  CHECK(has(hal.to(1).back(), "auth deadline passed"));
}
