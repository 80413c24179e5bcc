#include "app_desc.h"

#include <Arduino.h>  // esp_arduino_version.h: ESP_ARDUINO_VERSION_MAJOR

#ifndef ESP_ARDUINO_VERSION_MAJOR
#define ESP_ARDUINO_VERSION_MAJOR 2
#endif

// arduino-esp32 3.x is built on ESP-IDF 5.x: esp_app_get_description() in esp_app_format's esp_app_desc.h (IDF 5.0
// moved the descriptor there; the old name survives only as a compatibility alias). 2.x is built on IDF 4.4:
// esp_ota_get_app_description() in app_update's
// esp_ota_ops.h, with esp_app_desc_t from bootloader_support's esp_app_format.h. Both return the descriptor of the
// running app (the one at the start of its first DROM segment), never NULL in IDF's implementation.
#if ESP_ARDUINO_VERSION_MAJOR >= 3
#include <esp_app_desc.h>
#else
#include <esp_ota_ops.h>
#endif

namespace esphil {

AppIdentity readAppIdentity() {
#if ESP_ARDUINO_VERSION_MAJOR >= 3
  const esp_app_desc_t* d = esp_app_get_description();
#else
  const esp_app_desc_t* d = esp_ota_get_app_description();
#endif
  if (d == nullptr || d->magic_word != ESP_APP_DESC_MAGIC_WORD) return AppIdentity();
  // app_elf_sha256 is written into the image after linking by `esptool elf2image --elf-sha256-offset 0xb0`, which
  // arduino-esp32's PlatformIO build script adds (tools/pioarduino-build.py); without it the field is all zeros.
  return appIdentityFromDesc(d->project_name, sizeof d->project_name, d->version, sizeof d->version,
                             d->app_elf_sha256, sizeof d->app_elf_sha256);
}

}  // namespace esphil
