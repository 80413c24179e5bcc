// Host stand-in for ESP-IDF esp_ota_ops.h (component app_update; declarations only). IDF 4.4 (arduino-esp32 2.x)
// declares esp_ota_get_app_description() here and takes esp_app_desc_t from esp_app_format.h (through
// esp_image_format.h); IDF 5.x includes esp_app_desc.h instead, where esp_app_get_description() is the function
// (IDF 5 API docs keep esp_ota_get_app_description() only "for backward compatibility"), so this stand-in declares
// the old name for 2.x only and a 3.x build that used it would fail here.
#pragma once
#include <stddef.h>

#if defined(ESP_ARDUINO_VERSION_MAJOR) && ESP_ARDUINO_VERSION_MAJOR >= 3
#include "esp_app_desc.h"
#else
#include "esp_app_format.h"
extern "C" const esp_app_desc_t* esp_ota_get_app_description(void);
extern "C" int esp_ota_get_app_elf_sha256(char* dst, size_t size);
#endif
