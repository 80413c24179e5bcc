#include "esphil_app.h"

#include <Arduino.h>
#include <WebSocketsServer.h>

#include "../core/device.h"
#include "app_desc.h"
#include "arduino_hal.h"
#include "device_config.h"
#include "web_page_server.h"

static_assert(WEBSOCKETS_SERVER_CLIENT_MAX <= esphil::MAX_CLIENTS,
              "WEBSOCKETS_SERVER_CLIENT_MAX exceeds the core's client slots (esphil::MAX_CLIENTS)");

namespace {

esphil::ArduinoHal hal;
esphil::Device device(hal);
WebSocketsServer* server = nullptr;

void onWsEvent(uint8_t num, WStype_t type, uint8_t* payload, size_t length) {
  switch (type) {
    case WStype_CONNECTED:
      // payload = the request target, query included (arduinowebsockets-facts.md §10, S.cpp:754); remoteIP() exists
      // on ESP32 (§11.5, S.h:93-95). The core decides (path, slot limit) and disconnects through the Hal.
      device.onConnect(num, std::string(reinterpret_cast<const char*>(payload), length),
                       server != nullptr ? std::string(server->remoteIP(num).toString().c_str()) : std::string());
      break;
    case WStype_DISCONNECTED: device.onDisconnect(num); break;
    case WStype_TEXT: device.onText(num, reinterpret_cast<const char*>(payload), length); break;
    case WStype_BIN: device.onBinary(num); break;
    case WStype_FRAGMENT_TEXT_START:
    case WStype_FRAGMENT_BIN_START:
    case WStype_FRAGMENT:
    case WStype_FRAGMENT_FIN: device.onFragment(num); break;
    default: break;
  }
}

// Called by the library for every header it does not parse itself; the core decides (the Origin allow-list).
bool validateHeader(String name, String value) {
  return device.validateHeader(std::string(name.c_str()), std::string(value.c_str()));
}

}  // namespace

void esphilSetup() {
  Serial.setRxBufferSize(4096);  // a config.set line can be several KiB
  Serial.begin(115200);
  analogReadResolution(12);
  device.begin(ESPHIL_FW_VERSION, ESPHIL_DEVICE_CONFIG_JSON, esphil::readAppIdentity());
  const esphil::WsCfg& ws = device.config().ws;
  if (ws.maxClients > WEBSOCKETS_SERVER_CLIENT_MAX) {
    device.log(esphil::LogLevel::Warn, "websocket.maxClients is above WEBSOCKETS_SERVER_CLIENT_MAX (" +
                                           std::to_string(WEBSOCKETS_SERVER_CLIENT_MAX) + "): rebuild with a larger -D value");
  }
#if ESP_ARDUINO_VERSION_MAJOR >= 3
  const esphil::CoreLine compiled = esphil::CoreLine::V3;
#else
  const esphil::CoreLine compiled = esphil::CoreLine::V2;
#endif
  if (device.config().core != compiled) {
    // The LEDC allocator follows the config's "core"; the timer sharing on the chip follows the build.
    device.log(esphil::LogLevel::Warn, "config \"core\" does not match the arduino-esp32 this firmware was built with");
  }
  server = new WebSocketsServer(ws.port, "", ws.protocol.c_str());
  hal.attach(server);
  server->onEvent(onWsEvent);
  server->onValidateHttpHeader(validateHeader, nullptr, 0);
  if (ws.heartbeat) server->enableHeartbeat(ws.hbIntervalMs, ws.hbTimeoutMs, static_cast<uint8_t>(ws.hbFailures));
  server->begin();
  webPageBegin(ESPHIL_HTTP_PORT, ws.port);
}

void esphilLoop() {
  uint8_t buf[256];
  int avail = Serial.available();
  while (avail > 0) {
    size_t n = 0;
    while (n < sizeof(buf) && avail > 0) {
      int c = Serial.read();
      if (c < 0) break;
      buf[n++] = static_cast<uint8_t>(c);
      --avail;
    }
    device.onSerialBytes(buf, n);
    if (n == 0) break;
  }
  if (server != nullptr) server->loop();
  webPageLoop();
  device.loop();
}
