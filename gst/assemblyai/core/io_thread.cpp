/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "io_thread.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <vector>

#include <libsoup/soup.h>

#include "net_options.h"
#include "proxy_cache.h"
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
 * @resolver NULL: the environment's settings (g_proxy_resolver_get_default(),
 * through the cache). */
SoupSession *new_session(GProxyResolver *resolver)
{
  SoupSession *s = soup_session_new_with_options(
      "timeout", 0u, "idle-timeout", 0u, "max-conns", G_MAXINT,
      "max-conns-per-host", G_MAXINT, nullptr);
  /* The environment's settings: looked up once per destination, not once
   * per connection (proxy_cache.h). */
  soup_session_set_proxy_resolver(
      s, resolver ? resolver : caching_proxy_resolver());
  if (GTlsDatabase *db = shared_tls_database())
    soup_session_set_tls_database(s, db);
  return s;
}

/* Plain GLib statics (no destructors run at exit while a thread may still
 * be finishing). */
GMutex pool_lock;
std::vector<std::weak_ptr<IoThread>> *pool = nullptr;

/* Holders of a thread, as acquire() weighs them (a snapshot: good enough
 * to spread new holders, never used for lifetime). */
long holders(const std::shared_ptr<IoThread> &t)
{
  return t.use_count();
}

/* A thread of the pool takes new holders until it has this many (a
 * stream and its session are two: about 64 streams); then another thread
 * starts, even beyond one per processor: every wake-up of a thread walks
 * all of its sources and polls all of its sockets, and each message from
 * the service wakes its thread, so a thread with a thousand connections
 * would spend most of its time walking (docs/architecture.md, "I/O
 * threads and scale"; docs/benchmarks.md). */
constexpr long kHoldersPerThread = 128;

/* Audio posted with post_batched() waits for a thread's next pulse at most
 * this long per open connection of the thread, and never longer than
 * kMaxBatchUs: one walk of the connections' sources then serves every
 * frame of the pulse, so the walks cost the same per thread however many
 * streams it carries. Below kMinBatchUs (fewer than five connections)
 * audio goes out at once. 20 ms rather than 10: at N = 200 the pulses
 * were a third of the process's CPU, and halving them took 15-20 % off
 * (docs/benchmarks.md); a frame that waits 20 ms more is still far inside
 * the service's own latency. */
constexpr gint64 kBatchUsPerLink = 400;
constexpr gint64 kMinBatchUs = 2000;
constexpr gint64 kMaxBatchUs = 20000;

/* 0: no batching. */
gint64 batch_window_us(unsigned links)
{
  gint64 w = std::min<gint64>(links * kBatchUsPerLink, kMaxBatchUs);
  return w < kMinBatchUs ? 0 : w;
}
}  // namespace

/* The posted tasks and the one source that runs them. All changes of the
 * source's ready time are made under @lock, so they follow the queue's
 * state in order; the source's prepare() only reads @queued (it runs under
 * the context's lock, which g_source_set_ready_time() takes too). */
struct TaskQueue {
  std::mutex lock;
  std::deque<std::function<void()>> tasks;
  std::atomic<size_t> queued{0};
  gint64 ready = -1;              /* the source's ready time (-1: none) */
  bool audio = false;             /* post_batched() since the last run */
  std::atomic<unsigned> links{0}; /* open connections of the thread */
  GSource *source = nullptr;
};
/* What post_delayed() holds: one source for every delayed task of the
 * thread, ready at the earliest deadline. A GTimeoutSource per task would
 * put one more source per stream (its rollover timers wait for hours) into
 * every walk of the context. Guarded by @lock (any thread posts). */
struct TimerQueue {
  std::mutex lock;
  /* By deadline (monotonic us), then by posting order. */
  std::map<std::pair<gint64, uint64_t>, std::function<void()>> due;
  uint64_t last_seq = 0;
  gint64 ready = -1; /* the source's ready time (-1: none) */
  GSource *source = nullptr;
};
/* Callers of add_tick() with one interval: one timer for all. */
struct TickGroup {
  GSource *timer = nullptr;
  std::vector<std::pair<unsigned, std::function<void()>>> entries;
  bool running = false; /* entries are being called: removals only mark */
};

/* What the thread owns. It outlives the IoThread object by the time the
 * loop takes to stop: the thread frees it last. */
struct IoThread::Loop {
  GMainContext *context = nullptr;
  GMainLoop *loop = nullptr;
  SoupSession *session = nullptr;
  std::map<std::string, SoupSession *> proxy_sessions;
  TaskQueue queue;
  TimerQueue timers;
  std::map<unsigned, TickGroup> ticks; /* by interval */
  unsigned last_tick_id = 0;
  GMutex start_lock;
  GCond start_cond;
  bool started = false;
};

namespace
{
/* Any wake-up of the thread (a socket, a timer) runs what is queued:
 * batched audio then goes out early, for free. */
gboolean prepare_tasks(GSource *source, gint *timeout)
{
  TaskQueue *q = *reinterpret_cast<TaskQueue **>(source + 1);
  *timeout = -1;
  return q->queued.load(std::memory_order_relaxed) > 0;
}

/* Runs the tasks queued now; those posted meanwhile go to the next run
 * (sockets and timers get their turn in between). While audio keeps
 * coming, the next pulse is set from here, where it wakes nobody. */
gboolean dispatch_tasks(GSource *source, GSourceFunc, gpointer)
{
  TaskQueue *q = *reinterpret_cast<TaskQueue **>(source + 1);
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> l(q->lock);
    batch.swap(q->tasks);
    q->queued = 0;
    gint64 window = batch_window_us(q->links);
    q->ready = q->audio && window ? g_get_monotonic_time() + window : -1;
    q->audio = false;
    g_source_set_ready_time(source, q->ready);
  }
  for (auto &fn : batch)
    fn();
  return G_SOURCE_CONTINUE;
}

GSourceFuncs task_source_funcs = {prepare_tasks, nullptr, dispatch_tasks,
                                  nullptr,       nullptr, nullptr};

/* Runs the delayed tasks that are due, in deadline order; the source is
 * then set for the next one (from here, where that wakes nobody). */
gboolean dispatch_timers(GSource *source, GSourceFunc, gpointer)
{
  TimerQueue *t = *reinterpret_cast<TimerQueue **>(source + 1);
  gint64 now = g_get_monotonic_time();
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> l(t->lock);
    auto it = t->due.begin();
    for (; it != t->due.end() && it->first.first <= now; ++it)
      batch.push_back(std::move(it->second));
    t->due.erase(t->due.begin(), it);
    t->ready = t->due.empty() ? -1 : t->due.begin()->first.first;
    g_source_set_ready_time(source, t->ready);
  }
  for (auto &fn : batch)
    fn();
  return G_SOURCE_CONTINUE;
}

GSourceFuncs timer_source_funcs = {nullptr, nullptr, dispatch_timers,
                                   nullptr, nullptr, nullptr};

/* A source of @funcs whose callbacks find @queue right after the GSource
 * (where they read it). */
template <typename Queue>
GSource *new_queue_source(GSourceFuncs *funcs, Queue *queue, const char *name)
{
  GSource *s = g_source_new(funcs, sizeof(GSource) + sizeof(Queue *));
  *reinterpret_cast<Queue **>(s + 1) = queue;
  g_source_set_priority(s, G_PRIORITY_DEFAULT);
  g_source_set_name(s, name);
  return s;
}
}  // namespace

unsigned IoThread::pool_size()
{
  return std::max(1u, g_get_num_processors());
}

std::shared_ptr<IoThread> IoThread::acquire()
{
  g_mutex_lock(&pool_lock);
  if (!pool)
    pool = new std::vector<std::weak_ptr<IoThread>>();
  std::shared_ptr<IoThread> best;
  size_t running = 0;
  std::weak_ptr<IoThread> *free_slot = nullptr;
  for (auto &slot : *pool) {
    std::shared_ptr<IoThread> t = slot.lock();
    if (!t) {
      if (!free_slot)
        free_slot = &slot;
      continue;
    }
    running++;
    if (!best || holders(t) < holders(best))
      best = std::move(t);
  }
  /* Spread: every processor gets a thread before any thread gets a
   * second holder; beyond that a thread is added only when the least
   * loaded one is full. */
  if (!best || running < pool_size() ||
      holders(best) - 1 >= kHoldersPerThread) {
    best = std::shared_ptr<IoThread>(new IoThread());
    if (free_slot)
      *free_slot = best;
    else
      pool->push_back(best);
  }
  g_mutex_unlock(&pool_lock);
  return best;
}

IoThread::IoThread() : loop_(new Loop())
{
  g_mutex_init(&loop_->start_lock);
  g_cond_init(&loop_->start_cond);
  loop_->context = g_main_context_new();
  loop_->loop = g_main_loop_new(loop_->context, FALSE);
  loop_->queue.source = new_queue_source(&task_source_funcs, &loop_->queue,
                                         "assemblyai-io tasks");
  g_source_attach(loop_->queue.source, loop_->context);
  loop_->timers.source = new_queue_source(&timer_source_funcs, &loop_->timers,
                                          "assemblyai-io timers");
  g_source_attach(loop_->timers.source, loop_->context);
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
  for (auto &kv : l->ticks) {
    if (kv.second.timer) {
      g_source_destroy(kv.second.timer);
      g_source_unref(kv.second.timer);
    }
  }
  l->ticks.clear();
  g_source_destroy(l->queue.source);
  g_source_unref(l->queue.source);
  l->queue.tasks.clear();
  g_source_destroy(l->timers.source);
  g_source_unref(l->timers.source);
  {
    /* Dropped (as GLib drops the timeouts of a context it frees), outside
     * the lock: a task's captures may post on their way out. */
    decltype(l->timers.due) dropped;
    {
      std::lock_guard<std::mutex> lk(l->timers.lock);
      dropped.swap(l->timers.due);
    }
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
  TaskQueue &q = loop_->queue;
  std::lock_guard<std::mutex> l(q.lock);
  q.tasks.push_back(std::move(fn));
  q.queued++;
  if (q.ready != 0) {
    /* Wakes the thread now (once: the next post finds it armed). */
    q.ready = 0;
    g_source_set_ready_time(q.source, 0);
  }
}

void IoThread::post_batched(std::function<void()> fn)
{
  TaskQueue &q = loop_->queue;
  std::lock_guard<std::mutex> l(q.lock);
  q.tasks.push_back(std::move(fn));
  q.queued++;
  q.audio = true;
  if (q.ready >= 0)
    return; /* a run is due anyway (now, or at the pulse) */
  /* The first audio after a quiet spell: now, or at the end of the
   * window (pulses then follow while audio keeps coming). */
  gint64 window = batch_window_us(q.links);
  q.ready = window ? g_get_monotonic_time() + window : 0;
  g_source_set_ready_time(q.source, q.ready);
}

void IoThread::add_link()
{
  loop_->queue.links++;
}

void IoThread::remove_link()
{
  loop_->queue.links--;
}

void IoThread::post_delayed(unsigned delay_ms, std::function<void()> fn)
{
  TimerQueue &t = loop_->timers;
  gint64 deadline =
      g_get_monotonic_time() + static_cast<gint64>(delay_ms) * 1000;
  std::lock_guard<std::mutex> l(t.lock);
  t.due.emplace(std::make_pair(deadline, ++t.last_seq), std::move(fn));
  /* Only an earlier deadline moves the source (each move wakes the
   * thread, even from the thread itself). */
  if (t.ready < 0 || deadline < t.ready) {
    t.ready = deadline;
    g_source_set_ready_time(t.source, deadline);
  }
}

namespace
{
struct TickTimer {
  IoThread::Loop *loop;
  unsigned interval;
};
}  // namespace

unsigned IoThread::add_tick(unsigned interval_ms, std::function<void()> fn)
{
  g_assert(on_io_thread());
  interval_ms = std::max(1u, interval_ms);
  TickGroup &g = loop_->ticks[interval_ms];
  unsigned id = ++loop_->last_tick_id;
  if (id == 0)
    id = ++loop_->last_tick_id;
  g.entries.emplace_back(id, std::move(fn));
  if (!g.timer) {
    g.timer = interval_ms % 1000 == 0
                  ? g_timeout_source_new_seconds(interval_ms / 1000)
                  : g_timeout_source_new(interval_ms);
    auto *tt = new TickTimer{loop_, interval_ms};
    g_source_set_callback(
        g.timer,
        [](gpointer data) -> gboolean {
          auto *t = static_cast<TickTimer *>(data);
          TickGroup &group = t->loop->ticks[t->interval];
          group.running = true;
          /* Entries added meanwhile wait for the next period. */
          size_t n = group.entries.size();
          for (size_t i = 0; i < n; i++) {
            if (group.entries[i].second) {
              /* A copy: the entry may remove itself. */
              std::function<void()> fn = group.entries[i].second;
              fn();
            }
          }
          group.running = false;
          auto &e = group.entries;
          e.erase(std::remove_if(e.begin(), e.end(),
                                 [](const auto &x) { return !x.second; }),
                  e.end());
          if (!e.empty())
            return G_SOURCE_CONTINUE;
          g_source_unref(group.timer);
          group.timer = nullptr;
          t->loop->ticks.erase(t->interval);
          return G_SOURCE_REMOVE;
        },
        tt, [](gpointer data) { delete static_cast<TickTimer *>(data); });
    g_source_attach(g.timer, loop_->context);
  }
  return id;
}

void IoThread::remove_tick(unsigned id)
{
  g_assert(on_io_thread());
  for (auto it = loop_->ticks.begin(); it != loop_->ticks.end(); ++it) {
    TickGroup &g = it->second;
    auto e = std::find_if(g.entries.begin(), g.entries.end(),
                          [id](const auto &x) { return x.first == id; });
    if (e == g.entries.end())
      continue;
    if (g.running) {
      e->second = nullptr; /* compacted after the round */
      return;
    }
    g.entries.erase(e);
    if (g.entries.empty()) {
      g_source_destroy(g.timer);
      g_source_unref(g.timer);
      loop_->ticks.erase(it);
    }
    return;
  }
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
