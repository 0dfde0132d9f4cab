/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The one process-wide I/O thread: its own GMainContext and one SoupSession
 * (plus one per explicit proxy, see session_for()), shared by every element
 * instance (a process with 100 streams has one thread, not 100). libsoup
 * objects are created, used and destroyed only on this thread
 * (toolchain-notes §3).
 *
 * Work is handed over with post(): an idle source attached to the thread's
 * context. Same-priority idle sources dispatch in FIFO order, so audio posted
 * in order is sent in order. g_main_context_invoke() is deliberately not
 * used: it may run the function in the caller's thread. */
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include <glib.h>

typedef struct _SoupSession SoupSession;

namespace aai
{

struct NetOptions;

class IoThread
{
 public:
  /* Returns the shared thread, starting it if needed. Every holder keeps it
   * alive; the thread stops when the last reference is dropped. */
  static std::shared_ptr<IoThread> acquire();

  ~IoThread();
  IoThread(const IoThread &) = delete;
  IoThread &operator=(const IoThread &) = delete;

  /* Runs @fn on the I/O thread, after everything posted before it. */
  void post(std::function<void()> fn);
  /* Runs @fn on the I/O thread after @delay_ms. */
  void post_delayed(unsigned delay_ms, std::function<void()> fn);

  GMainContext *context() const { return context_; }
  /* Only valid on the I/O thread. */
  SoupSession *soup_session() const { return session_; }
  /* I/O thread only. The session for @net's proxy: the default session
   * (environment/system proxy settings) for "", else one cached session per
   * proxy URI with a GSimpleProxyResolver for it ("direct://" = none).
   * Check the URI with validate_proxy() first. Every session is freed
   * when the thread stops. */
  SoupSession *session_for(const NetOptions &net);
  bool on_io_thread() const;

  /* Connections in flight keep the thread running: stopping waits (bounded)
   * until every started connection has ended, so none is leaked. */
  void connection_started();
  void connection_ended(); /* I/O thread */

 private:
  IoThread();
  static gpointer thread_main(gpointer data);

  GMainContext *context_ = nullptr;
  GMainLoop *loop_ = nullptr;
  GThread *thread_ = nullptr;
  SoupSession *session_ = nullptr;
  std::map<std::string, SoupSession *> proxy_sessions_; /* I/O thread */
  GMutex start_lock_;
  GCond start_cond_;
  bool started_ = false;
  int live_connections_ = 0; /* under start_lock_ */
};

}  // namespace aai
