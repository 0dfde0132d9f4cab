/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "tcp_relay.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>

#include <gio/gio.h>

#include "loop_thread.h"

namespace aai_emu
{

namespace
{
constexpr gsize kBufferSize = 64 * 1024;
constexpr uint64_t kNever = UINT64_MAX;
struct Conn;
}  // namespace

struct TcpRelay::Impl {
  LoopThread thread;
  int target_port = 0;
  int bound_port = 0;

  mutable std::mutex lock; /* stats and stall settings */
  mutable std::condition_variable cond;
  Stats stats;
  uint64_t stall_bytes = kNever;
  int stall_connections = 0;
  bool stall_everything = false;

  /* Relay thread only. */
  GSocketService *service = nullptr;
  std::list<Conn *> conns;
  int pending = 0; /* async operations in flight, all connections */

  bool setup(std::string *error);
  void teardown();
  void accept(GSocketConnection *client);
  void changed(const std::function<void(Stats &)> &fn)
  {
    std::lock_guard<std::mutex> l(lock);
    fn(stats);
    cond.notify_all();
  }
};

namespace
{

/* One direction of a connection. */
struct Pipe {
  Pipe(Conn *c, bool u) : conn(c), up(u) {}
  Conn *conn;
  bool up; /* client -> target */
  GInputStream *in = nullptr;
  GOutputStream *out = nullptr;
  guint8 buf[kBufferSize];
};

/* One relayed connection. It stays allocated until both pipes have no
 * operation in flight and it is closed. */
struct Conn {
  TcpRelay::Impl *impl;
  GIOStream *client;
  GIOStream *target = nullptr;
  GCancellable *cancellable = g_cancellable_new();
  Pipe up{this, true};
  Pipe down{this, false};
  uint64_t stall_at = kNever; /* client -> target bytes */
  uint64_t up_bytes = 0;
  bool stalled = false;
  bool closed = false;
  int ops = 0;

  Conn(TcpRelay::Impl *i, GIOStream *c) : impl(i), client(c) {}
  ~Conn()
  {
    g_object_unref(cancellable);
    g_object_unref(client);
    g_clear_object(&target);
  }
};

void pump(Pipe *p);

void op_started(Conn *c)
{
  c->ops++;
  c->impl->pending++;
}

/* Returns false (and frees @c once idle) when the connection is closed. */
bool op_done(Conn *c)
{
  c->ops--;
  c->impl->pending--;
  if (!c->closed)
    return true;
  if (c->ops == 0) {
    c->impl->conns.remove(c);
    delete c;
  }
  return false;
}

void close_conn(Conn *c)
{
  if (c->closed)
    return;
  c->closed = true;
  g_cancellable_cancel(c->cancellable);
  g_io_stream_close(c->client, nullptr, nullptr);
  if (c->target)
    g_io_stream_close(c->target, nullptr, nullptr);
  if (c->ops == 0) {
    c->impl->conns.remove(c);
    delete c;
  }
}

void stall(Conn *c)
{
  if (c->stalled)
    return;
  c->stalled = true;
  c->impl->changed([](TcpRelay::Stats &s) {
    s.stalled++;
    if (s.first_stall_us == 0)
      s.first_stall_us = g_get_monotonic_time();
  });
}

void wrote(GObject *src, GAsyncResult *res, gpointer data)
{
  auto *p = static_cast<Pipe *>(data);
  Conn *c = p->conn;
  gsize n = 0;
  bool ok =
      g_output_stream_write_all_finish(G_OUTPUT_STREAM(src), res, &n, nullptr);
  if (!op_done(c))
    return;
  if (!ok) {
    close_conn(c);
    return;
  }
  if (p->up) {
    c->up_bytes += n;
    if (c->up_bytes >= c->stall_at)
      stall(c);
  }
  c->impl->changed(
      [&](TcpRelay::Stats &s) { (p->up ? s.up_bytes : s.down_bytes) += n; });
  pump(p);
}

void got(GObject *src, GAsyncResult *res, gpointer data)
{
  auto *p = static_cast<Pipe *>(data);
  Conn *c = p->conn;
  gssize n = g_input_stream_read_finish(G_INPUT_STREAM(src), res, nullptr);
  if (!op_done(c))
    return;
  if (n <= 0) {
    close_conn(c);
    return;
  }
  /* Stalled meanwhile: the data read is held, never written. */
  if (c->stalled)
    return;
  op_started(c);
  g_output_stream_write_all_async(p->out, p->buf, static_cast<gsize>(n),
                                  G_PRIORITY_DEFAULT, c->cancellable, wrote, p);
}

/* Reads the next chunk, unless the connection is stalled. Client->target
 * reads stop exactly at the stall point. */
void pump(Pipe *p)
{
  Conn *c = p->conn;
  if (c->stalled)
    return;
  gsize size = kBufferSize;
  if (p->up && c->stall_at != kNever) {
    if (c->up_bytes >= c->stall_at) {
      stall(c);
      return;
    }
    size =
        static_cast<gsize>(std::min<uint64_t>(size, c->stall_at - c->up_bytes));
  }
  op_started(c);
  g_input_stream_read_async(p->in, p->buf, size, G_PRIORITY_DEFAULT,
                            c->cancellable, got, p);
}

void target_connected(GObject *src, GAsyncResult *res, gpointer data)
{
  auto *c = static_cast<Conn *>(data);
  GSocketConnection *t =
      g_socket_client_connect_finish(G_SOCKET_CLIENT(src), res, nullptr);
  if (t)
    c->target = G_IO_STREAM(t);
  if (!op_done(c))
    return;
  if (!t) {
    close_conn(c);
    return;
  }
  c->up.in = g_io_stream_get_input_stream(c->client);
  c->up.out = g_io_stream_get_output_stream(c->target);
  c->down.in = g_io_stream_get_input_stream(c->target);
  c->down.out = g_io_stream_get_output_stream(c->client);
  pump(&c->up);
  pump(&c->down);
}

}  // namespace

void TcpRelay::Impl::accept(GSocketConnection *client)
{
  auto *c = new Conn(this, G_IO_STREAM(g_object_ref(client)));
  {
    std::lock_guard<std::mutex> l(lock);
    stats.connections++;
    if (stall_connections > 0) {
      stall_connections--;
      c->stall_at = stall_bytes;
    }
    cond.notify_all();
  }
  conns.push_back(c);
  if (stall_everything)
    stall(c);
  GSocketClient *sc = g_socket_client_new();
  GSocketConnectable *addr =
      G_SOCKET_CONNECTABLE(g_inet_socket_address_new_from_string(
          "127.0.0.1", static_cast<guint>(target_port)));
  op_started(c);
  g_socket_client_connect_async(sc, addr, c->cancellable, target_connected, c);
  g_object_unref(addr);
  g_object_unref(sc);
}

bool TcpRelay::Impl::setup(std::string *error)
{
  service = g_socket_service_new();
  g_signal_connect(service, "incoming",
                   G_CALLBACK(+[](GSocketService *, GSocketConnection *conn,
                                  GObject *, gpointer data) -> gboolean {
                     static_cast<Impl *>(data)->accept(conn);
                     return TRUE;
                   }),
                   this);
  GSocketAddress *addr = g_inet_socket_address_new_from_string("127.0.0.1", 0);
  GSocketAddress *bound = nullptr;
  GError *err = nullptr;
  bool ok = g_socket_listener_add_address(
      G_SOCKET_LISTENER(service), addr, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, nullptr, &bound, &err);
  g_object_unref(addr);
  if (!ok) {
    *error = std::string("relay listen: ") + err->message;
    g_error_free(err);
    g_clear_object(&service);
    return false;
  }
  bound_port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
  g_object_unref(bound);
  g_socket_service_start(service);
  return true;
}

void TcpRelay::Impl::teardown()
{
  g_socket_service_stop(service);
  g_socket_listener_close(G_SOCKET_LISTENER(service));
  g_clear_object(&service);
  /* close_conn() may free the connection: iterate over a copy. */
  std::list<Conn *> all = conns;
  for (Conn *c : all)
    close_conn(c);
}

TcpRelay::TcpRelay() : impl_(new Impl) {}

TcpRelay::~TcpRelay()
{
  stop();
}

bool TcpRelay::start(int target_port, std::string *error)
{
  impl_->target_port = target_port;
  std::string err;
  bool ok = impl_->thread.start("tcp-relay",
                                [this, &err] { return impl_->setup(&err); });
  if (!ok && error)
    *error = err;
  return ok;
}

void TcpRelay::stop()
{
  Impl *impl = impl_.get();
  impl->thread.stop([impl] { impl->teardown(); },
                    [impl] { return impl->pending == 0; });
}

int TcpRelay::port() const
{
  return impl_->bound_port;
}

void TcpRelay::stall_after_bytes(uint64_t bytes, int connections)
{
  std::lock_guard<std::mutex> l(impl_->lock);
  impl_->stall_bytes = bytes;
  impl_->stall_connections = connections;
}

void TcpRelay::stall_all()
{
  Impl *impl = impl_.get();
  impl->thread.run([impl] {
    impl->stall_everything = true;
    for (Conn *c : impl->conns)
      stall(c);
  });
}

TcpRelay::Stats TcpRelay::stats() const
{
  std::lock_guard<std::mutex> l(impl_->lock);
  return impl_->stats;
}

bool TcpRelay::wait(const std::function<bool(const Stats &)> &pred,
                    int timeout_ms) const
{
  std::unique_lock<std::mutex> l(impl_->lock);
  return impl_->cond.wait_for(l, std::chrono::milliseconds(timeout_ms),
                              [&] { return pred(impl_->stats); });
}

}  // namespace aai_emu
