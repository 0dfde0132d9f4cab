/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The process's I/O threads: a small pool, one per processor and one more
 * per 64 streams or so, each with its own GMainContext and SoupSession
 * (plus one per explicit proxy, see session_for()), shared by every element
 * instance: a process with a thousand streams has about 16 threads, not a
 * thousand. acquire() spreads the holders over the pool. libsoup objects are
 * created, used and destroyed only on their thread (docs/architecture.md,
 * "I/O threads and scale").
 *
 * Why a pool rather than one thread: GLib's main loop walks every source
 * of its context (prepare, check) and polls every socket on each wake-up,
 * so a single thread's cost per wake-up grows with every stream in the
 * process; a pool divides it, and puts the other cores to work. So the
 * pool has a thread per processor, and one more per 64 streams or so.
 *
 * One ownership model: whatever posts to a thread or has callbacks on it
 * (a stream, a session, a token request) holds a std::shared_ptr to it, so
 * the thread outlives every one of them; nothing keeps a raw pointer across
 * threads. A thread stops when its last holder lets go, wherever that
 * happens: joined from another thread, or left to finish by itself when
 * the last holder was one of its own callbacks. Everything of one stream
 * (its sessions, timers, token requests) uses the thread the stream
 * acquired, so their order is kept.
 *
 * Work is handed over with post(): a FIFO queue drained by one source of
 * the thread's context, which is woken only when the queue was empty, so
 * frames posted by many streams while the thread is busy cost one wake-up.
 * g_main_context_invoke() is deliberately not used: it may run the
 * function in the caller's thread. */
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
  /* A thread of the pool for a new holder: a new thread while fewer than
   * pool_size() run, else the one with the fewest holders, unless that one
   * is full (about 64 streams), which starts one more. */
  static std::shared_ptr<IoThread> acquire();
  /* The threads the pool starts before any thread is shared: the
   * processors this process may use (at least 1). */
  static unsigned pool_size();

  ~IoThread();
  IoThread(const IoThread &) = delete;
  IoThread &operator=(const IoThread &) = delete;

  /* Runs @fn on the I/O thread, after everything posted before it, as
   * soon as the thread gets to it. */
  void post(std::function<void()> fn);
  /* The same for audio, in the same order, but the thread may wait for
   * more before it wakes: at most 400 us per open connection of the thread
   * (none below 5 connections, at most 20 ms). A thread with many
   * connections then walks their sources once for many streams' frames
   * instead of once per frame; any earlier wake-up (a socket, a timer, a
   * post()) sends them at once. */
  void post_batched(std::function<void()> fn);
  /* An open connection more (less) on this thread: sets the batching
   * window of post_batched(). Any thread. */
  void add_link();
  void remove_link();
  /* Runs @fn on the I/O thread after @delay_ms. */
  void post_delayed(unsigned delay_ms, std::function<void()> fn);
  /* I/O thread only. Runs @fn every @interval_ms until remove_tick(@id):
   * every caller with the same interval shares one timer of the thread
   * (whole seconds share the wake-up of libsoup's keepalive timers), so a
   * thousand periodic checks cost one source and one wake-up per period.
   * @fn may remove ticks, its own too. Returns the id (never 0). */
  unsigned add_tick(unsigned interval_ms, std::function<void()> fn);
  void remove_tick(unsigned id);

  GMainContext *context() const;
  /* I/O thread only. The session for @net's proxy: the default session
   * (environment/system proxy settings) for "", else one cached session per
   * proxy URI with a GSimpleProxyResolver for it ("direct://" = none).
   * Check the URI with validate_proxy() first. Every session is freed
   * when the thread stops. */
  SoupSession *session_for(const NetOptions &net);
  bool on_io_thread() const;

  /* What the thread owns (internal). */
  struct Loop;

 private:
  IoThread();
  static gpointer thread_main(gpointer data);

  Loop *loop_; /* owned by the thread, which frees it when it ends */
  GThread *thread_;
};

}  // namespace aai
