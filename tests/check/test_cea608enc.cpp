/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* assemblyaicea608enc as an element: the output format it picks from what
 * downstream takes (and the error when nothing fits), one buffer per frame
 * from the segment start with no holes, frames that wait for the input
 * (words and GAPs), the LATENCY answer, the counters and the warning for
 * late words, the flush, and the raw, s334-1a and cdp packings read back
 * by GStreamer's own ccconverter. Driven by GstHarness: no clock, no
 * network. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>
#include <gst/check/gstharness.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace
{

const char *kText = "text/x-raw, format=(string)utf8";

/* A harness around the element itself; @props: "name=value ...". */
GstHarness *new_harness(const char *props, const char *sink_caps)
{
  GstHarness *h = gst_harness_new("assemblyaicea608enc");
  if (props && *props) {
    gchar **pairs = g_strsplit(props, " ", -1);
    for (gchar **kv = pairs; *kv; kv++) {
      gchar **nv = g_strsplit(*kv, "=", 2);
      gst_util_set_object_arg(G_OBJECT(h->element), nv[0], nv[1]);
      g_strfreev(nv);
    }
    g_strfreev(pairs);
  }
  if (sink_caps)
    gst_harness_set_sink_caps_str(h, sink_caps);
  return h;
}

void push_word(GstHarness *h,
               const char *text,
               GstClockTime pts,
               GstClockTime duration)
{
  GstBuffer *b = gst_buffer_new_memdup(text, strlen(text));
  GST_BUFFER_PTS(b) = pts;
  GST_BUFFER_DURATION(b) = duration;
  fail_unless_equals_int(gst_harness_push(h, b), GST_FLOW_OK);
}

void push_gap(GstHarness *h, GstClockTime ts, GstClockTime duration)
{
  fail_unless(gst_harness_push_event(h, gst_event_new_gap(ts, duration)));
}

void push_segment(GstHarness *h, GstClockTime start)
{
  GstSegment seg;
  gst_segment_init(&seg, GST_FORMAT_TIME);
  seg.start = seg.time = start;
  fail_unless(gst_harness_push_event(h, gst_event_new_segment(&seg)));
}

struct Frame {
  GstClockTime pts, duration;
  std::vector<uint8_t> bytes;
};

std::vector<Frame> pull_frames(GstHarness *h)
{
  std::vector<Frame> out;
  while (GstBuffer *b = gst_harness_try_pull(h)) {
    GstMapInfo m;
    fail_unless(gst_buffer_map(b, &m, GST_MAP_READ));
    out.push_back({GST_BUFFER_PTS(b), GST_BUFFER_DURATION(b),
                   std::vector<uint8_t>(m.data, m.data + m.size)});
    gst_buffer_unmap(b, &m);
    gst_buffer_unref(b);
  }
  return out;
}

/* The field-1 pairs of cc_data frames (valid triplets, cc_type 0), with
 * the frame each came in. */
std::vector<std::pair<size_t, std::pair<uint8_t, uint8_t>>> field1_pairs(
    const std::vector<Frame> &frames)
{
  std::vector<std::pair<size_t, std::pair<uint8_t, uint8_t>>> out;
  for (size_t i = 0; i < frames.size(); i++) {
    const auto &b = frames[i].bytes;
    for (size_t k = 0; k + 2 < b.size(); k += 3)
      if ((b[k] & 0x07) == 0x04 && (b[k + 1] != 0x80 || b[k + 2] != 0x80))
        out.push_back({i, {b[k + 1], b[k + 2]}});
  }
  return out;
}

/* The printable characters the pairs carry, in order. */
std::string text_of(
    const std::vector<std::pair<size_t, std::pair<uint8_t, uint8_t>>> &pairs)
{
  std::string s;
  for (auto &p : pairs) {
    uint8_t b1 = p.second.first & 0x7f, b2 = p.second.second & 0x7f;
    if (b1 < 0x20)
      continue;
    s += static_cast<char>(b1);
    if (b2 >= 0x20)
      s += static_cast<char>(b2);
  }
  return s;
}

std::string current_caps(GstHarness *h)
{
  GstCaps *caps = gst_pad_get_current_caps(h->sinkpad);
  fail_unless(caps != nullptr);
  gchar *s = gst_caps_to_string(caps);
  std::string out(s);
  g_free(s);
  gst_caps_unref(caps);
  return out;
}

/* ---- negotiation ------------------------------------------------------- */

GST_START_TEST(test_output_format_choice)
{
  struct {
    const char *downstream;
    const char *want;
  } cases[] = {
      /* x264enc writes only cc_data as A/53: preferred. */
      {"closedcaption/x-cea-708; closedcaption/x-cea-608",
       "closedcaption/x-cea-708, format=(string)cc_data, "
       "framerate=(fraction)30000/1001"},
      /* qtmux's caption pads. */
      {"closedcaption/x-cea-608, format=s334-1a; "
       "closedcaption/x-cea-708, format=cdp",
       "closedcaption/x-cea-608, format=(string)s334-1a, "
       "framerate=(fraction)30000/1001"},
      {"closedcaption/x-cea-608, format=raw, framerate=25/1",
       "closedcaption/x-cea-608, format=(string)raw, "
       "framerate=(fraction)25/1"},
      {"closedcaption/x-cea-708, format=cdp, framerate=60000/1001",
       "closedcaption/x-cea-708, format=(string)cdp, "
       "framerate=(fraction)60000/1001"},
  };
  for (auto &c : cases) {
    GstHarness *h = new_harness(nullptr, c.downstream);
    gst_harness_set_src_caps_str(h, kText);
    std::string got = current_caps(h);
    fail_unless_equals_string(got.c_str(), c.want);
    gst_harness_teardown(h);
  }
}
GST_END_TEST;

GstMessage *error_of(GstHarness *h, const char *caps)
{
  GstBus *bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  gst_harness_set_sink_caps_str(h, caps);
  GstEvent *stream_start = gst_event_new_stream_start("test");
  gst_harness_push_event(h, stream_start);
  GstCaps *text = gst_caps_from_string(kText);
  gst_harness_push_event(h, gst_event_new_caps(text));
  gst_caps_unref(text);
  GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  return m;
}

GST_START_TEST(test_no_format_downstream_takes)
{
  const struct {
    const char *props;
    const char *caps;
  } cases[] = {
      {"", "video/x-raw"},
      /* Raw is field 1 only: CC3 cannot go there. */
      {"channel=cc3", "closedcaption/x-cea-608, format=raw"},
  };
  for (auto &c : cases) {
    GstHarness *h = new_harness(c.props, nullptr);
    GstMessage *m = error_of(h, c.caps);
    fail_unless(m != nullptr, "no error for %s", c.caps);
    GError *err = nullptr;
    gchar *dbg = nullptr;
    gst_message_parse_error(m, &err, &dbg);
    fail_unless(
        g_error_matches(err, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION), "%s",
        err->message);
    fail_unless(strstr(dbg, "ccconverter") != nullptr, "%s", dbg);
    g_error_free(err);
    g_free(dbg);
    gst_message_unref(m);
    gst_harness_teardown(h);
  }
}
GST_END_TEST;

/* ---- frames ------------------------------------------------------------ */

GST_START_TEST(test_frames_from_segment_start)
{
  /* Segment from 10 s; 29.97 fps; the default hold of 300 ms. */
  GstHarness *h = new_harness(nullptr, "closedcaption/x-cea-708");
  gst_harness_set_src_caps_str(h, kText);
  push_segment(h, 10 * GST_SECOND);
  /* The input reaches 10.5 s: frames starting before 10.2 s can go. */
  push_gap(h, 10 * GST_SECOND, 500 * GST_MSECOND);
  std::vector<Frame> f = pull_frames(h);
  fail_unless_equals_int(f.size(), 6); /* 0..5: 6 * 33.37 ms > 200 ms */
  /* A word at 11 s, then time on to 13 s. */
  push_word(h, "hi", 11 * GST_SECOND, 300 * GST_MSECOND);
  push_gap(h, 11300 * GST_MSECOND, 1700 * GST_MSECOND);
  std::vector<Frame> g = pull_frames(h);
  f.insert(f.end(), g.begin(), g.end());
  /* No holes: each frame starts where the last one ended, frame N at
   * 10 s + N * 1001/30000 s. */
  for (size_t i = 0; i < f.size(); i++) {
    fail_unless_equals_uint64(
        f[i].pts,
        10 * GST_SECOND + gst_util_uint64_scale(i, 1001 * GST_SECOND, 30000));
    if (i > 0)
      fail_unless_equals_uint64(f[i - 1].pts + f[i - 1].duration, f[i].pts);
    fail_unless_equals_int(f[i].bytes.size(), 3);
  }
  fail_unless(f.back().pts < 12700 * GST_MSECOND);
  /* The word's characters: not before 11 s. */
  auto pairs = field1_pairs(f);
  std::string text = text_of(pairs);
  fail_unless_equals_string(text.c_str(), "hi");
  for (auto &p : pairs)
    if ((p.second.first & 0x7f) >= 0x20)
      fail_unless(f[p.first].pts >= 11 * GST_SECOND);
  /* EOS sends the rest, up to the erase 5 s after the word. */
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  std::vector<Frame> rest = pull_frames(h);
  fail_unless(!rest.empty());
  fail_unless(rest.back().pts >= 16 * GST_SECOND);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_flush_erases_the_screen)
{
  GstHarness *h = new_harness("latency=0", "closedcaption/x-cea-708");
  gst_harness_set_src_caps_str(h, kText);
  push_word(h, "before", 0, 300 * GST_MSECOND);
  push_gap(h, 300 * GST_MSECOND, GST_SECOND);
  pull_frames(h);
  fail_unless(gst_harness_push_event(h, gst_event_new_flush_start()));
  fail_unless(gst_harness_push_event(h, gst_event_new_flush_stop(TRUE)));
  push_segment(h, 0);
  push_gap(h, 0, 500 * GST_MSECOND);
  auto pairs = field1_pairs(pull_frames(h));
  /* EDM twice, first thing after the flush. */
  fail_unless(pairs.size() >= 2);
  fail_unless_equals_int(pairs[0].second.first, 0x94);
  fail_unless_equals_int(pairs[0].second.second, 0x2c);
  fail_unless(pairs[1].second == pairs[0].second);
  fail_unless_equals_int(pairs[0].first, 0);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_counters_and_late_warning)
{
  GstHarness *h = new_harness("latency=0", "closedcaption/x-cea-708");
  GstBus *bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  gst_harness_set_src_caps_str(h, kText);
  /* 12 words in 240 ms: 72 characters where the channel carries 14. */
  for (int i = 0; i < 12; i++)
    push_word(h, "burst", (100 + 20 * i) * GST_MSECOND, 20 * GST_MSECOND);
  /* Two characters the 608 sets lack. */
  push_word(h, "don\u2019t\U0001F600", 400 * GST_MSECOND, 10 * GST_MSECOND);
  /* Time passes to 2 s; a word for 1 s is late. */
  push_gap(h, 410 * GST_MSECOND, 1590 * GST_MSECOND);
  push_word(h, "late", GST_SECOND, 100 * GST_MSECOND);
  guint64 late = 0, queued = 0, subs = 0;
  g_object_get(h->element, "late-words", &late, "queued-words", &queued,
               "substitutions", &subs, nullptr);
  fail_unless_equals_uint64(late, 1);
  fail_unless(queued >= 10, "queued %" G_GUINT64_FORMAT, queued);
  fail_unless_equals_uint64(subs, 2);
  GstMessage *w = gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING);
  fail_unless(w != nullptr);
  GError *err = nullptr;
  gst_message_parse_warning(w, &err, nullptr);
  fail_unless(g_error_matches(err, GST_CORE_ERROR, GST_CORE_ERROR_CLOCK));
  g_error_free(err);
  gst_message_unref(w);
  /* Nothing dropped: every word comes out, in order. */
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  std::string text = text_of(field1_pairs(pull_frames(h)));
  std::string want;
  for (int i = 0; i < 12; i++)
    want += (want.empty() ? "" : " ") + std::string("burst");
  want += " don't? late";
  /* Lines wrap at 32 columns without the space. */
  std::string flat = text, wflat = want;
  flat.erase(std::remove(flat.begin(), flat.end(), ' '), flat.end());
  wflat.erase(std::remove(wflat.begin(), wflat.end(), ' '), wflat.end());
  fail_unless_equals_string(flat.c_str(), wflat.c_str());
  gst_element_set_bus(h->element, nullptr);
  gst_object_unref(bus);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_events_pass_through)
{
  GstHarness *h = new_harness(nullptr, "closedcaption/x-cea-708");
  gst_harness_set_src_caps_str(h, kText);
  fail_unless(gst_harness_push_event(
      h, gst_event_new_custom(
             GST_EVENT_CUSTOM_DOWNSTREAM,
             gst_structure_new_empty("rstranscribe/final-transcript"))));
  fail_unless(gst_harness_push_event(
      h, gst_event_new_custom(
             GST_EVENT_CUSTOM_DOWNSTREAM,
             gst_structure_new("rstranscribe/speaker-change", "speaker",
                               G_TYPE_STRING, "A", nullptr))));
  int custom = 0;
  while (GstEvent *e = gst_harness_try_pull_event(h)) {
    custom += GST_EVENT_TYPE(e) == GST_EVENT_CUSTOM_DOWNSTREAM;
    /* Our frames fill the time: no GAP goes downstream. */
    fail_if(GST_EVENT_TYPE(e) == GST_EVENT_GAP);
    gst_event_unref(e);
  }
  fail_unless_equals_int(custom, 2);
  gst_harness_teardown(h);
}
GST_END_TEST;

/* ---- latency ------------------------------------------------------------ */

GstClockTime latency_added(const char *props)
{
  std::string desc =
      std::string(
          "fakesrc is-live=true format=time num-buffers=0 ! "
          "text/x-raw,format=utf8 ! assemblyaicea608enc name=e ") +
      props + " ! fakesink async=false";
  GError *err = nullptr;
  GstElement *p = gst_parse_launch(desc.c_str(), &err);
  fail_unless(p != nullptr);
  gst_element_set_state(p, GST_STATE_PAUSED);
  gst_element_get_state(p, nullptr, nullptr, 10 * GST_SECOND);
  GstElement *e = gst_bin_get_by_name(GST_BIN(p), "e");
  GstPad *src = gst_element_get_static_pad(e, "src");
  GstPad *sink = gst_element_get_static_pad(e, "sink");
  GstQuery *up = gst_query_new_latency();
  fail_unless(gst_pad_peer_query(sink, up));
  GstQuery *q = gst_query_new_latency();
  fail_unless(gst_pad_query(src, q));
  gboolean live, ulive;
  GstClockTime min, max, umin, umax;
  gst_query_parse_latency(up, &ulive, &umin, &umax);
  gst_query_parse_latency(q, &live, &min, &max);
  fail_unless(live && ulive);
  if (GST_CLOCK_TIME_IS_VALID(umax))
    fail_unless_equals_uint64(max - umax, min - umin);
  gst_query_unref(q);
  gst_query_unref(up);
  gst_object_unref(sink);
  gst_object_unref(src);
  gst_object_unref(e);
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(p);
  return min - umin;
}

GST_START_TEST(test_latency_query)
{
  /* Roll-up holds its frames (300 ms by default); pop-on waits in the
   * timestamps and adds nothing. */
  fail_unless_equals_uint64(latency_added(""), 300 * GST_MSECOND);
  fail_unless_equals_uint64(latency_added("latency=1000"), GST_SECOND);
  fail_unless_equals_uint64(latency_added("mode=paint-on latency=200"),
                            200 * GST_MSECOND);
  fail_unless_equals_uint64(latency_added("mode=pop-on latency=5000"), 0);
}
GST_END_TEST;

/* ---- packings, read by ccconverter ------------------------------------ */

/* The field-1 pairs of the text "caption test" through
 * "assemblyaicea608enc ! @caps ! ccconverter ! cc_data". */
std::vector<std::pair<uint8_t, uint8_t>> through_ccconverter(const char *caps)
{
  std::string desc = std::string("assemblyaicea608enc latency=0 ! ") + caps +
                     " ! ccconverter ! capsfilter "
                     "caps=closedcaption/x-cea-708,format=cc_data";
  GstHarness *h = gst_harness_new_parse(desc.c_str());
  gst_harness_set_src_caps_str(h, kText);
  push_word(h, "caption", 0, 300 * GST_MSECOND);
  push_word(h, "t\u00e9st\u266a", 400 * GST_MSECOND, 300 * GST_MSECOND);
  fail_unless(gst_harness_push_event(h, gst_event_new_eos()));
  std::vector<std::pair<uint8_t, uint8_t>> out;
  for (auto &p : field1_pairs(pull_frames(h)))
    out.push_back(p.second);
  gst_harness_teardown(h);
  return out;
}

GST_START_TEST(test_packings_read_by_ccconverter)
{
  /* The same pairs whichever packing carried them to ccconverter. */
  auto want = through_ccconverter(
      "closedcaption/x-cea-708,format=cc_data,framerate=30000/1001");
  fail_unless(want.size() > 8);
  for (const char *caps :
       {"closedcaption/x-cea-608,format=raw,framerate=30000/1001",
        "closedcaption/x-cea-608,format=s334-1a,framerate=30000/1001",
        "closedcaption/x-cea-708,format=cdp,framerate=30000/1001"}) {
    auto got = through_ccconverter(caps);
    fail_unless_equals_int(got.size(), want.size());
    for (size_t i = 0; i < want.size(); i++)
      fail_unless(got[i] == want[i], "%s: pair %zu", caps, i);
  }
}
GST_END_TEST;

}  // namespace

static Suite *cea608enc_suite(void)
{
  Suite *s = suite_create("cea608enc");
  TCase *tc = tcase_create("element");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_output_format_choice);
  tcase_add_test(tc, test_no_format_downstream_takes);
  tcase_add_test(tc, test_frames_from_segment_start);
  tcase_add_test(tc, test_flush_erases_the_screen);
  tcase_add_test(tc, test_counters_and_late_warning);
  tcase_add_test(tc, test_events_pass_through);
  tcase_add_test(tc, test_latency_query);
  tcase_add_test(tc, test_packings_read_by_ccconverter);
  return s;
}

GST_CHECK_MAIN(cea608enc);
