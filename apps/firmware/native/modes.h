// esphil-native's two command sets. Machine mode (start/frame/input/snapshot): single frames into the state machine,
// the connection logic left to the caller. Device mode (boot/connect/text/...): connection events into the whole
// Device over a HostHal, answered with the actions it took. Protocol in ../README.md.
#pragma once
#include <memory>
#include <string>

#include "../src/core/json.h"
#include "../src/core/machine.h"

namespace esphil {

class Device;
class HostHal;

std::string failAnswer(const char* code, const std::string& msg);

class MachineMode {
 public:
  static bool handles(const std::string& cmd);
  std::string handle(const std::string& name, const JValue& cmd);

 private:
  Machine machine_;
  bool started_ = false;
};

class DeviceMode {
 public:
  DeviceMode();
  ~DeviceMode();
  static bool handles(const std::string& cmd);
  std::string handle(const std::string& name, const JValue& cmd);

 private:
  std::string boot(const JValue& cmd);
  std::string run(const std::string& name, const JValue& cmd);
  std::string answer(const std::string& extra);
  std::unique_ptr<HostHal> hal_;
  std::unique_ptr<Device> device_;
};

}  // namespace esphil
