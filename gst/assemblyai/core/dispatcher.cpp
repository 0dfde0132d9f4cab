/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "dispatcher.h"

#include <glib.h>

namespace aai
{

namespace
{
/* Shared, non-exclusive and unbounded: a thread per dispatcher that is
 * busy right now; idle threads are kept a while and reused. */
GThreadPool *pool()
{
  static GThreadPool *p = nullptr;
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    p = g_thread_pool_new(
        [](gpointer data, gpointer user) { Dispatcher::run(data, user); },
        nullptr, -1, FALSE, nullptr);
    g_once_init_leave(&once, 1);
  }
  return p;
}
}  // namespace

std::shared_ptr<Dispatcher> Dispatcher::create()
{
  return std::shared_ptr<Dispatcher>(new Dispatcher());
}

void Dispatcher::post(std::function<void()> job)
{
  std::lock_guard<std::mutex> l(lock_);
  jobs_.push_back(std::move(job));
  if (scheduled_)
    return;
  scheduled_ = true;
  g_thread_pool_push(
      pool(), new std::shared_ptr<Dispatcher>(shared_from_this()), nullptr);
}

void Dispatcher::run(void *data, void *)
{
  auto *holder = static_cast<std::shared_ptr<Dispatcher> *>(data);
  std::shared_ptr<Dispatcher> self = std::move(*holder);
  delete holder;
  self->run_jobs();
}

void Dispatcher::run_jobs()
{
  std::unique_lock<std::mutex> l(lock_);
  runner_ = std::this_thread::get_id();
  while (!jobs_.empty()) {
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    running_ = true;
    l.unlock();
    job();
    job = nullptr; /* captures released outside the lock */
    l.lock();
    running_ = false;
    idle_.notify_all();
  }
  scheduled_ = false;
  runner_ = std::thread::id();
  idle_.notify_all();
}

void Dispatcher::clear()
{
  std::deque<std::function<void()>> dropped;
  {
    std::lock_guard<std::mutex> l(lock_);
    dropped.swap(jobs_);
  }
}

bool Dispatcher::in_job() const
{
  std::lock_guard<std::mutex> l(lock_);
  return running_ && runner_ == std::this_thread::get_id();
}

void Dispatcher::wait_idle()
{
  std::unique_lock<std::mutex> l(lock_);
  if (running_ && runner_ == std::this_thread::get_id())
    return;
  idle_.wait(l, [this]() { return !scheduled_; });
}

void Dispatcher::wait_running()
{
  std::unique_lock<std::mutex> l(lock_);
  if (running_ && runner_ == std::this_thread::get_id())
    return;
  idle_.wait(l, [this]() { return !running_; });
}

}  // namespace aai
