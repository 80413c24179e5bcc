// The booted image's identity (esp_app_desc_t) in hello and the serial boot line: PROTOCOL.md §4.1 `app`, with the
// checks of @esphil/protocol's validateAppIdentity (packages/protocol/src/codec/state.ts): project and version
// strings of 1-31 chars, elfSha256 64 lowercase hex digits, the member optional.
#include <cstring>

#include "../src/arduino/device_config.h"
#include "../src/core/app_identity.h"
#include "../src/core/device.h"
#include "fake_hal.h"
#include "harness.h"

using namespace esphil;

namespace {

// A descriptor field as the image stores it: char[32], NUL-padded unless the text fills it.
struct DescText {
  char bytes[APP_DESC_TEXT_BYTES] = {};
  explicit DescText(const std::string& s) { std::memcpy(bytes, s.data(), s.size() < sizeof bytes ? s.size() : sizeof bytes); }
};

uint8_t kSha[APP_ELF_SHA256_BYTES];
const char* kShaHex = "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0";

AppIdentity sampleApp(const std::string& project = "esphil-firmware", const std::string& version = "v0.2.0-3-gdeadbee") {
  const uint8_t bytes[] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
                           0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a, 0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0};
  std::memcpy(kSha, bytes, sizeof kSha);
  DescText p(project), v(version);
  return appIdentityFromDesc(p.bytes, sizeof p.bytes, v.bytes, sizeof v.bytes, kSha, sizeof kSha);
}

// The JSON after "@esphil " of the first machine line of type `t` on the console.
std::string machineLine(const std::string& serial, const std::string& t) {
  const std::string prefix = "@esphil ";
  size_t at = 0;
  while ((at = serial.find(prefix, at)) != std::string::npos) {
    size_t end = serial.find("\r\n", at);
    std::string json = serial.substr(at + prefix.size(), end - at - prefix.size());
    JsonDoc d;
    if (d.parse(json) == JsonError::None && d.root().get("t").isString() && d.root().get("t").asString() == t) return json;
    at = end;
  }
  return std::string();
}

bool lowerHex64(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Same rules as validateAppIdentity; returns "" when valid, else the offending path.
std::string codecProblem(const JValue& app) {
  if (!app.isObject()) return "app";
  const char* texts[] = {"project", "version"};
  for (const char* k : texts) {
    JValue v = app.get(k);
    if (!v.isString() || v.asString().empty() || v.asString().size() > 31) return std::string("app.") + k;
  }
  if (!app.get("elfSha256").isString() || !lowerHex64(app.get("elfSha256").asString())) return "app.elfSha256";
  return "";
}

struct Booted {
  FakeHal hal;
  Device dev{hal};
  std::string serial;
  explicit Booted(const AppIdentity& app) {
    dev.begin("v0.2.0-3-gdeadbee", ESPHIL_DEVICE_CONFIG_JSON, app);
    serial = hal.takeSerial();
    dev.onConnect(0, "/");
  }
  std::string hello() { return hal.to(0).at(0); }
};

}  // namespace

TEST("app identity: hello and the boot line carry project, version and the 64-hex ELF SHA-256") {
  Booted b(sampleApp());
  std::string boot = machineLine(b.serial, "boot");
  // Member order as PROTOCOL.md §11 lists it: fw, board, device, boot, app, reason.
  CHECK(boot.find("\"boot\":\"5f2c9e1a\",\"app\":{\"project\":\"esphil-firmware\",\"version\":\"v0.2.0-3-gdeadbee\","
                  "\"elfSha256\":\"" + std::string(kShaHex) + "\"},\"reason\":\"poweron\"}") != std::string::npos);
  std::string hello = b.hello();
  CHECK(hello.find(",\"app\":{\"project\":\"esphil-firmware\",\"version\":\"v0.2.0-3-gdeadbee\",\"elfSha256\":\"" +
                   std::string(kShaHex) + "\"},\"caps\":") != std::string::npos);
  for (const std::string& json : {boot, hello}) {
    JsonDoc d;
    CHECK(d.parse(json) == JsonError::None);
    CHECK_EQ(codecProblem(d.root().get("app")), std::string(""));
    CHECK_EQ(d.root().get("app").get("elfSha256").asString(), std::string(kShaHex));
  }
}

TEST("app identity: absent when not known, or when project or version is empty") {
  Booted none((AppIdentity()));
  CHECK(!machineLine(none.serial, "boot").empty());
  CHECK(machineLine(none.serial, "boot").find("\"app\"") == std::string::npos);
  CHECK(none.hello().find("\"app\"") == std::string::npos);
  // CONFIG_APP_EXCLUDE_PROJECT_NAME_VAR / _VER_VAR build an empty field: the protocol needs 1-31 chars.
  CHECK(!sampleApp("", "v1").present);
  CHECK(!sampleApp("p", "").present);
  Booted empty(sampleApp("", "v1"));
  CHECK(empty.hello().find("\"app\"") == std::string::npos);
}

TEST("app identity: strings are JSON-escaped and the boot line stays one line") {
  Booted b(sampleApp("a\"b\\c\r\nd\x01", "v1\t2"));
  std::string boot = machineLine(b.serial, "boot");
  CHECK(boot.find("\"project\":\"a\\\"b\\\\c\\r\\nd\\u0001\"") != std::string::npos);
  CHECK(boot.find("\"version\":\"v1\\t2\"") != std::string::npos);
  for (const std::string& json : {boot, b.hello()}) {
    JsonDoc d;
    CHECK(d.parse(json) == JsonError::None);
    CHECK_EQ(d.root().get("app").get("project").asString(), std::string("a\"b\\c\r\nd\x01"));
    CHECK_EQ(codecProblem(d.root().get("app")), std::string(""));
  }
}

TEST("app identity: text is bounded to 31 bytes (char[32] with its NUL) on a UTF-8 boundary") {
  // A 32-byte field with no NUL (not what IDF writes, its static assert forbids it, but flash can hold anything).
  char full[APP_DESC_TEXT_BYTES];
  std::memset(full, 'x', sizeof full);
  uint8_t sha[APP_ELF_SHA256_BYTES] = {};
  AppIdentity a = appIdentityFromDesc(full, sizeof full, full, sizeof full, sha, sizeof sha);
  CHECK(a.present);
  CHECK_EQ(a.project, std::string(31, 'x'));
  CHECK_EQ(a.version.size(), static_cast<size_t>(MAX_APP_TEXT));
  CHECK_EQ(elfSha256Hex(a), std::string(64, '0'));
  // The text stops at the first NUL even when bytes follow it.
  const char nul[APP_DESC_TEXT_BYTES] = {'a', 'b', '\0', 'c'};
  CHECK_EQ(appIdentityFromDesc(nul, sizeof nul, nul, sizeof nul, sha, sizeof sha).project, std::string("ab"));
  // 30 ASCII bytes + a 2-byte character would end at byte 32: cut before it rather than in its middle.
  std::string multi = std::string(30, 'y') + "\xc3\xa9";
  CHECK_EQ(sampleApp(multi).project, std::string(30, 'y'));
  std::string fits = std::string(29, 'y') + "\xc3\xa9";
  CHECK_EQ(sampleApp(fits).project, fits);
  // Invalid UTF-8 (a WebSocket text frame must be valid) becomes '?', byte for byte.
  CHECK_EQ(sampleApp("a\xff" "b\xc3").project, std::string("a?b?"));
  CHECK_EQ(sampleApp("\xed\xa0\x80").project, std::string("???"));  // a UTF-16 surrogate encoded in UTF-8
  // Hex of every byte value, lowercase.
  CHECK_EQ(elfSha256Hex(sampleApp()), std::string(kShaHex));
  CHECK(!appIdentityFromDesc(nullptr, 0, nullptr, 0, nullptr, 0).present);
}
