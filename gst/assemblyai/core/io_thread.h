/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The process-wide I/O thread: its own GMainContext and one SoupSession
 * (plus one per explicit proxy, see session_for()), shared by every element
 * instance (a process with 100 streams has one thread, not 100). libsoup
 * objects are created, used and destroyed only on this thread
 * (docs/architecture.md, "Threads").
 *
 * One ownership model: whatever posts to the thread or has callbacks on it
 * (a stream, a session, a token request) holds a std::shared_ptr to it, so
 * the thread outlives every one of them; nothing keeps a raw pointer across
 * threads. The thread stops when the last holder lets go, wherever that
 * happens: joined from another thread, or left to finish by itself when
 * the last holder was one of its own callbacks.
 *
 * Work is handed over with post(): an idle source attached to the thread's
 * context. Same-priority idle sources dispatch in FIFO order, so audio posted
 * in order is sent in order. g_main_context_invoke() is deliberately not
 * used: it may run the function in the caller's thread. */
#pragma once

#include <functional>
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
  /* Returns the shared thread, starting it if needed. */
  static std::shared_ptr<IoThread> acquire();

  ~IoThread();
  IoThread(const IoThread &) = delete;
  IoThread &operator=(const IoThread &) = delete;

  /* Runs @fn on the I/O thread, after everything posted before it. */
  void post(std::function<void()> fn);
  /* Runs @fn on the I/O thread after @delay_ms. */
  void post_delayed(unsigned delay_ms, std::function<void()> fn);

  GMainContext *context() const;
  /* I/O thread only. The session for @net's proxy: the default session
   * (environment/system proxy settings) for "", else one cached session per
   * proxy URI with a GSimpleProxyResolver for it ("direct://" = none).
   * Check the URI with validate_proxy() first. Every session is freed
   * when the thread stops. */
  SoupSession *session_for(const NetOptions &net);
  bool on_io_thread() const;

 private:
  struct Loop;
  IoThread();
  static gpointer thread_main(gpointer data);

  Loop *loop_; /* owned by the thread, which frees it when it ends */
  GThread *thread_;
};

}  // namespace aai
