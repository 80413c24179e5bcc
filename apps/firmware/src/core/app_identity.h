// Identity of the booted image, from its esp_app_desc_t (PROTOCOL.md §4.1 `app`, @esphil/protocol AppIdentity).
// The Arduino layer copies the descriptor's raw fields in; the core bounds, cleans and serialises them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "json.h"

namespace esphil {

// esp_app_desc_t: char version[32], char project_name[32], uint8_t app_elf_sha256[32] (ESP-IDF
// components/esp_app_format/include/esp_app_desc.h on IDF 5; bootloader_support/include/esp_app_format.h on 4.4).
constexpr size_t APP_DESC_TEXT_BYTES = 32;
constexpr size_t APP_ELF_SHA256_BYTES = 32;
// The text fields hold at most 31 characters and a NUL (esp_app_desc.c static-asserts sizeof(PROJECT_VER) <= 32):
// the protocol's limit (MAX_APP_TEXT_CHARS = 31 in packages/protocol/src/codec/checks.ts).
constexpr size_t MAX_APP_TEXT = APP_DESC_TEXT_BYTES - 1;

struct AppIdentity {
  // False: the device does not know what it booted; hello and the boot line leave `app` out.
  bool present = false;
  std::string project;  // project_name
  std::string version;  // version
  uint8_t elfSha256[APP_ELF_SHA256_BYTES] = {};
};

// From the descriptor's fields as stored: text up to its first NUL within `cap` bytes (a field without one is cut
// at MAX_APP_TEXT), cut to MAX_APP_TEXT bytes on a character boundary, invalid UTF-8 replaced by '?' (a WebSocket
// text frame must be valid UTF-8). `present` only when project and version are non-empty (the protocol requires
// 1-31 chars; IDF leaves them empty with CONFIG_APP_EXCLUDE_PROJECT_NAME_VAR / _VER_VAR).
AppIdentity appIdentityFromDesc(const char* project, size_t projectCap, const char* version, size_t versionCap,
                                const uint8_t* elfSha256, size_t shaLen);

// 64 lowercase hex digits, as the protocol carries it (all 32 bytes; the IDF boot log prints only the first 16
// hex digits as "ELF file SHA256").
std::string elfSha256Hex(const AppIdentity& app);

// Writes `"app":{"project":...,"version":...,"elfSha256":...}` into an open object; nothing when not present.
void writeAppMember(JsonWriter& w, const AppIdentity& app);

}  // namespace esphil
