/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* A thread running its own GMainContext, for the small network test
 * utilities (TestProxy, TcpRelay): their GIO/libsoup objects are created,
 * used and freed on it, as libsoup requires: its objects may be used only
 * on the thread whose main context created them. */
#pragma once

#include <functional>

#include <glib.h>

namespace aai_emu
{

class LoopThread
{
 public:
  LoopThread() = default;
  ~LoopThread();
  LoopThread(const LoopThread &) = delete;
  LoopThread &operator=(const LoopThread &) = delete;

  /* Starts the thread and runs @setup on it (its context is the
   * thread-default one); returns @setup's result. On false the thread is
   * stopped again. */
  bool start(const char *name, const std::function<bool()> &setup);
  /* Runs @fn on the thread and waits for it. */
  void run(const std::function<void()> &fn);
  /* Runs @teardown on the thread, then lets pending callbacks finish
   * until @idle returns true (at most 5 s) and joins the thread. */
  void stop(const std::function<void()> &teardown,
            const std::function<bool()> &idle);
  bool running() const { return thread_ != nullptr; }
  GMainContext *context() const { return ctx_; }

 private:
  static gpointer main(gpointer data);

  GThread *thread_ = nullptr;
  GMainContext *ctx_ = nullptr;
  GMainLoop *loop_ = nullptr;
  std::function<bool()> setup_;
  std::function<void()> teardown_;
  std::function<bool()> idle_;
  GMutex lock_;
  GCond cond_;
  bool started_ = false, setup_ok_ = false;
};

}  // namespace aai_emu
