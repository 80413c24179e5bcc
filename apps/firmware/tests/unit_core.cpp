#include "../src/core/config.h"
#include "../src/core/debounce.h"
#include "../src/core/improv.h"
#include "../src/core/ledc.h"
#include "harness.h"

using namespace esphil;

TEST("ledc: feasibility is freq x 2^bits <= 80 MHz and bits within the chip") {
  const LedcProfile& p = findBoard("esp32-devkitc")->ledc;
  CHECK(ledcFeasible(5000, 13, p));
  CHECK(!ledcFeasible(5000, 14, p));
  CHECK(ledcFeasible(40000000, 1, p));
  CHECK(!ledcFeasible(40000001, 1, p));
  CHECK(!ledcFeasible(1000, 21, p));
  CHECK(!ledcFeasible(1000, 0, p));
  CHECK(!ledcFeasible(1000, 15, findBoard("esp32-c3-devkitm-1")->ledc));
  CHECK_EQ(ledcMaxBits(5000, p), 13);
}

TEST("ledc: duty arithmetic with the full-on quirk") {
  CHECK_EQ(dutyToRaw(1.0, 10), 1023u);
  CHECK_EQ(dutyToRaw(0.5, 10), 512u);
  CHECK_EQ(dutyToRaw(0.999, 10), 1023u);
  CHECK_EQ(dutyToRaw(0.0, 8), 0u);
  CHECK_EQ(pwmFraction(1023, 10), 1.0);
  CHECK_EQ(pwmFraction(1022, 10), 0.998046875);
  CHECK_EQ(pwmFraction(512, 10), 0.5);
  CHECK_EQ(pwmFraction(1, 1), 0.5);  // the cores skip the full-on fix at 1 bit
  CHECK_EQ(dutyToRaw(pwmFraction(255, 8), 12), 4095u);
}

static std::vector<LedcRequest> reqs(std::initializer_list<std::pair<uint32_t, int>> setups) {
  std::vector<LedcRequest> out;
  int i = 0;
  for (auto s : setups) {
    LedcRequest r;
    r.name = "p" + std::to_string(i++);
    r.pin = 18;
    r.freq = s.first;
    r.bits = 8;
    r.channel = s.second;
    out.push_back(r);
  }
  return out;
}

TEST("ledc: 2.x pairs channels 2n/2n+1 on one timer") {
  const LedcProfile& p = findBoard("esp32-devkitc")->ledc;
  std::vector<LedcSlot> slots;
  std::vector<LedcIssue> issues;
  CHECK(allocateLedc(reqs({{5000, -1}, {1000, -1}, {5000, -1}}), p, CoreLine::V2, slots, issues));
  CHECK_EQ(slots[0].channel, 0);
  CHECK_EQ(slots[1].channel, 2);  // not next to a 5 kHz partner
  CHECK_EQ(slots[2].channel, 1);  // shares channel 0's timer
  CHECK_EQ(slots[2].timer, slots[0].timer);
  CHECK_EQ(slots[1].timer, 1);
  issues.clear();
  CHECK(!allocateLedc(reqs({{5000, 0}, {1000, 1}}), p, CoreLine::V2, slots, issues));
  CHECK_EQ(issues.at(0).code, std::string("ledc.timer-conflict"));
  CHECK_EQ(issues.at(0).field, std::string("channel"));
}

TEST("ledc: 3.x shares timers by setup and runs out after four distinct setups per group") {
  const LedcProfile& c3 = findBoard("esp32-c3-devkitm-1")->ledc;
  std::vector<LedcSlot> slots;
  std::vector<LedcIssue> issues;
  CHECK(allocateLedc(reqs({{1000, -1}, {2000, -1}, {1000, -1}, {3000, -1}, {4000, -1}}), c3, CoreLine::V3, slots, issues));
  CHECK_EQ(slots[2].timer, slots[0].timer);
  CHECK_EQ(slots[4].timer, 3);
  CHECK(!allocateLedc(reqs({{1000, -1}, {2000, -1}, {3000, -1}, {4000, -1}, {5000, -1}}), c3, CoreLine::V3, slots, issues));
  CHECK_EQ(issues.back().code, std::string("ledc.timer-conflict"));
  issues.clear();
  CHECK(!allocateLedc(reqs({{1, -1}, {1, -1}, {1, -1}, {1, -1}, {1, -1}, {1, -1}, {1, -1}}), c3, CoreLine::V3, slots, issues));
  CHECK_EQ(issues.at(0).code, std::string("pwm.too-many"));
}

TEST("debounce: a level must hold for debounceMs") {
  Debouncer d;
  d.reset(false, 0);
  CHECK(!d.update(true, 10, 30));
  CHECK(!d.update(false, 20, 30));  // bounce
  CHECK(!d.update(true, 25, 30));
  CHECK(!d.update(true, 54, 30));
  CHECK(d.update(true, 55, 30));
  CHECK(d.state());
  CHECK(!d.update(true, 100, 30));
  CHECK(d.update(false, 101, 0));  // debounce 0: immediate
  CHECK(!d.state());
}

TEST("improv: encode/decode round trip through log noise, checksum errors counted") {
  std::vector<uint8_t> data = improv::rpcResult(improv::WifiSettings, {"ws://192.168.1.42:81/"});
  std::vector<uint8_t> pkt = improv::encode(improv::RpcResult, data);
  uint8_t sum = 0;
  for (size_t i = 0; i + 1 < pkt.size(); ++i) sum = static_cast<uint8_t>(sum + pkt[i]);
  CHECK_EQ(pkt.back(), sum);
  std::string stream = "boot noise IMPR IIMPROV";  // a false start and an overlapping one
  stream.erase(stream.size() - 6);
  stream += std::string(pkt.begin(), pkt.end()) + "tail";
  improv::Decoder dec;
  std::string text, passed;
  int packets = 0;
  for (char c : stream) {
    auto r = dec.feed(static_cast<uint8_t>(c), text);
    if (r == improv::Decoder::Result::Packet) {
      ++packets;
      CHECK_EQ(dec.packet().type, static_cast<uint8_t>(improv::RpcResult));
      CHECK(dec.packet().data == data);
    }
    passed += text;
  }
  CHECK_EQ(packets, 1);
  CHECK_EQ(passed, std::string("boot noise IMPR Itail"));
  pkt.back() ^= 0xFF;
  for (uint8_t b : pkt) dec.feed(b, text);
  CHECK_EQ(dec.badPackets(), 1u);
}

TEST("improv: IMPROV followed by a byte that is not version 1 is text, not the start of a packet") {
  // Before the fix the decoder swallowed the next bytes as a packet (here the rest of the request line).
  const std::string line = "{\"name\":\"IMPROVER\",\"x\":\"IMPROVIMPROV\x01\"}";
  improv::Decoder dec;
  std::string text, passed;
  bool packetish = false;
  for (size_t i = 0; i < line.size(); ++i) {
    auto r = dec.feed(static_cast<uint8_t>(line[i]), text);
    if (r == improv::Decoder::Result::Packet || r == improv::Decoder::Result::BadChecksum) packetish = true;
    passed += text;
  }
  CHECK(!packetish);
  // Everything up to the last "IMPROV\x01" (a real packet start, still pending) came through.
  CHECK_EQ(passed, line.substr(0, line.size() - 9));
  CHECK_EQ(dec.badPackets(), 0u);
}

TEST("improv: RPC parsing of send-wifi-settings and malformed commands") {
  improv::RpcCommandData cmd;
  std::vector<uint8_t> ok = {0x01, 10, 3, 'l', 'a', 'b', 5, 's', 'e', 'c', 'r', 't'};
  CHECK_EQ(static_cast<int>(improv::parseRpc(ok, cmd)), static_cast<int>(improv::None));
  CHECK_EQ(cmd.ssid, std::string("lab"));
  CHECK_EQ(cmd.password, std::string("secrt"));
  std::vector<uint8_t> shortLen = {0x01, 10, 3, 'l', 'a'};
  CHECK_EQ(static_cast<int>(improv::parseRpc(shortLen, cmd)), static_cast<int>(improv::InvalidRpc));
  std::vector<uint8_t> overrun = {0x01, 3, 9, 'a', 'b'};
  CHECK_EQ(static_cast<int>(improv::parseRpc(overrun, cmd)), static_cast<int>(improv::InvalidRpc));
  std::vector<uint8_t> unknown = {0x42, 0};
  CHECK_EQ(static_cast<int>(improv::parseRpc(unknown, cmd)), static_cast<int>(improv::UnknownRpc));
}

TEST("improv: the PROTOCOL.md 11.3 example packet (ssid lab, password secret)") {
  std::vector<uint8_t> data = {0x01, 0x0b, 0x03, 'l', 'a', 'b', 0x06, 's', 'e', 'c', 'r', 'e', 't'};
  std::vector<uint8_t> want = {0x49, 0x4d, 0x50, 0x52, 0x4f, 0x56, 0x01, 0x03, 0x0d, 0x01, 0x0b, 0x03,
                               0x6c, 0x61, 0x62, 0x06, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74, 0xb8};
  CHECK(improv::encode(improv::RpcCommand, data) == want);
}

TEST("config: an auth token shorter than 16 characters is a config.range error, 16 is fine") {
  const std::string head = R"({"version":1,"board":"esp32-doit-devkit-v1","websocket":{"legacyText":false,"authToken":")";
  DeviceConfig cfg;
  std::vector<Diagnostic> d;
  CHECK(!parseConfigText(head + std::string(15, 'x') + "\"}}", cfg, d));
  CHECK(!d.empty() && d.front().path == "websocket.authToken" && d.front().code == "config.range");
  d.clear();
  CHECK(parseConfigText(head + std::string(16, 'x') + "\"}}", cfg, d));
}
