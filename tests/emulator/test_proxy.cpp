/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test_proxy.h"

#include <cstring>
#include <mutex>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "loop_thread.h"

namespace aai_emu
{

struct TestProxy::Impl {
  LoopThread thread;
  Kind kind = Kind::Http;
  int target_port = 0;
  int bound_port = 0;

  mutable std::mutex lock; /* requests */
  std::vector<Request> requests;

  /* Proxy thread only. */
  SoupServer *server = nullptr;
  SoupSession *session = nullptr; /* forwards plain absolute-form requests */
  GSocketService *service = nullptr;
  GCancellable *cancellable = nullptr;
  int pending = 0; /* async operations in flight: stop() waits for them */

  size_t record(const Request &r)
  {
    std::lock_guard<std::mutex> l(lock);
    requests.push_back(r);
    return requests.size() - 1;
  }
  void set_status(size_t index, int status)
  {
    std::lock_guard<std::mutex> l(lock);
    requests[index].status = status;
  }

  bool setup(std::string *error);
  void teardown();
  void connect_target(GAsyncReadyCallback cb, gpointer data);
  void splice(GIOStream *a, GIOStream *b);
  void handle_http(SoupServerMessage *msg);
  void handle_connect(SoupServerMessage *msg, size_t index);
  void forward(SoupServerMessage *msg, size_t index);
};

namespace
{

bool was_cancelled(const GError *err)
{
  return g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- HTTP CONNECT tunnel ---- */

struct Tunnel {
  TestProxy::Impl *impl;
  SoupServerMessage *msg;
  size_t index;
  GIOStream *upstream = nullptr;
  ~Tunnel()
  {
    g_object_unref(msg);
    g_clear_object(&upstream);
  }
};

/* After the 200 has been written, the connection is no longer HTTP: take
 * it from the server and splice it to the target. */
void tunnel_wrote_body(SoupServerMessage *msg, gpointer data)
{
  auto *t = static_cast<Tunnel *>(data);
  g_signal_handlers_disconnect_by_data(msg, data);
  GIOStream *client = soup_server_message_steal_connection(msg);
  if (client) {
    t->impl->splice(client, t->upstream);
    g_object_unref(client);
  }
  delete t;
}

void tunnel_finished(SoupServerMessage *msg, gpointer data)
{
  g_signal_handlers_disconnect_by_data(msg, data);
  delete static_cast<Tunnel *>(data);
}

void tunnel_connected(GObject *src, GAsyncResult *res, gpointer data)
{
  auto *t = static_cast<Tunnel *>(data);
  t->impl->pending--;
  GError *err = nullptr;
  GSocketConnection *up =
      g_socket_client_connect_finish(G_SOCKET_CLIENT(src), res, &err);
  if (!up) {
    if (!was_cancelled(err)) {
      t->impl->set_status(t->index, SOUP_STATUS_BAD_GATEWAY);
      soup_server_message_set_status(t->msg, SOUP_STATUS_BAD_GATEWAY, nullptr);
      soup_server_message_unpause(t->msg);
    }
    g_clear_error(&err);
    delete t;
    return;
  }
  t->upstream = G_IO_STREAM(up);
  t->impl->set_status(t->index, SOUP_STATUS_OK);
  soup_server_message_set_status(t->msg, SOUP_STATUS_OK, nullptr);
  g_signal_connect(t->msg, "wrote-body", G_CALLBACK(tunnel_wrote_body), t);
  /* The client went away before the 200 was written. */
  g_signal_connect(t->msg, "finished", G_CALLBACK(tunnel_finished), t);
  soup_server_message_unpause(t->msg);
}

/* ---- plain absolute-form requests, forwarded with a SoupSession ---- */

struct Forward {
  TestProxy::Impl *impl;
  SoupServerMessage *msg;
  SoupMessage *out;
  size_t index;
  ~Forward()
  {
    g_object_unref(msg);
    g_object_unref(out);
  }
};

bool is_hop_by_hop(const char *name)
{
  for (const char *h : {"Host", "Connection", "Proxy-Connection", "Keep-Alive",
                        "Proxy-Authorization", "TE", "Trailer",
                        "Transfer-Encoding", "Upgrade", "Content-Length"})
    if (g_ascii_strcasecmp(name, h) == 0)
      return true;
  return false;
}

void forward_done(GObject *src, GAsyncResult *res, gpointer data)
{
  auto *f = static_cast<Forward *>(data);
  f->impl->pending--;
  GError *err = nullptr;
  GBytes *body =
      soup_session_send_and_read_finish(SOUP_SESSION(src), res, &err);
  if (!body) {
    if (!was_cancelled(err)) {
      f->impl->set_status(f->index, SOUP_STATUS_BAD_GATEWAY);
      soup_server_message_set_status(f->msg, SOUP_STATUS_BAD_GATEWAY, nullptr);
      soup_server_message_unpause(f->msg);
    }
    g_clear_error(&err);
    delete f;
    return;
  }
  guint status = soup_message_get_status(f->out);
  f->impl->set_status(f->index, static_cast<int>(status));
  soup_server_message_set_status(f->msg, status,
                                 soup_message_get_reason_phrase(f->out));
  const char *type = soup_message_headers_get_content_type(
      soup_message_get_response_headers(f->out), nullptr);
  gsize size = 0;
  const char *bytes = static_cast<const char *>(g_bytes_get_data(body, &size));
  soup_server_message_set_response(f->msg, type ? type : "text/plain",
                                   SOUP_MEMORY_COPY, bytes, size);
  g_bytes_unref(body);
  soup_server_message_unpause(f->msg);
  delete f;
}

/* ---- SOCKS5 (RFC 1928), no authentication, CONNECT only ---- */

struct Socks5Conn {
  Socks5Conn(TestProxy::Impl *i, GIOStream *c) : impl(i), client(c) {}
  TestProxy::Impl *impl;
  GIOStream *client;
  GIOStream *upstream = nullptr;
  guint8 buf[300] = {};
  size_t index = 0;
  ~Socks5Conn()
  {
    g_object_unref(client);
    g_clear_object(&upstream);
  }
};
using Step = void (*)(Socks5Conn *);

struct IoOp {
  Socks5Conn *c;
  gsize n;
  Step next;
  guint8 out[16];
};

/* Reads exactly @n bytes into c->buf + @offset, then runs @next; on EOF
 * or error the connection is dropped. */
void read_exact(Socks5Conn *c, size_t offset, gsize n, Step next)
{
  c->impl->pending++;
  g_input_stream_read_all_async(
      g_io_stream_get_input_stream(c->client), c->buf + offset, n,
      G_PRIORITY_DEFAULT, c->impl->cancellable,
      [](GObject *src, GAsyncResult *res, gpointer data) {
        auto *op = static_cast<IoOp *>(data);
        Socks5Conn *c = op->c;
        c->impl->pending--;
        gsize got = 0;
        bool ok = g_input_stream_read_all_finish(G_INPUT_STREAM(src), res, &got,
                                                 nullptr) &&
                  got == op->n;
        Step next = op->next;
        delete op;
        if (ok)
          next(c);
        else
          delete c;
      },
      new IoOp{c, n, next, {}});
}

/* Writes @reply (at most 16 bytes), then runs @next (NULL: drop). */
void write_reply(Socks5Conn *c, const guint8 *reply, gsize n, Step next)
{
  auto *op = new IoOp{c, n, next, {}};
  memcpy(op->out, reply, n);
  c->impl->pending++;
  g_output_stream_write_all_async(
      g_io_stream_get_output_stream(c->client), op->out, n, G_PRIORITY_DEFAULT,
      c->impl->cancellable,
      [](GObject *src, GAsyncResult *res, gpointer data) {
        auto *op = static_cast<IoOp *>(data);
        Socks5Conn *c = op->c;
        c->impl->pending--;
        bool ok = g_output_stream_write_all_finish(G_OUTPUT_STREAM(src), res,
                                                   nullptr, nullptr);
        Step next = op->next;
        delete op;
        if (ok && next)
          next(c);
        else
          delete c;
      },
      op);
}

void socks_spliced(Socks5Conn *c)
{
  c->impl->splice(c->client, c->upstream);
  delete c;
}

void socks_connected(GObject *src, GAsyncResult *res, gpointer data)
{
  auto *c = static_cast<Socks5Conn *>(data);
  c->impl->pending--;
  GError *err = nullptr;
  GSocketConnection *up =
      g_socket_client_connect_finish(G_SOCKET_CLIENT(src), res, &err);
  /* Reply: VER, REP, RSV, ATYP=IPv4, BND.ADDR 0.0.0.0, BND.PORT 0. */
  guint8 reply[10] = {5, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  if (!up) {
    bool cancelled = was_cancelled(err);
    g_clear_error(&err);
    if (cancelled) {
      delete c;
      return;
    }
    reply[1] = 5; /* connection refused */
    c->impl->set_status(c->index, reply[1]);
    write_reply(c, reply, sizeof reply, nullptr);
    return;
  }
  c->upstream = G_IO_STREAM(up);
  c->impl->set_status(c->index, 0);
  write_reply(c, reply, sizeof reply, socks_spliced);
}

void socks_got_address(Socks5Conn *c)
{
  std::string host;
  size_t port_at = 0;
  switch (c->buf[3]) {
    case 1:
    case 4: {
      bool v4 = c->buf[3] == 1;
      GInetAddress *a = g_inet_address_new_from_bytes(
          c->buf + 4, v4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
      gchar *s = g_inet_address_to_string(a);
      host = s;
      g_free(s);
      g_object_unref(a);
      port_at = 4 + (v4 ? 4 : 16);
      break;
    }
    default: /* 3: length-prefixed domain name */
      host.assign(reinterpret_cast<const char *>(c->buf + 5), c->buf[4]);
      port_at = 5 + c->buf[4];
      break;
  }
  int port = (c->buf[port_at] << 8) | c->buf[port_at + 1];
  TestProxy::Request r;
  r.method = "SOCKS5";
  r.target = host + ":" + std::to_string(port);
  c->index = c->impl->record(r);
  c->impl->connect_target(socks_connected, c);
}

void socks_got_name_length(Socks5Conn *c)
{
  read_exact(c, 5, c->buf[4] + 2u, socks_got_address);
}

void socks_got_request(Socks5Conn *c)
{
  /* VER, CMD (1 = CONNECT), RSV, ATYP */
  if (c->buf[0] != 5 || c->buf[1] != 1) {
    const guint8 reply[10] = {5, 7, 0, 1, 0, 0, 0, 0, 0, 0};
    write_reply(c, reply, sizeof reply, nullptr);
    return;
  }
  switch (c->buf[3]) {
    case 1:
      read_exact(c, 4, 4 + 2, socks_got_address);
      break;
    case 3:
      read_exact(c, 4, 1, socks_got_name_length);
      break;
    case 4:
      read_exact(c, 4, 16 + 2, socks_got_address);
      break;
    default: {
      const guint8 reply[10] = {5, 8, 0, 1, 0, 0, 0, 0, 0, 0};
      write_reply(c, reply, sizeof reply, nullptr);
    }
  }
}

void socks_read_request(Socks5Conn *c)
{
  read_exact(c, 0, 4, socks_got_request);
}

void socks_got_methods(Socks5Conn *c)
{
  bool no_auth = false;
  for (guint i = 0; i < c->buf[1]; i++)
    no_auth = no_auth || c->buf[2 + i] == 0;
  const guint8 reply[2] = {5, static_cast<guint8>(no_auth ? 0 : 0xFF)};
  write_reply(c, reply, sizeof reply, no_auth ? socks_read_request : nullptr);
}

void socks_got_greeting(Socks5Conn *c)
{
  /* VER = 5, NMETHODS */
  if (c->buf[0] != 5 || c->buf[1] == 0) {
    delete c;
    return;
  }
  read_exact(c, 2, c->buf[1], socks_got_methods);
}

gboolean socks_incoming(GSocketService *,
                        GSocketConnection *conn,
                        GObject *,
                        gpointer data)
{
  auto *c = new Socks5Conn(static_cast<TestProxy::Impl *>(data),
                           G_IO_STREAM(g_object_ref(conn)));
  read_exact(c, 0, 2, socks_got_greeting);
  return TRUE;
}

}  // namespace

void TestProxy::Impl::connect_target(GAsyncReadyCallback cb, gpointer data)
{
  GSocketClient *client = g_socket_client_new();
  GSocketConnectable *addr =
      G_SOCKET_CONNECTABLE(g_inet_socket_address_new_from_string(
          "127.0.0.1", static_cast<guint>(target_port)));
  pending++;
  g_socket_client_connect_async(client, addr, cancellable, cb, data);
  g_object_unref(addr);
  g_object_unref(client);
}

void TestProxy::Impl::splice(GIOStream *a, GIOStream *b)
{
  pending++;
  /* Without WAIT_FOR_BOTH: when one side ends, both are closed. */
  g_io_stream_splice_async(
      a, b,
      static_cast<GIOStreamSpliceFlags>(G_IO_STREAM_SPLICE_CLOSE_STREAM1 |
                                        G_IO_STREAM_SPLICE_CLOSE_STREAM2),
      G_PRIORITY_DEFAULT, cancellable,
      [](GObject *, GAsyncResult *res, gpointer data) {
        g_io_stream_splice_finish(res, nullptr);
        static_cast<Impl *>(data)->pending--;
      },
      this);
}

void TestProxy::Impl::handle_connect(SoupServerMessage *msg, size_t index)
{
  soup_server_message_pause(msg);
  connect_target(
      tunnel_connected,
      new Tunnel{this, SOUP_SERVER_MESSAGE(g_object_ref(msg)), index});
}

void TestProxy::Impl::forward(SoupServerMessage *msg, size_t index)
{
  GUri *in = soup_server_message_get_uri(msg);
  GUri *to = g_uri_build(G_URI_FLAGS_ENCODED, "http", nullptr, "127.0.0.1",
                         target_port, g_uri_get_path(in), g_uri_get_query(in),
                         nullptr);
  SoupMessage *out =
      soup_message_new_from_uri(soup_server_message_get_method(msg), to);
  g_uri_unref(to);
  SoupMessageHeadersIter it;
  const char *name, *value;
  soup_message_headers_iter_init(&it,
                                 soup_server_message_get_request_headers(msg));
  while (soup_message_headers_iter_next(&it, &name, &value))
    if (!is_hop_by_hop(name))
      soup_message_headers_append(soup_message_get_request_headers(out), name,
                                  value);
  soup_server_message_pause(msg);
  pending++;
  soup_session_send_and_read_async(
      session, out, G_PRIORITY_DEFAULT, cancellable, forward_done,
      new Forward{this, SOUP_SERVER_MESSAGE(g_object_ref(msg)), out, index});
}

void TestProxy::Impl::handle_http(SoupServerMessage *msg)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers(msg);
  GUri *uri = soup_server_message_get_uri(msg);
  Request r;
  r.method = soup_server_message_get_method(msg);
  r.websocket_upgrade =
      soup_message_headers_header_contains(h, "Upgrade", "websocket");
  if (r.method == "CONNECT") {
    r.target = std::string(g_uri_get_host(uri)) + ":" +
               std::to_string(g_uri_get_port(uri));
    handle_connect(msg, record(r));
    return;
  }
  gchar *s = g_uri_to_string(uri);
  r.target = s;
  g_free(s);
  if (r.websocket_upgrade) {
    r.status = SOUP_STATUS_BAD_GATEWAY;
    record(r);
    const char text[] = "this proxy does not forward WebSocket upgrades";
    soup_server_message_set_status(msg, SOUP_STATUS_BAD_GATEWAY, nullptr);
    soup_server_message_set_response(msg, "text/plain", SOUP_MEMORY_COPY, text,
                                     sizeof text - 1);
    return;
  }
  forward(msg, record(r));
}

bool TestProxy::Impl::setup(std::string *error)
{
  cancellable = g_cancellable_new();
  GError *err = nullptr;
  GSocketAddress *addr = g_inet_socket_address_new_from_string("127.0.0.1", 0);
  bool ok = false;
  GSocketAddress *bound = nullptr;
  if (kind == Kind::Http) {
    server = soup_server_new(nullptr, nullptr);
    session = soup_session_new();
    soup_server_add_handler(
        server, nullptr,
        [](SoupServer *, SoupServerMessage *msg, const char *, GHashTable *,
           gpointer data) { static_cast<Impl *>(data)->handle_http(msg); },
        this, nullptr);
    ok = soup_server_listen(server, addr,
                            static_cast<SoupServerListenOptions>(0), &err);
    if (ok) {
      GSList *listeners = soup_server_get_listeners(server);
      bound = g_socket_get_local_address(G_SOCKET(listeners->data), nullptr);
      g_slist_free(listeners);
    }
  } else {
    service = g_socket_service_new();
    g_signal_connect(service, "incoming", G_CALLBACK(socks_incoming), this);
    ok = g_socket_listener_add_address(
        G_SOCKET_LISTENER(service), addr, G_SOCKET_TYPE_STREAM,
        G_SOCKET_PROTOCOL_TCP, nullptr, &bound, &err);
    if (ok)
      g_socket_service_start(service);
  }
  g_object_unref(addr);
  if (!ok) {
    *error = std::string("proxy listen: ") + err->message;
    g_error_free(err);
    teardown();
    return false;
  }
  bound_port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
  g_object_unref(bound);
  return true;
}

/* Everything in flight is cancelled; stop() then waits until the
 * callbacks have run (pending == 0). */
void TestProxy::Impl::teardown()
{
  g_cancellable_cancel(cancellable);
  if (server) {
    soup_server_disconnect(server);
    g_clear_object(&server);
  }
  if (session) {
    soup_session_abort(session);
    g_clear_object(&session);
  }
  if (service) {
    g_socket_service_stop(service);
    g_socket_listener_close(G_SOCKET_LISTENER(service));
    g_clear_object(&service);
  }
}

TestProxy::TestProxy() : impl_(new Impl) {}

TestProxy::~TestProxy()
{
  stop();
}

bool TestProxy::start(Kind kind, int target_port, std::string *error)
{
  impl_->kind = kind;
  impl_->target_port = target_port;
  std::string err;
  bool ok = impl_->thread.start("test-proxy",
                                [this, &err] { return impl_->setup(&err); });
  if (!ok && error)
    *error = err;
  return ok;
}

void TestProxy::stop()
{
  Impl *impl = impl_.get();
  impl->thread.stop([impl] { impl->teardown(); },
                    [impl] { return impl->pending == 0; });
  g_clear_object(&impl->cancellable);
}

std::string TestProxy::url() const
{
  return std::string(impl_->kind == Kind::Http ? "http" : "socks5") +
         "://127.0.0.1:" + std::to_string(impl_->bound_port);
}

int TestProxy::port() const
{
  return impl_->bound_port;
}

std::vector<TestProxy::Request> TestProxy::requests() const
{
  std::lock_guard<std::mutex> l(impl_->lock);
  return impl_->requests;
}

}  // namespace aai_emu
