#include "web_page_server.h"

#include <WebServer.h>
#include <stdio.h>

#include "../generated/web_page.h"

namespace {

WebServer* http = nullptr;
uint16_t webSocketPort = 81;
const uint16_t kPageDefaultWsPort = 81;

// WebServer sends a body as it is given; the bytes are gzip, so the header tells the browser to inflate them.
// Every browser sends Accept-Encoding: gzip for a page, so there is no uncompressed copy to fall back on.
void servePage() {
  if (webSocketPort != kPageDefaultWsPort && !http->hasArg("ws")) {
    char location[16];
    snprintf(location, sizeof(location), "/?ws=%u", static_cast<unsigned>(webSocketPort));
    http->sendHeader("Location", location);
    http->send(302, "text/plain", "");
    return;
  }
  http->sendHeader("Content-Encoding", "gzip");
  http->sendHeader("Cache-Control", "no-cache");
  http->send_P(200, "text/html; charset=utf-8", reinterpret_cast<PGM_P>(ESPHIL_WEB_PAGE_GZ), ESPHIL_WEB_PAGE_GZ_LEN);
}

void notFound() { http->send(404, "text/plain", "not found: the device serves its page at /"); }

}  // namespace

void webPageBegin(uint16_t httpPort, uint16_t wsPort) {
  if (http != nullptr) return;
  webSocketPort = wsPort;
  http = new WebServer(httpPort);
  http->on("/", servePage);
  http->on("/index.html", servePage);
  http->onNotFound(notFound);
  http->begin();
}

void webPageLoop() {
  if (http != nullptr) http->handleClient();
}
