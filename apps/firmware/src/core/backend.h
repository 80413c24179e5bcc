// Machine-level frame handling, the C++ twin of the simulator's DeviceBackend: one raw frame (JSON or legacy
// text) from one origin -> reply frame, unsequenced events, effects. Used by the native executable and tests.
#pragma once
#include <string>
#include <vector>

#include "machine.h"

namespace esphil {

struct BackendOutput {
  bool hasReply = false;
  std::string reply;
  std::vector<Event> events;
  std::vector<Effect> effects;
  // applyInput's InputError: the input was ignored (unknown target, sample out of range).
  ErrorCode inputError = ErrorCode::None;
};

void handleFrame(Machine& m, const char* text, size_t len, const StepContext& ctx, BackendOutput& out);

// Parses {"kind":"ws","client":n} / {"kind":"serial"}; false if malformed.
bool parseOrigin(const JValue& v, OriginRef& out);
// Fills a StepContext from its JSON form (missing fields keep defaults).
void parseContext(const JValue& v, StepContext& ctx);
// Applies {"kind":"button"|"sensor-sample"|"client-disconnected",...}; false if the command itself is malformed
// (an input the machine ignores is not malformed: it sets out.inputError).
bool applyInputJson(Machine& m, const JValue& input, BackendOutput& out);

void writeOutput(JsonWriter& w, const BackendOutput& out);

}  // namespace esphil
