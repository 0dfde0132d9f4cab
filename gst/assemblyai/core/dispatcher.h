/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Runs the application-facing work of one stream (posting bus messages,
 * which calls bus sync handlers; notify signals; warnings) in order, on a
 * thread of a process-wide pool, never on the shared I/O thread: a slow
 * handler of one stream then holds up that stream only, not every stream
 * in the process.
 *
 * Jobs of one Dispatcher run one at a time, in the order posted; jobs of
 * different dispatchers run in parallel (the pool grows while handlers
 * block). */
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace aai
{

class Dispatcher : public std::enable_shared_from_this<Dispatcher>
{
 public:
  static std::shared_ptr<Dispatcher> create();

  /* Queues @job; any thread. */
  void post(std::function<void()> job);
  /* Drops the jobs not started yet (their captures are released here). */
  void clear();
  /* Waits until every job posted before is done. From inside a job it
   * returns at once (the caller's own job cannot finish first). */
  void wait_idle();
  /* Waits for the job running now, if any (not from inside a job). */
  void wait_running();
  bool in_job() const;

  /* The pool's entry point (internal). */
  static void run(void *data, void *user_data);

 private:
  Dispatcher() = default;
  void run_jobs();

  mutable std::mutex lock_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> jobs_;
  bool scheduled_ = false; /* a pool thread owns the queue */
  bool running_ = false;   /* a job runs now */
  std::thread::id runner_;
};

}  // namespace aai
