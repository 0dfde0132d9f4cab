/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* How applications hold the elements: live pipelines switched PLAYING ->
 * NULL at any moment, bus sync handlers that read properties while an
 * error is posted, and handlers that block. Run under the leaks tracer and
 * AddressSanitizer like every suite: no crash, no leak, no hang. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/check/gstcheck.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "emulator.h"
#include "test_pipeline.h"

namespace
{

const char *kElements[] = {"assemblyaisink", "assemblyaitranscriber"};

std::string live_pipeline(const char *element, const std::string &url)
{
  return std::string(
             "audiotestsrc is-live=true samplesperbuffer=800 ! "
             "audio/x-raw,format=S16LE,rate=16000,channels=1 ! ") +
         element + " name=el api-key=test-key url=\"" + url + "\"" +
         (g_str_equal(element, "assemblyaitranscriber") ? " ! fakesink" : "");
}

/* Fresh live pipelines set PLAYING and, after a random short while (the
 * stimulus, from a fixed seed), NULL again: a session is connecting,
 * beginning, streaming or closing at that moment, its timers and callbacks
 * still in flight on the I/O thread. */
void cycle(const char *element, int n)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  GRand *rand = g_rand_new_with_seed(0x5eed + n);
  for (int i = 0; i < n; i++) {
    GstElement *p = launch(live_pipeline(element, emu.ws_url()));
    gst_element_set_state(p, GST_STATE_PLAYING);
    g_usleep(g_rand_int_range(rand, 0, 40) * 1000);
    fail_unless_equals_int(gst_element_set_state(p, GST_STATE_NULL),
                           GST_STATE_CHANGE_SUCCESS);
    gst_object_unref(p);
  }
  g_rand_free(rand);
}

GST_START_TEST(test_null_playing_cycles)
{
  cycle(kElements[__i__], 500);
}
GST_END_TEST;

/* A bus sync handler that reads the element's properties whenever it
 * posts something (an error included): messages are posted with no lock
 * held, so this cannot deadlock. */
GstBusSyncReply read_properties(GstBus *, GstMessage *m, gpointer)
{
  GstObject *src = GST_MESSAGE_SRC(m);
  if (src && g_str_has_prefix(GST_OBJECT_NAME(src), "el")) {
    gchar *id = nullptr;
    guint64 sent = 0;
    guint reconnects = 0;
    g_object_get(src, "session-id", &id, "audio-sent", &sent, "reconnects",
                 &reconnects, nullptr);
    g_free(id);
  }
  return GST_BUS_PASS;
}

GST_START_TEST(test_sync_handler_reads_properties)
{
  const char *element = kElements[__i__];
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  aai_emu::FaultPlan plan;
  plan.close_code = 3006; /* a client bug: an error at once, no retry */
  plan.close_reason = "Invalid Message: hostile";
  plan.close_at_audio_ms = 500;
  plan.send_error_frame = true;
  emu.set_fault_plan(plan);
  GstElement *p = launch(live_pipeline(element, emu.ws_url()));
  GstBus *bus = gst_element_get_bus(p);
  gst_bus_set_sync_handler(bus, read_properties, nullptr, nullptr);
  gst_object_unref(bus);
  Run run;
  play(p, &run, 60, element);
  assert_error(run, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED, "3006");
  gst_object_unref(p);
}
GST_END_TEST;

/* One stream's bus sync handler blocks (as a slow application can): the
 * other streams of the process, which share the I/O thread, run to their
 * end meanwhile. */
struct Gate {
  std::mutex m;
  std::condition_variable cv;
  bool blocked = false, open = false;
};

GstBusSyncReply block_on_begin(GstBus *, GstMessage *m, gpointer data)
{
  auto *g = static_cast<Gate *>(data);
  const GstStructure *s = gst_message_get_structure(m);
  if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ELEMENT && s &&
      gst_structure_has_name(s, "assemblyai/begin")) {
    std::unique_lock<std::mutex> l(g->m);
    g->blocked = true;
    g->cv.notify_all();
    g->cv.wait(l, [g] { return g->open; });
  }
  return GST_BUS_PASS;
}

GST_START_TEST(test_slow_handler_stalls_only_its_stream)
{
  const char *element = kElements[__i__];
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(hello_config(), &err), "%s", err.c_str());
  std::string file =
      "filesrc location=\"" + data_path("hello.wav") + "\" ! wavparse ! " +
      element + " name=el api-key=test-key url=\"" + emu.ws_url() + "\"" +
      (g_str_equal(element, "assemblyaitranscriber") ? " pace=false ! fakesink"
                                                     : " sync=false");
  Gate gate;
  GstElement *slow = launch(file);
  GstBus *bus = gst_element_get_bus(slow);
  gst_bus_set_sync_handler(bus, block_on_begin, &gate, nullptr);
  gst_object_unref(bus);
  gst_element_set_state(slow, GST_STATE_PLAYING);
  {
    std::unique_lock<std::mutex> l(gate.m);
    fail_unless(gate.cv.wait_for(l, std::chrono::seconds(30),
                                 [&] { return gate.blocked; }));
  }
  /* While its handler blocks, another stream runs from start to end. */
  GstElement *other = launch(file);
  Run run;
  play(other, &run, 60, "the other stream");
  assert_no_error(run, "the other stream");
  fail_unless(run.end_of_turns().size() >= 2, "the other stream stalled");
  gst_object_unref(other);
  {
    std::lock_guard<std::mutex> l(gate.m);
    gate.open = true;
    gate.cv.notify_all();
  }
  Run slow_run;
  play(slow, &slow_run, 60, "the slow stream");
  assert_no_error(slow_run, "the slow stream");
  gst_object_unref(slow);
}
GST_END_TEST;

}  // namespace

static Suite *lifecycle_suite(void)
{
  Suite *s = suite_create("lifecycle");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_set_timeout(tc, 300);
  tcase_add_loop_test(tc, test_null_playing_cycles, 0, 2);
  tcase_add_loop_test(tc, test_sync_handler_reads_properties, 0, 2);
  tcase_add_loop_test(tc, test_slow_handler_stalls_only_its_stream, 0, 2);
  return s;
}

GST_CHECK_MAIN(lifecycle);
