/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Running a pipeline in the element suites and reading what its bus said:
 * the messages of one run, the words of its end-of-turn messages and the
 * checks on its errors, kept in one place so that every suite plays a
 * pipeline, waits for it and judges its errors the same way. Also the test
 * data paths and the emulator configuration of a script. */
#pragma once

#include <gst/check/gstcheck.h>

#include <cstring>
#include <string>
#include <vector>

#include "emulator.h"

/* @name in tests/data. */
inline std::string data_path(const std::string &name)
{
  return std::string(TEST_DATA_DIR) + "/" + name;
}

/* An emulator configuration that plays the script @json of tests/data. */
inline aai_emu::Config script_config(const std::string &json)
{
  aai_emu::Config cfg;
  std::string err;
  fail_unless(aai_emu::Script::load_file(data_path(json), &cfg.script, &err),
              "%s", err.c_str());
  return cfg;
}

inline aai_emu::Config hello_config()
{
  return script_config("hello.json");
}

/* Every word of @script, in order: the ground truth a run is checked
 * against. */
inline std::vector<aai_emu::ScriptWord> script_words(
    const aai_emu::Script &script)
{
  std::vector<aai_emu::ScriptWord> out;
  for (const auto &t : script.turns)
    for (const auto &w : t.words)
      out.push_back(w);
  return out;
}

/* gst_parse_launch(), failing the test if @desc does not parse. */
inline GstElement *launch(const std::string &desc)
{
  GError *err = nullptr;
  GstElement *p = gst_parse_launch(desc.c_str(), &err);
  /* Also a recoverable error (an unknown property, say): a typo in a test
   * must not turn into a different pipeline. */
  fail_unless(p != nullptr && err == nullptr, "%s: %s", desc.c_str(),
              err ? err->message : "parse failed");
  g_clear_error(&err);
  return p;
}

/* An end-of-turn assemblyai/turn message: the final form of a turn, the
 * one that carries its words for good. */
inline bool is_end_of_turn(GstMessage *m)
{
  const GstStructure *s = gst_message_get_structure(m);
  gboolean eot = FALSE;
  return GST_MESSAGE_TYPE(m) == GST_MESSAGE_ELEMENT && s &&
         gst_structure_has_name(s, "assemblyai/turn") &&
         gst_structure_get_boolean(s, "end-of-turn", &eot) && eot;
}

/* A word of an end-of-turn message. */
struct TurnWord {
  std::string text;
  GstClockTime start = 0, end = 0;
};

/* What the bus of one run of a pipeline said: its element, warning, error
 * and EOS messages, in order (owned). */
struct Run {
  std::vector<GstMessage *> messages;

  Run() = default;
  Run(const Run &) = delete;
  Run &operator=(const Run &) = delete;
  ~Run()
  {
    for (auto *m : messages)
      gst_message_unref(m);
  }

  GstMessage *first(GstMessageType type) const
  {
    for (auto *m : messages)
      if (GST_MESSAGE_TYPE(m) == type)
        return m;
    return nullptr;
  }
  /* Where the first message of @type is, or -1. */
  int index_of(GstMessageType type) const
  {
    for (size_t i = 0; i < messages.size(); i++)
      if (GST_MESSAGE_TYPE(messages[i]) == type)
        return static_cast<int>(i);
    return -1;
  }
  /* How many messages of @type there are. */
  size_t count(GstMessageType type) const
  {
    size_t n = 0;
    for (auto *m : messages)
      n += GST_MESSAGE_TYPE(m) == type;
    return n;
  }
  /* The structures of the element messages called @name, in order. */
  std::vector<const GstStructure *> named(const char *name) const
  {
    std::vector<const GstStructure *> out;
    for (auto *m : messages) {
      const GstStructure *s = gst_message_get_structure(m);
      if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ELEMENT && s &&
          gst_structure_has_name(s, name))
        out.push_back(s);
    }
    return out;
  }
  /* The structures of the end-of-turn messages, in order. */
  std::vector<const GstStructure *> end_of_turns() const
  {
    std::vector<const GstStructure *> out;
    for (auto *m : messages)
      if (is_end_of_turn(m))
        out.push_back(gst_message_get_structure(m));
    return out;
  }
  /* The words of the end-of-turn messages, in order: what a sink
   * delivered. */
  std::vector<TurnWord> end_of_turn_words() const
  {
    std::vector<TurnWord> out;
    for (const GstStructure *s : end_of_turns()) {
      const GValue *words = gst_structure_get_value(s, "words");
      for (guint i = 0; i < gst_value_array_get_size(words); i++) {
        const GstStructure *w =
            gst_value_get_structure(gst_value_array_get_value(words, i));
        TurnWord word;
        word.text = gst_structure_get_string(w, "text");
        gst_structure_get_uint64(w, "start", &word.start);
        gst_structure_get_uint64(w, "end", &word.end);
        out.push_back(word);
      }
    }
    return out;
  }
};

/* Sets @pipeline to PLAYING and collects its bus's messages into @run
 * until EOS or an error, failing the test after @timeout_s. The pipeline
 * is left PLAYING, so that what its sinks hold can still be read; the
 * caller sets it to NULL. @what names it in the failure. */
inline void play_to_end(GstElement *pipeline,
                        Run *run,
                        int timeout_s = 60,
                        const char *what = "pipeline")
{
  GstBus *bus = gst_element_get_bus(pipeline);
  /* Not checked: a pipeline that cannot start (no key, say) posts an
   * error, which ends the loop for the test to judge. */
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  gint64 deadline = g_get_monotonic_time() + timeout_s * G_TIME_SPAN_SECOND;
  for (;;) {
    gint64 left = deadline - g_get_monotonic_time();
    fail_unless(left > 0, "%s did not finish within %d s", what, timeout_s);
    GstMessage *m = gst_bus_timed_pop_filtered(
        bus, left * GST_USECOND,
        static_cast<GstMessageType>(GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR |
                                    GST_MESSAGE_WARNING | GST_MESSAGE_INFO |
                                    GST_MESSAGE_EOS));
    if (!m)
      continue;
    run->messages.push_back(m);
    if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_EOS ||
        GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR)
      break;
  }
  gst_object_unref(bus);
}

/* play_to_end(), then sets @pipeline to NULL. */
inline void play(GstElement *pipeline,
                 Run *run,
                 int timeout_s = 60,
                 const char *what = "pipeline")
{
  play_to_end(pipeline, run, timeout_s, what);
  gst_element_set_state(pipeline, GST_STATE_NULL);
}

/* Fails the test, with the error's text, if @run ended in an error. */
inline void assert_no_error(const Run &run, const char *what = "pipeline")
{
  GstMessage *e = run.first(GST_MESSAGE_ERROR);
  if (!e)
    return;
  GError *err = nullptr;
  gchar *dbg = nullptr;
  gst_message_parse_error(e, &err, &dbg);
  fail_unless(FALSE, "%s: error %s (%s)", what, err->message, dbg);
}

/* Fails the test unless @run ended in an error of @domain and @code whose
 * debug text contains @debug_contains (unless that is NULL). Returns the
 * debug text, for further checks. */
inline std::string assert_error(const Run &run,
                                GQuark domain,
                                gint code,
                                const char *debug_contains)
{
  GstMessage *e = run.first(GST_MESSAGE_ERROR);
  fail_unless(e != nullptr, "expected an error");
  GError *err = nullptr;
  gchar *dbg = nullptr;
  gst_message_parse_error(e, &err, &dbg);
  fail_unless(g_error_matches(err, domain, code),
              "got %s %d, want %s %d: %s (%s)", g_quark_to_string(err->domain),
              err->code, g_quark_to_string(domain), code, err->message, dbg);
  fail_unless(!debug_contains || (dbg && strstr(dbg, debug_contains)),
              "'%s' not in '%s'", debug_contains, dbg);
  std::string debug = dbg ? dbg : "";
  g_error_free(err);
  g_free(dbg);
  return debug;
}
