/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Internals shared by emulator.cpp (server, auth) and session.cpp. */
#pragma once

#include "agent_service.h"
#include "emulator.h"
#include "json_text.h"
#include "session_params.h"
#include "turn_engine.h"

#include <condition_variable>
#include <cstring>
#include <deque>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <list>
#include <mutex>

namespace aai_emu
{

/* What the upgrade handler decided, carried to the WebSocket callback. */
struct PendingSession {
  Config cfg;
  size_t record = 0;
  int token_max_duration_s = 0;
  int fail_code = 0;  // non-zero: Error frame + close with this code
  std::string fail_reason;
  FaultPlan plan;
  bool has_plan = false;
  int64_t random_drop_at_ms = -1;  // FaultPlan::random_drop_seed
};

class Session;

struct Emulator::Impl {
  struct Token {
    gint64 expires_us = 0;
    int max_session_duration_s = 0;
    bool used = false;
  };

  /* Guarded by mutex: everything tests may read or change. */
  mutable std::mutex mutex;
  mutable std::condition_variable cond;
  Config config;
  FaultPlan plan;
  std::vector<SessionRecord> records;
  std::vector<TokenRequest> token_requests;
  std::map<std::string, Token> tokens;
  bool started = false, start_ok = false;
  std::string start_error;

  /* Emulator thread only (written before the thread signals start). */
  GThread *thread = nullptr;
  GMainContext *ctx = nullptr;
  GMainLoop *loop = nullptr;
  SoupServer *server = nullptr;
  int bound_port = 0;
  bool tls = false;
  std::list<std::unique_ptr<Session>> sessions;
  std::function<void(const std::string &)> logger;
  std::unique_ptr<AgentService> agent;

  static gpointer thread_main(gpointer data);
  bool setup_server(std::string *error);
  GSocket *listen_socket(GError **err);
  void teardown_sessions();
  Config config_snapshot();
  std::string mint(int expires_in_seconds, int max_duration_s);
  void handle_token(SoupServerMessage *msg, bool keypool);
  int answer_token(TokenRequest *req,
                   bool keypool,
                   std::string *content_type,
                   std::string *body);
  int take_token_fault(bool proxy_stage, FaultPlan *fault);
  void handle_ws_request(SoupServerMessage *msg, bool keypool);
  void on_ws(SoupServerMessage *msg, SoupWebsocketConnection *conn);
  void start_session(PendingSession *p,
                     SoupServerMessage *msg,
                     SoupWebsocketConnection *conn);
  size_t add_record(SessionRecord rec);
  void update_record(size_t idx,
                     const std::function<void(SessionRecord &)> &fn);
  void notify();
  void log(const std::string &line);
};

}  // namespace aai_emu
