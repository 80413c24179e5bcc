// Host stand-in for ESP-IDF 5.x esp_app_desc.h (component esp_app_format; arduino-esp32 3.x). Declarations only,
// the layout of components/esp_app_format/include/esp_app_desc.h (256 bytes; newer 5.x minors split reserv2 into
// efuse/MMU fields, the members read here stay where they are).
#pragma once
#include <stddef.h>
#include <stdint.h>

#if !defined(ESP_ARDUINO_VERSION_MAJOR) || ESP_ARDUINO_VERSION_MAJOR < 3
#error "esp_app_desc.h exists from ESP-IDF 5.0 (arduino-esp32 3.x); 2.x has esp_app_desc_t in esp_app_format.h"
#endif

#include "esp_app_desc_layout.h"

extern "C" const esp_app_desc_t* esp_app_get_description(void);
extern "C" int esp_app_get_elf_sha256(char* dst, size_t size);
