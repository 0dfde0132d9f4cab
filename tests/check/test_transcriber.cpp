/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* assemblyaitranscriber against the in-process emulator: every word's
 * timestamp equals the script's ground truth to the sample (also across an
 * input gap, a non-zero segment start, a format change and a flushing
 * seek), sticky events and rstranscribe events, GAPs and late-word
 * restamping driven by a GstTestClock, the latency query in PAUSED, and
 * real pipelines into srtenc, webvttenc, textoverlay and from a live
 * source. Waits are harness pulls, bus polls and test-clock cranks. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/gstappsink.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>
#include <gst/check/gsttestclock.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "emulator.h"
#include "test_pipeline.h"
#include "test_wav.h"

namespace
{

const char *kKey = "test-key";
const char *kCaps16k =
    "audio/x-raw, format=S16LE, channels=1, rate=16000, layout=interleaved";

struct Emu {
  aai_emu::Emulator emu;
  aai_emu::Script script;
  explicit Emu(const char *json = "hello.json")
  {
    aai_emu::Config cfg = script_config(json);
    script = cfg.script;
    std::string err;
    fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  }
  /* Every scripted word, in order. */
  std::vector<aai_emu::ScriptWord> words() const
  {
    return script_words(script);
  }
};

/* Pushes samples [from_ms, to_ms) of @pcm (@rate Hz) in 100 ms buffers,
 * the first at @pts. */
void push_audio(GstHarness *h,
                const std::vector<uint8_t> &pcm,
                int rate,
                int64_t from_ms,
                int64_t to_ms,
                GstClockTime pts,
                bool discont = false)
{
  const size_t per_ms = static_cast<size_t>(rate / 1000) * 2;
  size_t end = std::min(pcm.size(), static_cast<size_t>(to_ms) * per_ms);
  for (size_t off = static_cast<size_t>(from_ms) * per_ms; off < end;
       off += 100 * per_ms) {
    size_t n = std::min(100 * per_ms, end - off);
    GstBuffer *b = gst_buffer_new_memdup(pcm.data() + off, n);
    GST_BUFFER_PTS(b) = pts;
    GST_BUFFER_DURATION(b) =
        gst_util_uint64_scale(n / 2, GST_SECOND, static_cast<guint64>(rate));
    if (discont) {
      GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_DISCONT);
      discont = false;
    }
    pts += GST_BUFFER_DURATION(b);
    fail_unless_equals_int(gst_harness_push(h, b), GST_FLOW_OK);
  }
}

struct TextBuf {
  std::string text;
  GstClockTime pts, duration;
};

std::vector<TextBuf> pull_all_text(GstHarness *h)
{
  std::vector<TextBuf> out;
  while (GstBuffer *b = gst_harness_try_pull(h)) {
    GstMapInfo m;
    fail_unless(gst_buffer_map(b, &m, GST_MAP_READ));
    out.push_back({std::string(reinterpret_cast<char *>(m.data), m.size),
                   GST_BUFFER_PTS(b), GST_BUFFER_DURATION(b)});
    gst_buffer_unmap(b, &m);
    gst_buffer_unref(b);
  }
  return out;
}

std::vector<GstEvent *> pull_all_events(GstHarness *h)
{
  std::vector<GstEvent *> out;
  while (GstEvent *e = gst_harness_try_pull_event(h))
    out.push_back(e);
  return out;
}

void unref_all(std::vector<GstEvent *> &evs)
{
  for (auto *e : evs)
    gst_event_unref(e);
  evs.clear();
}

GstHarness *new_harness(const Emu &e, const char *extra_props = nullptr)
{
  /* Configured before the harness starts it: READY->PAUSED needs the key. */
  GstElement *t = gst_element_factory_make("assemblyaitranscriber", nullptr);
  g_object_set(t, "url", e.emu.ws_url().c_str(), "api-key", kKey, "pace", FALSE,
               nullptr);
  GstHarness *h = gst_harness_new_empty();
  static GstStaticPadTemplate hsrc = GST_STATIC_PAD_TEMPLATE(
      "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
  static GstStaticPadTemplate hsink = GST_STATIC_PAD_TEMPLATE(
      "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);
  gst_harness_add_element_full(h, t, &hsrc, "sink", &hsink, "src");
  gst_object_unref(t); /* the harness holds its own reference */
  if (extra_props) {
    gchar **pairs = g_strsplit(extra_props, " ", -1);
    for (gchar **kv = pairs; *kv; kv++) {
      gchar **nv = g_strsplit(*kv, "=", 2);
      gst_util_set_object_arg(G_OBJECT(h->element), nv[0], nv[1]);
      g_strfreev(nv);
    }
    g_strfreev(pairs);
  }
  return h;
}

/* Words of @got equal @want, each at its scripted start + @offset (plus
 * @gap_after_ms shift for words starting at or after @gap_at_ms). */
void assert_words(const std::vector<TextBuf> &got,
                  const std::vector<aai_emu::ScriptWord> &want,
                  GstClockTime offset,
                  int64_t gap_at_ms = INT64_MAX,
                  GstClockTime gap = 0)
{
  fail_unless_equals_int(got.size(), want.size());
  for (size_t i = 0; i < want.size(); i++) {
    GstClockTime start = offset + want[i].start * GST_MSECOND +
                         (want[i].start >= gap_at_ms ? gap : 0);
    fail_unless_equals_string(got[i].text.c_str(), want[i].text.c_str());
    fail_unless_equals_uint64(got[i].pts, start);
    fail_unless_equals_uint64(got[i].duration,
                              (want[i].end - want[i].start) * GST_MSECOND);
  }
}

GST_START_TEST(test_word_timestamps_exact)
{
  Emu e;
  GstHarness *h = new_harness(e);
  gst_harness_set_src_caps_str(h, kCaps16k);
  auto pcm = read_wav("hello.wav");
  push_audio(h, pcm, 16000, 0, 100000, 0);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  assert_words(pull_all_text(h), e.words(), 0);

  /* One final-transcript per turn; the EOS last. */
  auto evs = pull_all_events(h);
  int finals = 0;
  for (auto *ev : evs)
    if (GST_EVENT_TYPE(ev) == GST_EVENT_CUSTOM_DOWNSTREAM &&
        gst_event_has_name(ev, "rstranscribe/final-transcript"))
      finals++;
  fail_unless_equals_int(finals, static_cast<int>(e.script.turns.size()));
  fail_unless_equals_int(GST_EVENT_TYPE(evs.back()), GST_EVENT_EOS);
  unref_all(evs);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_gap_and_segment_start)
{
  /* Segment from 10 s; audio 0..2 s at 10 s, then (DISCONT) the rest 5 s
   * later: the service hears continuous audio, the words keep the times
   * of the samples that carried them. */
  Emu e;
  GstHarness *h = new_harness(e);
  gst_harness_set_src_caps_str(h, kCaps16k);
  GstSegment seg;
  gst_segment_init(&seg, GST_FORMAT_TIME);
  seg.start = seg.time = 10 * GST_SECOND;
  fail_unless(gst_harness_push_event(h, gst_event_new_segment(&seg)));
  auto pcm = read_wav("hello.wav");
  push_audio(h, pcm, 16000, 0, 2000, 10 * GST_SECOND);
  push_audio(h, pcm, 16000, 2000, 100000, 17 * GST_SECOND, true);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  assert_words(pull_all_text(h), e.words(), 10 * GST_SECOND, 2000,
               5 * GST_SECOND);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_sticky_events_in_order)
{
  Emu e;
  GstHarness *h = new_harness(e, "lateness=700 language-code=fr");
  gst_harness_set_src_caps_str(h, kCaps16k);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  auto evs = pull_all_events(h);
  fail_unless(evs.size() >= 5);
  fail_unless_equals_int(GST_EVENT_TYPE(evs[0]), GST_EVENT_STREAM_START);
  fail_unless_equals_int(GST_EVENT_TYPE(evs[1]), GST_EVENT_CAPS);
  GstCaps *caps;
  gst_event_parse_caps(evs[1], &caps);
  GstCaps *text = gst_caps_from_string("text/x-raw, format=utf8");
  fail_unless(gst_caps_is_equal(caps, text));
  gst_caps_unref(text);
  fail_unless_equals_int(GST_EVENT_TYPE(evs[2]), GST_EVENT_SEGMENT);
  const GstSegment *seg;
  gst_event_parse_segment(evs[2], &seg);
  fail_unless_equals_uint64(seg->base, 700 * GST_MSECOND);
  fail_unless_equals_int(GST_EVENT_TYPE(evs[3]), GST_EVENT_TAG);
  GstTagList *tags;
  gst_event_parse_tag(evs[3], &tags);
  gchar *lang = nullptr;
  fail_unless(gst_tag_list_get_string(tags, GST_TAG_LANGUAGE_CODE, &lang));
  fail_unless_equals_string(lang, "fr");
  g_free(lang);
  fail_unless_equals_int(GST_EVENT_TYPE(evs.back()), GST_EVENT_EOS);
  unref_all(evs);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_format_change_mid_stream)
{
  /* 2 s at 16 kHz, then the 8 kHz twin from its start at 2 s: the first
   * session is drained before the second opens, and each word keeps the
   * time of the session audio that carried it. */
  Emu e;
  GstHarness *h = new_harness(e);
  gst_harness_set_src_caps_str(h, kCaps16k);
  auto pcm = read_wav("hello.wav");
  push_audio(h, pcm, 16000, 0, 2000, 0);
  gst_harness_set_src_caps_str(
      h,
      "audio/x-raw, format=S16LE, channels=1, rate=8000, "
      "layout=interleaved");
  auto pcm8 = read_wav("hello-8k.wav");
  push_audio(h, pcm8, 8000, 0, 100000, 2 * GST_SECOND);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  auto got = pull_all_text(h);
  auto all = e.words();
  /* Session 1 heard hello and world; session 2 the whole script. */
  std::vector<TextBuf> first(got.begin(), got.begin() + 2);
  std::vector<TextBuf> second(got.begin() + 2, got.end());
  assert_words(first, {all[0], all[1]}, 0);
  assert_words(second, all, 2 * GST_SECOND);
  fail_unless_equals_int(e.emu.sessions().size(), 2);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_flushing_seek)
{
  Emu e;
  GstHarness *h = new_harness(e);
  gst_harness_set_src_caps_str(h, kCaps16k);
  auto pcm = read_wav("hello.wav");
  push_audio(h, pcm, 16000, 0, 3000, 0);
  /* Flush a session that is running. */
  fail_unless(e.emu.wait_for(
      [](const std::vector<aai_emu::SessionRecord> &r) {
        return r.size() == 1 && r[0].audio_bytes > 0;
      },
      10000));
  fail_unless(gst_harness_push_event(h, gst_event_new_flush_start()));
  fail_unless(gst_harness_push_event(h, gst_event_new_flush_stop(TRUE)));
  /* Whatever came before the flush is gone with it. */
  for (auto &b : pull_all_text(h))
    (void)b;
  GstSegment seg;
  gst_segment_init(&seg, GST_FORMAT_TIME);
  fail_unless(gst_harness_push_event(h, gst_event_new_segment(&seg)));
  push_audio(h, pcm, 16000, 0, 100000, 0);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  assert_words(pull_all_text(h), e.words(), 0);
  fail_unless_equals_int(e.emu.sessions().size(), 2);
  gst_harness_teardown(h);
}
GST_END_TEST;

/* Holds the src pad's task inside the push of its first STREAM_START
 * until a FLUSH_START comes by: the CAPS queued behind it is then still in
 * the element's queue when the flush arrives. */
struct StickyGate {
  std::mutex m;
  std::condition_variable cv;
  bool blocked = false, released = false, seen = false;

  static GstPadProbeReturn probe(GstPad *, GstPadProbeInfo *info, gpointer d)
  {
    auto *g = static_cast<StickyGate *>(d);
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT(info);
    std::unique_lock<std::mutex> l(g->m);
    if (GST_EVENT_TYPE(ev) == GST_EVENT_FLUSH_START) {
      g->released = true;
      g->cv.notify_all();
    } else if (GST_EVENT_TYPE(ev) == GST_EVENT_STREAM_START && !g->seen) {
      g->seen = g->blocked = true;
      g->cv.notify_all();
      g->cv.wait(l, [g] { return g->released; });
    }
    return GST_PAD_PROBE_OK;
  }
};

GST_START_TEST(test_sticky_events_survive_flush)
{
  Emu e;
  GstHarness *h = new_harness(e);
  GstPad *src = gst_element_get_static_pad(h->element, "src");
  StickyGate gate;
  gst_pad_add_probe(
      src,
      static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
                                   GST_PAD_PROBE_TYPE_EVENT_FLUSH),
      StickyGate::probe, &gate, nullptr);
  gst_harness_set_src_caps_str(h, kCaps16k);
  {
    std::unique_lock<std::mutex> l(gate.m);
    fail_unless(gate.cv.wait_for(l, std::chrono::seconds(10),
                                 [&] { return gate.blocked; }));
  }
  fail_unless(gst_harness_push_event(h, gst_event_new_flush_start()));
  fail_unless(gst_harness_push_event(h, gst_event_new_flush_stop(TRUE)));
  auto before = pull_all_events(h);
  unref_all(before);
  GstSegment seg;
  gst_segment_init(&seg, GST_FORMAT_TIME);
  fail_unless(gst_harness_push_event(h, gst_event_new_segment(&seg)));
  auto pcm = read_wav("hello.wav");
  push_audio(h, pcm, 16000, 0, 100000, 0);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  /* Every word went out with its stream-start and caps in place. */
  assert_words(pull_all_text(h), e.words(), 0);
  GstEvent *caps = gst_pad_get_sticky_event(src, GST_EVENT_CAPS, 0);
  fail_unless(caps != nullptr, "the CAPS queued before the flush was lost");
  gst_event_unref(caps);
  GstEvent *ss = gst_pad_get_sticky_event(src, GST_EVENT_STREAM_START, 0);
  fail_unless(ss != nullptr);
  gst_event_unref(ss);
  gst_object_unref(src);
  gst_harness_teardown(h);
}
GST_END_TEST;

/* A segment that only moves the position (a seamless segment update)
 * changes nothing for the words in flight: the session goes on. */
GST_START_TEST(test_segment_update_keeps_session)
{
  Emu e;
  GstHarness *h = new_harness(e);
  gst_harness_set_src_caps_str(h, kCaps16k);
  auto pcm = read_wav("hello.wav");
  push_audio(h, pcm, 16000, 0, 1500, 0);
  GstSegment seg;
  gst_segment_init(&seg, GST_FORMAT_TIME);
  seg.position = 1500 * GST_MSECOND;
  seg.duration = 10 * GST_SECOND;
  fail_unless(gst_harness_push_event(h, gst_event_new_segment(&seg)));
  push_audio(h, pcm, 16000, 1500, 100000, 1500 * GST_MSECOND);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  assert_words(pull_all_text(h), e.words(), 0);
  fail_unless_equals_int(e.emu.sessions().size(), 1);
  gst_harness_teardown(h);
}
GST_END_TEST;

/* ---- clock-driven: GAPs and late words (live upstream, test clock) ---- */

/* Cranks the test clock until the src pad's GAPs reach @until; returns
 * the end of the last GAP seen. */
GstClockTime crank_gaps_until(GstHarness *h,
                              GstClockTime until,
                              std::vector<GstEvent *> *gaps)
{
  GstClockTime end = 0;
  for (int i = 0; i < 400 && end < until; i++) {
    fail_unless(gst_harness_crank_single_clock_wait(h));
    for (GstEvent *ev : pull_all_events(h)) {
      if (GST_EVENT_TYPE(ev) == GST_EVENT_GAP) {
        GstClockTime ts, dur;
        gst_event_parse_gap(ev, &ts, &dur);
        if (dur > 0) {
          /* Contiguous: each GAP starts where the last one ended. */
          fail_unless_equals_uint64(ts, end);
          end = ts + dur;
          gaps->push_back(ev);
          continue;
        }
      }
      gst_event_unref(ev);
    }
  }
  fail_unless(end >= until, "GAPs stopped at %" GST_TIME_FORMAT,
              GST_TIME_ARGS(end));
  return end;
}

GstHarness *new_live_harness(const Emu &e, const char *props)
{
  GstHarness *h = new_harness(e, props);
  gst_harness_use_testclock(h);
  gst_harness_set_live(h, TRUE);
  gst_harness_set_src_caps_str(h, kCaps16k);
  return h;
}

GST_START_TEST(test_gaps_through_silence)
{
  Emu e;
  GstHarness *h = new_live_harness(e, "latency=1000");
  /* 400 ms of audio before the first word: the text side is silent, and
   * time must still move on downstream. */
  auto pcm = read_wav("hello.wav");
  push_audio(h, pcm, 16000, 0, 400, 0);
  std::vector<GstEvent *> gaps;
  crank_gaps_until(h, 3 * GST_SECOND, &gaps);
  /* No GAP is pushed before its deadline: running time + latency. */
  GstClockTime now = gst_clock_get_time(GST_ELEMENT_CLOCK(h->element));
  GstClockTime ts, dur;
  gst_event_parse_gap(gaps.back(), &ts, &dur);
  fail_unless(ts + dur + GST_SECOND <= now + 100 * GST_MSECOND);
  unref_all(gaps);
  fail_unless(gst_harness_try_pull(h) == nullptr);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_late_word_restamped)
{
  Emu e;
  GstHarness *h = new_live_harness(e, "latency=500");
  auto pcm = read_wav("hello.wav");
  /* Audio up to 1 s: "hello" (0.5-1.009 s) is not final yet. Time then
   * passes beyond its deadline, so its position is declared empty. */
  push_audio(h, pcm, 16000, 0, 1000, 0);
  std::vector<GstEvent *> gaps;
  GstClockTime covered = crank_gaps_until(h, 1200 * GST_MSECOND, &gaps);
  unref_all(gaps);
  push_audio(h, pcm, 16000, 1000, 100000, GST_SECOND);
  GstBuffer *b = gst_harness_pull(h);
  fail_unless(b != nullptr);
  /* Restamped to the earliest free position, duration kept, counted. */
  fail_unless(GST_BUFFER_PTS(b) >= covered);
  fail_unless_equals_uint64(GST_BUFFER_DURATION(b), 509 * GST_MSECOND);
  gst_buffer_unref(b);
  guint64 late = 0;
  g_object_get(h->element, "late-words", &late, nullptr);
  fail_unless(late >= 1);
  gst_harness_teardown(h);
}
GST_END_TEST;

/* ---- the latency query in PAUSED, before any connection ---- */

void check_latency(bool live_src,
                   const char *props,
                   bool want_live,
                   GstClockTime want_add)
{
  std::string desc = std::string(
                         "fakesrc name=src format=time num-buffers=0 "
                         "is-live=") +
                     (live_src ? "true" : "false") + " ! " + kCaps16k +
                     " ! assemblyaitranscriber name=t "
                     "url=ws://127.0.0.1:9/v3/ws api-key=k " +
                     props + " ! fakesink async=false";
  GstElement *p = launch(desc);
  gst_element_set_state(p, GST_STATE_PAUSED);
  gst_element_get_state(p, nullptr, nullptr, 10 * GST_SECOND);
  GstElement *t = gst_bin_get_by_name(GST_BIN(p), "t");
  GstElement *src = gst_bin_get_by_name(GST_BIN(p), "src");
  GstPad *srcpad = gst_element_get_static_pad(src, "src");
  GstPad *tpad = gst_element_get_static_pad(t, "src");
  GstQuery *up = gst_query_new_latency();
  fail_unless(gst_pad_query(srcpad, up));
  gboolean ulive;
  GstClockTime umin, umax;
  gst_query_parse_latency(up, &ulive, &umin, &umax);
  GstQuery *q = gst_query_new_latency();
  fail_unless(gst_pad_query(tpad, q));
  gboolean live;
  GstClockTime min, max;
  gst_query_parse_latency(q, &live, &min, &max);
  fail_unless_equals_int(live, want_live);
  fail_unless_equals_uint64(min, umin + want_add);
  if (GST_CLOCK_TIME_IS_VALID(umax)) {
    fail_unless_equals_uint64(max, umax + want_add);
  } else {
    fail_if(GST_CLOCK_TIME_IS_VALID(max));
  }
  gst_query_unref(q);
  gst_query_unref(up);
  gst_object_unref(tpad);
  gst_object_unref(srcpad);
  gst_object_unref(src);
  gst_object_unref(t);
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(p);
}

GST_START_TEST(test_latency_query_in_paused)
{
  /* Live upstream: latency added to min and max. */
  check_latency(true, "latency=3000", true, 3 * GST_SECOND);
  /* Not live, not paced: upstream's answer passes through. */
  check_latency(false, "latency=3000 pace=false", false, 0);
  /* Not live but paced: still not live (a synchronised sink elsewhere in
   * the pipeline must not be delayed by the latency). */
  check_latency(false, "latency=2500", false, 0);
}
GST_END_TEST;

/* ---- real pipelines ---- */

struct Cue {
  std::string text;
  GstClockTime pts, duration;
};

/* Runs @desc to EOS (failing on an error); returns the bus's EOS. */
void run_to_eos(GstElement *p, int timeout_s = 60)
{
  GstBus *bus = gst_element_get_bus(p);
  fail_unless(gst_element_set_state(p, GST_STATE_PLAYING) !=
              GST_STATE_CHANGE_FAILURE);
  GstMessage *m = gst_bus_timed_pop_filtered(
      bus, timeout_s * GST_SECOND,
      static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  fail_unless(m != nullptr, "no EOS within %d s", timeout_s);
  if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
    GError *err = nullptr;
    gchar *dbg = nullptr;
    gst_message_parse_error(m, &err, &dbg);
    fail_unless(FALSE, "error: %s (%s)", err->message, dbg);
  }
  gst_message_unref(m);
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(bus);
}

/* Reads a subtitle file back with subparse. */
std::vector<Cue> read_subtitles(const std::string &path)
{
  GstElement *p = launch("filesrc location=\"" + path +
                         "\" ! subparse ! appsink name=out sync=false");
  GstElement *sink = gst_bin_get_by_name(GST_BIN(p), "out");
  gst_element_set_state(p, GST_STATE_PLAYING);
  std::vector<Cue> cues;
  while (GstSample *s = gst_app_sink_try_pull_sample(GST_APP_SINK(sink),
                                                     10 * GST_SECOND)) {
    GstBuffer *b = gst_sample_get_buffer(s);
    GstMapInfo m;
    gst_buffer_map(b, &m, GST_MAP_READ);
    cues.push_back({std::string(reinterpret_cast<char *>(m.data), m.size),
                    GST_BUFFER_PTS(b), GST_BUFFER_DURATION(b)});
    gst_buffer_unmap(b, &m);
    gst_sample_unref(s);
  }
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(p);
  return cues;
}

void check_subtitle_file(const char *encoder, const char *ext)
{
  Emu e;
  gchar *dir = g_dir_make_tmp("aai-XXXXXX", nullptr);
  std::string out = std::string(dir) + "/hello." + ext;
  GstElement *p =
      launch("filesrc location=\"" + data_path("hello.wav") +
             "\" ! wavparse ! assemblyaitranscriber name=t pace=false "
             "format-turns=true api-key=" +
             kKey + " url=" + e.emu.ws_url() + " t.caption_src ! " + encoder +
             " ! filesink location=\"" + out + "\"");
  run_to_eos(p);
  gst_object_unref(p);
  std::vector<Cue> cues = read_subtitles(out);
  /* One cue per scripted sentence: the formatted text, from its first
   * word's start to its last word's end. */
  fail_unless_equals_int(cues.size(), e.script.turns.size());
  for (size_t i = 0; i < cues.size(); i++) {
    const auto &turn = e.script.turns[i];
    std::string formatted;
    for (const auto &w : turn.words)
      formatted += (formatted.empty() ? "" : " ") + w.formatted;
    fail_unless_equals_string(cues[i].text.c_str(), formatted.c_str());
    fail_unless_equals_uint64(cues[i].pts,
                              turn.words.front().start * GST_MSECOND);
    fail_unless_equals_uint64(cues[i].pts + cues[i].duration,
                              turn.words.back().end * GST_MSECOND);
  }
  g_unlink(out.c_str());
  g_rmdir(dir);
  g_free(dir);
}

GST_START_TEST(test_srt_file)
{
  check_subtitle_file("srtenc", "srt");
}
GST_END_TEST;

GST_START_TEST(test_webvtt_file)
{
  check_subtitle_file("webvttenc", "vtt");
}
GST_END_TEST;

struct Shown {
  std::mutex lock;
  std::string text; /* every cue textoverlay got, joined by spaces */
};

GstPadProbeReturn collect_text(GstPad *, GstPadProbeInfo *info, gpointer data)
{
  auto *shown = static_cast<Shown *>(data);
  GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
  GstMapInfo m;
  if (gst_buffer_map(b, &m, GST_MAP_READ)) {
    std::lock_guard<std::mutex> l(shown->lock);
    std::string t(reinterpret_cast<char *>(m.data), m.size);
    for (char &c : t)
      if (c == '\n')
        c = ' ';
    shown->text += (shown->text.empty() ? "" : " ") + t;
    gst_buffer_unmap(b, &m);
  }
  return GST_PAD_PROBE_OK;
}

GST_START_TEST(test_textoverlay_runs_to_eos)
{
  /* Paced (the default): the element is live downstream, its GAPs keep
   * textoverlay's video moving while nobody speaks, and cues whose words
   * come slowly are shown at their deadline rather than late. */
  Emu e;
  GstElement *p = launch(
      "filesrc location=\"" + data_path("hello.wav") +
      "\" ! wavparse ! assemblyaitranscriber name=t latency=1000 api-key=" +
      kKey + " url=" + e.emu.ws_url() +
      " videotestsrc num-buffers=60 ! video/x-raw,framerate=10/1 ! "
      "textoverlay name=o ! fakesink sync=true t.caption_src ! o.text_sink");
  GstElement *o = gst_bin_get_by_name(GST_BIN(p), "o");
  GstPad *text_sink = gst_element_get_static_pad(o, "text_sink");
  Shown shown;
  gst_pad_add_probe(text_sink, GST_PAD_PROBE_TYPE_BUFFER, collect_text, &shown,
                    nullptr);
  run_to_eos(p);
  std::string want;
  for (const auto &w : e.words())
    want += (want.empty() ? "" : " ") + w.text;
  fail_unless_equals_string(shown.text.c_str(), want.c_str());
  gst_object_unref(text_sink);
  gst_object_unref(o);
  gst_object_unref(p);
}
GST_END_TEST;

struct Arrivals {
  GstElement *pipeline;
  std::vector<GstClockTime> lateness; /* arrival rt - buffer rt */
  std::mutex lock;
};

GstPadProbeReturn record_arrival(GstPad *pad,
                                 GstPadProbeInfo *info,
                                 gpointer data)
{
  auto *a = static_cast<Arrivals *>(data);
  GstBuffer *b = GST_PAD_PROBE_INFO_BUFFER(info);
  GstEvent *ev = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
  const GstSegment *seg;
  gst_event_parse_segment(ev, &seg);
  GstClockTime rt =
      gst_segment_to_running_time(seg, GST_FORMAT_TIME, GST_BUFFER_PTS(b));
  gst_event_unref(ev);
  GstClock *clock = gst_element_get_clock(a->pipeline);
  GstClockTime now =
      gst_clock_get_time(clock) - gst_element_get_base_time(a->pipeline);
  gst_object_unref(clock);
  std::lock_guard<std::mutex> l(a->lock);
  a->lateness.push_back(now > rt ? now - rt : 0);
  return GST_PAD_PROBE_OK;
}

GST_START_TEST(test_live_source_within_latency)
{
  Emu e;
  GstElement *p =
      launch(std::string("audiotestsrc is-live=true wave=silence "
                         "samplesperbuffer=1600 num-buffers=30 ! ") +
             kCaps16k +
             " ! assemblyaitranscriber name=t latency=2000 api-key=" + kKey +
             " url=" + e.emu.ws_url() +
             /* sync=false: the probe sees when a word is ready, not when a
              * synchronising sink lets the previous one go. */
             " ! fakesink sync=false");
  Arrivals a;
  a.pipeline = p;
  GstElement *t = gst_bin_get_by_name(GST_BIN(p), "t");
  GstPad *src = gst_element_get_static_pad(t, "src");
  gst_pad_add_probe(src, GST_PAD_PROBE_TYPE_BUFFER, record_arrival, &a,
                    nullptr);
  run_to_eos(p);
  /* "hello" and "world" are final within the 3 s; each was pushed before
   * its running time + latency. */
  fail_unless(a.lateness.size() >= 2);
  for (GstClockTime l : a.lateness)
    fail_unless(l <= 2 * GST_SECOND, "word arrived %" GST_TIME_FORMAT " late",
                GST_TIME_ARGS(l));
  guint64 late = 1;
  g_object_get(t, "late-words", &late, nullptr);
  fail_unless_equals_uint64(late, 0);
  gst_object_unref(src);
  gst_object_unref(t);
  gst_object_unref(p);
}
GST_END_TEST;

GST_START_TEST(test_unlinked_pads_reach_eos)
{
  Emu e;
  GstElement *p = launch("filesrc location=\"" + data_path("hello.wav") +
                         "\" ! wavparse ! assemblyaitranscriber pace=false "
                         "api-key=" +
                         kKey + " url=" + e.emu.ws_url());
  GstBus *bus = gst_element_get_bus(p);
  gst_element_set_state(p, GST_STATE_PLAYING);
  int turns = 0;
  for (;;) {
    GstMessage *m = gst_bus_timed_pop_filtered(
        bus, 60 * GST_SECOND,
        static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR |
                                    GST_MESSAGE_ELEMENT));
    fail_unless(m != nullptr, "no EOS");
    GstMessageType type = GST_MESSAGE_TYPE(m);
    if (is_end_of_turn(m))
      turns++;
    fail_if(type == GST_MESSAGE_ERROR);
    gst_message_unref(m);
    if (type == GST_MESSAGE_EOS)
      break;
  }
  fail_unless(turns >= static_cast<int>(e.script.turns.size()));
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(p);
}
GST_END_TEST;

/* Caption cues of counting.wav (speakers A, B, A) with speaker-labels:
 * every change of speaker starts a cue marked with @marker. */
std::vector<std::string> speaker_cues(const char *marker_prop)
{
  Emu e("counting.json");
  GstElement *p =
      launch("filesrc location=\"" + data_path("counting.wav") +
             "\" ! wavparse ! assemblyaitranscriber name=t pace=false "
             "format-turns=true speaker-labels=true " +
             marker_prop + " api-key=" + kKey + " url=" + e.emu.ws_url() +
             " t.caption_src ! appsink name=out sync=false");
  GstElement *sink = gst_bin_get_by_name(GST_BIN(p), "out");
  gst_element_set_state(p, GST_STATE_PLAYING);
  std::vector<std::string> cues;
  while (GstSample *s = gst_app_sink_try_pull_sample(GST_APP_SINK(sink),
                                                     60 * GST_SECOND)) {
    GstMapInfo m;
    GstBuffer *b = gst_sample_get_buffer(s);
    fail_unless(gst_buffer_map(b, &m, GST_MAP_READ));
    cues.emplace_back(reinterpret_cast<char *>(m.data), m.size);
    gst_buffer_unmap(b, &m);
    gst_sample_unref(s);
  }
  fail_unless(gst_app_sink_is_eos(GST_APP_SINK(sink)), "no EOS");
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(sink);
  gst_object_unref(p);
  return cues;
}

GST_START_TEST(test_speaker_change_marks_caption)
{
  std::vector<std::string> cues = speaker_cues("");
  fail_unless_equals_int(cues.size(), 3);
  fail_unless_equals_string(cues[0].c_str(), ">> One, two, three.");
  fail_unless_equals_string(cues[1].c_str(), ">> Four, five, six.");
  fail_unless_equals_string(cues[2].c_str(), ">> Seven, eight, nine, ten.");
  cues = speaker_cues("caption-speaker-marker=\"- \"");
  fail_unless_equals_int(cues.size(), 3);
  fail_unless_equals_string(cues[1].c_str(), "- Four, five, six.");
}
GST_END_TEST;

}  // namespace

static Suite *transcriber_suite(void)
{
  Suite *s = suite_create("transcriber");
  TCase *tc = tcase_create("words");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_word_timestamps_exact);
  tcase_add_test(tc, test_gap_and_segment_start);
  tcase_add_test(tc, test_sticky_events_in_order);
  tcase_add_test(tc, test_format_change_mid_stream);
  tcase_add_loop_test(tc, test_flushing_seek, 0, 10);
  tcase_add_test(tc, test_sticky_events_survive_flush);
  tcase_add_test(tc, test_segment_update_keeps_session);
  TCase *clk = tcase_create("clock");
  suite_add_tcase(s, clk);
  tcase_add_test(clk, test_gaps_through_silence);
  tcase_add_test(clk, test_late_word_restamped);
  tcase_add_test(clk, test_latency_query_in_paused);
  TCase *pipes = tcase_create("pipelines");
  suite_add_tcase(s, pipes);
  tcase_add_test(pipes, test_srt_file);
  tcase_add_test(pipes, test_webvtt_file);
  tcase_add_test(pipes, test_textoverlay_runs_to_eos);
  tcase_add_test(pipes, test_live_source_within_latency);
  tcase_add_test(pipes, test_unlinked_pads_reach_eos);
  tcase_add_test(pipes, test_speaker_change_marks_caption);
  return s;
}

GST_CHECK_MAIN(transcriber);
