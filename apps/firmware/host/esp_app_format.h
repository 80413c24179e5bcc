// Host stand-in for ESP-IDF esp_app_format.h (declarations only). On IDF 4.4 (arduino-esp32 2.x) it lives in
// bootloader_support and also defines esp_app_desc_t; IDF 5.x keeps only the image headers here and moved
// esp_app_desc_t to esp_app_desc.h, so this stand-in declares it for 2.x only.
#pragma once
#include <stdint.h>

#if !defined(ESP_ARDUINO_VERSION_MAJOR) || ESP_ARDUINO_VERSION_MAJOR < 3
#include "esp_app_desc_layout.h"
#endif
