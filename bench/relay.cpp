/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* aai-bench-relay: a WebSocket relay between a client (over wss, with the
 * test certificate) and the emulator (ws), for the turn latency of the
 * benchmark (bench/README.md). Every client connection gets its own
 * upstream connection with the same query and Authorization header;
 * messages pass unchanged both ways. Right before it forwards a Turn to
 * the client, the relay takes CLOCK_MONOTONIC (g_get_monotonic_time) and
 * keeps (session id, turn_order, end_of_turn, turn_is_formatted,
 * transcript, time); the clients note the same key when their application
 * sees the turn, so the difference is the client's own latency, from the
 * socket to the application, with the emulator's timing out of it.
 *
 * Prints its wss:// URL on stdout; on SIGINT/SIGTERM writes the stamps
 * (--stamps) and leaves. One thread, one GMainContext. */
#include <cstdio>
#include <deque>
#include <string>
#include <vector>

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

namespace
{

struct Options {
  gchar *upstream = nullptr;
  gchar *tls_cert = nullptr;
  gchar *tls_key = nullptr;
  gchar *stamps = nullptr;
};

struct Stamp {
  std::string session_id;
  gint64 turn_order;
  bool end_of_turn, formatted;
  std::string transcript;
  gint64 at_us;
};

SoupSession *upstream_session = nullptr;
std::string upstream_url;
std::vector<Stamp> stamps;

/* One client connection and its upstream twin. */
struct Pair {
  SoupWebsocketConnection *client = nullptr;
  SoupWebsocketConnection *up = nullptr;
  std::deque<std::pair<SoupWebsocketDataType, GBytes *>> pending;
  std::string session_id;
  bool client_closed = false, up_closed = false;
  int refs = 1;
};

void unref_pair(Pair *p)
{
  if (--p->refs > 0)
    return;
  for (auto &f : p->pending)
    g_bytes_unref(f.second);
  if (p->client)
    g_object_unref(p->client);
  if (p->up)
    g_object_unref(p->up);
  delete p;
}

void forward(SoupWebsocketConnection *to, gint type, GBytes *msg)
{
  if (to &&
      soup_websocket_connection_get_state(to) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_message(
        to, static_cast<SoupWebsocketDataType>(type), msg);
}

void close_with(SoupWebsocketConnection *c, SoupWebsocketConnection *from)
{
  if (!c || soup_websocket_connection_get_state(c) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  gushort code = from ? soup_websocket_connection_get_close_code(from) : 0;
  const char *data = from ? soup_websocket_connection_get_close_data(from) : "";
  if (code == 0 || code == SOUP_WEBSOCKET_CLOSE_ABNORMAL ||
      code == SOUP_WEBSOCKET_CLOSE_NO_STATUS)
    code = SOUP_WEBSOCKET_CLOSE_GOING_AWAY;
  soup_websocket_connection_close(c, code, data);
}

/* Upstream -> client: Turns are stamped right before they are sent on. */
void on_up_message(SoupWebsocketConnection *,
                   gint type,
                   GBytes *msg,
                   gpointer data)
{
  auto *p = static_cast<Pair *>(data);
  Stamp st{};
  bool stamp = false;
  if (type == SOUP_WEBSOCKET_DATA_TEXT) {
    gsize len = 0;
    const char *text = static_cast<const char *>(g_bytes_get_data(msg, &len));
    JsonParser *parser = json_parser_new();
    if (json_parser_load_from_data(parser, text, len, nullptr)) {
      JsonNode *root = json_parser_get_root(parser);
      if (JSON_NODE_HOLDS_OBJECT(root)) {
        JsonObject *o = json_node_get_object(root);
        const char *t =
            json_object_get_string_member_with_default(o, "type", "");
        if (g_str_equal(t, "Begin")) {
          p->session_id =
              json_object_get_string_member_with_default(o, "id", "");
        } else if (g_str_equal(t, "Turn")) {
          stamp = true;
          st.session_id = p->session_id;
          st.turn_order =
              json_object_get_int_member_with_default(o, "turn_order", -1);
          st.end_of_turn = json_object_get_boolean_member_with_default(
              o, "end_of_turn", FALSE);
          st.formatted = json_object_get_boolean_member_with_default(
              o, "turn_is_formatted", FALSE);
          st.transcript =
              json_object_get_string_member_with_default(o, "transcript", "");
        }
      }
    }
    g_object_unref(parser);
  }
  if (stamp) {
    st.at_us = g_get_monotonic_time();
    stamps.push_back(std::move(st));
  }
  forward(p->client, type, msg);
}

void on_client_message(SoupWebsocketConnection *,
                       gint type,
                       GBytes *msg,
                       gpointer data)
{
  auto *p = static_cast<Pair *>(data);
  if (p->up)
    forward(p->up, type, msg);
  else if (!p->up_closed)
    p->pending.emplace_back(static_cast<SoupWebsocketDataType>(type),
                            g_bytes_ref(msg));
}

void on_up_closed(SoupWebsocketConnection *c, gpointer data)
{
  auto *p = static_cast<Pair *>(data);
  p->up_closed = true;
  close_with(p->client, c);
  unref_pair(p);
}

void on_client_closed(SoupWebsocketConnection *c, gpointer data)
{
  auto *p = static_cast<Pair *>(data);
  p->client_closed = true;
  if (p->up)
    close_with(p->up, c);
  unref_pair(p);
}

void on_up_connected(GObject *src, GAsyncResult *res, gpointer data)
{
  auto *p = static_cast<Pair *>(data);
  GError *err = nullptr;
  SoupWebsocketConnection *up =
      soup_session_websocket_connect_finish(SOUP_SESSION(src), res, &err);
  if (!up) {
    g_printerr("relay: upstream: %s\n", err->message);
    g_error_free(err);
    p->up_closed = true;
    close_with(p->client, nullptr);
    unref_pair(p);
    return;
  }
  p->up = up;
  if (p->client_closed) {
    soup_websocket_connection_close(up, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                    nullptr);
  }
  /* One reference for the upstream connection's "closed". */
  g_signal_connect(up, "message", G_CALLBACK(on_up_message), p);
  g_signal_connect(up, "closed", G_CALLBACK(on_up_closed), p);
  while (!p->pending.empty()) {
    forward(up, p->pending.front().first, p->pending.front().second);
    g_bytes_unref(p->pending.front().second);
    p->pending.pop_front();
  }
}

void on_websocket(SoupServer *,
                  SoupServerMessage *msg,
                  const char *,
                  SoupWebsocketConnection *conn,
                  gpointer)
{
  auto *p = new Pair();
  p->client = SOUP_WEBSOCKET_CONNECTION(g_object_ref(conn));
  p->refs = 2; /* the client's "closed" and the upstream's */
  g_signal_connect(conn, "message", G_CALLBACK(on_client_message), p);
  g_signal_connect(conn, "closed", G_CALLBACK(on_client_closed), p);

  GUri *uri = soup_server_message_get_uri(msg);
  std::string url = upstream_url;
  if (g_uri_get_query(uri))
    url += std::string("?") + g_uri_get_query(uri);
  SoupMessage *up = soup_message_new("GET", url.c_str());
  const char *auth = soup_message_headers_get_one(
      soup_server_message_get_request_headers(msg), "Authorization");
  if (auth)
    soup_message_headers_replace(soup_message_get_request_headers(up),
                                 "Authorization", auth);
  soup_session_websocket_connect_async(upstream_session, up, nullptr, nullptr,
                                       G_PRIORITY_DEFAULT, nullptr,
                                       on_up_connected, p);
  g_object_unref(up);
}

gboolean on_signal(gpointer loop)
{
  g_main_loop_quit(static_cast<GMainLoop *>(loop));
  return G_SOURCE_CONTINUE;
}

}  // namespace

int main(int argc, char **argv)
{
  Options o;
  GOptionEntry entries[] = {
      {"upstream", 0, 0, G_OPTION_ARG_STRING, &o.upstream,
       "The emulator's ws:// URL", "URL"},
      {"tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &o.tls_cert,
       "Certificate served to clients", "PEM"},
      {"tls-key", 0, 0, G_OPTION_ARG_FILENAME, &o.tls_key, "Its key", "PEM"},
      {"stamps", 0, 0, G_OPTION_ARG_FILENAME, &o.stamps,
       "Where the Turn stamps go at exit", "FILE"},
      {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr}};
  GOptionContext *ctx = g_option_context_new("- timestamping WebSocket relay");
  g_option_context_add_main_entries(ctx, entries, nullptr);
  GError *err = nullptr;
  if (!g_option_context_parse(ctx, &argc, &argv, &err) || !o.upstream ||
      !o.tls_cert || !o.tls_key || !o.stamps) {
    g_printerr("%s\n",
               err ? err->message
                   : "need --upstream, --tls-cert, --tls-key, --stamps");
    return 2;
  }
  g_option_context_free(ctx);
  /* The path the clients ask for goes upstream as it is (with the query). */
  upstream_url = o.upstream;
  if (size_t q = upstream_url.find('?'); q != std::string::npos)
    upstream_url.resize(q);

  GTlsCertificate *cert =
      g_tls_certificate_new_from_files(o.tls_cert, o.tls_key, &err);
  if (!cert) {
    g_printerr("relay: %s\n", err->message);
    return 2;
  }
  SoupServer *server = soup_server_new("tls-certificate", cert, "server-header",
                                       "aai-bench-relay", nullptr);
  g_object_unref(cert);
  soup_server_add_websocket_handler(server, "/v3/ws", nullptr, nullptr,
                                    on_websocket, nullptr, nullptr);
  if (!soup_server_listen_local(
          server, 0,
          static_cast<SoupServerListenOptions>(SOUP_SERVER_LISTEN_IPV4_ONLY |
                                               SOUP_SERVER_LISTEN_HTTPS),
          &err)) {
    g_printerr("relay: listen: %s\n", err->message);
    return 2;
  }
  upstream_session = soup_session_new_with_options(
      "timeout", 0u, "idle-timeout", 0u, "max-conns", 100000,
      "max-conns-per-host", 100000, nullptr);
  GSList *listeners = soup_server_get_listeners(server);
  GSocket *sock = G_SOCKET(listeners->data);
  GSocketAddress *addr = g_socket_get_local_address(sock, nullptr);
  guint16 port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(addr));
  g_object_unref(addr);
  g_slist_free(listeners);
  printf("wss://127.0.0.1:%u/v3/ws\n", port);
  fflush(stdout);

  GMainLoop *loop = g_main_loop_new(nullptr, FALSE);
  guint s1 = g_unix_signal_add(SIGINT, on_signal, loop);
  guint s2 = g_unix_signal_add(SIGTERM, on_signal, loop);
  g_main_loop_run(loop);
  g_source_remove(s1);
  g_source_remove(s2);

  FILE *f = fopen(o.stamps, "w");
  if (f) {
    for (const Stamp &s : stamps)
      fprintf(f, "%s\t%" G_GINT64_FORMAT "\t%d\t%d\t%" G_GINT64_FORMAT "\t%s\n",
              s.session_id.c_str(), s.turn_order, s.end_of_turn, s.formatted,
              s.at_us * 1000, s.transcript.c_str());
    fclose(f);
  }
  /* Connections end with the process. */
  return 0;
}
