// Deterministic mutation fuzzer for the core's untrusted-input paths, built with ASan + UBSan (g++ only: no
// libFuzzer needed). Seeds come from the protocol vectors plus built-in messages; each iteration mutates a seed
// (bit flips, byte inserts/deletes, splices, JSON-ish tokens, truncation) and feeds it to the JSON reader, the
// request decoder, the state machine (handleFrame), the config validator, the Improv decoder and the whole
// device (WebSocket text + serial bytes). Invariants: no sanitizer report, every reply is JSON or legacy text,
// decoding agrees with the frame limit. Usage: fuzz [--seconds N] [--iterations N] [--seed N] [--corpus dir]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../src/arduino/device_config.h"
#include "../src/core/backend.h"
#include "../src/core/device.h"
#include "../tests/fake_hal.h"

using namespace esphil;

namespace {

struct Rng {
  uint64_t s;
  uint64_t next() {  // splitmix64: deterministic for a seed on every platform
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(next() % n); }
};

const char* kTokens[] = {"{",  "}",   "[",    "]",     ",",       ":",        "\"",     "\\",      "\\u",   "\\ud800",
                         "null", "true", "false", "-0", "1e999", "1.5", "4294967296", "-1", "\"id\":", "\"op\":",
                         "\"led.set\"", "\"pwm.config\"", "\"config.set\"", "\"auth\"", "\"status\"", "\"fan\"",
                         "\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\x00", "IMPROV", "@esphil ", "\n", "\r\n",
                         "LED ON", "{\"version\":1,\"board\":\"esp32-devkitc\"", "\"pwm\":[{\"name\":\"a\",\"pin\":18"};

std::string mutate(Rng& r, const std::vector<std::string>& corpus) {
  std::string s = corpus[r.below(corpus.size())];
  // Now and then an entry as is: valid requests reach the device's deeper paths (timers, sensor periods).
  if (r.below(8) == 0) return s;
  size_t rounds = 1 + r.below(8);
  for (size_t k = 0; k < rounds; ++k) {
    switch (r.below(7)) {
      case 0:
        if (!s.empty()) s[r.below(s.size())] ^= static_cast<char>(1u << r.below(8));
        break;
      case 1: s.insert(r.below(s.size() + 1), 1, static_cast<char>(r.below(256))); break;
      case 2:
        if (!s.empty()) s.erase(r.below(s.size()), 1 + r.below(8));
        break;
      case 3: {
        const char* t = kTokens[r.below(sizeof kTokens / sizeof kTokens[0])];
        s.insert(r.below(s.size() + 1), std::string(t, std::strlen(t) == 0 ? 1 : std::strlen(t)));
        break;
      }
      case 4: {
        const std::string& o = corpus[r.below(corpus.size())];
        size_t a = r.below(o.size() + 1);
        s.insert(r.below(s.size() + 1), o.substr(a, r.below(o.size() - a + 1)));
        break;
      }
      case 5: s = s.substr(0, r.below(s.size() + 1)); break;
      case 6: {
        // Nesting bombs and long runs probe the depth and size limits.
        char c = "[{\" 9"[r.below(5)];
        s.insert(r.below(s.size() + 1), std::string(r.below(40) + (r.below(50) == 0 ? MAX_FRAME : 0), c));
        break;
      }
    }
  }
  return s;
}

bool readFile(const std::string& p, std::string& out) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  std::stringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

void seedsFromVectors(const std::string& file, std::vector<std::string>& corpus) {
  std::string text;
  if (!readFile(file, text)) return;
  JsonDoc d;
  JsonLimits l;
  l.maxBytes = 64u << 20;
  l.maxDepth = 64;
  l.maxNodes = 4u << 20;
  if (d.parse(text, l) != JsonError::None) return;
  for (JValue v = d.root().get("vectors").first(); v.valid(); v = v.next()) {
    if (v.get("input").isString()) corpus.push_back(v.get("input").asString());
    if (v.get("request").isObject()) corpus.push_back(jsonStringify(v.get("request")));
    for (JValue s = v.get("steps").first(); s.valid(); s = s.next()) {
      if (s.get("request").isObject()) corpus.push_back(jsonStringify(s.get("request")));
    }
  }
}

// One input to a whole device as the Arduino layer would deliver it, plus time, disconnects and reconnects.
void feedDevice(FakeHal& hal, Device& device, Rng& rng, const std::string& in, int client) {
  switch (rng.below(8)) {
    case 0: device.onBinary(client); break;
    case 1: device.onFragment(client); break;
    default: device.onText(client, in.data(), in.size());
  }
  device.onSerialBytes(reinterpret_cast<const uint8_t*>(in.data()), in.size());
  if (rng.below(16) == 0) {
    hal.now += rng.below(10000);
    device.loop();
    if (rng.below(4) == 0) {
      int c = static_cast<int>(rng.below(3));
      device.onDisconnect(c);
      device.onConnect(c, "/");
    }
  }
  if (hal.sent.size() > 4096) hal.sent.clear();
  if (hal.serial.size() > (1u << 20)) hal.serial.clear();
}

[[noreturn]] void die(const char* what, const std::string& input) {
  std::fprintf(stderr, "fuzz invariant broken: %s\ninput (%zu bytes):", what, input.size());
  for (unsigned char c : input.substr(0, 400)) std::fprintf(stderr, " %02x", c);
  std::fprintf(stderr, "\n");
  std::abort();
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  uint64_t seed = 1, iterations = 0;
  std::string packages = "../../packages";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds")) seconds = std::atof(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seed")) seed = std::strtoull(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--iterations")) iterations = std::strtoull(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--corpus")) packages = argv[i + 1];
  }
  std::vector<std::string> corpus = {
      R"({"id":1,"op":"ping","ts":5})",
      R"({"id":2,"op":"led.set","led":"status","on":true})",
      R"({"id":3,"op":"pwm.set","ch":"fan","duty":0.5})",
      R"({"id":4,"op":"pwm.config","ch":"fan","freq":1000,"bits":12})",
      R"({"id":5,"op":"sensor.subscribe","sensor":"light","hz":10})",
      R"({"id":6,"op":"auth","token":"s3cret-token-0123"})",
      R"({"id":9,"op":"sensor.subscribe","sensor":"light","hz":1e-300})",
      R"({"id":10,"op":"sensor.subscribe","sensor":"light","hz":0.1})",
      R"({"id":7,"op":"config.get"})",
      std::string(R"({"id":8,"op":"config.set","config":)") + ESPHIL_DEVICE_CONFIG_JSON + "}",
      "LED ON",
      "LED OFF\r\n",
  };
  seedsFromVectors(packages + "/protocol/vectors/requests.json", corpus);
  seedsFromVectors(packages + "/protocol/vectors/legacy.json", corpus);
  seedsFromVectors(packages + "/device-model/vectors/state-machine.json", corpus);

  DeviceConfig cfg;
  std::vector<Diagnostic> diags;
  if (!parseConfigText(ESPHIL_DEVICE_CONFIG_JSON, cfg, diags)) die("default config invalid", "");
  Machine machine;
  std::vector<Effect> fx;
  machine.init(cfg, fx);
  // Two whole devices: with auth on, every frame from an unauthenticated slot stops at the gate; with auth off the
  // same frames reach the state machine and the sensor scheduler (where 1000 / hz lives).
  const char* kDevice = R"({"version":1,"board":"esp32-doit-devkit-v1","leds":[{"name":"status","pin":2}],)"
                        R"("pwm":[{"name":"fan","pin":18,"bits":10}],"sensors":[{"name":"light","pin":34}])";
  const std::string withAuth = std::string(kDevice) + R"(,"websocket":{"authToken":"s3cret-token-0123","legacyText":false}})";
  const std::string withoutAuth = std::string(kDevice) + "}";
  FakeHal halAuth, halOpen;
  Device authDevice(halAuth), openDevice(halOpen);
  if (!authDevice.begin("0.1.0", withAuth.c_str())) die("auth device config invalid", withAuth);
  if (!openDevice.begin("0.1.0", withoutAuth.c_str())) die("open device config invalid", withoutAuth);
  struct Dut {
    FakeHal& hal;
    Device& device;
  };
  Dut duts[] = {{halAuth, authDevice}, {halOpen, openDevice}};
  for (Dut& d : duts) {
    for (int c = 0; c < 3; ++c) d.device.onConnect(c, "/");
  }

  Rng rng{seed};
  auto start = std::chrono::steady_clock::now();
  uint64_t n = 0;
  for (;; ++n) {
    if (iterations != 0 ? n >= iterations
                        : (n % 256 == 0 && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >= seconds)) {
      break;
    }
    std::string in = mutate(rng, corpus);
    // JSON reader with tight and loose limits.
    JsonDoc doc;
    JsonLimits tight;
    tight.maxDepth = 3;
    tight.maxNodes = 16;
    doc.parse(in, tight);
    if (doc.parse(in) == JsonError::None) {
      // write(read(x)) is a fixed point (non-finite numbers such as 1e999 become null, as JSON.stringify does).
      std::string once = jsonStringify(doc.root());
      JsonDoc again;
      if (again.parse(once) != JsonError::None || jsonStringify(again.root()) != once) die("JSON write/read round trip", in);
    }
    // Decoder.
    Request req;
    DecodeError err;
    bool ok = decodeRequest(in.data(), in.size(), req, err);
    if (ok && in.size() > MAX_FRAME) die("decoded an oversize frame", in);
    if (!ok && err.code == ErrorCode::None) die("failure without a code", in);
    // State machine behind the codec, from a WebSocket slot and from serial.
    StepContext ctx;
    ctx.from.kind = (n & 1) ? OriginRef::Serial : OriginRef::Ws;
    ctx.from.client = static_cast<int>(n % 3);
    BackendOutput out;
    handleFrame(machine, in.data(), in.size(), ctx, out);
    if (out.reply != LEGACY_REPLY_ON && out.reply != LEGACY_REPLY_OFF) {
      JsonDoc reply;
      if (reply.parse(out.reply, JsonLimits{1u << 20, 16, 1u << 16}) != JsonError::None) die("reply is not JSON", in);
    }
    // The step on whatever the mutated text parses to (the path the state-machine vectors use).
    if (doc.parse(in) == JsonError::None) {
      StepResult sr;
      machine.step(doc.root(), ctx, sr);
    }
    // Config validator on arbitrary JSON.
    DeviceConfig c2;
    std::vector<Diagnostic> d2;
    parseConfigText(in, c2, d2);
    // An esp_app_desc_t read from flash that holds anything: bounded, valid UTF-8 (cleaning it again is a no-op),
    // and the `app` member is JSON.
    {
      char desc[3 * APP_DESC_TEXT_BYTES] = {};
      std::memcpy(desc, in.data(), in.size() < sizeof desc ? in.size() : sizeof desc);
      AppIdentity a = appIdentityFromDesc(desc, APP_DESC_TEXT_BYTES, desc + APP_DESC_TEXT_BYTES, APP_DESC_TEXT_BYTES,
                                          reinterpret_cast<const uint8_t*>(desc + 2 * APP_DESC_TEXT_BYTES), APP_ELF_SHA256_BYTES);
      if (a.project.size() > MAX_APP_TEXT || a.version.size() > MAX_APP_TEXT) die("app identity text over 31 bytes", in);
      char again[APP_DESC_TEXT_BYTES] = {};
      std::memcpy(again, a.project.data(), a.project.size());
      if (appIdentityFromDesc(again, sizeof again, again, sizeof again, nullptr, 0).project != a.project) {
        die("app identity text not clean after cleaning", in);
      }
      std::string member;
      JsonWriter mw(member);
      mw.beginObject();
      writeAppMember(mw, a);
      mw.endObject();
      JsonDoc md;
      if (md.parse(member) != JsonError::None) die("app member is not JSON", in);
    }
    // Improv decoder and the whole device.
    improv::Decoder dec;
    std::string text;
    for (char ch : in) dec.feed(static_cast<uint8_t>(ch), text);
    for (Dut& d : duts) feedDevice(d.hal, d.device, rng, in, static_cast<int>(n % 3));
    // Keep the machine's state bounded in variety: reboot it now and then.
    if (rng.below(512) == 0) {
      fx.clear();
      machine.init(cfg, fx);
    }
    // Interesting (decodable) inputs join the corpus, bounded.
    if (ok && corpus.size() < 4096) corpus.push_back(in);
  }
  std::printf("fuzz: %llu inputs, seed %llu, %zu corpus entries, no sanitizer report\n",
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(seed), corpus.size());
  return 0;
}
