/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Both elements against a server that misbehaves on purpose
 * (hostile_server.h): no Begin, a stall, a trickle, an oversized or a
 * 5 MB message, truncated, non-UTF-8, out-of-range, out-of-order,
 * repeated and binary frames, a second Begin, an Error with no close, a
 * cut connection. Every case ends in a clear error or warning that names
 * what happened, with every word the server did say delivered once and
 * nothing else: no crash, no hang, no CRITICAL (gst-check makes them
 * fatal), no leak (leaks tracer / LeakSanitizer). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/gstappsink.h>
#include <gst/check/gstcheck.h>

#include <string>
#include <vector>

#include "hostile_server.h"
#include "test_pipeline.h"

using aai_test::HostileServer;
using aai_test::kTurns;
using aai_test::Misbehaviour;

namespace
{

/* One quick retry. Where a timeout is what the case is about (no Begin,
 * a stall, a trickle) it is short, so the failure shows in seconds;
 * elsewhere it is long, so a loaded machine (or AddressSanitizer parsing
 * a 5 MB Turn) never reaches it. */
const char *kProps =
    "api-key=test-key reconnect-attempts=1 "
    "reconnect-max-backoff=20";
const char *kShortTimeouts = " connect-timeout=700 terminate-timeout=700";
const char *kLongTimeouts = " connect-timeout=30000 terminate-timeout=30000";

bool timeout_case(Misbehaviour m)
{
  return m == Misbehaviour::NoBegin || m == Misbehaviour::Stall ||
         m == Misbehaviour::Trickle;
}

enum class Words { All, SecondTurn, None, Big };

struct Case {
  Misbehaviour m;
  const char *name;
  Words words;
  /* The error (domain 0: none) and a phrase of it. */
  GQuark domain;
  gint code;
  const char *error_says;
  /* A phrase of a warning from the element (nullptr: none required). */
  const char *warning_says;
};

std::vector<Case> cases()
{
  const GQuark res = GST_RESOURCE_ERROR, str = GST_STREAM_ERROR;
  return {
      {Misbehaviour::Honest, "honest", Words::All, 0, 0, nullptr, nullptr},
      {Misbehaviour::NoBegin, "no-begin", Words::None, res,
       GST_RESOURCE_ERROR_OPEN_READ_WRITE, "no session began", nullptr},
      {Misbehaviour::Stall, "stall", Words::None, res, GST_RESOURCE_ERROR_READ,
       "sent no Termination", nullptr},
      {Misbehaviour::Trickle, "trickle", Words::None, res,
       GST_RESOURCE_ERROR_READ, "sent no Termination", nullptr},
      {Misbehaviour::Oversized, "oversized", Words::None, str,
       GST_STREAM_ERROR_DECODE, "larger than 64 MiB", nullptr},
      {Misbehaviour::BigTurn, "big-turn", Words::Big, 0, 0, nullptr, nullptr},
      {Misbehaviour::Truncated, "truncated", Words::All, 0, 0, nullptr,
       "malformed"},
      {Misbehaviour::InvalidUtf8, "invalid-utf8", Words::None, str,
       GST_STREAM_ERROR_DECODE, "not valid UTF-8", nullptr},
      {Misbehaviour::BadTurnOrder, "bad-turn-order", Words::All, 0, 0, nullptr,
       "turn_order is out of range"},
      {Misbehaviour::OutOfOrder, "out-of-order", Words::SecondTurn, 0, 0,
       nullptr, "turn_order went back"},
      {Misbehaviour::BinaryFrame, "binary-frame", Words::All, 0, 0, nullptr,
       "binary frame"},
      {Misbehaviour::DoubleBegin, "double-begin", Words::All, 0, 0, nullptr,
       "second Begin"},
      {Misbehaviour::ErrorNoClose, "error-no-close", Words::None, res,
       GST_RESOURCE_ERROR_READ, "hostile", nullptr},
      {Misbehaviour::DropAfterBegin, "drop-after-begin", Words::None, res,
       GST_RESOURCE_ERROR_READ, "lost", nullptr},
  };
}

std::vector<std::string> expected_words(Words w)
{
  std::vector<std::string> out;
  if (w == Words::Big) {
    out.assign(aai_test::kBigTurnWords,
               std::string(aai_test::kBigWordLength, 'w'));
    return out;
  }
  for (size_t t = 0; t < kTurns.size(); t++) {
    if (w == Words::None || (w == Words::SecondTurn && t == 0))
      continue;
    for (const auto &fw : kTurns[t])
      out.push_back(fw.text);
  }
  return out;
}

/* The text of the end-of-turn messages' words, in order. */
std::vector<std::string> bus_words(const Run &run)
{
  std::vector<std::string> out;
  for (const auto &w : run.end_of_turn_words())
    out.push_back(w.text);
  return out;
}

std::vector<std::string> appsink_words(GstElement *pipeline)
{
  std::vector<std::string> out;
  GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
  while (GstSample *s = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 0)) {
    GstBuffer *b = gst_sample_get_buffer(s);
    GstMapInfo m;
    fail_unless(gst_buffer_map(b, &m, GST_MAP_READ));
    out.emplace_back(reinterpret_cast<char *>(m.data), m.size);
    gst_buffer_unmap(b, &m);
    gst_sample_unref(s);
  }
  gst_object_unref(sink);
  return out;
}

void check_words(const std::vector<std::string> &got,
                 const std::vector<std::string> &want,
                 const std::string &what)
{
  fail_unless(got.size() == want.size(), "%s: %zu words, want %zu",
              what.c_str(), got.size(), want.size());
  for (size_t i = 0; i < want.size(); i++)
    fail_unless(got[i] == want[i], "%s: word %zu is '%s', want '%s'",
                what.c_str(), i, got[i].c_str(), want[i].c_str());
}

/* Some warning from @prefix-named elements says @phrase. */
bool warned(const Run &run, const char *phrase)
{
  for (GstMessage *m : run.messages) {
    if (GST_MESSAGE_TYPE(m) != GST_MESSAGE_WARNING)
      continue;
    GError *e = nullptr;
    gchar *dbg = nullptr;
    gst_message_parse_warning(m, &e, &dbg);
    bool says = strstr(e->message, phrase) || (dbg && strstr(dbg, phrase));
    g_error_free(e);
    g_free(dbg);
    if (says)
      return true;
  }
  return false;
}

void run_case(const Case &c, bool transcriber)
{
  HostileServer server(c.m);
  std::string what =
      std::string(c.name) + (transcriber ? " (transcriber)" : " (sink)");
  std::string props = std::string(kProps) +
                      (timeout_case(c.m) ? kShortTimeouts : kLongTimeouts);
  std::string element =
      transcriber ? "assemblyaitranscriber pace=false url=\"" +
                        server.ws_url() + "\" " + props +
                        " ! appsink name=out sync=false wait-on-eos=false"
                  : "assemblyaisink sync=false url=\"" + server.ws_url() +
                        "\" " + props;
  GstElement *p = launch("filesrc location=\"" + data_path("hello.wav") +
                         "\" ! wavparse ! " + element);
  Run run;
  play_to_end(p, &run, 60, what.c_str());
  std::vector<std::string> text;
  if (transcriber)
    text = appsink_words(p);
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(p);

  if (c.domain) {
    std::string dbg = assert_error(run, c.domain, c.code, nullptr);
    GError *e = nullptr;
    gst_message_parse_error(run.first(GST_MESSAGE_ERROR), &e, nullptr);
    std::string all = std::string(e->message) + " " + dbg;
    g_error_free(e);
    fail_unless(all.find(c.error_says) != std::string::npos,
                "%s: '%s' not in '%s'", what.c_str(), c.error_says,
                all.c_str());
    fail_unless(
        g_str_has_prefix(
            GST_OBJECT_NAME(GST_MESSAGE_SRC(run.first(GST_MESSAGE_ERROR))),
            "assemblyai"),
        "%s: the first error is not the element's", what.c_str());
  } else {
    assert_no_error(run, what.c_str());
    fail_unless(run.first(GST_MESSAGE_EOS) != nullptr, "%s: no EOS",
                what.c_str());
  }
  if (c.warning_says)
    fail_unless(warned(run, c.warning_says), "%s: no warning saying '%s'",
                what.c_str(), c.warning_says);
  std::vector<std::string> want = expected_words(c.words);
  check_words(bus_words(run), want, what + " bus");
  if (transcriber)
    check_words(text, want, what + " src");
}

}  // namespace

GST_START_TEST(test_hostile_sink)
{
  run_case(cases()[__i__], false);
}
GST_END_TEST;

GST_START_TEST(test_hostile_transcriber)
{
  run_case(cases()[__i__], true);
}
GST_END_TEST;

static Suite *hostile_suite(void)
{
  Suite *s = suite_create("hostile");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  int n = static_cast<int>(cases().size());
  tcase_add_loop_test(tc, test_hostile_sink, 0, n);
  tcase_add_loop_test(tc, test_hostile_transcriber, 0, n);
  return s;
}

GST_CHECK_MAIN(hostile);
