/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "io_thread.h"

#include <mutex>

#include <libsoup/soup.h>

#include "net_options.h"

namespace aai
{

namespace
{
/* No session-wide timeout: a streaming WebSocket stays open for hours.
 * @resolver NULL keeps libsoup's default (g_proxy_resolver_get_default()). */
SoupSession *new_session(GProxyResolver *resolver)
{
  if (resolver)
    return soup_session_new_with_options("timeout", 0u, "idle-timeout", 0u,
                                         "proxy-resolver", resolver, nullptr);
  return soup_session_new_with_options("timeout", 0u, "idle-timeout", 0u,
                                       nullptr);
}

std::mutex instance_lock;
std::weak_ptr<IoThread> instance;

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

std::shared_ptr<IoThread> IoThread::acquire()
{
  std::lock_guard<std::mutex> lock(instance_lock);
  std::shared_ptr<IoThread> t = instance.lock();
  if (!t) {
    t = std::shared_ptr<IoThread>(new IoThread());
    instance = t;
  }
  return t;
}

IoThread::IoThread()
{
  g_mutex_init(&start_lock_);
  g_cond_init(&start_cond_);
  context_ = g_main_context_new();
  loop_ = g_main_loop_new(context_, FALSE);
  thread_ = g_thread_new("assemblyai-io", thread_main, this);
  /* Wait until the SoupSession exists so callers may post right away. */
  g_mutex_lock(&start_lock_);
  while (!started_)
    g_cond_wait(&start_cond_, &start_lock_);
  g_mutex_unlock(&start_lock_);
}

IoThread::~IoThread()
{
  /* Holders are elements (dropped in READY->NULL on an application or
   * streaming thread), never I/O-thread callbacks: joining from the I/O
   * thread itself would deadlock. */
  g_assert(!on_io_thread());
  /* Sessions were told to shut down before their elements let go of the
   * thread; give their close handshakes (forced after a grace period) time
   * to finish so nothing is leaked. */
  gint64 deadline = g_get_monotonic_time() + 5 * G_TIME_SPAN_SECOND;
  g_mutex_lock(&start_lock_);
  while (live_connections_ > 0) {
    if (!g_cond_wait_until(&start_cond_, &start_lock_, deadline))
      break;
  }
  g_mutex_unlock(&start_lock_);
  post([this]() { g_main_loop_quit(loop_); });
  g_thread_join(thread_);
  g_main_loop_unref(loop_);
  g_main_context_unref(context_);
  g_cond_clear(&start_cond_);
  g_mutex_clear(&start_lock_);
}

gpointer IoThread::thread_main(gpointer data)
{
  auto *self = static_cast<IoThread *>(data);
  g_main_context_push_thread_default(self->context_);
  /* Created here so its sources and callbacks live on this context. */
  self->session_ = new_session(nullptr);
  g_mutex_lock(&self->start_lock_);
  self->started_ = true;
  g_cond_signal(&self->start_cond_);
  g_mutex_unlock(&self->start_lock_);

  g_main_loop_run(self->loop_);

  for (auto &kv : self->proxy_sessions_) {
    soup_session_abort(kv.second);
    g_object_unref(kv.second);
  }
  self->proxy_sessions_.clear();
  soup_session_abort(self->session_);
  g_object_unref(self->session_);
  self->session_ = nullptr;
  /* Let pending cancellations and closes finish their cleanup. */
  while (g_main_context_iteration(self->context_, FALSE)) {
  }
  g_main_context_pop_thread_default(self->context_);
  return nullptr;
}

void IoThread::post(std::function<void()> fn)
{
  GSource *src = g_idle_source_new();
  g_source_set_priority(src, G_PRIORITY_DEFAULT);
  g_source_set_callback(src, run_task, new Task{std::move(fn)}, free_task);
  g_source_attach(src, context_);
  g_source_unref(src);
}

void IoThread::post_delayed(unsigned delay_ms, std::function<void()> fn)
{
  GSource *src = g_timeout_source_new(delay_ms);
  g_source_set_callback(src, run_task, new Task{std::move(fn)}, free_task);
  g_source_attach(src, context_);
  g_source_unref(src);
}

SoupSession *IoThread::session_for(const NetOptions &net)
{
  g_assert(on_io_thread());
  if (net.proxy.empty())
    return session_;
  auto it = proxy_sessions_.find(net.proxy);
  if (it != proxy_sessions_.end())
    return it->second;
  /* The URI (credentials included) goes to GIO/libsoup as given: GIO's
   * SOCKS code and libsoup's proxy authentication read user:password
   * from it. */
  GProxyResolver *resolver =
      g_simple_proxy_resolver_new(net.proxy.c_str(), nullptr);
  SoupSession *s = new_session(resolver);
  g_object_unref(resolver);
  proxy_sessions_.emplace(net.proxy, s);
  return s;
}

void IoThread::connection_started()
{
  g_mutex_lock(&start_lock_);
  live_connections_++;
  g_mutex_unlock(&start_lock_);
}

void IoThread::connection_ended()
{
  g_mutex_lock(&start_lock_);
  live_connections_--;
  g_cond_broadcast(&start_cond_);
  g_mutex_unlock(&start_lock_);
}

bool IoThread::on_io_thread() const
{
  return g_main_context_is_owner(context_);
}

}  // namespace aai
