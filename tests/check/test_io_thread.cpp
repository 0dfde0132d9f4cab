/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The pool of I/O threads (core/io_thread.h): how acquire() spreads
 * holders, that posted work runs once and in order whether it may wait for
 * a pulse or not, and the shared periodic ticks. Behaviour only: every
 * wait has a generous timeout and nothing asserts how long anything
 * took. */
#include <gst/check/gstcheck.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/io_thread.h"

using aai::IoThread;

namespace
{

/* Waits (up to 30 s) until @pred, evaluated under @m, holds. */
bool wait_for(std::mutex &m,
              std::condition_variable &cond,
              const std::function<bool()> &pred)
{
  std::unique_lock<std::mutex> l(m);
  return cond.wait_for(l, std::chrono::seconds(30), pred);
}

/* Runs @fn on @io's thread and waits for it. */
void run_on(const std::shared_ptr<IoThread> &io, std::function<void()> fn)
{
  std::mutex m;
  std::condition_variable cond;
  bool done = false;
  io->post([&]() {
    fn();
    std::lock_guard<std::mutex> l(m);
    done = true;
    cond.notify_all();
  });
  fail_unless(wait_for(m, cond, [&] { return done; }));
}

}  // namespace

/* Every processor gets a thread before any thread is shared; then the
 * holders are spread evenly. */
GST_START_TEST(test_pool_spreads_holders)
{
  const unsigned n = IoThread::pool_size();
  fail_unless(n >= 1);
  std::vector<std::shared_ptr<IoThread>> holders;
  for (unsigned i = 0; i < 4 * n; i++)
    holders.push_back(IoThread::acquire());
  std::map<IoThread *, int> per_thread;
  for (auto &h : holders)
    per_thread[h.get()]++;
  fail_unless_equals_int(per_thread.size(), n);
  for (auto &kv : per_thread)
    fail_unless_equals_int(kv.second, 4);
  /* The first n went to n different threads. */
  std::set<IoThread *> first_n;
  for (unsigned i = 0; i < n; i++)
    first_n.insert(holders[i].get());
  fail_unless_equals_int(first_n.size(), n);
  /* Each is a thread of its own, running. */
  std::set<GThread *> run_by;
  for (auto &kv : per_thread) {
    for (auto &h : holders) {
      if (h.get() != kv.first)
        continue;
      run_on(h, [&]() { run_by.insert(g_thread_self()); });
      break;
    }
  }
  fail_unless_equals_int(run_by.size(), n);
}
GST_END_TEST;

/* A full thread (64 streams or so: 128 holders) makes the pool grow beyond
 * one thread per processor; freed threads are started again on demand. */
GST_START_TEST(test_pool_grows_when_full)
{
  const unsigned n = IoThread::pool_size();
  std::vector<std::shared_ptr<IoThread>> holders;
  for (unsigned i = 0; i < 128 * n; i++)
    holders.push_back(IoThread::acquire());
  std::set<IoThread *> threads;
  for (auto &h : holders)
    threads.insert(h.get());
  fail_unless_equals_int(threads.size(), n);
  holders.push_back(IoThread::acquire());
  fail_if(threads.count(holders.back().get()), "a full thread took more");
  /* Every thread works. */
  for (auto &h : holders)
    if (threads.erase(h.get()) || h == holders.back())
      run_on(h, []() {});
  holders.clear();
  /* All stopped (joined when the last holder let go); a new one starts. */
  std::shared_ptr<IoThread> again = IoThread::acquire();
  run_on(again, []() {});
}
GST_END_TEST;

/* post() and post_batched() keep one order, with or without open
 * connections (which make batched work wait for the thread's pulse), and
 * nothing posted is lost. */
GST_START_TEST(test_posts_run_in_order)
{
  std::shared_ptr<IoThread> io = IoThread::acquire();
  for (int links : {0, 3, 50, 1000}) {
    for (int i = 0; i < links; i++)
      io->add_link();
    std::mutex m;
    std::condition_variable cond;
    std::vector<int> seen;
    const int total = 500;
    for (int i = 0; i < total; i++) {
      auto record = [&, i]() {
        std::lock_guard<std::mutex> l(m);
        seen.push_back(i);
        cond.notify_all();
      };
      /* Mostly audio, some control messages, some bursts. */
      if (i % 7 == 3)
        io->post(record);
      else
        io->post_batched(record);
    }
    fail_unless(wait_for(m, cond, [&] { return (int)seen.size() == total; }),
                "%d links: %zu of %d ran", links, seen.size(), total);
    for (int i = 0; i < total; i++)
      fail_unless_equals_int(seen[i], i);
    /* A lone batched task after a quiet spell still runs. */
    bool late = false;
    io->post_batched([&]() {
      std::lock_guard<std::mutex> l(m);
      late = true;
      cond.notify_all();
    });
    fail_unless(wait_for(m, cond, [&] { return late; }), "%d links", links);
    for (int i = 0; i < links; i++)
      io->remove_link();
  }
}
GST_END_TEST;

/* post_delayed() runs each task once, on the thread, by deadline and,
 * for equal deadlines, in posting order: posted from any thread, with an
 * earlier task posted after a later one (the thread's one timer source is
 * moved forward), and from a delayed task itself. Tasks still waiting when
 * the thread stops never run, and what they hold is released. */
GST_START_TEST(test_delayed_in_deadline_order)
{
  std::shared_ptr<IoThread> io = IoThread::acquire();
  std::mutex m;
  std::condition_variable cond;
  std::vector<std::string> seen;
  bool off_thread = false;
  auto record = [&](std::string what) {
    return [&, what, io_ = io.get()]() {
      std::lock_guard<std::mutex> l(m);
      if (!io_->on_io_thread())
        off_thread = true;
      seen.push_back(what);
      cond.notify_all();
    };
  };
  /* Deadlines a second apart: the order does not depend on how promptly
   * a loaded machine runs the thread. */
  io->post_delayed(3000, record("3000"));
  io->post_delayed(1000, record("1000")); /* earlier than the one before */
  run_on(io, [&]() {
    io->post_delayed(2000, record("2000a"));
    io->post_delayed(2000, record("2000b"));
    io->post_delayed(0, record("0"));
    /* From a delayed task: 20 ms later, a task due long before "1000". */
    io->post_delayed(20, [&]() { io->post_delayed(10, record("nested")); });
  });
  fail_unless(wait_for(m, cond, [&] { return seen.size() == 6; }),
              "%zu of 6 ran", seen.size());
  {
    std::lock_guard<std::mutex> l(m);
    const std::vector<std::string> want = {"0",     "nested", "1000",
                                           "2000a", "2000b",  "3000"};
    for (size_t i = 0; i < want.size(); i++)
      fail_unless_equals_string(seen[i].c_str(), want[i].c_str());
    fail_if(off_thread, "a delayed task ran off the I/O thread");
  }

  /* Pending at the stop: dropped, not run, captures released. */
  auto token = std::make_shared<int>(7);
  std::weak_ptr<int> weak = token;
  bool ran = false;
  io->post_delayed(60 * 60 * 1000, [token, &ran]() { ran = true; });
  token.reset();
  fail_if(weak.expired());
  run_on(io, []() {});
  io.reset(); /* the last holder: the thread stops and is joined */
  fail_unless(weak.expired(), "a dropped task's captures were kept");
  fail_if(ran);
}
GST_END_TEST;

/* Ticks of one interval share a timer: each runs until removed, a tick
 * may remove itself or another, and the others go on. */
GST_START_TEST(test_ticks)
{
  std::shared_ptr<IoThread> io = IoThread::acquire();
  std::mutex m;
  std::condition_variable cond;
  int a = 0, b = 0, c = 0, d = 0;
  unsigned id_a = 0, id_b = 0, id_c = 0, id_d = 0;
  auto bump = [&](int *n) {
    std::lock_guard<std::mutex> l(m);
    (*n)++;
    cond.notify_all();
  };
  run_on(io, [&]() {
    id_a = io->add_tick(5, [&]() { bump(&a); });
    /* b removes itself after its third run. */
    id_b = io->add_tick(5, [&]() {
      bump(&b);
      std::lock_guard<std::mutex> l(m);
      if (b == 3)
        io->remove_tick(id_b);
    });
    /* c removes d on its second run. */
    id_c = io->add_tick(5, [&]() {
      bump(&c);
      std::lock_guard<std::mutex> l(m);
      if (c == 2 && id_d) {
        io->remove_tick(id_d);
        id_d = 0;
      }
    });
    id_d = io->add_tick(5, [&]() { bump(&d); });
    /* A whole-second interval is its own group. */
    io->add_tick(1000, []() {});
  });
  std::set<unsigned> ids = {id_a, id_b, id_c};
  fail_unless_equals_int(ids.size(), 3);
  fail_if(ids.count(0));
  fail_unless(wait_for(m, cond, [&] { return a >= 10 && c >= 10; }));
  int b_then, d_then, a_then;
  {
    std::lock_guard<std::mutex> l(m);
    b_then = b;
    d_then = d;
    a_then = a;
  }
  /* The removed ones stay still while a goes on. */
  fail_unless(wait_for(m, cond, [&] { return a >= a_then + 5; }));
  {
    std::lock_guard<std::mutex> l(m);
    fail_unless_equals_int(b, 3);
    fail_unless_equals_int(b, b_then);
    fail_unless_equals_int(d, d_then);
    fail_unless(d <= 2, "d ran %d times", d);
  }
  run_on(io, [&]() {
    io->remove_tick(id_a);
    io->remove_tick(id_c);
    io->remove_tick(id_a); /* twice: nothing */
  });
  int a_end;
  {
    std::lock_guard<std::mutex> l(m);
    a_end = a;
  }
  /* Another tick as the clock: a does not run any more. */
  int clock = 0;
  unsigned id_clock = 0;
  run_on(io, [&]() { id_clock = io->add_tick(5, [&]() { bump(&clock); }); });
  fail_unless(wait_for(m, cond, [&] { return clock >= 5; }));
  {
    std::lock_guard<std::mutex> l(m);
    fail_unless_equals_int(a, a_end);
  }
  /* Nothing may run on this stack after the test. */
  run_on(io, [&]() { io->remove_tick(id_clock); });
}
GST_END_TEST;

static Suite *io_thread_suite(void)
{
  Suite *s = suite_create("io_thread");
  TCase *tc = tcase_create("general");
  tcase_set_timeout(tc, 120);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_pool_spreads_holders);
  tcase_add_test(tc, test_pool_grows_when_full);
  tcase_add_test(tc, test_posts_run_in_order);
  tcase_add_test(tc, test_ticks);
  tcase_add_test(tc, test_delayed_in_deadline_order);
  return s;
}

GST_CHECK_MAIN(io_thread);
