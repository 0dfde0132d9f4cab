/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "agent_connection.h"

#include <chrono>

#include <libsoup/soup.h>

namespace aai
{

std::shared_ptr<AgentConnection> AgentConnection::create(
    std::shared_ptr<IoThread> io,
    Callbacks callbacks)
{
  return std::shared_ptr<AgentConnection>(
      new AgentConnection(std::move(io), std::move(callbacks)));
}

AgentConnection::AgentConnection(std::shared_ptr<IoThread> io,
                                 Callbacks callbacks)
    : io_(std::move(io)), cb_(std::move(callbacks))
{
}

AgentConnection::~AgentConnection()
{
  /* self_ref_ keeps us alive while a connection exists. */
  g_warn_if_fail(conn_ == nullptr && msg_ == nullptr);
}

void AgentConnection::connect(ConnectParams params)
{
  params_ = std::move(params);
  auto self = shared_from_this();
  io_->post([self]() { self->start_on_io(); });
}

void AgentConnection::send_text(std::string message)
{
  std::lock_guard<std::mutex> l(lock_);
  if (ended_)
    return;
  queue_.push_back(std::move(message));
  if (open_ && !pump_posted_) {
    pump_posted_ = true;
    auto self = shared_from_this();
    io_->post([self]() { self->pump_on_io(); });
  }
}

void AgentConnection::shutdown()
{
  auto self = shared_from_this();
  io_->post([self]() { self->shutdown_on_io(); });
}

void AgentConnection::detach()
{
  std::lock_guard<std::mutex> l(cb_lock_);
  cb_ = Callbacks();
}

bool AgentConnection::ended() const
{
  std::lock_guard<std::mutex> l(lock_);
  return ended_;
}

bool AgentConnection::wait_ended(unsigned timeout_ms) const
{
  std::unique_lock<std::mutex> l(lock_);
  return ended_cond_.wait_for(l, std::chrono::milliseconds(timeout_ms),
                              [this]() { return ended_; });
}

/* ---- I/O thread ---- */

void AgentConnection::start_on_io()
{
  self_ref_ = shared_from_this();
  EndReport fail;
  fail.kind = EndReport::Kind::ConnectFailed;
  fail.transport_error = validate_proxy(params_.net.proxy);
  if (!fail.transport_error.empty()) {
    end_on_io(fail);
    return;
  }
  msg_ = soup_message_new("GET", params_.url.c_str());
  if (!msg_) {
    fail.transport_error = "invalid URL";
    end_on_io(fail);
    return;
  }
  apply_tls_policy(msg_, params_.net);
  SoupMessageHeaders *h = soup_message_get_request_headers(msg_);
  for (const auto &kv : params_.headers)
    soup_message_headers_replace(h, kv.first.c_str(), kv.second.c_str());
  cancellable_ = g_cancellable_new();
  soup_session_websocket_connect_async(
      io_->session_for(params_.net), msg_, nullptr, nullptr, G_PRIORITY_DEFAULT,
      cancellable_, on_connected,
      new std::shared_ptr<AgentConnection>(self_ref_));
  if (params_.connect_timeout_ms > 0) {
    GSource *t = g_timeout_source_new(params_.connect_timeout_ms);
    g_source_set_callback(t, on_timeout, this, nullptr);
    timeout_source_ = g_source_attach(t, io_->context());
    g_source_unref(t);
  }
}

gboolean AgentConnection::on_timeout(gpointer data)
{
  auto *self = static_cast<AgentConnection *>(data);
  self->timeout_source_ = 0;
  self->report_.kind = EndReport::Kind::Timeout;
  if (self->cancellable_)
    g_cancellable_cancel(self->cancellable_);
  return G_SOURCE_REMOVE;
}

void AgentConnection::on_connected(GObject *src,
                                   GAsyncResult *res,
                                   gpointer data)
{
  auto *holder = static_cast<std::shared_ptr<AgentConnection> *>(data);
  std::shared_ptr<AgentConnection> self = *holder;
  delete holder;

  GError *err = nullptr;
  SoupWebsocketConnection *conn =
      soup_session_websocket_connect_finish(SOUP_SESSION(src), res, &err);
  g_clear_object(&self->cancellable_);
  if (self->timeout_source_) {
    GSource *t = g_main_context_find_source_by_id(self->io_->context(),
                                                  self->timeout_source_);
    if (t)
      g_source_destroy(t);
    self->timeout_source_ = 0;
  }
  if (!conn) {
    EndReport r =
        failed_connect_report(self->report_, self->msg_, err, self->closing_);
    g_clear_error(&err);
    self->end_on_io(r);
    return;
  }
  self->conn_ = conn;
  /* Agent audio arrives in frames of a few KiB; this only stops a runaway
   * server. */
  soup_websocket_connection_set_max_incoming_payload_size(conn, 1 << 24);
  g_signal_connect(conn, "message", G_CALLBACK(on_message), self.get());
  g_signal_connect(conn, "closed", G_CALLBACK(on_closed), self.get());
  g_signal_connect(conn, "error", G_CALLBACK(on_error), self.get());
  if (self->closing_) {
    self->shutdown_on_io();
    return;
  }
  self->report_.began = true;
  {
    std::lock_guard<std::mutex> l(self->lock_);
    self->open_ = true;
  }
  /* The opening message goes first: the open callback queues it. */
  {
    std::lock_guard<std::mutex> l(self->cb_lock_);
    if (self->cb_.open)
      self->cb_.open();
  }
  self->pump_on_io();
}

void AgentConnection::on_message(SoupWebsocketConnection *,
                                 gint type,
                                 GBytes *msg,
                                 gpointer data)
{
  auto *self = static_cast<AgentConnection *>(data);
  gsize size = 0;
  const char *bytes = static_cast<const char *>(g_bytes_get_data(msg, &size));
  /* The API sends JSON text only; a binary frame goes to the parser as is
   * and is reported as malformed there. */
  (void)type;
  std::string raw(bytes ? bytes : "", size);
  std::lock_guard<std::mutex> l(self->cb_lock_);
  if (self->cb_.text)
    self->cb_.text(raw);
}

void AgentConnection::on_error(SoupWebsocketConnection *,
                               GError *err,
                               gpointer data)
{
  auto *self = static_cast<AgentConnection *>(data);
  if (self->report_.transport_error.empty())
    self->report_.transport_error = err->message;
}

void AgentConnection::on_closed(SoupWebsocketConnection *c, gpointer data)
{
  auto *self = static_cast<AgentConnection *>(data);
  EndReport r = self->report_;
  gushort code = soup_websocket_connection_get_close_code(c);
  const char *reason = soup_websocket_connection_get_close_data(c);
  if (code == 0 || code == SOUP_WEBSOCKET_CLOSE_ABNORMAL) {
    /* No close frame: the TCP connection dropped (or we forced it). */
    r.close_code = SOUP_WEBSOCKET_CLOSE_ABNORMAL;
    r.kind =
        self->closing_ ? EndReport::Kind::Cancelled : EndReport::Kind::Closed;
  } else {
    r.close_code = code;
    r.close_reason = reason ? reason : "";
    if (self->closing_)
      r.kind = EndReport::Kind::Cancelled;
    else
      r.kind = code == SOUP_WEBSOCKET_CLOSE_NORMAL ? EndReport::Kind::Normal
                                                   : EndReport::Kind::Closed;
  }
  self->end_on_io(r);
}

void AgentConnection::pump_on_io()
{
  std::deque<std::string> frames;
  {
    std::lock_guard<std::mutex> l(lock_);
    pump_posted_ = false;
    if (!open_ || ended_)
      return;
    frames.swap(queue_);
  }
  if (!conn_ || closing_ ||
      soup_websocket_connection_get_state(conn_) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  for (const std::string &f : frames)
    soup_websocket_connection_send_text(conn_, f.c_str());
}

void AgentConnection::shutdown_on_io()
{
  if (!self_ref_)
    return; /* never started, or over */
  /* What was queued before the shutdown (session.end) still goes out. */
  pump_on_io();
  closing_ = true;
  if (cancellable_) {
    g_cancellable_cancel(cancellable_);
    return;
  }
  if (!conn_)
    return;
  close_with_grace(*io_, self_ref_, &conn_);
}

void AgentConnection::end_on_io(EndReport report)
{
  {
    std::lock_guard<std::mutex> l(lock_);
    open_ = false;
    queue_.clear();
  }
  if (conn_) {
    g_signal_handlers_disconnect_by_data(conn_, this);
    g_clear_object(&conn_);
  }
  g_clear_object(&msg_);
  {
    std::lock_guard<std::mutex> l(cb_lock_);
    if (cb_.end)
      cb_.end(report);
    cb_ = Callbacks();
  }
  {
    std::lock_guard<std::mutex> l(lock_);
    ended_ = true;
  }
  ended_cond_.notify_all();
  /* May destroy this object when nobody else holds it: last statement. */
  std::shared_ptr<AgentConnection> keep = std::move(self_ref_);
}

}  // namespace aai
