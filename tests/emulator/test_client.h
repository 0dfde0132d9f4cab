/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* A plain libsoup WebSocket/HTTP client for the emulator tests. It runs on
 * the test thread's own thread-default GMainContext; waits iterate that
 * context with a timeout (no sleeps). */
#pragma once

#include <functional>
#include <libsoup/soup.h>
#include <string>
#include <utility>
#include <vector>

namespace aai_test
{

using Headers = std::vector<std::pair<std::string, std::string>>;

class WsClient
{
 public:
  explicit WsClient(const std::string &ca_file = "");
  ~WsClient();
  WsClient(const WsClient &) = delete;
  WsClient &operator=(const WsClient &) = delete;

  /* True once the upgrade succeeded; else http_status/error say why. */
  bool connect(const std::string &url,
               const Headers &headers = {},
               const std::vector<std::string> &protocols = {});
  void send_text(const std::string &text);
  void send_bytes(size_t n);  // n bytes of silence (zeros)
  /* ms of s16le (or mulaw with bps 1) silence in one frame. */
  void send_audio_ms(int ms, int rate = 16000, int bps = 2);
  /* Streams total_ms in chunk_ms frames without waiting. */
  void stream_ms(int total_ms,
                 int chunk_ms = 100,
                 int rate = 16000,
                 int bps = 2);
  bool wait(const std::function<bool()> &pred, int timeout_ms = 5000);
  bool wait_closed(int timeout_ms = 5000);
  /* Waits until a message of this type arrives; returns its index or -1. */
  int wait_type(const std::string &type,
                int timeout_ms = 5000,
                size_t from = 0);
  /* HTTP GET; returns the status, fills body. */
  int http_get(const std::string &url,
               const Headers &headers,
               std::string *body);
  /* Iterates the context for ms milliseconds (to show that nothing
   * arrives in that time; never used to wait for an event). */
  void pump_for(int ms);

  std::vector<std::string> messages;  // text frames received
  bool connected = false, closed = false;
  int close_code = 0;
  std::string close_reason;
  int http_status = 0;
  std::string error;
  std::string protocol;
  SoupWebsocketConnection *conn = nullptr;

 private:
  GMainContext *ctx_;
  SoupSession *session_;
};

/* JSON accessors for received messages (json-glib). */
bool jvalid(const std::string &text);  // text parses as JSON
std::string jstr(const std::string &msg, const char *member);
int64_t jint(const std::string &msg, const char *member);
double jdouble(const std::string &msg, const char *member);
bool jbool(const std::string &msg, const char *member);
bool jhas(const std::string &msg, const char *member);
size_t jwords(const std::string &msg);
std::string jword_str(const std::string &msg, size_t i, const char *member);
int64_t jword_int(const std::string &msg, size_t i, const char *member);
double jword_double(const std::string &msg, size_t i, const char *member);
bool jword_bool(const std::string &msg, size_t i, const char *member);

/* Messages of the given type, in order. */
std::vector<std::string> of_type(const std::vector<std::string> &msgs,
                                 const std::string &type);

}  // namespace aai_test
