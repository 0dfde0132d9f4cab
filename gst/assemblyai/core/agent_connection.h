/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* One WebSocket connection to the Voice Agent API: JSON text frames both
 * ways, nothing else (the v3 Session is specific to its own protocol).
 * Public methods are thread-safe and only queue work for the I/O thread,
 * where every libsoup object lives; the callbacks run there too, one at a
 * time, and never after detach() returned.
 *
 * Frames sent before the WebSocket is open wait and go out in order once
 * it is. The connection keeps itself alive until it has ended; whoever
 * holds it should keep it until ended() so that its last reference (and
 * with it one of the I/O thread's) is never dropped on the I/O thread. */
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <gio/gio.h>

#include "io_thread.h"
#include "session.h"

typedef struct _SoupWebsocketConnection SoupWebsocketConnection;
typedef struct _SoupMessage SoupMessage;

namespace aai
{

class AgentConnection : public std::enable_shared_from_this<AgentConnection>
{
 public:
  struct Callbacks {
    std::function<void()> open;
    std::function<void(const std::string &raw)> text;
    /* Called exactly once per connect(), last. */
    std::function<void(const EndReport &)> end;
  };

  static std::shared_ptr<AgentConnection> create(std::shared_ptr<IoThread> io,
                                                 Callbacks callbacks);
  ~AgentConnection();
  AgentConnection(const AgentConnection &) = delete;
  AgentConnection &operator=(const AgentConnection &) = delete;

  /* @params.connect_timeout_ms bounds the time until the WebSocket is
   * open; send_timeout_ms and subprotocols are not used. */
  void connect(ConnectParams params);
  void send_text(std::string message);
  /* Closes (1000 once open; forced after a grace period); the end
   * callback follows with Kind::Cancelled unless it ended already. */
  void shutdown();
  /* No callback starts after this returns. Do not call it while holding
   * a lock the callbacks take. */
  void detach();
  /* The end callback has run (or was skipped after detach()). */
  bool ended() const;
  /* Waits until ended(), at most @timeout_ms; false on timeout. */
  bool wait_ended(unsigned timeout_ms) const;

 private:
  AgentConnection(std::shared_ptr<IoThread> io, Callbacks callbacks);

  void start_on_io();
  void pump_on_io();
  void shutdown_on_io();
  void end_on_io(EndReport report);
  static void on_connected(GObject *src, GAsyncResult *res, gpointer data);
  static void on_message(SoupWebsocketConnection *c,
                         gint type,
                         GBytes *msg,
                         gpointer data);
  static void on_closed(SoupWebsocketConnection *c, gpointer data);
  static void on_error(SoupWebsocketConnection *c, GError *err, gpointer data);
  static gboolean on_timeout(gpointer data);

  std::shared_ptr<IoThread> io_;
  ConnectParams params_;

  std::mutex cb_lock_; /* held while a callback runs */
  Callbacks cb_;

  mutable std::mutex lock_;
  mutable std::condition_variable ended_cond_;
  std::deque<std::string> queue_;
  bool open_ = false;
  bool pump_posted_ = false;
  bool ended_ = false;

  /* I/O thread only. */
  std::shared_ptr<AgentConnection> self_ref_;
  GCancellable *cancellable_ = nullptr;
  SoupMessage *msg_ = nullptr;
  SoupWebsocketConnection *conn_ = nullptr;
  guint timeout_source_ = 0;
  bool closing_ = false;
  EndReport report_;
};

}  // namespace aai
