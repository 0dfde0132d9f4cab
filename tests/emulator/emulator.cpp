/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The emulator's server thread: WebSocket upgrades (auth, KeyPool,
 * per-session fault plans) and session setup. Token endpoints live in
 * token_endpoint.cpp, per-session behaviour in session.cpp. */
#include "emulator_impl.h"
#include "http_util.h"

#include <cmath>

namespace aai_emu
{

Emulator::Emulator() : impl_(new Impl)
{
  impl_->agent.reset(new AgentService(impl_.get()));
}

Emulator::~Emulator()
{
  stop();
}

namespace
{

/* Uniform in [lo, hi] (clamped to 0..G_MAXINT32 - 1) from a generator
 * seeded by (seed, index) alone, so every run draws the same points. */
int64_t random_drop_point(uint32_t seed, size_t index, int64_t lo, int64_t hi)
{
  lo = CLAMP(lo, 0, G_MAXINT32 - 1);
  hi = CLAMP(hi, 0, G_MAXINT32 - 1);
  if (hi < lo)
    std::swap(lo, hi);
  guint32 seeds[2] = {seed, (guint32)index};
  GRand *r = g_rand_new_with_seed_array(seeds, 2);
  int64_t point = g_rand_int_range(r, (gint32)lo, (gint32)hi + 1);
  g_rand_free(r);
  return point;
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
      respond(msg, status, "application/json",
              json_error_body(keypool_reason(status)));
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
        respond(msg, 401, "application/json", json_error_body(reason));
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
    /* apply_to_sessions > 0 counts down; negative applies to all. */
    if (pending->fail_code == 0 && plan.apply_to_sessions != 0) {
      pending->plan = plan;
      pending->has_plan = true;
      if (plan.apply_to_sessions > 0)
        plan.apply_to_sessions--;
    }
    /* Drawn under the same lock as the record is added, so the session
     * index in the seed is this record's index in sessions(). */
    if (pending->fail_code == 0 && plan.random_drop_seed != 0)
      rec.random_drop_at_ms =
          random_drop_point(plan.random_drop_seed, records.size(),
                            plan.random_drop_min_ms, plan.random_drop_max_ms);
    pending->random_drop_at_ms = rec.random_drop_at_ms;
    records.push_back(std::move(rec));
    pending->record = records.size() - 1;
    cond.notify_all();
  }
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
  agent->add_routes(server);
  GSocket *sock = listen_socket(&err);
  gboolean ok =
      sock &&
      soup_server_listen_socket(
          server, sock,
          cert ? SOUP_SERVER_LISTEN_HTTPS : (SoupServerListenOptions)0, &err);
  if (!ok) {
    *error = std::string("listen: ") + err->message;
    g_error_free(err);
    if (sock)
      g_object_unref(sock);
    return false;
  }
  /* Read the port from the listening socket: soup_server_get_uris() leaks
   * the local address in libsoup 3.2.3. */
  GSocketAddress *local = g_socket_get_local_address(sock, nullptr);
  if (local) {
    bound_port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local));
    g_object_unref(local);
  }
  g_object_unref(sock);
  tls = cert != nullptr;
  return true;
}

/* soup_server_listen() listens with GSocket's default backlog of 10, so a
 * burst of connects (thousands of streams starting together) would wait
 * for SYN retransmissions. The socket is made here with the configured
 * backlog and handed to soup_server_listen_socket(), which takes a bound,
 * listening socket as it is. */
GSocket *Emulator::Impl::listen_socket(GError **err)
{
  GSocket *sock = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                               G_SOCKET_PROTOCOL_TCP, err);
  if (!sock)
    return nullptr;
  g_socket_set_listen_backlog(sock, std::max(config.listen_backlog, 1));
  GSocketAddress *addr =
      g_inet_socket_address_new_from_string("127.0.0.1", (guint)config.port);
  gboolean ok =
      g_socket_bind(sock, addr, TRUE, err) && g_socket_listen(sock, err);
  g_object_unref(addr);
  if (!ok) {
    g_object_unref(sock);
    return nullptr;
  }
  return sock;
}

bool Emulator::start(const Config &cfg, std::string *error)
{
  if (impl_->thread) {
    if (error)
      *error = "already started";
    return false;
  }
  if (!(cfg.time_scale > 0) || !std::isfinite(cfg.time_scale)) {
    if (error)
      *error = "time_scale must be a positive number (1 = real time)";
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
  Config changed = impl_->config;
  fn(changed);
  /* Sessions divide by the scale: refuse the change, as start() would. */
  if (!(changed.time_scale > 0) || !std::isfinite(changed.time_scale)) {
    g_critical(
        "aai_emu::Emulator::update_config: time_scale %g is not a "
        "positive number; the change is ignored",
        changed.time_scale);
    return;
  }
  impl_->config = std::move(changed);
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

int Emulator::drops_done() const
{
  std::lock_guard<std::mutex> lock(impl_->mutex);
  int n = 0;
  for (auto &r : impl_->records)
    n += r.dropped ? 1 : 0;
  return n;
}

std::vector<TokenRequest> Emulator::token_requests() const
{
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->token_requests;
}

bool Emulator::wait_for_token_requests(
    const std::function<bool(const std::vector<TokenRequest> &)> &pred,
    int timeout_ms) const
{
  std::unique_lock<std::mutex> lock(impl_->mutex);
  return impl_->cond.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                              [&] { return pred(impl_->token_requests); });
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
  agent->teardown();
}

AgentService &Emulator::agent()
{
  return *impl_->agent;
}

}  // namespace aai_emu
