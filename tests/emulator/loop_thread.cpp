/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "loop_thread.h"

namespace aai_emu
{

namespace
{
struct Call {
  std::function<void()> fn;
  GMutex *lock;
  GCond *cond;
  bool done = false;
};
}  // namespace

LoopThread::~LoopThread()
{
  g_warn_if_fail(thread_ == nullptr);
}

bool LoopThread::start(const char *name, const std::function<bool()> &setup)
{
  g_mutex_init(&lock_);
  g_cond_init(&cond_);
  ctx_ = g_main_context_new();
  loop_ = g_main_loop_new(ctx_, FALSE);
  setup_ = setup;
  started_ = false;
  thread_ = g_thread_new(name, main, this);
  g_mutex_lock(&lock_);
  while (!started_)
    g_cond_wait(&cond_, &lock_);
  bool ok = setup_ok_;
  g_mutex_unlock(&lock_);
  if (!ok)
    stop([] {}, [] { return true; });
  return ok;
}

gpointer LoopThread::main(gpointer data)
{
  auto *self = static_cast<LoopThread *>(data);
  g_main_context_push_thread_default(self->ctx_);
  bool ok = self->setup_();
  g_mutex_lock(&self->lock_);
  self->setup_ok_ = ok;
  self->started_ = true;
  g_cond_broadcast(&self->cond_);
  g_mutex_unlock(&self->lock_);
  /* A failed setup cleans up after itself; stop() only joins. */
  if (ok) {
    g_main_loop_run(self->loop_);
    /* stop() set these before it queued the quit. */
    self->teardown_();
    /* Cancelled operations and closes report back through the context. */
    bool expired = false;
    GSource *limit = g_timeout_source_new_seconds(5);
    g_source_set_callback(
        limit,
        [](gpointer d) -> gboolean {
          *static_cast<bool *>(d) = true;
          return G_SOURCE_REMOVE;
        },
        &expired, nullptr);
    g_source_attach(limit, self->ctx_);
    while (!self->idle_() && !expired)
      g_main_context_iteration(self->ctx_, TRUE);
    g_source_destroy(limit);
    g_source_unref(limit);
  }
  while (g_main_context_iteration(self->ctx_, FALSE))
    ;
  g_main_context_pop_thread_default(self->ctx_);
  return nullptr;
}

void LoopThread::run(const std::function<void()> &fn)
{
  Call call{fn, &lock_, &cond_};
  GSource *src = g_idle_source_new();
  g_source_set_callback(
      src,
      [](gpointer d) -> gboolean {
        auto *c = static_cast<Call *>(d);
        c->fn();
        g_mutex_lock(c->lock);
        c->done = true;
        g_cond_broadcast(c->cond);
        g_mutex_unlock(c->lock);
        return G_SOURCE_REMOVE;
      },
      &call, nullptr);
  g_source_attach(src, ctx_);
  g_source_unref(src);
  g_mutex_lock(&lock_);
  while (!call.done)
    g_cond_wait(&cond_, &lock_);
  g_mutex_unlock(&lock_);
}

void LoopThread::stop(const std::function<void()> &teardown,
                      const std::function<bool()> &idle)
{
  if (!thread_)
    return;
  teardown_ = teardown;
  idle_ = idle;
  GSource *src = g_idle_source_new();
  g_source_set_callback(
      src,
      [](gpointer d) -> gboolean {
        g_main_loop_quit(static_cast<GMainLoop *>(d));
        return G_SOURCE_REMOVE;
      },
      loop_, nullptr);
  g_source_attach(src, ctx_);
  g_source_unref(src);
  g_thread_join(thread_);
  thread_ = nullptr;
  g_main_loop_unref(loop_);
  loop_ = nullptr;
  g_main_context_unref(ctx_);
  ctx_ = nullptr;
  g_cond_clear(&cond_);
  g_mutex_clear(&lock_);
}

}  // namespace aai_emu
