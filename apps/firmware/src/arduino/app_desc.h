// The running image's esp_app_desc_t as the core's AppIdentity (hello's and the boot line's `app`).
#pragma once
#include "../core/app_identity.h"

namespace esphil {

// Not present when the descriptor is missing or its magic word is wrong.
AppIdentity readAppIdentity();

}  // namespace esphil
