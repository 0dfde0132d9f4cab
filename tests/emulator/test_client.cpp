/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test_client.h"

#include <json-glib/json-glib.h>

namespace aai_test
{

WsClient::WsClient(const std::string &ca_file)
{
  ctx_ = g_main_context_new();
  g_main_context_push_thread_default(ctx_);
  session_ = soup_session_new();
  if (!ca_file.empty()) {
    GTlsDatabase *db = g_tls_file_database_new(ca_file.c_str(), nullptr);
    soup_session_set_tls_database(session_, db);
    if (db)
      g_object_unref(db);
  }
}

WsClient::~WsClient()
{
  if (conn) {
    if (soup_websocket_connection_get_state(conn) == SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close(conn, SOUP_WEBSOCKET_CLOSE_NORMAL, "");
    wait_closed(3000);
    g_signal_handlers_disconnect_by_data(conn, this);
    g_object_unref(conn);
  }
  g_object_unref(session_);
  while (g_main_context_iteration(ctx_, FALSE))
    ;
  g_main_context_pop_thread_default(ctx_);
  g_main_context_unref(ctx_);
}

bool WsClient::wait(const std::function<bool()> &pred, int timeout_ms)
{
  bool timed_out = false;
  GSource *src = g_timeout_source_new((guint)timeout_ms);
  g_source_set_callback(
      src,
      [](gpointer d) {
        *(bool *)d = true;
        return G_SOURCE_REMOVE;
      },
      &timed_out, nullptr);
  g_source_attach(src, ctx_);
  while (!pred() && !timed_out)
    g_main_context_iteration(ctx_, TRUE);
  g_source_destroy(src);
  g_source_unref(src);
  return pred();
}

void WsClient::pump_for(int ms)
{
  wait([] { return false; }, ms);
}

bool WsClient::wait_closed(int timeout_ms)
{
  return wait([this] { return closed; }, timeout_ms);
}

int WsClient::wait_type(const std::string &type, int timeout_ms, size_t from)
{
  int found = -1;
  wait(
      [&] {
        for (size_t i = from; i < messages.size(); i++)
          if (jstr(messages[i], "type") == type) {
            found = (int)i;
            return true;
          }
        return false;
      },
      timeout_ms);
  return found;
}

bool WsClient::connect(const std::string &url,
                       const Headers &headers,
                       const std::vector<std::string> &protocols)
{
  SoupMessage *msg = soup_message_new("GET", url.c_str());
  if (!msg) {
    error = "bad url";
    return false;
  }
  for (auto &h : headers)
    soup_message_headers_append(soup_message_get_request_headers(msg),
                                h.first.c_str(), h.second.c_str());
  std::vector<char *> protos;
  for (auto &p : protocols)
    protos.push_back(const_cast<char *>(p.c_str()));
  protos.push_back(nullptr);
  bool done = false;
  struct Ctx {
    WsClient *self;
    bool *done;
  } c{this, &done};
  soup_session_websocket_connect_async(
      session_, msg, nullptr, protocols.empty() ? nullptr : protos.data(),
      G_PRIORITY_DEFAULT, nullptr,
      [](GObject *src, GAsyncResult *res, gpointer d) {
        auto c = (Ctx *)d;
        GError *err = nullptr;
        c->self->conn =
            soup_session_websocket_connect_finish(SOUP_SESSION(src), res, &err);
        if (err) {
          c->self->error = err->message;
          g_error_free(err);
        }
        *c->done = true;
      },
      &c);
  wait([&] { return done; }, 10000);
  http_status = (int)soup_message_get_status(msg);
  g_object_unref(msg);
  if (!conn)
    return false;
  connected = true;
  const char *p = soup_websocket_connection_get_protocol(conn);
  protocol = p ? p : "";
  soup_websocket_connection_set_max_incoming_payload_size(conn, 16 << 20);
  g_signal_connect(conn, "message",
                   G_CALLBACK(+[](SoupWebsocketConnection *, gint type,
                                  GBytes *b, gpointer d) {
                     if (type != SOUP_WEBSOCKET_DATA_TEXT)
                       return;
                     gsize len;
                     const char *data = (const char *)g_bytes_get_data(b, &len);
                     ((WsClient *)d)->messages.emplace_back(data, len);
                   }),
                   this);
  g_signal_connect(
      conn, "closed", G_CALLBACK(+[](SoupWebsocketConnection *c, gpointer d) {
        auto self = (WsClient *)d;
        self->closed = true;
        self->close_code = soup_websocket_connection_get_close_code(c);
        const char *r = soup_websocket_connection_get_close_data(c);
        self->close_reason = r ? r : "";
      }),
      this);
  return true;
}

void WsClient::send_text(const std::string &text)
{
  soup_websocket_connection_send_text(conn, text.c_str());
}

void WsClient::send_bytes(size_t n)
{
  std::vector<guint8> zeros(n, 0);
  soup_websocket_connection_send_binary(conn, zeros.data(), zeros.size());
}

void WsClient::send_audio_ms(int ms, int rate, int bps)
{
  send_bytes((size_t)ms * rate * bps / 1000);
}

void WsClient::stream_ms(int total_ms, int chunk_ms, int rate, int bps)
{
  for (int t = 0; t < total_ms; t += chunk_ms)
    send_audio_ms(chunk_ms, rate, bps);
}

int WsClient::http_get(const std::string &url,
                       const Headers &headers,
                       std::string *body)
{
  SoupMessage *msg = soup_message_new("GET", url.c_str());
  for (auto &h : headers)
    soup_message_headers_append(soup_message_get_request_headers(msg),
                                h.first.c_str(), h.second.c_str());
  GError *err = nullptr;
  GBytes *bytes = soup_session_send_and_read(session_, msg, nullptr, &err);
  int status = (int)soup_message_get_status(msg);
  if (bytes) {
    gsize len;
    const char *d = (const char *)g_bytes_get_data(bytes, &len);
    if (body)
      body->assign(d ? d : "", len);
    g_bytes_unref(bytes);
  }
  if (err) {
    error = err->message;
    g_error_free(err);
  }
  g_object_unref(msg);
  return status;
}

namespace
{

/* Parses msg and hands its root object to fn (null when not an object). */
template <typename T>
T with_object(const std::string &msg,
              T fallback,
              const std::function<T(JsonObject *)> &fn)
{
  JsonParser *p = json_parser_new();
  T out = fallback;
  if (json_parser_load_from_data(p, msg.data(), msg.size(), nullptr)) {
    JsonNode *root = json_parser_get_root(p);
    if (root && JSON_NODE_HOLDS_OBJECT(root))
      out = fn(json_node_get_object(root));
  }
  g_object_unref(p);
  return out;
}

JsonObject *word(JsonObject *o, size_t i)
{
  JsonNode *w = json_object_get_member(o, "words");
  if (!w || !JSON_NODE_HOLDS_ARRAY(w) ||
      i >= json_array_get_length(json_node_get_array(w)))
    return nullptr;
  return json_array_get_object_element(json_node_get_array(w), (guint)i);
}

}  // namespace

bool jvalid(const std::string &text)
{
  JsonParser *p = json_parser_new();
  bool ok = json_parser_load_from_data(p, text.data(), text.size(), nullptr);
  g_object_unref(p);
  return ok;
}

std::string jstr(const std::string &msg, const char *m)
{
  return with_object<std::string>(msg, "", [&](JsonObject *o) {
    JsonNode *n = json_object_get_member(o, m);
    return n && json_node_get_value_type(n) == G_TYPE_STRING
               ? std::string(json_node_get_string(n))
               : std::string();
  });
}

int64_t jint(const std::string &msg, const char *m)
{
  return with_object<int64_t>(msg, -9999, [&](JsonObject *o) -> int64_t {
    JsonNode *n = json_object_get_member(o, m);
    return n && json_node_get_value_type(n) == G_TYPE_INT64
               ? json_node_get_int(n)
               : -9999;
  });
}

double jdouble(const std::string &msg, const char *m)
{
  return with_object<double>(msg, -1.0, [&](JsonObject *o) {
    JsonNode *n = json_object_get_member(o, m);
    return n && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_double(n) : -1.0;
  });
}

bool jbool(const std::string &msg, const char *m)
{
  return with_object<bool>(msg, false, [&](JsonObject *o) {
    JsonNode *n = json_object_get_member(o, m);
    return n && json_node_get_value_type(n) == G_TYPE_BOOLEAN &&
           json_node_get_boolean(n);
  });
}

bool jhas(const std::string &msg, const char *m)
{
  return with_object<bool>(
      msg, false, [&](JsonObject *o) { return json_object_has_member(o, m); });
}

size_t jwords(const std::string &msg)
{
  return with_object<size_t>(msg, 0, [&](JsonObject *o) -> size_t {
    JsonNode *w = json_object_get_member(o, "words");
    return w && JSON_NODE_HOLDS_ARRAY(w)
               ? json_array_get_length(json_node_get_array(w))
               : 0;
  });
}

std::string jword_str(const std::string &msg, size_t i, const char *m)
{
  return with_object<std::string>(msg, "", [&](JsonObject *o) {
    JsonObject *w = word(o, i);
    return w && json_object_has_member(w, m)
               ? std::string(json_object_get_string_member(w, m))
               : std::string();
  });
}

int64_t jword_int(const std::string &msg, size_t i, const char *m)
{
  return with_object<int64_t>(msg, -9999, [&](JsonObject *o) -> int64_t {
    JsonObject *w = word(o, i);
    return w ? json_object_get_int_member_with_default(w, m, -9999) : -9999;
  });
}

double jword_double(const std::string &msg, size_t i, const char *m)
{
  return with_object<double>(msg, -1.0, [&](JsonObject *o) {
    JsonObject *w = word(o, i);
    return w ? json_object_get_double_member_with_default(w, m, -1.0) : -1.0;
  });
}

bool jword_bool(const std::string &msg, size_t i, const char *m)
{
  return with_object<bool>(msg, false, [&](JsonObject *o) {
    JsonObject *w = word(o, i);
    return w && json_object_get_boolean_member_with_default(w, m, FALSE);
  });
}

std::vector<std::string> of_type(const std::vector<std::string> &msgs,
                                 const std::string &type)
{
  std::vector<std::string> out;
  for (auto &m : msgs)
    if (jstr(m, "type") == type)
      out.push_back(m);
  return out;
}

}  // namespace aai_test
