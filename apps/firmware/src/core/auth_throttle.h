// Slows token guessing down (PROTOCOL.md 8.1 "failed attempts"); the simulator's packages/sim/src/dut/auth-throttle.ts
// follows the same rules and constants (limits.h). Per remote address: AUTH_FREE_FAILURES wrong tokens are refused
// at once, each further one locks the address for a doubling hold (capped); while locked no token is checked. A
// right token clears the address; failures are forgotten after AUTH_FAILURE_MEMORY_MS. Fixed table, no allocation
// beyond the address strings.
#pragma once
#include <cstdint>
#include <string>

#include "limits.h"

namespace esphil {

class AuthThrottle {
 public:
  // Milliseconds the address is still locked (0 = not locked: check the token).
  uint32_t lockedFor(const std::string& address, uint64_t now);
  // A wrong token: how long its refusal is held (0 = at once).
  uint32_t failed(const std::string& address, uint64_t now);
  void succeeded(const std::string& address);

 private:
  struct Entry {
    bool used = false;
    std::string address;
    uint32_t failures = 0;
    uint64_t lastFailureAt = 0;
    uint64_t lockedUntil = 0;
  };
  Entry* find(const std::string& address, uint64_t now);
  Entry entries_[AUTH_TRACKED_ADDRESSES];
};

// The hold after the `failures`-th wrong token in a row.
uint32_t authBackoffMs(uint32_t failures);

}  // namespace esphil
