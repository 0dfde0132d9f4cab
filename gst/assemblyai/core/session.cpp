/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "session.h"

#include <algorithm>
#include <string>

#include <libsoup/soup.h>

#include "link_watchdog.h"

namespace aai
{

namespace
{
/* The service closes right after an Error frame; one that does not is
 * closed for it after this long (as the Python SDK closes on Error). */
constexpr unsigned kErrorCloseGraceMs = 250;

void remove_source(GMainContext *ctx, guint *id)
{
  if (*id == 0)
    return;
  GSource *s = g_main_context_find_source_by_id(ctx, *id);
  if (s)
    g_source_destroy(s);
  *id = 0;
}
}  // namespace

std::shared_ptr<Session> Session::create(
    std::shared_ptr<IoThread> io,
    std::shared_ptr<SessionListener> listener)
{
  return std::shared_ptr<Session>(
      new Session(std::move(io), std::move(listener)));
}

Session::Session(std::shared_ptr<IoThread> io,
                 std::shared_ptr<SessionListener> listener)
    : io_(std::move(io)), listener_(std::move(listener))
{
}

std::shared_ptr<SessionListener> Session::listener() const
{
  std::lock_guard<std::mutex> l(cb_lock_);
  return listener_;
}

Session::~Session()
{
  /* Only reached once no connection exists (self_ref_ keeps us alive
   * until then), so there is no libsoup object left to free here. */
  g_warn_if_fail(conn_ == nullptr && msg_ == nullptr);
}

void Session::connect(ConnectParams params)
{
  params_ = std::move(params);
  auto self = shared_from_this();
  io_->post([self]() { self->start_on_io(); });
}

void Session::send_audio(std::vector<uint8_t> frame)
{
  {
    std::lock_guard<std::mutex> l(lock_);
    bytes_queued_ += frame.size();
  }
  enqueue(Frame{true, std::move(frame)});
}

void Session::send_text(std::string message)
{
  enqueue(Frame{false, std::vector<uint8_t>(message.begin(), message.end())});
}

void Session::enqueue(Frame f)
{
  std::lock_guard<std::mutex> l(lock_);
  if (ended_)
    return;
  bool audio = f.binary;
  queue_.push_back(std::move(f));
  if (!begun_)
    return;
  /* Audio may wait for the thread's next pulse (IoThread::post_batched);
   * a control message goes now, and takes the audio before it along. */
  if (!pump_posted_ || !audio) {
    pump_posted_ = true;
    auto self = shared_from_this();
    if (audio)
      io_->post_batched([self]() { self->pump_on_io(); });
    else
      io_->post([self]() { self->pump_on_io(); });
  }
}

void Session::shutdown()
{
  auto self = shared_from_this();
  io_->post([self]() { self->shutdown_on_io(); });
}

void Session::detach()
{
  std::shared_ptr<SessionListener> gone;
  {
    std::lock_guard<std::mutex> l(cb_lock_);
    gone = std::move(listener_);
  }
}

uint64_t Session::audio_bytes_sent() const
{
  std::lock_guard<std::mutex> l(lock_);
  return bytes_sent_;
}

uint64_t Session::audio_bytes_queued() const
{
  std::lock_guard<std::mutex> l(lock_);
  return bytes_queued_;
}

std::string Session::session_id() const
{
  std::lock_guard<std::mutex> l(lock_);
  return session_id_;
}

/* ---- I/O thread ---- */

void Session::start_on_io()
{
  self_ref_ = shared_from_this();
  std::string proxy_problem = validate_proxy(params_.net.proxy);
  if (!proxy_problem.empty()) {
    EndReport r;
    r.kind = EndReport::Kind::ConnectFailed;
    r.transport_error = proxy_problem;
    end_on_io(r);
    return;
  }
  msg_ = soup_message_new("GET", params_.url.c_str());
  if (!msg_) {
    EndReport r;
    r.kind = EndReport::Kind::ConnectFailed;
    r.transport_error = "invalid URL";
    end_on_io(r);
    return;
  }
  apply_tls_policy(msg_, params_.net);
  if (params_.send_timeout_ms > 0)
    g_signal_connect(msg_, "network-event", G_CALLBACK(on_network_event), this);
  SoupMessageHeaders *h = soup_message_get_request_headers(msg_);
  for (const auto &kv : params_.headers)
    soup_message_headers_replace(h, kv.first.c_str(), kv.second.c_str());

  std::vector<char *> protocols;
  for (const auto &p : params_.subprotocols)
    protocols.push_back(const_cast<char *>(p.c_str()));
  protocols.push_back(nullptr);

  cancellable_ = g_cancellable_new();
  soup_session_websocket_connect_async(
      io_->session_for(params_.net), msg_, nullptr,
      params_.subprotocols.empty() ? nullptr : protocols.data(),
      G_PRIORITY_DEFAULT, cancellable_, on_connected,
      new std::shared_ptr<Session>(self_ref_));

  if (params_.connect_timeout_ms > 0) {
    GSource *t = g_timeout_source_new(params_.connect_timeout_ms);
    g_source_set_callback(
        t,
        [](gpointer data) -> gboolean {
          auto *s = static_cast<Session *>(data);
          s->timeout_source_ = 0;
          EndReport r;
          r.kind = EndReport::Kind::Timeout;
          s->report_ = r;
          if (s->conn_) {
            /* Upgraded but no Begin: close, the report is sent from
             * on_closed. */
            s->closing_ = true;
            g_io_stream_close(soup_websocket_connection_get_io_stream(s->conn_),
                              nullptr, nullptr);
          } else if (s->cancellable_) {
            g_cancellable_cancel(s->cancellable_);
          }
          return G_SOURCE_REMOVE;
        },
        this, nullptr);
    timeout_source_ = g_source_attach(t, io_->context());
    g_source_unref(t);
  }
}

/* After we send a close frame, a server that never answers must not keep
 * the element waiting: the socket is forced shut after this long. */
constexpr unsigned kCloseGraceMs = 1000;

void close_with_grace(IoThread &io,
                      std::weak_ptr<void> owner,
                      SoupWebsocketConnection *const *conn)
{
  SoupWebsocketState st = soup_websocket_connection_get_state(*conn);
  if (st == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close(*conn, SOUP_WEBSOCKET_CLOSE_NORMAL,
                                    nullptr);
  if (st == SOUP_WEBSOCKET_STATE_CLOSED)
    return;
  io.post_delayed(kCloseGraceMs, [owner, conn]() {
    /* *conn is the owner's current connection, if the owner lives. */
    std::shared_ptr<void> alive = owner.lock();
    SoupWebsocketConnection *c = alive ? *conn : nullptr;
    if (c &&
        soup_websocket_connection_get_state(c) != SOUP_WEBSOCKET_STATE_CLOSED)
      g_io_stream_close(soup_websocket_connection_get_io_stream(c), nullptr,
                        nullptr);
  });
}

EndReport failed_connect_report(EndReport r,
                                SoupMessage *msg,
                                const GError *err,
                                bool closing)
{
  guint status = soup_message_get_status(msg);
  if (r.kind == EndReport::Kind::Timeout) {
    /* keep Timeout: the connect timer fired and cancelled the connect */
  } else if (closing ||
             g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    r.kind = EndReport::Kind::Cancelled;
  } else if (status >= 300) {
    r.kind = EndReport::Kind::UpgradeRefused;
    r.http_status = static_cast<int>(status);
    const char *phrase = soup_message_get_reason_phrase(msg);
    r.http_reason = phrase ? phrase : "";
  } else {
    r.kind = EndReport::Kind::ConnectFailed;
    r.tls_error = err && err->domain == G_TLS_ERROR;
  }
  if (err && r.kind != EndReport::Kind::UpgradeRefused)
    r.transport_error = err->message;
  return r;
}

void Session::on_connected(GObject *src, GAsyncResult *res, gpointer data)
{
  auto *holder = static_cast<std::shared_ptr<Session> *>(data);
  std::shared_ptr<Session> self = *holder;
  delete holder;

  GError *err = nullptr;
  SoupWebsocketConnection *conn =
      soup_session_websocket_connect_finish(SOUP_SESSION(src), res, &err);
  g_clear_object(&self->cancellable_);
  if (!conn) {
    EndReport r =
        failed_connect_report(self->report_, self->msg_, err, self->closing_);
    g_clear_error(&err);
    self->end_on_io(r);
    return;
  }
  self->conn_ = conn;
  self->io_->add_link();
  /* A runaway server frame must not exhaust memory, but a long Turn is
   * legitimately large (kMaxIncomingMessage). */
  soup_websocket_connection_set_max_incoming_payload_size(conn,
                                                          kMaxIncomingMessage);
  g_signal_connect(conn, "message", G_CALLBACK(on_message), self.get());
  g_signal_connect(conn, "closed", G_CALLBACK(on_closed), self.get());
  g_signal_connect(conn, "error", G_CALLBACK(on_error), self.get());
  if (self->closing_)
    self->shutdown_on_io();
  else
    self->start_watchdog_on_io();
}

void Session::on_network_event(SoupMessage *,
                               GSocketClientEvent event,
                               GIOStream *connection,
                               gpointer data)
{
  auto *self = static_cast<Session *>(data);
  /* CONNECTED carries the plain TCP connection (to the proxy, if any),
   * before TLS or proxy negotiation wraps it: the one whose kernel send
   * queue the watchdog reads. */
  if (event == G_SOCKET_CLIENT_CONNECTED && !self->tcp_ &&
      G_IS_SOCKET_CONNECTION(connection))
    self->tcp_ = G_SOCKET_CONNECTION(g_object_ref(connection));
}

void Session::start_watchdog_on_io()
{
  unsigned timeout = params_.send_timeout_ms;
  if (timeout == 0)
    return;
  /* Without the TCP connection (never seen CONNECTED) there is nothing to
   * watch; pings still keep the link carrying data. */
  if (!tcp_) {
    set_keepalive_on_io(true);
    return;
  }
  watchdog_ = std::make_unique<LinkWatchdog>(
      g_socket_connection_get_socket(tcp_), timeout);
  /* One timer of the thread for every session's watchdog. */
  watchdog_tick_ = io_->add_tick(LinkWatchdog::interval_ms(timeout),
                                 [this]() { watchdog_tick(); });
}

void Session::stop_watchdog_on_io()
{
  if (watchdog_tick_) {
    io_->remove_tick(watchdog_tick_);
    watchdog_tick_ = 0;
  }
  watchdog_.reset();
  g_clear_object(&tcp_);
}

/* Pings make an idle link carry data, so a dead one shows as unsent.
 * While audio flows it carries data anyway: libsoup's keepalive timer (a
 * source per connection that every wake-up of the thread walks) is on
 * only while the link is idle. */
void Session::set_keepalive_on_io(bool on)
{
  if (on == keepalive_on_)
    return;
  keepalive_on_ = on;
  soup_websocket_connection_set_keepalive_interval(
      conn_, on ? std::max(1u, (params_.send_timeout_ms / 2 + 500) / 1000) : 0);
}

void Session::watchdog_tick()
{
  if (!conn_ || closing_)
    return;
  /* Idle: no audio went out since the previous tick. */
  set_keepalive_on_io(!sent_since_tick_);
  sent_since_tick_ = false;
  if (!watchdog_->check(g_get_monotonic_time()))
    return;
  /* Dead: close the socket now (a close handshake cannot get through);
   * on_closed reports it. */
  io_->remove_tick(watchdog_tick_);
  watchdog_tick_ = 0;
  report_.dead_link = true;
  report_.transport_error = "nothing could be sent for " +
                            std::to_string(params_.send_timeout_ms) +
                            " ms (the connection is dead)";
  closing_ = true;
  g_io_stream_close(soup_websocket_connection_get_io_stream(conn_), nullptr,
                    nullptr);
}

void Session::on_message(SoupWebsocketConnection *,
                         gint type,
                         GBytes *msg,
                         gpointer data)
{
  auto *self = static_cast<Session *>(data);
  /* After a protocol violation libsoup may still hand over frames it had
   * already read: nothing the broken session says counts any more. */
  if (self->report_.server_violation)
    return;
  gsize size = 0;
  const char *bytes = static_cast<const char *>(g_bytes_get_data(msg, &size));
  std::string raw(bytes ? bytes : "", size);
  if (type != SOUP_WEBSOCKET_DATA_TEXT) {
    if (auto listener = self->listener())
      listener->on_malformed_frame(
          "the server sent a binary frame (only JSON text frames are expected)",
          "");
    return;
  }
  ParseResult pr = parse_server_frame(raw.data(), raw.size());
  if (!pr.event) {
    if (auto listener = self->listener())
      listener->on_malformed_frame(pr.error, raw);
    return;
  }
  const ServerEvent &ev = *pr.event;
  if (const auto *b = std::get_if<BeginEvent>(&ev)) {
    remove_source(self->io_->context(), &self->timeout_source_);
    self->report_.began = true;
    std::lock_guard<std::mutex> l(self->lock_);
    self->session_id_ = b->id;
    self->begun_ = true;
    if (!self->queue_.empty() && !self->pump_posted_) {
      self->pump_posted_ = true;
      auto ref = self->shared_from_this();
      self->io_->post([ref]() { ref->pump_on_io(); });
    }
  } else if (std::holds_alternative<TerminationEvent>(ev)) {
    self->report_.terminated = true;
  } else if (const auto *e = std::get_if<ErrorEvent>(&ev)) {
    self->report_.error_frame = *e;
    self->close_after_error_on_io();
  }
  if (auto listener = self->listener())
    listener->on_server_event(ev, raw);
}

void Session::on_error(SoupWebsocketConnection *, GError *err, gpointer data)
{
  auto *self = static_cast<Session *>(data);
  /* libsoup closes the connection itself after these, with the code it
   * names: what the server sent is the cause, not the network. */
  if (err->domain == SOUP_WEBSOCKET_ERROR &&
      (err->code == SOUP_WEBSOCKET_CLOSE_TOO_BIG ||
       err->code == SOUP_WEBSOCKET_CLOSE_BAD_DATA ||
       err->code == SOUP_WEBSOCKET_CLOSE_PROTOCOL_ERROR) &&
      !self->report_.server_violation)
    self->report_.server_violation = err->code;
  if (self->report_.transport_error.empty())
    self->report_.transport_error = err->message;
}

void Session::on_closed(SoupWebsocketConnection *c, gpointer data)
{
  auto *self = static_cast<Session *>(data);
  EndReport r = self->report_;
  gushort code = soup_websocket_connection_get_close_code(c);
  const char *reason = soup_websocket_connection_get_close_data(c);
  if (r.dead_link) {
    r.kind = EndReport::Kind::Closed;
    r.close_code = SOUP_WEBSOCKET_CLOSE_ABNORMAL;
  } else if (self->error_closed_ && r.error_frame) {
    /* We closed after an Error the server did not close for: the frame
     * says why the session ended. */
    r.kind = EndReport::Kind::Closed;
    r.close_code =
        r.error_frame->error_code.value_or(SOUP_WEBSOCKET_CLOSE_SERVER_ERROR);
    r.close_reason = r.error_frame->error;
  } else if (r.server_violation) {
    /* Whatever the server answered to our close, this is why it ended. */
    r.kind = EndReport::Kind::Closed;
    r.close_code = r.server_violation;
    r.close_reason.clear();
  } else if (r.kind != EndReport::Kind::Timeout) {
    if (code == 0 || code == SOUP_WEBSOCKET_CLOSE_ABNORMAL) {
      /* No close frame: the TCP connection dropped (or we forced it). */
      r.close_code = SOUP_WEBSOCKET_CLOSE_ABNORMAL;
      r.kind =
          self->closing_ ? EndReport::Kind::Cancelled : EndReport::Kind::Closed;
    } else {
      r.close_code = code;
      r.close_reason = reason ? reason : "";
      if (code == SOUP_WEBSOCKET_CLOSE_NORMAL)
        r.kind = self->closing_ && !r.terminated ? EndReport::Kind::Cancelled
                                                 : EndReport::Kind::Normal;
      else
        r.kind = self->closing_ && code == SOUP_WEBSOCKET_CLOSE_GOING_AWAY
                     ? EndReport::Kind::Cancelled
                     : EndReport::Kind::Closed;
    }
  }
  self->end_on_io(r);
}

void Session::pump_on_io()
{
  std::deque<Frame> frames;
  {
    std::lock_guard<std::mutex> l(lock_);
    pump_posted_ = false;
    if (!begun_ || ended_)
      return;
    frames.swap(queue_);
  }
  if (!conn_ || closing_)
    return;
  /* A send can end the connection (a write error closes it and emits
   * "closed", which clears conn_): hold it, and check before every frame,
   * since sending on a connection that is not open is a CRITICAL. */
  SoupWebsocketConnection *conn =
      SOUP_WEBSOCKET_CONNECTION(g_object_ref(conn_));
  uint64_t sent = 0;
  std::vector<uint8_t> merged;
  for (size_t i = 0; i < frames.size(); i++) {
    const Frame &f = frames[i];
    if (conn_ != conn || closing_ ||
        soup_websocket_connection_get_state(conn) != SOUP_WEBSOCKET_STATE_OPEN)
      break;
    if (f.binary) {
      /* With the whole frames after it that fit: one message for audio
       * that is waiting anyway (ConnectParams::max_audio_message_bytes). */
      size_t end = i + 1, bytes = f.data.size();
      while (end < frames.size() && frames[end].binary &&
             bytes + frames[end].data.size() <= params_.max_audio_message_bytes)
        bytes += frames[end++].data.size();
      if (end == i + 1) {
        soup_websocket_connection_send_binary(conn, f.data.data(),
                                              f.data.size());
      } else {
        merged.clear();
        merged.reserve(bytes);
        for (size_t k = i; k < end; k++)
          merged.insert(merged.end(), frames[k].data.begin(),
                        frames[k].data.end());
        soup_websocket_connection_send_binary(conn, merged.data(),
                                              merged.size());
        i = end - 1;
      }
      sent += bytes;
    } else {
      std::string text(f.data.begin(), f.data.end());
      soup_websocket_connection_send_text(conn, text.c_str());
    }
  }
  g_object_unref(conn);
  if (sent)
    sent_since_tick_ = true;
  std::lock_guard<std::mutex> l(lock_);
  bytes_sent_ += sent;
}

void Session::shutdown_on_io()
{
  if (!self_ref_)
    return; /* never connected, or already ended */
  closing_ = true;
  if (cancellable_) {
    g_cancellable_cancel(cancellable_);
    return;
  }
  if (!conn_)
    return;
  close_with_grace(*io_, self_ref_, &conn_);
}

void Session::close_after_error_on_io()
{
  if (error_source_)
    return;
  std::weak_ptr<Session> weak = self_ref_;
  GSource *t = g_timeout_source_new(kErrorCloseGraceMs);
  auto *holder = new std::weak_ptr<Session>(weak);
  g_source_set_callback(
      t,
      [](gpointer data) -> gboolean {
        auto s = static_cast<std::weak_ptr<Session> *>(data)->lock();
        if (!s)
          return G_SOURCE_REMOVE;
        s->error_source_ = 0;
        if (s->conn_ && !s->closing_) {
          s->error_closed_ = true;
          s->closing_ = true;
          g_io_stream_close(soup_websocket_connection_get_io_stream(s->conn_),
                            nullptr, nullptr);
        }
        return G_SOURCE_REMOVE;
      },
      holder,
      [](gpointer data) {
        delete static_cast<std::weak_ptr<Session> *>(data);
      });
  error_source_ = g_source_attach(t, io_->context());
  g_source_unref(t);
}

void Session::end_on_io(EndReport report)
{
  remove_source(io_->context(), &timeout_source_);
  remove_source(io_->context(), &error_source_);
  stop_watchdog_on_io();
  {
    std::lock_guard<std::mutex> l(lock_);
    ended_ = true;
    queue_.clear();
  }
  if (conn_) {
    g_signal_handlers_disconnect_by_data(conn_, this);
    g_clear_object(&conn_);
    io_->remove_link();
  }
  if (msg_)
    g_signal_handlers_disconnect_by_data(msg_, this);
  g_clear_object(&msg_);
  if (auto listener = this->listener())
    listener->on_session_end(report);
  /* May destroy this object (and with it maybe the last hold on the I/O
   * thread): last statement. */
  std::shared_ptr<Session> keep = std::move(self_ref_);
}

}  // namespace aai
