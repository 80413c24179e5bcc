// The device's own page on HTTP (the tutorial's split: page on 80, WebSocket on 81). The page is the web UI's
// Live view, embedded gzip by apps/firmware-config's build (src/generated/web_page.h).
#pragma once
#include <stdint.h>

#ifndef ESPHIL_HTTP_PORT
#define ESPHIL_HTTP_PORT 80
#endif

// The page opens ws://<host>:81/ unless its URL says ?ws=<port>: with another WebSocket port (websocket.port),
// GET / without ?ws= is redirected to carry it (the simulated board does the same).
void webPageBegin(uint16_t httpPort, uint16_t wsPort);
void webPageLoop();
