// Named limits for every untrusted input the core handles. Each one has a safe default sized for an ESP32.
#pragma once
#include <cstddef>
#include <cstdint>

namespace esphil {

// WEBSOCKETS_MAX_DATA_SIZE on ESP32 (15 KiB): the library closes with 1009 above it; we check again in the core.
constexpr size_t MAX_FRAME = 15360;
// JSON nesting: protocol messages are flat (depth 2); a pushed config needs 4. 8 leaves room without recursion risk.
constexpr int MAX_JSON_DEPTH = 8;
// Nodes (values) in one parsed document: a full config with 16 PWM outputs is well under 600.
constexpr size_t MAX_JSON_NODES = 1024;
// Serial console: one line (prefix + JSON) may carry a whole config.
constexpr size_t MAX_SERIAL_LINE = MAX_FRAME + 64;
// Client slots the core keeps state for: device-model's CONFIG_LIMITS.maxClients. The library's
// WEBSOCKETS_SERVER_CLIENT_MAX build flag must not exceed it (checked at compile time in the Arduino layer).
constexpr int MAX_CLIENTS = 16;
constexpr int DEFAULT_MAX_CLIENTS = 5;
// Per kind of target (leds, pwm, buttons, sensors): LEDC has at most 16 channels.
constexpr size_t MAX_TARGETS = 16;
constexpr size_t MAX_NAME_LEN = 16;
// websocket.authToken: at least 16 characters (about 100 bits when random), at most 64.
constexpr size_t MIN_TOKEN_LEN = 16;
constexpr size_t MAX_TOKEN_LEN = 64;
constexpr size_t MAX_ORIGINS = 8;
constexpr size_t MAX_ORIGIN_LEN = 128;
// Improv: SSID up to 32 bytes, WPA2 passphrase up to 63 (64 hex); a packet's length byte caps data at 255.
constexpr size_t MAX_SSID_LEN = 32;
constexpr size_t MAX_PASSWORD_LEN = 64;
// Sensor rates (PROTOCOL.md 5.1): subscriptions and a sensor's maxHz lie in [MIN, MAX], so 1000 / hz is 1..10000 ms.
constexpr double MIN_SENSOR_HZ = 0.1;
constexpr double MAX_SENSOR_HZ = 1000.0;
// Failed auth attempts (PROTOCOL.md 8.1): per remote address, 3 free wrong tokens, then the refusal is held and the
// address locked for 1 s, doubling up to 30 s; forgotten after 10 min; 8 addresses tracked.
constexpr uint32_t AUTH_FREE_FAILURES = 3;
constexpr uint32_t AUTH_BACKOFF_BASE_MS = 1000;
constexpr uint32_t AUTH_BACKOFF_MAX_MS = 30000;
constexpr uint64_t AUTH_FAILURE_MEMORY_MS = 600000;
constexpr size_t AUTH_TRACKED_ADDRESSES = 8;
// A remote address as text (IPv6 at most 45 characters).
constexpr size_t MAX_ADDRESS_LEN = 46;
// APB clock: LEDC feasibility is freq * 2^bits <= 80 MHz.
constexpr uint64_t LEDC_APB_HZ = 80000000ULL;
constexpr uint32_t MAX_PWM_FREQ = 40000000UL;

}  // namespace esphil
