/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "io_thread.h"

#include <map>

#include <libsoup/soup.h>

#include "net_options.h"
#include "tls_trust.h"

namespace aai
{

namespace
{
/* No session-wide timeout: a streaming WebSocket stays open for hours.
 * The process's shared trust store (tls_trust.h: not a copy of the system
 * store per connection). No cap on connections being set up: libsoup's
 * default of 2 per host would queue a thousand sessions starting at once
 * behind each other's TLS handshakes (an upgraded WebSocket leaves the
 * session's connection pool, so the cap only ever counted connects).
 * @resolver NULL keeps libsoup's default (g_proxy_resolver_get_default()). */
SoupSession *new_session(GProxyResolver *resolver)
{
  SoupSession *s = soup_session_new_with_options(
      "timeout", 0u, "idle-timeout", 0u, "max-conns", G_MAXINT,
      "max-conns-per-host", G_MAXINT, nullptr);
  if (resolver)
    soup_session_set_proxy_resolver(s, resolver);
  if (GTlsDatabase *db = shared_tls_database())
    soup_session_set_tls_database(s, db);
  return s;
}

/* Plain GLib statics (no destructors run at exit while the thread may
 * still be finishing). */
GMutex instance_lock;
std::weak_ptr<IoThread> *instance = nullptr;

struct Task {
  std::function<void()> fn;
};

gboolean run_task(gpointer data)
{
  static_cast<Task *>(data)->fn();
  return G_SOURCE_REMOVE;
}

void free_task(gpointer data)
{
  delete static_cast<Task *>(data);
}
}  // namespace

/* What the thread owns. It outlives the IoThread object by the time the
 * loop takes to stop: the thread frees it last. */
struct IoThread::Loop {
  GMainContext *context = nullptr;
  GMainLoop *loop = nullptr;
  SoupSession *session = nullptr;
  std::map<std::string, SoupSession *> proxy_sessions;
  GMutex start_lock;
  GCond start_cond;
  bool started = false;
};

std::shared_ptr<IoThread> IoThread::acquire()
{
  g_mutex_lock(&instance_lock);
  if (!instance)
    instance = new std::weak_ptr<IoThread>();
  std::shared_ptr<IoThread> t = instance->lock();
  if (!t) {
    t = std::shared_ptr<IoThread>(new IoThread());
    *instance = t;
  }
  g_mutex_unlock(&instance_lock);
  return t;
}

IoThread::IoThread() : loop_(new Loop())
{
  g_mutex_init(&loop_->start_lock);
  g_cond_init(&loop_->start_cond);
  loop_->context = g_main_context_new();
  loop_->loop = g_main_loop_new(loop_->context, FALSE);
  thread_ = g_thread_new("assemblyai-io", thread_main, loop_);
  /* Wait until the SoupSession exists so callers may post right away. */
  g_mutex_lock(&loop_->start_lock);
  while (!loop_->started)
    g_cond_wait(&loop_->start_cond, &loop_->start_lock);
  g_mutex_unlock(&loop_->start_lock);
}

IoThread::~IoThread()
{
  /* Every holder is gone: no session or request is left. The loop stops
   * after what is already queued; the thread then frees its objects. */
  GMainLoop *loop = loop_->loop;
  if (on_io_thread()) {
    /* The last holder was one of the thread's own callbacks: the thread
     * cannot join itself, it finishes on its own. */
    g_main_loop_quit(loop);
    g_thread_unref(thread_);
    return;
  }
  post([loop]() { g_main_loop_quit(loop); });
  g_thread_join(thread_);
}

gpointer IoThread::thread_main(gpointer data)
{
  auto *l = static_cast<Loop *>(data);
  g_main_context_push_thread_default(l->context);
  /* Created here so its sources and callbacks live on this context. */
  l->session = new_session(nullptr);
  g_mutex_lock(&l->start_lock);
  l->started = true;
  g_cond_signal(&l->start_cond);
  g_mutex_unlock(&l->start_lock);

  g_main_loop_run(l->loop);

  for (auto &kv : l->proxy_sessions) {
    soup_session_abort(kv.second);
    g_object_unref(kv.second);
  }
  l->proxy_sessions.clear();
  soup_session_abort(l->session);
  g_object_unref(l->session);
  /* Let pending cancellations and closes finish their cleanup. */
  while (g_main_context_iteration(l->context, FALSE)) {
  }
  g_main_context_pop_thread_default(l->context);
  g_main_loop_unref(l->loop);
  g_main_context_unref(l->context);
  g_cond_clear(&l->start_cond);
  g_mutex_clear(&l->start_lock);
  delete l;
  return nullptr;
}

GMainContext *IoThread::context() const
{
  return loop_->context;
}

void IoThread::post(std::function<void()> fn)
{
  GSource *src = g_idle_source_new();
  g_source_set_priority(src, G_PRIORITY_DEFAULT);
  g_source_set_callback(src, run_task, new Task{std::move(fn)}, free_task);
  g_source_attach(src, loop_->context);
  g_source_unref(src);
}

void IoThread::post_delayed(unsigned delay_ms, std::function<void()> fn)
{
  GSource *src = g_timeout_source_new(delay_ms);
  g_source_set_callback(src, run_task, new Task{std::move(fn)}, free_task);
  g_source_attach(src, loop_->context);
  g_source_unref(src);
}

SoupSession *IoThread::session_for(const NetOptions &net)
{
  g_assert(on_io_thread());
  if (net.proxy.empty())
    return loop_->session;
  auto it = loop_->proxy_sessions.find(net.proxy);
  if (it != loop_->proxy_sessions.end())
    return it->second;
  /* The URI (credentials included) goes to GIO/libsoup as given: GIO's
   * SOCKS code and libsoup's proxy authentication read user:password
   * from it. */
  GProxyResolver *resolver =
      g_simple_proxy_resolver_new(net.proxy.c_str(), nullptr);
  SoupSession *s = new_session(resolver);
  g_object_unref(resolver);
  loop_->proxy_sessions.emplace(net.proxy, s);
  return s;
}

bool IoThread::on_io_thread() const
{
  return g_main_context_is_owner(loop_->context);
}

}  // namespace aai
