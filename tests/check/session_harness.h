/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Drives core Session objects in unit tests: a listener that records what
 * arrives and lets the test thread wait for it (condition variable with a
 * timeout, never a sleep), and the connection parameters the emulator
 * needs. */
#pragma once

#include <gst/check/gstcheck.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

#include "core/config.h"
#include "core/session.h"

namespace aai_test
{

class Recorder : public aai::SessionListener
{
 public:
  void on_server_event(const aai::ServerEvent &ev, const std::string &) override
  {
    std::lock_guard<std::mutex> l(lock);
    if (std::holds_alternative<aai::BeginEvent>(ev))
      began = true;
    events++;
    cond.notify_all();
  }
  void on_malformed_frame(const std::string &, const std::string &) override {}
  void on_session_end(const aai::EndReport &r) override
  {
    std::lock_guard<std::mutex> l(lock);
    report = r;
    ended = true;
    end_time_us = g_get_monotonic_time();
    cond.notify_all();
  }

  /* Waits until @pred (called with the lock held) is true. */
  bool wait(const std::function<bool()> &pred, int timeout_ms)
  {
    std::unique_lock<std::mutex> l(lock);
    return cond.wait_for(l, std::chrono::milliseconds(timeout_ms), pred);
  }
  bool wait_began(int timeout_ms = 10000)
  {
    return wait([this] { return began || ended; }, timeout_ms) && began;
  }
  bool wait_ended(int timeout_ms = 10000)
  {
    return wait([this] { return ended; }, timeout_ms);
  }
  /* Waits up to @timeout_ms for the end; true if it did NOT come. */
  bool still_open_after(int timeout_ms)
  {
    return !wait([this] { return ended; }, timeout_ms);
  }
  aai::EndReport end_report()
  {
    std::lock_guard<std::mutex> l(lock);
    return report;
  }

  std::mutex lock;
  std::condition_variable cond;
  bool began = false, ended = false;
  int events = 0;
  gint64 end_time_us = 0;
  aai::EndReport report;
};

/* @base (a ws:// or wss:// URL) with the parameters the emulator requires,
 * built by the core's own build_url(). */
inline std::string session_url(const std::string &base)
{
  aai::Settings s;
  s.speech_model = "universal-streaming-english";
  std::string err;
  std::string url = aai::build_url(base, s, "", &err);
  fail_unless(!url.empty(), "build_url: %s", err.c_str());
  return url;
}

inline aai::ConnectParams connect_params(const std::string &base,
                                         const std::string &key = "test-key")
{
  aai::ConnectParams p;
  p.url = session_url(base);
  p.display_url = aai::redact_url(p.url);
  if (!key.empty())
    p.headers.emplace_back("Authorization", key);
  return p;
}

/* A session with its recorder; shut down and detached on destruction. */
struct TestSession {
  std::shared_ptr<aai::IoThread> io = aai::IoThread::acquire();
  std::shared_ptr<Recorder> recorder = std::make_shared<Recorder>();
  Recorder &rec = *recorder;
  std::shared_ptr<aai::Session> session = aai::Session::create(io, recorder);

  explicit TestSession(aai::ConnectParams p) { session->connect(std::move(p)); }
  ~TestSession()
  {
    session->shutdown();
    rec.wait_ended(10000);
    session->detach();
  }
};

}  // namespace aai_test
