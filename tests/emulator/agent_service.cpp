/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The Voice Agent endpoints of the emulator: upgrade auth (Bearer key or
 * single-use ?token=), the client events of each connection, sessions
 * kept for the grace window and resumed, GET /v1/token, faults and the
 * records tests read. Conversation behaviour is in agent_conversation.cpp. */
#include "agent_service.h"

#include <condition_variable>

#include <libsoup/soup.h>

#include "agent_conversation.h"
#include "emulator_impl.h"
#include "http_util.h"
#include "json_text.h"

namespace aai_emu
{

namespace
{
std::string error_event(const std::string &code, const std::string &message)
{
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, "session.error");
  json_builder_set_member_name(b, "code");
  json_builder_add_string_value(b, code.c_str());
  json_builder_set_member_name(b, "message");
  json_builder_add_string_value(b, message.c_str());
  json_builder_end_object(b);
  std::string out = builder_to_string(b);
  g_object_unref(b);
  return out;
}

std::string type_event(const char *type)
{
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, type);
  json_builder_end_object(b);
  std::string out = builder_to_string(b);
  g_object_unref(b);
  return out;
}

std::string str_member(JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member(o, name);
  if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
      json_node_get_value_type(n) != G_TYPE_STRING)
    return "";
  return json_node_get_string(n);
}

const char kPendingKey[] = "aai-agent-record";
}  // namespace

class AgentLink;

struct AgentService::Impl {
  explicit Impl(Emulator::Impl *e) : emu(e) {}

  struct Token {
    gint64 expires_us = 0;
    bool used = false;
  };

  Emulator::Impl *emu;
  mutable std::mutex mutex;
  mutable std::condition_variable cond;
  AgentEmuConfig cfg;
  AgentFaults faults;
  Snapshot rec;
  std::map<std::string, Token> tokens;

  /* Emulator thread only. */
  std::list<std::unique_ptr<AgentLink>> links;
  std::list<std::unique_ptr<AgentConversation>> convs;

  void change(const std::function<void(Snapshot &)> &fn)
  {
    std::lock_guard<std::mutex> l(mutex);
    fn(rec);
    cond.notify_all();
  }
  AgentEmuConfig config()
  {
    std::lock_guard<std::mutex> l(mutex);
    return cfg;
  }
  std::string mint(int expires_s)
  {
    gchar *uuid = g_uuid_string_random();
    std::string token = std::string("tmp-agent-") + uuid;
    g_free(uuid);
    std::lock_guard<std::mutex> l(mutex);
    tokens[token] =
        Token{g_get_monotonic_time() + gint64(expires_s) * 1000000, false};
    return token;
  }
  std::string check_auth(const std::map<std::string, std::string> &headers,
                         const std::map<std::string, std::string> &params);
  void handle_upgrade(SoupServerMessage *msg);
  void on_ws(SoupServerMessage *msg, SoupWebsocketConnection *conn);
  void handle_token(SoupServerMessage *msg);
  int answer_token(TokenRequest &req, std::string *body);
  AgentConversation *new_conversation();
  AgentConversation *find_conversation(const std::string &id);
};

/* One WebSocket connection: its client events, on the emulator thread. */
class AgentLink
{
 public:
  AgentLink(AgentService::Impl *svc,
            size_t rec,
            SoupServerMessage *msg,
            SoupWebsocketConnection *ws)
      : svc_(svc), rec_(rec), ws_(SOUP_WEBSOCKET_CONNECTION(g_object_ref(ws)))
  {
    GSocket *s = soup_server_message_get_socket(msg);
    socket_ = s ? G_SOCKET(g_object_ref(s)) : nullptr;
    soup_websocket_connection_set_max_incoming_payload_size(ws_, 16 << 20);
    message_id_ =
        g_signal_connect(ws_, "message",
                         G_CALLBACK(+[](SoupWebsocketConnection *, gint type,
                                        GBytes *b, gpointer d) {
                           static_cast<AgentLink *>(d)->on_message(type, b);
                         }),
                         this);
    closed_id_ = g_signal_connect(
        ws_, "closed", G_CALLBACK(+[](SoupWebsocketConnection *, gpointer d) {
          static_cast<AgentLink *>(d)->on_closed();
        }),
        this);
  }
  ~AgentLink()
  {
    g_signal_handler_disconnect(ws_, message_id_);
    g_signal_handler_disconnect(ws_, closed_id_);
    if (conv_ && owner_)
      conv_->detach(g_get_monotonic_time());
    if (soup_websocket_connection_get_state(ws_) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close(ws_, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                      "emulator stopping");
    g_object_unref(ws_);
    if (socket_)
      g_object_unref(socket_);
  }

 private:
  void record(const std::function<void(AgentConnectionRecord &)> &fn)
  {
    svc_->change([&](AgentService::Snapshot &s) { fn(s.connections[rec_]); });
  }
  void send(const std::string &json)
  {
    if (soup_websocket_connection_get_state(ws_) != SOUP_WEBSOCKET_STATE_OPEN)
      return;
    soup_websocket_connection_send_text(ws_, json.c_str());
    if (!g_str_has_prefix(json.c_str(), "{\"type\":\"reply.audio\""))
      record([](AgentConnectionRecord &r) { r.events++; });
  }
  void close()
  {
    if (soup_websocket_connection_get_state(ws_) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close(ws_, SOUP_WEBSOCKET_CLOSE_NORMAL,
                                      nullptr);
  }
  void attach(AgentConversation *c, bool fresh)
  {
    conv_ = c;
    owner_ = true;
    std::string id = c->id();
    record([&](AgentConnectionRecord &r) {
      r.conversation = id;
      r.resumed = !fresh;
    });
    c->attach([this](const std::string &json) { send(json); }, fresh);
  }
  void on_message(gint type, GBytes *bytes);
  void handle(gint type, GBytes *bytes);
  bool take_ignore_fault()
  {
    std::lock_guard<std::mutex> l(svc_->mutex);
    if (svc_->faults.ignore_setup <= 0)
      return false;
    svc_->faults.ignore_setup--;
    return true;
  }
  void on_update(JsonObject *session);
  void on_resume(const std::string &id);
  void on_audio(const std::string &b64);
  void on_closed()
  {
    gushort code = soup_websocket_connection_get_close_code(ws_);
    record([&](AgentConnectionRecord &r) {
      r.closed = true;
      if (!r.dropped)
        r.close_code = code ? int(code) : int(SOUP_WEBSOCKET_CLOSE_ABNORMAL);
    });
    if (conv_ && owner_)
      conv_->detach(g_get_monotonic_time());
    owner_ = false;
  }

  AgentService::Impl *svc_;
  size_t rec_;
  SoupWebsocketConnection *ws_;
  GSocket *socket_ = nullptr;
  gulong message_id_ = 0, closed_id_ = 0;
  AgentConversation *conv_ = nullptr;
  bool owner_ = false; /* the conversation speaks through us */
};

void AgentLink::on_message(gint type, GBytes *bytes)
{
  svc_->change([](AgentService::Snapshot &s) { s.handling++; });
  handle(type, bytes);
  svc_->change([](AgentService::Snapshot &s) { s.handling--; });
}

void AgentLink::handle(gint type, GBytes *bytes)
{
  gsize size = 0;
  const char *data = static_cast<const char *>(g_bytes_get_data(bytes, &size));
  std::string text(data ? data : "", size);
  JsonParser *parser = json_parser_new();
  JsonObject *o = nullptr;
  if (type == SOUP_WEBSOCKET_DATA_TEXT &&
      json_parser_load_from_data(parser, text.data(), (gssize)text.size(),
                                 nullptr) &&
      json_parser_get_root(parser) &&
      JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
    o = json_node_get_object(json_parser_get_root(parser));
  if (!o) {
    send(error_event("invalid_json", "Messages must be JSON objects"));
    g_object_unref(parser);
    return;
  }
  std::string t = str_member(o, "type");
  if (t == "input.audio") {
    on_audio(str_member(o, "audio"));
    g_object_unref(parser);
    return;
  }
  record([&](AgentConnectionRecord &r) { r.client_messages.push_back(text); });
  if ((t == "session.update" || t == "session.resume") && !conv_ &&
      take_ignore_fault()) {
    g_object_unref(parser);
    return; /* a service that never answers */
  }
  if (t == "session.update") {
    JsonNode *s = json_object_get_member(o, "session");
    on_update(s && JSON_NODE_HOLDS_OBJECT(s) ? json_node_get_object(s)
                                             : nullptr);
  } else if (t == "session.resume") {
    on_resume(str_member(o, "session_id"));
  } else if (!conv_ || !owner_) {
    send(error_event("not_ready", t + " before session.ready"));
  } else if (t == "tool.result") {
    conv_->tool_result(str_member(o, "call_id"), str_member(o, "result"));
  } else if (t == "reply.create") {
    JsonNode *i = json_object_get_member(o, "instructions");
    conv_->reply_create(
        i ? std::optional<std::string>(str_member(o, "instructions"))
          : std::nullopt);
  } else if (t == "session.end") {
    conv_->event(type_event("session.ended"));
    conv_->end();
    conv_->detach(g_get_monotonic_time());
    owner_ = false;
    close();
  } else {
    send(error_event("invalid_request", "Unknown event type '" + t + "'"));
  }
  g_object_unref(parser);
}

void AgentLink::on_update(JsonObject *session)
{
  if (!session) {
    send(error_event("invalid_request", "session.update needs a session"));
    return;
  }
  std::string text = [&]() {
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);
    json_node_set_object(n, session);
    gchar *s = json_to_string(n, FALSE);
    std::string out = s;
    g_free(s);
    json_node_unref(n);
    return out;
  }();
  if (conv_) {
    if (auto no = conv_->configure(session, false)) {
      conv_->event(error_event(no->code, no->message));
      return;
    }
    std::string id = conv_->id();
    svc_->change([&](AgentService::Snapshot &s) {
      for (auto &c : s.conversations)
        if (c.id == id)
          c.updates.push_back(text);
    });
    conv_->event(type_event("session.updated"));
    return;
  }
  AgentConversation *c = svc_->new_conversation();
  if (auto no = c->configure(session, true)) {
    /* A session that never started: refused and closed. */
    send(error_event(no->code, no->message));
    c->end();
    close();
    return;
  }
  std::string id = c->id();
  svc_->change([&](AgentService::Snapshot &s) {
    for (auto &cr : s.conversations)
      if (cr.id == id)
        cr.updates.push_back(text);
  });
  attach(c, true);
}

void AgentLink::on_resume(const std::string &id)
{
  if (conv_) {
    send(error_event("invalid_request", "The session is already set up"));
    return;
  }
  AgentConversation *c = svc_->find_conversation(id);
  if (!c || !c->resumable(g_get_monotonic_time())) {
    bool busy = c && c->attached();
    send(error_event(busy ? "session_forbidden" : "session_not_found",
                     busy ? "Session " + id + " is in use"
                          : "No session " + id + " to resume"));
    return;
  }
  attach(c, false);
}

void AgentLink::on_audio(const std::string &b64)
{
  gsize n = 0;
  guchar *pcm = g_base64_decode(b64.c_str(), &n);
  g_free(pcm);
  if (!conv_ || !owner_) {
    record([&](AgentConnectionRecord &r) { r.audio_before_ready++; });
    send(error_event("not_ready", "input.audio before session.ready"));
    return;
  }
  record([&](AgentConnectionRecord &r) { r.audio_bytes += n; });
  /* The conversation's input time with this chunk, for the drop fault. */
  uint64_t total = 0;
  std::string id = conv_->id();
  int64_t drop_at;
  {
    std::lock_guard<std::mutex> l(svc_->mutex);
    for (auto &c : svc_->rec.conversations)
      if (c.id == id)
        total = c.audio_bytes + n;
    drop_at = svc_->faults.drop_at_audio_ms;
  }
  AgentFormat f = conv_->input_format();
  int64_t ms = static_cast<int64_t>(
      total * 1000 /
      (uint64_t(agent_format_rate(f)) * agent_format_bytes_per_sample(f)));
  if (drop_at >= 0 && ms >= drop_at) {
    /* Abrupt loss: no close frame. This chunk arrived but is lost, as
     * audio in flight is when a connection breaks. */
    record([](AgentConnectionRecord &r) {
      r.dropped = true;
      r.close_code = SOUP_WEBSOCKET_CLOSE_ABNORMAL;
    });
    {
      std::lock_guard<std::mutex> l(svc_->mutex);
      svc_->faults.drop_at_audio_ms = -1;
    }
    conv_->detach(g_get_monotonic_time());
    owner_ = false;
    if (socket_)
      g_socket_shutdown(socket_, TRUE, TRUE, nullptr);
    return;
  }
  conv_->audio(n);
}

AgentConversation *AgentService::Impl::new_conversation()
{
  gchar *uuid = g_uuid_string_random();
  std::string id = std::string("sess_") + uuid;
  g_free(uuid);
  size_t idx;
  {
    std::lock_guard<std::mutex> l(mutex);
    AgentConversationRecord r;
    r.id = id;
    rec.conversations.push_back(r);
    idx = rec.conversations.size() - 1;
  }
  convs.emplace_back(new AgentConversation(
      id, config(),
      [this, idx](const std::function<void(AgentConversationRecord &)> &fn) {
        change([&](Snapshot &s) { fn(s.conversations[idx]); });
      }));
  return convs.back().get();
}

AgentConversation *AgentService::Impl::find_conversation(const std::string &id)
{
  for (auto &c : convs)
    if (c->id() == id)
      return c.get();
  return nullptr;
}

/* "" when the upgrade may proceed, else the 401 message. A token is used
 * up by its first upgrade. */
std::string AgentService::Impl::check_auth(
    const std::map<std::string, std::string> &headers,
    const std::map<std::string, std::string> &params)
{
  std::lock_guard<std::mutex> l(mutex);
  auto t = params.find("token");
  if (t != params.end()) {
    auto it = tokens.find(t->second);
    if (it == tokens.end() || it->second.expires_us < g_get_monotonic_time())
      return "Invalid or expired token";
    if (it->second.used)
      return "Token has already been used";
    it->second.used = true;
    return "";
  }
  auto a = headers.find("authorization");
  if (a == headers.end())
    return "Missing Authorization header";
  for (const auto &k : cfg.api_keys) {
    if (a->second == "Bearer " + k)
      return "";
    if (a->second == k)
      return "The Voice Agent API takes \"Authorization: Bearer <key>\"";
  }
  return "Invalid API key";
}

void AgentService::Impl::handle_upgrade(SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri(msg);
  AgentConnectionRecord r;
  r.path = g_uri_get_path(uri);
  r.params = decode_query(g_uri_get_query(uri));
  r.headers = lower_headers(soup_server_message_get_request_headers(msg));
  int refuse = 0;
  {
    std::lock_guard<std::mutex> l(mutex);
    if (faults.refuse_count > 0) {
      faults.refuse_count--;
      refuse = faults.refuse_status;
    }
  }
  std::string why = refuse ? std::string(soup_status_get_phrase(refuse))
                           : check_auth(r.headers, r.params);
  int status = refuse ? refuse : why.empty() ? 0 : 401;
  if (status) {
    r.rejected = true;
    r.http_status = status;
    respond(msg, status, "application/json", json_error_body(why));
  }
  size_t idx;
  {
    std::lock_guard<std::mutex> l(mutex);
    rec.connections.push_back(r);
    idx = rec.connections.size() - 1;
    cond.notify_all();
  }
  if (!status)
    g_object_set_data(G_OBJECT(msg), kPendingKey, GSIZE_TO_POINTER(idx + 1));
}

void AgentService::Impl::on_ws(SoupServerMessage *msg,
                               SoupWebsocketConnection *conn)
{
  gsize idx = GPOINTER_TO_SIZE(g_object_get_data(G_OBJECT(msg), kPendingKey));
  if (!idx)
    return;
  links.emplace_back(new AgentLink(this, idx - 1, msg, conn));
}

int AgentService::Impl::answer_token(TokenRequest &req, std::string *body)
{
  AgentEmuConfig c = config();
  auto a = req.headers.find("authorization");
  bool ok = false;
  /* The seed's curl sends the raw key, its server code "Bearer <key>". */
  for (const auto &k : c.api_keys)
    ok = ok || (a != req.headers.end() &&
                (a->second == k || a->second == "Bearer " + k));
  if (!ok) {
    *body =
        json_error_body(a == req.headers.end() ? "Missing Authorization header"
                                               : "Invalid API key");
    return 401;
  }
  gint64 expires = 0, max_dur = 0;
  auto e = req.params.find("expires_in_seconds");
  if (e == req.params.end() ||
      !g_ascii_string_to_signed(e->second.c_str(), 10, 1, 600, &expires,
                                nullptr)) {
    *body = json_error_body(
        "expires_in_seconds must be an integer between 1 and 600");
    return 400;
  }
  auto m = req.params.find("max_session_duration_seconds");
  if (m != req.params.end() &&
      !g_ascii_string_to_signed(m->second.c_str(), 10, 60, 10800, &max_dur,
                                nullptr)) {
    *body = json_error_body(
        "max_session_duration_seconds must be an integer between 60 and "
        "10800");
    return 400;
  }
  req.token = mint((int)expires);
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "token");
  json_builder_add_string_value(b, req.token.c_str());
  json_builder_set_member_name(b, "expires_in_seconds");
  json_builder_add_int_value(b, expires);
  json_builder_end_object(b);
  *body = builder_to_string(b);
  g_object_unref(b);
  return 200;
}

void AgentService::Impl::handle_token(SoupServerMessage *msg)
{
  TokenRequest req;
  GUri *uri = soup_server_message_get_uri(msg);
  req.path = g_uri_get_path(uri);
  req.params = decode_query(g_uri_get_query(uri));
  req.headers = lower_headers(soup_server_message_get_request_headers(msg));
  std::string body;
  if (soup_server_message_get_method(msg) != SOUP_METHOD_GET) {
    body = json_error_body("Method not allowed");
    req.status = 405;
  } else {
    req.status = answer_token(req, &body);
  }
  respond(msg, req.status, "application/json", body);
  change([&](Snapshot &s) { s.token_requests.push_back(req); });
}

/* ---- public ---- */

AgentService::AgentService(Emulator::Impl *impl) : impl_(new Impl(impl)) {}

AgentService::~AgentService() = default;

void AgentService::configure(const AgentEmuConfig &cfg)
{
  std::lock_guard<std::mutex> l(impl_->mutex);
  impl_->cfg = cfg;
}

void AgentService::set_faults(const AgentFaults &faults)
{
  std::lock_guard<std::mutex> l(impl_->mutex);
  impl_->faults = faults;
}

std::string AgentService::ws_url(const std::string &path) const
{
  return std::string(impl_->emu->tls ? "wss" : "ws") +
         "://127.0.0.1:" + std::to_string(impl_->emu->bound_port) + path;
}

std::string AgentService::token_url() const
{
  return std::string(impl_->emu->tls ? "https" : "http") +
         "://127.0.0.1:" + std::to_string(impl_->emu->bound_port) + "/v1/token";
}

std::string AgentService::mint_token(int expires_in_seconds)
{
  return impl_->mint(expires_in_seconds);
}

AgentService::Snapshot AgentService::snapshot() const
{
  std::lock_guard<std::mutex> l(impl_->mutex);
  return impl_->rec;
}

bool AgentService::wait_for(const std::function<bool(const Snapshot &)> &pred,
                            int timeout_ms) const
{
  std::unique_lock<std::mutex> l(impl_->mutex);
  return impl_->cond.wait_for(l, std::chrono::milliseconds(timeout_ms),
                              [&] { return pred(impl_->rec); });
}

void AgentService::add_routes(SoupServer *server)
{
  for (const char *path : {"/v1/ws", "/v1/voice"}) {
    soup_server_add_handler(
        server, path,
        [](SoupServer *, SoupServerMessage *m, const char *, GHashTable *,
           gpointer d) { static_cast<Impl *>(d)->handle_upgrade(m); },
        impl_.get(), nullptr);
    soup_server_add_websocket_handler(
        server, path, nullptr, nullptr,
        [](SoupServer *, SoupServerMessage *m, const char *,
           SoupWebsocketConnection *c,
           gpointer d) { static_cast<Impl *>(d)->on_ws(m, c); },
        impl_.get(), nullptr);
  }
  soup_server_add_handler(
      server, "/v1/token",
      [](SoupServer *, SoupServerMessage *m, const char *, GHashTable *,
         gpointer d) { static_cast<Impl *>(d)->handle_token(m); },
      impl_.get(), nullptr);
}

void AgentService::teardown()
{
  impl_->links.clear();
  impl_->convs.clear();
}

}  // namespace aai_emu
