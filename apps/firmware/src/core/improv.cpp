#include "improv.h"

namespace esphil {
namespace improv {

static const char kMagic[] = "IMPROV";
static constexpr size_t kMagicLen = 6;

std::vector<uint8_t> encode(uint8_t type, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> out(kMagic, kMagic + kMagicLen);
  out.push_back(VERSION);
  out.push_back(type);
  size_t n = data.size() > 255 ? 255 : data.size();
  out.push_back(static_cast<uint8_t>(n));
  for (size_t k = 0; k < n; ++k) out.push_back(data[k]);
  uint8_t sum = 0;
  for (uint8_t b : out) sum = static_cast<uint8_t>(sum + b);
  out.push_back(sum);
  return out;
}

std::vector<uint8_t> rpcResult(uint8_t command, const std::vector<std::string>& strings) {
  std::vector<uint8_t> body;
  for (const auto& s : strings) {
    size_t n = s.size() > 255 ? 255 : s.size();
    if (body.size() + 1 + n > 253) break;  // the packet length byte caps the whole data at 255
    body.push_back(static_cast<uint8_t>(n));
    for (size_t k = 0; k < n; ++k) body.push_back(static_cast<uint8_t>(s[k]));
  }
  std::vector<uint8_t> data;
  data.reserve(body.size() + 2);
  data.push_back(command);
  data.push_back(static_cast<uint8_t>(body.size()));
  for (uint8_t b : body) data.push_back(b);  // a loop, not insert(): GCC 12 -O2 flags a false array-bounds there
  return data;
}

Error parseRpc(const std::vector<uint8_t>& d, RpcCommandData& out) {
  if (d.size() < 2) return InvalidRpc;
  out.command = d[0];
  size_t len = d[1];
  if (len + 2 != d.size()) return InvalidRpc;
  switch (out.command) {
    case WifiSettings: {
      size_t i = 2;
      if (i >= d.size()) return InvalidRpc;
      size_t sl = d[i++];
      if (sl == 0 || sl > 32 || i + sl > d.size()) return InvalidRpc;
      out.ssid.assign(reinterpret_cast<const char*>(&d[i]), sl);
      i += sl;
      if (i >= d.size()) return InvalidRpc;
      size_t pl = d[i++];
      if (pl > 64 || i + pl > d.size()) return InvalidRpc;
      out.password.assign(reinterpret_cast<const char*>(d.data() + i), pl);
      return None;
    }
    case GetCurrentState:
    case GetDeviceInfo:
    case GetWifiNetworks:
      return None;
    default:
      return UnknownRpc;
  }
}

Decoder::Result Decoder::feed(uint8_t b, std::string& textOut) {
  textOut.clear();
  switch (st_) {
    case St::Magic:
      if (b == static_cast<uint8_t>(kMagic[matched_])) {
        if (++matched_ == kMagicLen) {
          st_ = St::Version;
          sum_ = 0;
          for (size_t i = 0; i < kMagicLen; ++i) sum_ = static_cast<uint8_t>(sum_ + kMagic[i]);
        }
        return Result::Pending;
      }
      // Not a packet after all: release the held-back prefix, then retry this byte as a fresh start.
      textOut.assign(kMagic, matched_);
      matched_ = 0;
      if (b == static_cast<uint8_t>(kMagic[0])) {
        matched_ = 1;
      } else {
        textOut += static_cast<char>(b);
      }
      return textOut.empty() ? Result::Pending : Result::Text;
    case St::Version:
      if (b != VERSION) {
        // "IMPROV" in text, not a packet: hand it on and retry this byte as a fresh start, rather than swallow the
        // next bytes as a packet (PROTOCOL.md 11.3; the Improv SDK's parse_improv_serial_byte also stops here).
        st_ = St::Magic;
        matched_ = 0;
        textOut.assign(kMagic, kMagicLen);
        if (b == static_cast<uint8_t>(kMagic[0])) {
          matched_ = 1;
        } else {
          textOut += static_cast<char>(b);
        }
        return Result::Text;
      }
      pkt_ = Packet();
      pkt_.version = b;
      sum_ = static_cast<uint8_t>(sum_ + b);
      st_ = St::Type;
      return Result::Pending;
    case St::Type:
      pkt_.type = b;
      sum_ = static_cast<uint8_t>(sum_ + b);
      st_ = St::Length;
      return Result::Pending;
    case St::Length:
      len_ = b;
      sum_ = static_cast<uint8_t>(sum_ + b);
      st_ = len_ == 0 ? St::Checksum : St::Data;
      return Result::Pending;
    case St::Data:
      pkt_.data.push_back(b);
      sum_ = static_cast<uint8_t>(sum_ + b);
      if (pkt_.data.size() >= len_) st_ = St::Checksum;
      return Result::Pending;
    case St::Checksum:
      st_ = St::Magic;
      matched_ = 0;
      if (b != sum_) {
        ++bad_;
        return Result::BadChecksum;
      }
      return Result::Packet;
  }
  return Result::Pending;
}

}  // namespace improv
}  // namespace esphil
