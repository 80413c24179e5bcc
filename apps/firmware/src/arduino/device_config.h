// Compiled default device configuration (a device-model DeviceConfig as JSON). The firmware-config app generates
// this file for a bench; this default matches the starter config (DOIT DevKit V1). A configuration pushed over
// serial with config.set is stored in NVS and takes precedence over this one.
#pragma once

static const char ESPHIL_DEVICE_CONFIG_JSON[] = R"json({
  "version": 1,
  "board": "esp32-doit-devkit-v1",
  "core": "3.x",
  "name": "esphil",
  "wifi": true,
  "leds": [{ "name": "status", "pin": 2 }],
  "pwm": [{ "name": "fan", "pin": 18, "freq": 5000, "bits": 10 }],
  "buttons": [{ "name": "boot", "pin": 4, "pull": "up", "activeLow": true, "debounceMs": 30 }],
  "sensors": [{ "name": "light", "pin": 34, "unit": "raw", "maxHz": 50 }],
  "websocket": { "port": 81, "path": "/", "protocol": "esphil.v1", "maxClients": 5 },
  "logLevel": "info"
})json";
