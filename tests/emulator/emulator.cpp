/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The emulator's server thread: HTTP endpoints, auth and session setup.
 * Per-session behaviour lives in session.cpp. */
#include "emulator_impl.h"

#include <json-glib/json-glib.h>

namespace aai_emu
{

Emulator::Emulator() : impl_(new Impl) {}

Emulator::~Emulator()
{
  stop();
}

namespace
{

std::string json_error_body(const std::string &msg)
{
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "error");
  json_builder_add_string_value(b, msg.c_str());
  json_builder_end_object(b);
  std::string out = builder_to_string(b);
  g_object_unref(b);
  return out;
}

void respond_json(SoupServerMessage *msg, int status, const std::string &body)
{
  soup_server_message_set_status(msg, status, nullptr);
  soup_server_message_set_response(msg, "application/json", SOUP_MEMORY_COPY,
                                   body.data(), body.size());
}

std::map<std::string, std::string> decode_query(const char *query)
{
  std::map<std::string, std::string> out;
  if (!query)
    return out;
  GHashTable *t =
      g_uri_parse_params(query, -1, "&", G_URI_PARAMS_WWW_FORM, nullptr);
  if (!t)
    return out;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, t);
  while (g_hash_table_iter_next(&it, &k, &v))
    out[(const char *)k] = (const char *)v;
  g_hash_table_unref(t);
  return out;
}

std::map<std::string, std::string> lower_headers(SoupMessageHeaders *h)
{
  std::map<std::string, std::string> out;
  SoupMessageHeadersIter it;
  const char *name, *value;
  soup_message_headers_iter_init(&it, h);
  while (soup_message_headers_iter_next(&it, &name, &value)) {
    gchar *lower = g_ascii_strdown(name, -1);
    out[lower] = value;
    g_free(lower);
  }
  return out;
}

/* The KeyPool team token: "Authorization: Bearer", x-api-key, or the
 * browser subprotocol keypool-token.<token>. */
std::string keypool_token(const std::map<std::string, std::string> &headers,
                          std::string *subprotocol)
{
  auto it = headers.find("authorization");
  if (it != headers.end() && g_str_has_prefix(it->second.c_str(), "Bearer "))
    return it->second.substr(7);
  it = headers.find("x-api-key");
  if (it != headers.end())
    return it->second;
  it = headers.find("sec-websocket-protocol");
  if (it != headers.end()) {
    gchar **protos = g_strsplit_set(it->second.c_str(), ", ", -1);
    std::string token;
    for (gchar **p = protos; *p; p++)
      if (g_str_has_prefix(*p, "keypool-token.")) {
        *subprotocol = *p;
        token = *p + strlen("keypool-token.");
        break;
      }
    g_strfreev(protos);
    return token;
  }
  return "";
}

}  // namespace

void Emulator::Impl::notify()
{
  cond.notify_all();
}

size_t Emulator::Impl::add_record(SessionRecord rec)
{
  std::lock_guard<std::mutex> lock(mutex);
  records.push_back(std::move(rec));
  cond.notify_all();
  return records.size() - 1;
}

void Emulator::Impl::update_record(
    size_t idx,
    const std::function<void(SessionRecord &)> &fn)
{
  std::lock_guard<std::mutex> lock(mutex);
  fn(records[idx]);
  cond.notify_all();
}

void Emulator::Impl::log(const std::string &line)
{
  if (logger)
    logger(line);
}

std::string Emulator::Impl::mint(int expires_in_seconds, int max_duration_s)
{
  gchar *uuid = g_uuid_string_random();
  std::string token = std::string("tmp-") + uuid;
  g_free(uuid);
  std::lock_guard<std::mutex> lock(mutex);
  Token t;
  t.expires_us = g_get_monotonic_time() + (gint64)expires_in_seconds * 1000000;
  t.max_session_duration_s = max_duration_s;
  tokens[token] = t;
  return token;
}

/* GET /v3/token and the KeyPool /v1/assemblyai/v3/token (§1.2, §2.2). */
void Emulator::Impl::handle_token(SoupServerMessage *msg, bool keypool)
{
  if (soup_server_message_get_method(msg) != SOUP_METHOD_GET) {
    respond_json(msg, 405, json_error_body("Method not allowed"));
    return;
  }
  auto headers = lower_headers(soup_server_message_get_request_headers(msg));
  Config cfg = config_snapshot();
  if (keypool) {
    int fail_status = 0;
    {
      std::lock_guard<std::mutex> lock(mutex);
      fail_status = plan.keypool_fail_status;
    }
    std::string sub;
    std::string team = keypool_token(headers, &sub);
    bool ok = false;
    for (auto &t : cfg.keypool_team_tokens)
      ok = ok || (!team.empty() && t == team);
    if (!ok) {
      respond_json(msg, 401, json_error_body("Unauthorized"));
      return;
    }
    if (fail_status) {
      respond_json(msg, fail_status,
                   json_error_body(keypool_reason(fail_status)));
      return;
    }
  } else {
    auto it = headers.find("authorization");
    bool ok = false;
    for (auto &k : cfg.api_keys)
      ok = ok || (it != headers.end() && it->second == k);
    if (!ok) {
      respond_json(
          msg, 401,
          json_error_body(it == headers.end() ? "Missing Authorization header"
                                              : "Invalid API key"));
      return;
    }
  }
  auto q = decode_query(g_uri_get_query(soup_server_message_get_uri(msg)));
  gint64 expires = 0, max_dur = 0;
  auto e = q.find("expires_in_seconds");
  if (e == q.end()) {
    respond_json(msg, 400, json_error_body("expires_in_seconds is required"));
    return;
  }
  if (!g_ascii_string_to_signed(e->second.c_str(), 10, 1, 600, &expires,
                                nullptr)) {
    respond_json(msg, 400,
                 json_error_body("expires_in_seconds must be an integer "
                                 "between 1 and 600"));
    return;
  }
  auto m = q.find("max_session_duration_seconds");
  if (m != q.end() && !g_ascii_string_to_signed(m->second.c_str(), 10, 60,
                                                10800, &max_dur, nullptr)) {
    respond_json(msg, 400,
                 json_error_body("max_session_duration_seconds must be an "
                                 "integer between 60 and 10800"));
    return;
  }
  std::string token = mint((int)expires, (int)max_dur);
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "token");
  json_builder_add_string_value(b, token.c_str());
  json_builder_set_member_name(b, "expires_in_seconds");
  json_builder_add_int_value(b, expires);
  json_builder_end_object(b);
  respond_json(msg, 200, builder_to_string(b));
  g_object_unref(b);
  log("token minted (expires_in_seconds=" + std::to_string(expires) + ")");
}

std::string keypool_reason(int status)
{
  switch (status) {
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 429:
      return "Quota Exceeded";
    case 502:
      return "Upstream Failed";
    case 503:
      return "No Available Keys";
    default:
      return "Error";
  }
}

/* Runs before the upgrade: decides between an HTTP rejection and
 * accepting the WebSocket (possibly to fail it with an Error frame). */
void Emulator::Impl::handle_ws_request(SoupServerMessage *msg, bool keypool)
{
  GUri *uri = soup_server_message_get_uri(msg);
  SessionRecord rec;
  rec.path = g_uri_get_path(uri);
  rec.query = g_uri_get_query(uri) ? g_uri_get_query(uri) : "";
  rec.params = decode_query(g_uri_get_query(uri));
  rec.headers = lower_headers(soup_server_message_get_request_headers(msg));
  Config cfg = config_snapshot();

  auto pending = new PendingSession;
  pending->cfg = cfg;
  if (keypool) {
    int fail_status;
    {
      std::lock_guard<std::mutex> lock(mutex);
      fail_status = plan.keypool_fail_status;
    }
    std::string sub;
    std::string team = keypool_token(rec.headers, &sub);
    bool ok = false;
    for (auto &t : cfg.keypool_team_tokens)
      ok = ok || (!team.empty() && t == team);
    int status = !ok ? 401 : fail_status;
    if (status) {
      rec.rejected = true;
      rec.http_status = status;
      respond_json(msg, status, json_error_body(keypool_reason(status)));
      add_record(std::move(rec));
      log("keypool upgrade rejected with HTTP " + std::to_string(status));
      delete pending;
      return;
    }
    if (!sub.empty()) {
      /* libsoup only negotiates from a fixed list; the token is dynamic,
       * so echo the offered protocol ourselves (browsers require it). */
      soup_message_headers_replace(
          soup_server_message_get_response_headers(msg),
          "Sec-WebSocket-Protocol", sub.c_str());
      rec.subprotocol = sub;
    }
  } else {
    std::string reason;
    auto it = rec.headers.find("authorization");
    auto qt = rec.params.find("token");
    std::string cred = it != rec.headers.end()  ? it->second
                       : qt != rec.params.end() ? qt->second
                                                : "";
    bool is_key = false;
    for (auto &k : cfg.api_keys)
      is_key = is_key || (!cred.empty() && cred == k);
    if (cred.empty()) {
      reason = "Unauthorized Connection: Missing Authorization header";
    } else if (!is_key) {
      std::lock_guard<std::mutex> lock(mutex);
      auto t = tokens.find(cred);
      if (t == tokens.end() || t->second.used ||
          t->second.expires_us < g_get_monotonic_time()) {
        reason =
            g_str_has_prefix(cred.c_str(), "tmp-") || it == rec.headers.end()
                ? "Unauthorized Connection: Invalid token"
                : "Unauthorized Connection: Invalid API key";
      } else {
        /* Single use: the first upgrade consumes the token. */
        t->second.used = true;
        pending->token_max_duration_s = t->second.max_session_duration_s;
      }
    }
    if (!reason.empty()) {
      if (cfg.auth_failure == AuthFailureMode::HttpStatus) {
        rec.rejected = true;
        rec.http_status = 401;
        respond_json(msg, 401, json_error_body(reason));
        add_record(std::move(rec));
        log("upgrade rejected with HTTP 401: " + reason);
        delete pending;
        return;
      }
      pending->fail_code = 1008;
      pending->fail_reason = reason;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (pending->fail_code == 0 && plan.refuse_sessions > 0) {
      plan.refuse_sessions--;
      pending->fail_code = cfg.rate_limit_close_code;
      pending->fail_reason =
          "Unauthorized Connection: Too many concurrent sessions";
    }
    if (pending->fail_code == 0 && plan.apply_to_sessions != 0) {
      pending->plan = plan;
      pending->has_plan = true;
      if (plan.apply_to_sessions > 0)
        plan.apply_to_sessions--;
    }
  }
  pending->record = add_record(std::move(rec));
  g_object_set_data_full(G_OBJECT(msg), "aai-emu-pending", pending,
                         [](gpointer p) { delete (PendingSession *)p; });
}

void Emulator::Impl::on_ws(SoupServerMessage *msg,
                           SoupWebsocketConnection *conn)
{
  auto pending =
      (PendingSession *)g_object_steal_data(G_OBJECT(msg), "aai-emu-pending");
  if (!pending)
    return;
  start_session(pending, msg, conn);
  delete pending;
}

Config Emulator::Impl::config_snapshot()
{
  std::lock_guard<std::mutex> lock(mutex);
  return config;
}

gpointer Emulator::Impl::thread_main(gpointer data)
{
  auto self = (Impl *)data;
  g_main_context_push_thread_default(self->ctx);
  std::string error;
  bool ok = self->setup_server(&error);
  {
    std::lock_guard<std::mutex> lock(self->mutex);
    self->started = true;
    self->start_ok = ok;
    self->start_error = error;
    self->cond.notify_all();
  }
  if (ok)
    g_main_loop_run(self->loop);
  self->teardown_sessions();
  if (self->server) {
    soup_server_disconnect(self->server);
    g_object_unref(self->server);
    self->server = nullptr;
  }
  /* Let the disconnects and closes finish their callbacks. */
  while (g_main_context_iteration(self->ctx, FALSE))
    ;
  g_main_context_pop_thread_default(self->ctx);
  return nullptr;
}

bool Emulator::Impl::setup_server(std::string *error)
{
  GTlsCertificate *cert = nullptr;
  GError *err = nullptr;
  if (!config.tls_cert_file.empty()) {
    cert = g_tls_certificate_new_from_files(config.tls_cert_file.c_str(),
                                            config.tls_key_file.c_str(), &err);
    if (!cert) {
      *error = std::string("TLS certificate: ") + err->message;
      g_error_free(err);
      return false;
    }
  }
  server = SOUP_SERVER(
      g_object_new(SOUP_TYPE_SERVER, "tls-certificate", cert, nullptr));
  if (cert)
    g_object_unref(cert);
  struct Route {
    const char *path;
    bool keypool;
    bool ws;
  } routes[] = {{"/v3/ws", false, true},
                {"/v1/assemblyai/v3/ws", true, true},
                {"/v3/token", false, false},
                {"/v1/assemblyai/v3/token", true, false}};
  for (auto &r : routes) {
    auto cb =
        r.ws ? (r.keypool
                    ? +[](SoupServer *, SoupServerMessage *m, const char *,
                          GHashTable *,
                          gpointer
                              d) { ((Impl *)d)->handle_ws_request(m, true); }
                    : +[](SoupServer *, SoupServerMessage *m, const char *,
                          GHashTable *,
                          gpointer
                              d) { ((Impl *)d)->handle_ws_request(m, false); })
             : (r.keypool
                    ? +[](SoupServer *, SoupServerMessage *m, const char *,
                          GHashTable *,
                          gpointer d) { ((Impl *)d)->handle_token(m, true); }
                    : +[](SoupServer *, SoupServerMessage *m, const char *,
                          GHashTable *,
                          gpointer d) { ((Impl *)d)->handle_token(m, false); });
    soup_server_add_handler(server, r.path, cb, this, nullptr);
    if (r.ws)
      soup_server_add_websocket_handler(
          server, r.path, nullptr, nullptr,
          [](SoupServer *, SoupServerMessage *m, const char *,
             SoupWebsocketConnection *c,
             gpointer d) { ((Impl *)d)->on_ws(m, c); },
          this, nullptr);
  }
  GSocketAddress *addr =
      g_inet_socket_address_new_from_string("127.0.0.1", (guint)config.port);
  gboolean ok = soup_server_listen(
      server, addr,
      cert ? SOUP_SERVER_LISTEN_HTTPS : (SoupServerListenOptions)0, &err);
  g_object_unref(addr);
  if (!ok) {
    *error = std::string("listen: ") + err->message;
    g_error_free(err);
    return false;
  }
  /* Read the port from the listening socket: soup_server_get_uris() leaks
   * the local address in libsoup 3.2.3. */
  GSList *listeners = soup_server_get_listeners(server);
  if (listeners) {
    GSocketAddress *local =
        g_socket_get_local_address(G_SOCKET(listeners->data), nullptr);
    if (local) {
      bound_port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local));
      g_object_unref(local);
    }
  }
  g_slist_free(listeners);
  tls = cert != nullptr;
  return true;
}

bool Emulator::start(const Config &cfg, std::string *error)
{
  if (impl_->thread) {
    if (error)
      *error = "already started";
    return false;
  }
  impl_->config = cfg;
  impl_->ctx = g_main_context_new();
  impl_->loop = g_main_loop_new(impl_->ctx, FALSE);
  impl_->started = false;
  impl_->thread = g_thread_new("aai-emulator", Impl::thread_main, impl_.get());
  std::unique_lock<std::mutex> lock(impl_->mutex);
  impl_->cond.wait(lock, [this] { return impl_->started; });
  bool ok = impl_->start_ok;
  std::string err = impl_->start_error;
  lock.unlock();
  if (!ok) {
    stop();
    if (error)
      *error = err;
  }
  return ok;
}

void Emulator::stop()
{
  if (!impl_->thread)
    return;
  GSource *src = g_idle_source_new();
  g_source_set_callback(
      src,
      [](gpointer d) {
        g_main_loop_quit((GMainLoop *)d);
        return G_SOURCE_REMOVE;
      },
      impl_->loop, nullptr);
  g_source_attach(src, impl_->ctx);
  g_source_unref(src);
  g_thread_join(impl_->thread);
  impl_->thread = nullptr;
  g_main_loop_unref(impl_->loop);
  impl_->loop = nullptr;
  g_main_context_unref(impl_->ctx);
  impl_->ctx = nullptr;
}

int Emulator::port() const
{
  return impl_->bound_port;
}

std::string Emulator::http_url() const
{
  return std::string(impl_->tls ? "https" : "http") +
         "://127.0.0.1:" + std::to_string(impl_->bound_port);
}

std::string Emulator::ws_url() const
{
  return std::string(impl_->tls ? "wss" : "ws") +
         "://127.0.0.1:" + std::to_string(impl_->bound_port) + "/v3/ws";
}

std::string Emulator::token_url() const
{
  return http_url() + "/v3/token";
}

std::string Emulator::keypool_ws_url() const
{
  return std::string(impl_->tls ? "wss" : "ws") +
         "://127.0.0.1:" + std::to_string(impl_->bound_port) +
         "/v1/assemblyai/v3/ws";
}

std::string Emulator::keypool_token_url() const
{
  return http_url() + "/v1/assemblyai/v3/token";
}

void Emulator::set_fault_plan(const FaultPlan &plan)
{
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->plan = plan;
}

void Emulator::update_config(const std::function<void(Config &)> &fn)
{
  std::lock_guard<std::mutex> lock(impl_->mutex);
  fn(impl_->config);
}

std::vector<SessionRecord> Emulator::sessions() const
{
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->records;
}

bool Emulator::wait_for(
    const std::function<bool(const std::vector<SessionRecord> &)> &pred,
    int timeout_ms) const
{
  std::unique_lock<std::mutex> lock(impl_->mutex);
  return impl_->cond.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                              [&] { return pred(impl_->records); });
}

std::string Emulator::mint_token(int expires_in_seconds,
                                 int max_session_duration_seconds)
{
  return impl_->mint(expires_in_seconds, max_session_duration_seconds);
}

void Emulator::set_event_logger(std::function<void(const std::string &)> fn)
{
  impl_->logger = std::move(fn);
}

}  // namespace aai_emu

#include "session.h"

namespace aai_emu
{

void Emulator::Impl::start_session(PendingSession *p,
                                   SoupServerMessage *msg,
                                   SoupWebsocketConnection *conn)
{
  sessions.emplace_back(new Session(this, p, msg, conn));
  sessions.back()->begin();
}

void Emulator::Impl::teardown_sessions()
{
  sessions.clear();
}

}  // namespace aai_emu
