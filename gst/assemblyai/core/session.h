/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* One streaming connection to the service. Its public methods are safe to
 * call from any thread (the streaming thread appends to a locked queue and
 * wakes the I/O thread); every libsoup call runs on the I/O thread. Results
 * come back through SessionListener, called on the I/O thread.
 *
 * Audio and control messages queued before Begin are kept and sent, in
 * order, once Begin arrives: nothing is lost while connecting. */
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gio/gio.h>

#include "io_thread.h"
#include "net_options.h"
#include "protocol.h"

typedef struct _SoupWebsocketConnection SoupWebsocketConnection;
typedef struct _SoupMessage SoupMessage;

namespace aai
{

class LinkWatchdog;

/* The largest server message accepted. A Turn repeats every word of the
 * turn so far (about 100 bytes of JSON per word), so even a turn of 100,000
 * words (~10 MB) fits; libsoup's own default is 4 MiB. */
constexpr uint64_t kMaxIncomingMessage = 64u << 20;

struct ConnectParams {
  std::string url;         /* may carry ?token= (AuthMode::QueryToken) */
  std::string display_url; /* redacted: safe for messages and logs */
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::string> subprotocols;
  unsigned connect_timeout_ms = 10000; /* socket + upgrade + Begin */
  /* Proxy and TLS trust. An invalid proxy ends the session with
   * ConnectFailed and validate_proxy()'s message. */
  NetOptions net;
  /* Dead-link watchdog (LinkWatchdog), 0 = off: once upgraded, a
   * connection that could send nothing for this long is closed at once
   * and ends as Closed/1006 with dead_link. Also sets a WebSocket ping
   * every send_timeout_ms / 2 (at least 1 s) so an idle link carries
   * traffic that can get stuck. */
  unsigned send_timeout_ms = 0;
  /* Audio frames that are waiting together when the I/O thread gets to
   * them (a file sent faster than real time, a replay after a reconnect)
   * go out as one binary message of at most this many bytes; a frame is
   * never split. 0: one message per frame. Each message costs a TLS
   * record, a send() and libsoup's framing whatever its size, so this is
   * most of the CPU of a file sent as fast as possible (docs/benchmarks.md);
   * live audio, one frame per wake-up, is never held back for it. */
  size_t max_audio_message_bytes = 0;
};

/* How a session ended, for the element to turn into a message or error. */
struct EndReport {
  enum class Kind {
    Normal,         /* closed 1000 (normally after Termination) */
    ConnectFailed,  /* no WebSocket: refused, DNS, TLS, bad URL */
    UpgradeRefused, /* the server answered the upgrade with an HTTP error */
    Closed,         /* closed with a non-1000 code or dropped (1006) */
    Timeout,        /* no Begin within connect_timeout_ms */
    Cancelled,      /* closed by us (shutdown) */
    Stalled,        /* no Termination within terminate-timeout after Terminate
                     * (set by the stream, not the session) */
  };
  Kind kind = Kind::Normal;
  int http_status = 0;
  std::string http_reason;
  int close_code = 0;
  std::string close_reason;
  std::string transport_error; /* GError message, if any; never secrets */
  bool tls_error = false;
  bool dead_link = false; /* closed by the send_timeout_ms watchdog */
  /* The server broke the WebSocket protocol and the connection was closed
   * for it: the close code sent back (1009 a message above
   * kMaxIncomingMessage, 1007 a text frame that is not UTF-8, 1002 any
   * other framing error); 0 if not. */
  int server_violation = 0;
  bool began = false;
  bool terminated = false; /* Termination was received */
  std::optional<ErrorEvent> error_frame;
};

/* A WebSocket connect that gave no connection, as an EndReport: a Timeout
 * already in @report stays; then cancelled (@closing or @err cancelled),
 * the upgrade refused with @msg's HTTP status, or a failed connect (TLS or
 * transport). Shared by every WebSocket client of the core. */
EndReport failed_connect_report(EndReport report,
                                SoupMessage *msg,
                                const GError *err,
                                bool closing);

/* I/O thread. Closes *@conn (an open or closing WebSocket of @owner)
 * with 1000, and forces its stream shut if it is not closed within a
 * second; the forcing re-reads *@conn then, and only while @owner lives.
 * Shared by every WebSocket client of the core. */
void close_with_grace(IoThread &io,
                      std::weak_ptr<void> owner,
                      SoupWebsocketConnection *const *conn);

class SessionListener
{
 public:
  virtual ~SessionListener() = default;
  virtual void on_server_event(const ServerEvent &event,
                               const std::string &raw) = 0;
  virtual void on_malformed_frame(const std::string &error,
                                  const std::string &raw) = 0;
  /* Called exactly once per connect(), last. */
  virtual void on_session_end(const EndReport &report) = 0;
};

class Session : public std::enable_shared_from_this<Session>
{
 public:
  /* The listener is called on the I/O thread, never with a lock of the
   * session held. */
  static std::shared_ptr<Session> create(
      std::shared_ptr<IoThread> io,
      std::shared_ptr<SessionListener> listener);
  ~Session();

  void connect(ConnectParams params);
  void send_audio(std::vector<uint8_t> frame);
  void send_text(std::string message);
  /* Closes now (code 1000 if open, forced after a short grace period);
   * on_session_end follows with Kind::Cancelled unless it already ended. */
  void shutdown();
  /* No listener call starts after this returns (one already started may
   * still be running). */
  void detach();

  uint64_t audio_bytes_sent() const;
  uint64_t audio_bytes_queued() const;
  std::string session_id() const;

 private:
  Session(std::shared_ptr<IoThread> io,
          std::shared_ptr<SessionListener> listener);
  std::shared_ptr<SessionListener> listener() const;

  struct Frame {
    bool binary;
    std::vector<uint8_t> data;
  };

  void enqueue(Frame f);
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
  static void on_network_event(SoupMessage *msg,
                               GSocketClientEvent event,
                               GIOStream *connection,
                               gpointer data);
  void close_after_error_on_io();
  void start_watchdog_on_io();
  void stop_watchdog_on_io();
  void watchdog_tick();
  void set_keepalive_on_io(bool on);

  std::shared_ptr<IoThread> io_;
  ConnectParams params_;

  mutable std::mutex cb_lock_; /* guards listener_ */
  std::shared_ptr<SessionListener> listener_;

  mutable std::mutex lock_; /* queue and counters */
  std::deque<Frame> queue_;
  bool pump_posted_ = false;
  bool begun_ = false;
  bool ended_ = false;
  uint64_t bytes_sent_ = 0;
  uint64_t bytes_queued_ = 0;
  std::string session_id_;

  /* I/O thread only. */
  std::shared_ptr<Session> self_ref_; /* alive while a connection exists */
  GCancellable *cancellable_ = nullptr;
  SoupMessage *msg_ = nullptr;
  SoupWebsocketConnection *conn_ = nullptr;
  guint timeout_source_ = 0;
  GSocketConnection *tcp_ = nullptr; /* the TCP connection under it all */
  std::unique_ptr<LinkWatchdog> watchdog_;
  unsigned watchdog_tick_ = 0; /* IoThread::add_tick() */
  bool sent_since_tick_ = false;
  bool keepalive_on_ = false;
  guint error_source_ = 0;    /* closes after an Error frame */
  bool error_closed_ = false; /* ... and did */
  bool closing_ = false;
  EndReport report_;
};

}  // namespace aai
