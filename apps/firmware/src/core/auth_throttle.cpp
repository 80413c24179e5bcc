#include "auth_throttle.h"

namespace esphil {

uint32_t authBackoffMs(uint32_t failures) {
  if (failures <= AUTH_FREE_FAILURES) return 0;
  uint32_t over = failures - AUTH_FREE_FAILURES - 1;
  uint64_t ms = AUTH_BACKOFF_BASE_MS;
  // Doubling stops at the cap, so the shift never overflows.
  for (uint32_t i = 0; i < over && ms < AUTH_BACKOFF_MAX_MS; ++i) ms *= 2;
  return ms < AUTH_BACKOFF_MAX_MS ? static_cast<uint32_t>(ms) : AUTH_BACKOFF_MAX_MS;
}

AuthThrottle::Entry* AuthThrottle::find(const std::string& address, uint64_t now) {
  for (auto& e : entries_) {
    if (!e.used || e.address != address) continue;
    if (now - e.lastFailureAt >= AUTH_FAILURE_MEMORY_MS) {
      e = Entry();
      return nullptr;
    }
    return &e;
  }
  return nullptr;
}

uint32_t AuthThrottle::lockedFor(const std::string& address, uint64_t now) {
  Entry* e = find(address, now);
  if (e == nullptr || now >= e->lockedUntil) return 0;
  return static_cast<uint32_t>(e->lockedUntil - now);
}

uint32_t AuthThrottle::failed(const std::string& address, uint64_t now) {
  Entry* e = find(address, now);
  if (e == nullptr) {
    // A free entry, else the one whose last failure is oldest.
    e = &entries_[0];
    for (auto& c : entries_) {
      if (!c.used) {
        e = &c;
        break;
      }
      if (c.lastFailureAt < e->lastFailureAt) e = &c;
    }
    *e = Entry();
    e->used = true;
    e->address = address.substr(0, MAX_ADDRESS_LEN);
  }
  if (e->failures < UINT32_MAX) ++e->failures;
  e->lastFailureAt = now;
  uint32_t hold = authBackoffMs(e->failures);
  e->lockedUntil = now + hold;
  return hold;
}

void AuthThrottle::succeeded(const std::string& address) {
  for (auto& e : entries_) {
    if (e.used && e.address == address) e = Entry();
  }
}

}  // namespace esphil
