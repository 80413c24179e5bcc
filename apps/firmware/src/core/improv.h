// Improv Wi-Fi serial framing: "IMPROV" + version + type + length + data + checksum (low byte of the sum of all
// preceding bytes). Packets share the stream with log text, so the decoder is a byte-at-a-time state machine.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace esphil {
namespace improv {

constexpr uint8_t VERSION = 1;
enum Type : uint8_t { CurrentState = 0x01, ErrorState = 0x02, RpcCommand = 0x03, RpcResult = 0x04 };
enum State : uint8_t { Ready = 0x02, Provisioning = 0x03, Provisioned = 0x04 };
enum Error : uint8_t { None = 0x00, InvalidRpc = 0x01, UnknownRpc = 0x02, UnableToConnect = 0x03, Unknown = 0xFF };
enum Command : uint8_t { WifiSettings = 0x01, GetCurrentState = 0x02, GetDeviceInfo = 0x03, GetWifiNetworks = 0x04 };

struct Packet {
  uint8_t version = VERSION;
  uint8_t type = 0;
  std::vector<uint8_t> data;
};

std::vector<uint8_t> encode(uint8_t type, const std::vector<uint8_t>& data);
// RPC result data: command, total length, then each string as (length, bytes). Strings over 255 bytes are cut.
std::vector<uint8_t> rpcResult(uint8_t command, const std::vector<std::string>& strings);

struct RpcCommandData {
  uint8_t command = 0;
  std::string ssid;
  std::string password;
};
// Parses RPC command data; returns the Improv error to report (None on success).
Error parseRpc(const std::vector<uint8_t>& data, RpcCommandData& out);

// Incremental decoder. Bytes that are not part of a packet are handed back as text (for the line framer).
class Decoder {
 public:
  enum class Result : uint8_t { Text, Pending, Packet, BadChecksum };
  // Feed one byte. Text: `textOut` holds bytes to pass on (possibly a held-back "IMPR" prefix plus this byte, or
  // "IMPROV" and this byte when it is not version 1).
  Result feed(uint8_t b, std::string& textOut);
  const Packet& packet() const { return pkt_; }
  uint32_t badPackets() const { return bad_; }

 private:
  enum class St : uint8_t { Magic, Version, Type, Length, Data, Checksum } st_ = St::Magic;
  size_t matched_ = 0;
  uint8_t sum_ = 0;
  uint8_t len_ = 0;
  Packet pkt_;
  uint32_t bad_ = 0;
};

}  // namespace improv
}  // namespace esphil
