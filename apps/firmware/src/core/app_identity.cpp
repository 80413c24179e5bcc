#include "app_identity.h"

namespace esphil {

namespace {

// Length of the UTF-8 sequence starting at s[i] if it is complete and well-formed within n bytes, else 0.
size_t utf8SequenceLength(const unsigned char* s, size_t i, size_t n) {
  unsigned char c = s[i];
  size_t len = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) len = 2;
  else if (c >= 0xE0 && c <= 0xEF) len = 3;
  else if (c >= 0xF0 && c <= 0xF4) len = 4;
  else return 0;
  if (i + len > n) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((s[i + k] & 0xC0) != 0x80) return 0;
  }
  // Overlong, surrogate and beyond-U+10FFFF forms (RFC 3629 section 4).
  unsigned char c1 = s[i + 1];
  if (c == 0xE0 && c1 < 0xA0) return 0;
  if (c == 0xED && c1 > 0x9F) return 0;
  if (c == 0xF0 && c1 < 0x90) return 0;
  if (c == 0xF4 && c1 > 0x8F) return 0;
  return len;
}

std::string descText(const char* field, size_t cap) {
  if (field == nullptr) return std::string();
  size_t n = 0;
  while (n < cap && n < MAX_APP_TEXT && field[n] != '\0') ++n;
  // Cut by the limit rather than ended by a NUL: a character running past the cut is dropped, not replaced.
  bool cut = n < cap && field[n] != '\0';
  const unsigned char* s = reinterpret_cast<const unsigned char*>(field);
  std::string out;
  for (size_t i = 0; i < n;) {
    size_t len = utf8SequenceLength(s, i, n);
    if (len == 0 && cut && utf8SequenceLength(s, i, cap) > 0) break;
    if (len == 0) {
      out += '?';
      ++i;
    } else {
      out.append(field + i, len);
      i += len;
    }
  }
  return out;
}

}  // namespace

AppIdentity appIdentityFromDesc(const char* project, size_t projectCap, const char* version, size_t versionCap,
                                const uint8_t* elfSha256, size_t shaLen) {
  AppIdentity a;
  a.project = descText(project, projectCap);
  a.version = descText(version, versionCap);
  for (size_t i = 0; elfSha256 != nullptr && i < shaLen && i < APP_ELF_SHA256_BYTES; ++i) a.elfSha256[i] = elfSha256[i];
  a.present = !a.project.empty() && !a.version.empty();
  return a;
}

std::string elfSha256Hex(const AppIdentity& app) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  s.reserve(APP_ELF_SHA256_BYTES * 2);
  for (uint8_t b : app.elfSha256) {
    s += hex[b >> 4];
    s += hex[b & 15];
  }
  return s;
}

void writeAppMember(JsonWriter& w, const AppIdentity& app) {
  if (!app.present) return;
  w.key("app").beginObject().key("project").value(app.project).key("version").value(app.version);
  w.key("elfSha256").value(elfSha256Hex(app)).endObject();
}

}  // namespace esphil
