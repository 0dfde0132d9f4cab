/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* aai-bench-plugin: N assemblyaisink streams in one process, the plugin's
 * side of the benchmark (bench/README.md). Prints one JSON object on
 * stdout.
 *
 * Each stream is a pipeline holding only an assemblyaisink (sync=false,
 * async=false); the audio goes in through a pad of ours linked to its sink
 * pad, so the process does what the element does and nothing else (no
 * source element, no streaming thread per stream):
 *
 * - live: one feeder thread pushes every stream a 50 ms buffer every 50 ms,
 *   the streams spread evenly over the period on whole milliseconds (the
 *   granularity of Node's timers, as the SDK client has); the pad answers
 *   the LATENCY query as live. CPU and turns are counted over a window
 *   after every session began and a warm-up.
 * - file: one thread per stream pushes the whole file as fast as the
 *   element takes it (non-live: the element's flow control sets the pace),
 *   then EOS; CPU until every stream's EOS.
 * - connect: caps only (the element connects on caps), CPU until every
 *   session began.
 * --stagger S (live): stream i starts i/N of S seconds after the first, so
 * that the streams' turns (and replay buffers) are not all in step.
 *
 * Times are CLOCK_MONOTONIC (g_get_monotonic_time), the clock the relay
 * (relay.cpp) stamps turns with; CPU is getrusage(RUSAGE_SELF). */
#include <malloc.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gst/gst.h>
#include <json-glib/json-glib.h>

namespace
{

constexpr int kRate = 16000;
constexpr int kFrameMs = 50;
constexpr size_t kFrameBytes = kRate * 2 * kFrameMs / 1000;

enum class Mode { Live, File, Connect };

struct Options {
  gchar **urls = nullptr;
  gchar *api_key = nullptr;
  gchar *ca_file = nullptr;
  gchar *audio = nullptr;
  gchar *mode = nullptr;
  gchar *latency_log = nullptr;
  gint streams = 1;
  gdouble stagger_s = 0;
  gdouble warmup_s = 10;
  gdouble window_s = 20;
  gdouble begin_timeout_s = 60;
};

/* One turn as the application saw it, for the latency join. */
struct TurnSeen {
  std::string session_id;
  guint turn_order;
  bool end_of_turn, formatted;
  std::string transcript;
  gint64 at_us;
};

struct Stream {
  int index = 0;
  GstElement *pipeline = nullptr;
  GstPad *src = nullptr;
  gint64 origin_us = 0;    /* when sample 0 was captured (live) */
  uint64_t next_frame = 0; /* feeder only */
  uint64_t start_tick = 0; /* the feeder's tick of its first frame */
  gint64 start_us = 0;     /* when it started (set caps) */
  std::atomic<gint64> begin_us{0};
  std::atomic<bool> eos{false};
  std::atomic<int> turns{0}, finals{0}, errors{0}, warnings{0};
  std::mutex m; /* below */
  std::string session_id;
  std::vector<gint64> lags_us;
  std::vector<TurnSeen> seen;
};

struct Bench {
  Mode mode = Mode::Live;
  bool live = true;
  bool log_turns = false;
  std::vector<guint8> audio; /* whole 50 ms frames */
  std::vector<Stream *> streams;
  std::atomic<gint64> window_start_us{G_MAXINT64}, window_end_us{G_MAXINT64};
  std::atomic<int> began{0}, ended{0};
  std::mutex m;
  std::condition_variable cond;
  std::atomic<int> first_errors_printed{0};
  std::atomic<gint64> feeder_max_late_us{0};
};

Bench bench;

double cpu_seconds()
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* A field of /proc/self/status, in its unit (kB for memory). */
long proc_status(const char *field)
{
  FILE *f = fopen("/proc/self/status", "r");
  if (!f)
    return -1;
  char line[256];
  long v = -1;
  size_t n = strlen(field);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, field, n) == 0 && line[n] == ':') {
      v = strtol(line + n + 1, nullptr, 10);
      break;
    }
  }
  fclose(f);
  return v;
}

/* Heap bytes in use and held by malloc, over all arenas (malloc_info's
 * totals: the system size of every arena minus its free chunks), in KiB:
 * RSS minus this is what is not heap (stacks, libraries, fragmentation
 * returned to no one). */
void heap_kib(long *in_use, long *held)
{
  char *buf = nullptr;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  *in_use = *held = -1;
  if (!f || malloc_info(0, f) != 0) {
    if (f)
      fclose(f);
    free(buf);
    return;
  }
  fclose(f);
  /* The last <system type="current"> and the <total> lines after the last
   * </heap> are the process-wide figures. */
  const char *all = strstr(buf, "</heap>");
  for (const char *p = all; p; p = strstr(p + 1, "</heap>"))
    all = p;
  long free_bytes = 0, current = 0;
  for (const char *p = all ? all : buf; (p = strstr(p, "<total ")); p++) {
    long count = 0, size = 0;
    if (sscanf(p, "<total type=\"%*[a-z]\" count=\"%ld\" size=\"%ld\"", &count,
               &size) == 2)
      free_bytes += size;
  }
  const char *sys =
      all ? strstr(all, "<system type=\"current\" size=\"") : nullptr;
  if (sys)
    current =
        strtol(sys + strlen("<system type=\"current\" size=\""), nullptr, 10);
  free(buf);
  *held = current / 1024;
  *in_use = (current - free_bytes) / 1024;
}

bool load_wav(const char *path, std::vector<guint8> *out)
{
  gchar *data = nullptr;
  gsize len = 0;
  if (!g_file_get_contents(path, &data, &len, nullptr))
    return false;
  bool ok = false;
  /* RIFF chunks: "fmt " must say 16 kHz mono S16LE, then "data". */
  if (len >= 12 && memcmp(data, "RIFF", 4) == 0 &&
      memcmp(data + 8, "WAVE", 4) == 0) {
    gsize off = 12;
    bool fmt_ok = false;
    while (off + 8 <= len) {
      guint32 size = GUINT32_FROM_LE(*(guint32 *)(data + off + 4));
      const char *body = data + off + 8;
      if (memcmp(data + off, "fmt ", 4) == 0 && size >= 16) {
        fmt_ok = GUINT16_FROM_LE(*(guint16 *)body) == 1 &&
                 GUINT16_FROM_LE(*(guint16 *)(body + 2)) == 1 &&
                 GUINT32_FROM_LE(*(guint32 *)(body + 4)) == kRate &&
                 GUINT16_FROM_LE(*(guint16 *)(body + 14)) == 16;
      } else if (memcmp(data + off, "data", 4) == 0 && fmt_ok) {
        gsize n = std::min<gsize>(size, len - (off + 8));
        n -= n % kFrameBytes;
        out->assign((const guint8 *)body, (const guint8 *)body + n);
        ok = n > 0;
        break;
      }
      off += 8 + size + (size & 1);
    }
  }
  g_free(data);
  return ok;
}

gboolean src_query(GstPad *pad, GstObject *parent, GstQuery *query)
{
  switch (GST_QUERY_TYPE(query)) {
    case GST_QUERY_LATENCY:
      gst_query_set_latency(query, bench.live, 0,
                            bench.live ? 0 : GST_CLOCK_TIME_NONE);
      return TRUE;
    default:
      return gst_pad_query_default(pad, parent, query);
  }
}

void record_turn(Stream *s, const GstStructure *st, gint64 now)
{
  s->turns++;
  gboolean eot = FALSE, formatted = FALSE;
  guint order = 0;
  guint64 ts = GST_CLOCK_TIME_NONE, dur = GST_CLOCK_TIME_NONE;
  gst_structure_get_boolean(st, "end-of-turn", &eot);
  gst_structure_get_boolean(st, "turn-is-formatted", &formatted);
  gst_structure_get_uint(st, "turn-order", &order);
  gst_structure_get_uint64(st, "timestamp", &ts);
  gst_structure_get_uint64(st, "duration", &dur);
  std::lock_guard<std::mutex> l(s->m);
  if (eot && !formatted) {
    s->finals++;
    /* How long after its last word was captured the final turn arrived
     * (live only: file audio is not captured in real time). */
    if (bench.live && ts != GST_CLOCK_TIME_NONE && dur != GST_CLOCK_TIME_NONE &&
        now >= bench.window_start_us && now < bench.window_end_us)
      s->lags_us.push_back(now - (s->origin_us + (gint64)((ts + dur) / 1000)));
  }
  if (bench.log_turns) {
    const char *text = gst_structure_get_string(st, "transcript");
    s->seen.push_back(TurnSeen{s->session_id, order, eot != FALSE,
                               formatted != FALSE, text ? text : "", now});
  }
}

/* Runs on the element's dispatcher thread: as an application's bus sync
 * handler would. Everything is dropped here, nothing piles up on the bus. */
GstBusSyncReply on_message(GstBus *, GstMessage *msg, gpointer data)
{
  auto *s = static_cast<Stream *>(data);
  gint64 now = g_get_monotonic_time();
  switch (GST_MESSAGE_TYPE(msg)) {
    case GST_MESSAGE_ELEMENT: {
      const GstStructure *st = gst_message_get_structure(msg);
      if (gst_structure_has_name(st, "assemblyai/turn")) {
        record_turn(s, st, now);
      } else if (gst_structure_has_name(st, "assemblyai/begin")) {
        {
          std::lock_guard<std::mutex> l(s->m);
          const char *id = gst_structure_get_string(st, "session-id");
          s->session_id = id ? id : "";
        }
        gint64 expected = 0;
        if (s->begin_us.compare_exchange_strong(expected, now)) {
          bench.began++;
          bench.cond.notify_all();
        }
      }
      break;
    }
    case GST_MESSAGE_ERROR:
    case GST_MESSAGE_WARNING: {
      bool error = GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR;
      (error ? s->errors : s->warnings)++;
      if (bench.first_errors_printed++ < 5) {
        GError *err = nullptr;
        gchar *dbg = nullptr;
        if (error)
          gst_message_parse_error(msg, &err, &dbg);
        else
          gst_message_parse_warning(msg, &err, &dbg);
        g_printerr("stream %d %s: %s (%s)\n", s->index,
                   error ? "error" : "warning", err->message, dbg ? dbg : "");
        g_clear_error(&err);
        g_free(dbg);
      }
      if (error && !s->eos.exchange(true)) {
        bench.ended++;
        bench.cond.notify_all();
      }
      break;
    }
    case GST_MESSAGE_EOS:
      if (!s->eos.exchange(true)) {
        bench.ended++;
        bench.cond.notify_all();
      }
      break;
    default:
      break;
  }
  /* A sync handler that drops a message owns it. */
  gst_message_unref(msg);
  return GST_BUS_DROP;
}

Stream *make_stream(int i, const Options &o)
{
  auto *s = new Stream();
  s->index = i;
  s->pipeline = gst_pipeline_new(nullptr);
  GstElement *sink = gst_element_factory_make("assemblyaisink", nullptr);
  if (!sink) {
    g_printerr("no assemblyaisink: set GST_PLUGIN_PATH\n");
    exit(2);
  }
  guint n_urls = g_strv_length(o.urls);
  g_object_set(sink, "url", o.urls[i % n_urls], "api-key", o.api_key, "sync",
               FALSE, "async", FALSE, nullptr);
  if (o.ca_file && *o.ca_file)
    g_object_set(sink, "tls-ca-file", o.ca_file, nullptr);
  gst_bin_add(GST_BIN(s->pipeline), sink);
  GstBus *bus = gst_element_get_bus(s->pipeline);
  gst_bus_set_sync_handler(bus, on_message, s, nullptr);
  gst_object_unref(bus);

  s->src = gst_pad_new("src", GST_PAD_SRC);
  gst_pad_set_query_function(s->src, src_query);
  gst_pad_set_active(s->src, TRUE);
  GstPad *sinkpad = gst_element_get_static_pad(sink, "sink");
  gst_pad_link(s->src, sinkpad);
  gst_object_unref(sinkpad);
  return s;
}

/* Stream start, caps and segment: the element connects on caps. */
void start_stream(Stream *s)
{
  gst_element_set_state(s->pipeline, GST_STATE_PLAYING);
  gchar *id = g_strdup_printf("bench-%d", s->index);
  gst_pad_push_event(s->src, gst_event_new_stream_start(id));
  g_free(id);
  GstCaps *caps =
      gst_caps_new_simple("audio/x-raw", "format", G_TYPE_STRING, "S16LE",
                          "rate", G_TYPE_INT, kRate, "channels", G_TYPE_INT, 1,
                          "layout", G_TYPE_STRING, "interleaved", nullptr);
  gst_pad_push_event(s->src, gst_event_new_caps(caps));
  gst_caps_unref(caps);
  GstSegment seg;
  gst_segment_init(&seg, GST_FORMAT_TIME);
  gst_pad_push_event(s->src, gst_event_new_segment(&seg));
}

/* Frame @k of the looped audio, wrapping the shared bytes (no copy). */
GstFlowReturn push_frame(Stream *s, uint64_t k)
{
  size_t frames = bench.audio.size() / kFrameBytes;
  guint8 *data = bench.audio.data() + (k % frames) * kFrameBytes;
  GstBuffer *buf =
      gst_buffer_new_wrapped_full(GST_MEMORY_FLAG_READONLY, data, kFrameBytes,
                                  0, kFrameBytes, nullptr, nullptr);
  GST_BUFFER_PTS(buf) = k * kFrameMs * GST_MSECOND;
  GST_BUFFER_DURATION(buf) = kFrameMs * GST_MSECOND;
  return gst_pad_push(s->src, buf);
}

void sleep_until(gint64 us)
{
  struct timespec ts;
  ts.tv_sec = us / G_USEC_PER_SEC;
  ts.tv_nsec = (us % G_USEC_PER_SEC) * 1000;
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) ==
         EINTR) {
  }
}

/* Live: every stream gets a frame every 50 ms at its own whole-ms phase;
 * streams due in the same millisecond are pushed one after another. A
 * stream starts (caps, then its first frame) at its start tick. */
void feed_live(gint64 t0)
{
  size_t n = bench.streams.size();
  std::vector<gint64> phase(n);
  for (size_t i = 0; i < n; i++) {
    Stream *s = bench.streams[i];
    phase[i] = (gint64)(i * kFrameMs / n) * 1000;
    /* A frame goes out when its 50 ms were captured. */
    s->origin_us = t0 + (gint64)s->start_tick * kFrameMs * 1000 + phase[i] -
                   kFrameMs * 1000;
  }
  for (uint64_t tick = 0;; tick++) {
    gint64 base = t0 + (gint64)tick * kFrameMs * 1000;
    for (size_t i = 0; i < n;) {
      gint64 due = base + phase[i];
      sleep_until(due);
      gint64 late = g_get_monotonic_time() - due;
      if (late > bench.feeder_max_late_us && due >= bench.window_start_us &&
          due < bench.window_end_us)
        bench.feeder_max_late_us = late;
      for (; i < n && base + phase[i] == due; i++) {
        Stream *s = bench.streams[i];
        if (tick < s->start_tick)
          continue;
        if (tick == s->start_tick && !s->start_us) {
          s->start_us = g_get_monotonic_time();
          start_stream(s);
        }
        push_frame(s, s->next_frame++);
      }
    }
  }
}

void feed_file(Stream *s)
{
  uint64_t frames = bench.audio.size() / kFrameBytes;
  for (uint64_t k = 0; k < frames; k++)
    if (push_frame(s, k) != GST_FLOW_OK)
      break;
  s->next_frame = frames;
  gst_pad_push_event(s->src, gst_event_new_eos());
}

bool wait_for(std::atomic<int> &counter, int n, gint64 deadline_us)
{
  std::unique_lock<std::mutex> l(bench.m);
  while (counter.load() < n) {
    gint64 left = deadline_us - g_get_monotonic_time();
    if (left <= 0)
      return false;
    bench.cond.wait_for(
        l, std::chrono::microseconds(std::min<gint64>(left, 100000)));
  }
  return true;
}

double percentile(std::vector<gint64> v, double p)
{
  if (v.empty())
    return -1;
  std::sort(v.begin(), v.end());
  size_t i = (size_t)std::min<double>(v.size() - 1, p * (v.size() - 1) + 0.5);
  return v[i] / 1000.0;
}

void write_turn_log(const char *path)
{
  FILE *f = fopen(path, "w");
  if (!f)
    return;
  for (Stream *s : bench.streams) {
    std::lock_guard<std::mutex> l(s->m);
    for (const TurnSeen &t : s->seen) {
      /* The transcript last: it may hold spaces, never tabs or newlines. */
      fprintf(f, "%s\t%u\t%d\t%d\t%" G_GINT64_FORMAT "\t%s\n",
              t.session_id.c_str(), t.turn_order, t.end_of_turn, t.formatted,
              t.at_us * 1000, t.transcript.c_str());
    }
  }
  fclose(f);
}

}  // namespace

int main(int argc, char **argv)
{
  Options o;
  GOptionEntry entries[] = {
      {"url", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.urls,
       "Service URL (repeat: streams take them in turn)", "URL"},
      {"api-key", 0, 0, G_OPTION_ARG_STRING, &o.api_key, "API key", "KEY"},
      {"ca-file", 0, 0, G_OPTION_ARG_FILENAME, &o.ca_file,
       "Extra CA file (tls-ca-file)", "PEM"},
      {"audio", 0, 0, G_OPTION_ARG_FILENAME, &o.audio, "16 kHz mono S16LE WAV",
       "WAV"},
      {"mode", 0, 0, G_OPTION_ARG_STRING, &o.mode, "live, file or connect",
       "MODE"},
      {"streams", 0, 0, G_OPTION_ARG_INT, &o.streams, "Streams", "N"},
      {"warmup", 0, 0, G_OPTION_ARG_DOUBLE, &o.warmup_s,
       "Live: seconds after the last Begin before the window", "S"},
      {"window", 0, 0, G_OPTION_ARG_DOUBLE, &o.window_s,
       "Live: the measured window", "S"},
      {"begin-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &o.begin_timeout_s,
       "Give up waiting for Begin after this long", "S"},
      {"stagger", 0, 0, G_OPTION_ARG_DOUBLE, &o.stagger_s,
       "Live: stream i starts i/N of this many seconds after the first (so "
       "that their turns do not all end at once)",
       "S"},
      {"turn-log", 0, 0, G_OPTION_ARG_FILENAME, &o.latency_log,
       "Write every turn's arrival time here (for the relay's join)", "FILE"},
      {nullptr, 0, 0, G_OPTION_ARG_NONE, nullptr, nullptr, nullptr}};
  GOptionContext *ctx = g_option_context_new("- assemblyaisink benchmark");
  g_option_context_add_main_entries(ctx, entries, nullptr);
  g_option_context_add_group(ctx, gst_init_get_option_group());
  GError *err = nullptr;
  if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
    g_printerr("%s\n", err->message);
    return 2;
  }
  g_option_context_free(ctx);
  if (!o.urls || !o.api_key || !o.audio || o.streams < 1) {
    g_printerr("need --url, --api-key, --audio and --streams >= 1\n");
    return 2;
  }
  std::string mode = o.mode ? o.mode : "live";
  bench.mode = mode == "file"      ? Mode::File
               : mode == "connect" ? Mode::Connect
                                   : Mode::Live;
  bench.live = bench.mode != Mode::File;
  bench.log_turns = o.latency_log != nullptr;
  if (!load_wav(o.audio, &bench.audio)) {
    g_printerr("%s: not a 16 kHz mono S16LE WAV\n", o.audio);
    return 2;
  }
  gst_init(nullptr, nullptr);

  for (int i = 0; i < o.streams; i++)
    bench.streams.push_back(make_stream(i, o));
  long rss_idle = proc_status("VmRSS");
  const int n = o.streams;

  double cpu0 = cpu_seconds();
  gint64 t0 = g_get_monotonic_time();
  if (bench.mode == Mode::Live && o.stagger_s > 0) {
    /* The feeder starts each stream at its tick. */
    for (int i = 0; i < n; i++)
      bench.streams[i]->start_tick =
          (uint64_t)(o.stagger_s * 1000 / kFrameMs * i / n);
  } else {
    for (Stream *s : bench.streams) {
      s->start_us = t0;
      start_stream(s);
    }
  }
  double cpu_started = cpu_seconds();

  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  auto num = [&](const char *k, double v) {
    json_builder_set_member_name(b, k);
    json_builder_add_double_value(b, v);
  };
  auto integer = [&](const char *k, gint64 v) {
    json_builder_set_member_name(b, k);
    json_builder_add_int_value(b, v);
  };
  json_builder_set_member_name(b, "client");
  json_builder_add_string_value(b, "plugin");
  json_builder_set_member_name(b, "mode");
  json_builder_add_string_value(b, mode.c_str());
  integer("streams", n);
  integer("rss_idle_kib", rss_idle);

  gint64 begin_deadline = t0 + (gint64)(o.begin_timeout_s * G_USEC_PER_SEC);
  if (bench.mode == Mode::Connect) {
    bool all = wait_for(bench.began, n, begin_deadline);
    double cpu1 = cpu_seconds();
    integer("began", bench.began.load());
    num("all_began_s", all ? (g_get_monotonic_time() - t0) / 1e6 : -1);
    num("cpu_connect_s", cpu1 - cpu0);
    num("cpu_per_connect_ms", (cpu1 - cpu0) * 1000.0 / n);
    num("cpu_start_calls_s", cpu_started - cpu0);
  } else if (bench.mode == Mode::File) {
    std::vector<std::thread> feeders;
    for (Stream *s : bench.streams)
      feeders.emplace_back(feed_file, s);
    for (auto &t : feeders)
      t.join();
    bool all = wait_for(bench.ended, n, G_MAXINT64);
    double cpu1 = cpu_seconds();
    double wall = (g_get_monotonic_time() - t0) / 1e6;
    int finals = 0, errors = 0;
    for (Stream *s : bench.streams) {
      finals += s->finals;
      errors += s->errors;
    }
    double audio_s = (double)n * (bench.audio.size() / (kRate * 2.0));
    integer("ended", bench.ended.load());
    num("wall_s", wall);
    num("audio_s", audio_s);
    num("cpu_s", cpu1 - cpu0);
    num("cpu_s_per_audio_hour", (cpu1 - cpu0) * 3600.0 / audio_s);
    integer("finals", finals);
    integer("errors", errors);
    integer("rss_kib", proc_status("VmHWM"));
    (void)all;
  } else {
    /* Live: the feeder runs until the process leaves; the window opens
     * --warmup after the last Begin (or the Begin timeout). */
    std::thread feeder(feed_live, t0);
    begin_deadline += (gint64)(o.stagger_s * G_USEC_PER_SEC);
    bool all = wait_for(bench.began, n, begin_deadline);
    gint64 all_began = g_get_monotonic_time();
    integer("began", bench.began.load());
    num("all_began_s", all ? (all_began - t0) / 1e6 : -1);
    /* Each session's own connect time, from its start. */
    std::vector<gint64> connect;
    for (Stream *s : bench.streams)
      if (s->begin_us)
        connect.push_back(s->begin_us - s->start_us);
    num("connect_p50_s", percentile(connect, 0.5) / 1000);
    num("connect_max_s", percentile(connect, 1.0) / 1000);
    num("cpu_until_began_s", cpu_seconds() - cpu0);
    gint64 ws = all_began + (gint64)(o.warmup_s * G_USEC_PER_SEC);
    gint64 we = ws + (gint64)(o.window_s * G_USEC_PER_SEC);
    bench.window_start_us = ws;
    bench.window_end_us = we;
    sleep_until(ws);
    double cpu_a = cpu_seconds();
    long heap_a = 0, held_a = 0;
    heap_kib(&heap_a, &held_a);
    long rss_a = proc_status("VmRSS");
    uint64_t frames_a = 0;
    for (Stream *s : bench.streams)
      frames_a += __atomic_load_n(&s->next_frame, __ATOMIC_RELAXED);
    int finals_a = 0;
    for (Stream *s : bench.streams)
      finals_a += s->finals;
    sleep_until(we);
    double cpu_b = cpu_seconds();
    uint64_t frames_b = 0;
    for (Stream *s : bench.streams)
      frames_b += __atomic_load_n(&s->next_frame, __ATOMIC_RELAXED);
    long rss = proc_status("VmRSS");
    long threads = proc_status("Threads");
    long heap_used = 0, heap_held = 0;
    heap_kib(&heap_used, &heap_held);
    int finals_b = 0, errors = 0, warnings = 0, silent = 0;
    std::vector<gint64> lags;
    for (Stream *s : bench.streams) {
      finals_b += s->finals;
      errors += s->errors;
      warnings += s->warnings;
      std::lock_guard<std::mutex> l(s->m);
      if (s->lags_us.empty())
        silent++;
      lags.insert(lags.end(), s->lags_us.begin(), s->lags_us.end());
    }
    double audio_s = (frames_b - frames_a) * kFrameMs / 1000.0;
    num("window_s", o.window_s);
    num("audio_s", audio_s);
    num("realtime_ratio", audio_s / (n * o.window_s));
    num("cpu_s", cpu_b - cpu_a);
    num("cpu_s_per_audio_hour",
        audio_s > 0 ? (cpu_b - cpu_a) * 3600.0 / audio_s : -1);
    integer("rss_kib", rss);
    integer("heap_in_use_kib", heap_used);
    /* Growth over the window: what a steady state must not have. */
    integer("heap_growth_kib", heap_used - heap_a);
    integer("rss_growth_kib", rss - rss_a);
    integer("heap_held_kib", heap_held);
    integer("threads", threads);
    integer("finals", finals_b - finals_a);
    integer("streams_without_final", silent);
    num("turn_lag_p50_ms", percentile(lags, 0.5));
    num("turn_lag_p99_ms", percentile(lags, 0.99));
    num("turn_lag_max_ms", percentile(lags, 1.0));
    integer("errors", errors);
    integer("warnings", warnings);
    num("feeder_max_late_ms", bench.feeder_max_late_us / 1000.0);
    /* The feeder stops with the process (below). */
    feeder.detach();
  }
  json_builder_end_object(b);
  JsonGenerator *gen = json_generator_new();
  JsonNode *root = json_builder_get_root(b);
  json_generator_set_root(gen, root);
  gchar *text = json_generator_to_data(gen, nullptr);
  printf("%s\n", text);
  fflush(stdout);
  g_free(text);
  json_node_unref(root);
  g_object_unref(gen);
  g_object_unref(b);
  if (o.latency_log)
    write_turn_log(o.latency_log);
  /* The emulator is stopped after each run: the sessions need no orderly
   * end, and tearing down thousands of pipelines is not what is measured. */
  _exit(0);
}
