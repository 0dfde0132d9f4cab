/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* A two-hour recording through `filesrc ! wavparse ! assemblyaitranscriber
 * pace=false`, against the standalone emulator (its own process, so only
 * the pipeline's memory is measured here):
 *
 *  - realistic mode: the service's throttle (about 1.25x real time),
 *    delays before each Turn, Warning and unknown messages;
 *  - the same with about ten dropped connections, each at a random moment;
 *  - instant mode: every Turn as soon as its audio arrives.
 *
 * Each run must reach EOS with every word exactly once at its exact time,
 * no reconnection but the dropped ones, nothing lost, and a peak resident
 * set (VmHWM) under 100 MB: flow control keeps the audio the service has
 * not caught up with bounded, whatever the file's length (docs/pacing.md).
 *
 * The emulator's clock is scaled (ASSEMBLYAI_LONG_TIME_SCALE, default 0.01:
 * the throttle's 96 minutes pass in about a minute). With
 * ASSEMBLYAI_LONG_TIME_SCALE=1 the same binary is the unscaled long check
 * (docs/benchmarks.md). Each run prints one "long-file:" line with its
 * times and memory for bench/long_file.py; the test asserts the words and
 * the memory bound, never the times. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "emulator.h"
#include "test_pipeline.h"
#include "test_wav.h"

namespace
{

constexpr int kRate = 16000;
constexpr int64_t kTwoHoursMs = 2 * 3600 * 1000;
constexpr long kRssBoundKiB = 100 * 1024;

/* Where the unchecked fixture wrote the recording and its script. */
std::string g_dir, g_wav, g_json;

double time_scale()
{
  const gchar *s = g_getenv("ASSEMBLYAI_LONG_TIME_SCALE");
  double v = s ? g_ascii_strtod(s, nullptr) : 0.01;
  return v > 0 ? v : 0.01;
}

void put_le(std::string *out, uint32_t v, int bytes)
{
  for (int i = 0; i < bytes; i++)
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

/* The 44-byte header of a mono 16-bit PCM WAV with @data_bytes of
 * samples. */
std::string wav_header(uint32_t data_bytes)
{
  std::string h = "RIFF";
  put_le(&h, 36 + data_bytes, 4);
  h += "WAVEfmt ";
  put_le(&h, 16, 4);        /* fmt chunk size */
  put_le(&h, 1, 2);         /* PCM */
  put_le(&h, 1, 2);         /* channels */
  put_le(&h, kRate, 4);     /* sample rate */
  put_le(&h, kRate * 2, 4); /* byte rate */
  put_le(&h, 2, 2);         /* block align */
  put_le(&h, 16, 2);        /* bits per sample */
  h += "data";
  put_le(&h, data_bytes, 4);
  return h;
}

/* counting.wav (and its script) copied end to end until two hours are
 * covered, written one copy at a time so that making the file does not
 * grow this process either. Copy i has a DC offset of i LSB, so that the
 * emulator can tell from a replayed session's first audio which copy it
 * starts in (its --reference-audio). */
void make_recording()
{
  std::vector<uint8_t> one = read_wav("counting.wav");
  JsonParser *parser = json_parser_new();
  GError *err = nullptr;
  fail_unless(json_parser_load_from_file(
                  parser, data_path("counting.json").c_str(), &err),
              "%s", err ? err->message : "");
  JsonObject *src = json_node_get_object(json_parser_get_root(parser));
  const int64_t copy_ms = json_object_get_int_member(src, "duration_ms");
  /* Whole milliseconds per copy, so the script's times stay exact. */
  one.resize(static_cast<size_t>(copy_ms) * (kRate / 1000) * 2);
  const int copies = static_cast<int>((kTwoHoursMs + copy_ms - 1) / copy_ms);

  gchar *dir = g_dir_make_tmp("aai-long-XXXXXX", &err);
  fail_unless(dir != nullptr, "%s", err ? err->message : "");
  g_dir = dir;
  g_free(dir);
  g_wav = g_dir + "/long.wav";
  g_json = g_dir + "/long.json";

  FILE *f = g_fopen(g_wav.c_str(), "wb");
  fail_unless(f != nullptr);
  std::string header = wav_header(static_cast<uint32_t>(one.size() * copies));
  fail_unless(fwrite(header.data(), 1, header.size(), f) == header.size());
  std::vector<uint8_t> copy(one.size());
  JsonArray *turns = json_array_new();
  JsonArray *src_turns = json_object_get_array_member(src, "turns");
  for (int i = 0; i < copies; i++) {
    for (size_t b = 0; b + 1 < one.size(); b += 2) {
      auto v = static_cast<int16_t>(one[b] | one[b + 1] << 8);
      v = static_cast<int16_t>(std::min(32767, v + i));
      copy[b] = static_cast<uint8_t>(v & 0xff);
      copy[b + 1] = static_cast<uint8_t>((v >> 8) & 0xff);
    }
    fail_unless(fwrite(copy.data(), 1, copy.size(), f) == copy.size());
    for (guint t = 0; t < json_array_get_length(src_turns); t++) {
      /* A deep copy (json_node_copy shares the words). */
      gchar *text = json_to_string(json_array_get_element(src_turns, t), FALSE);
      JsonNode *turn = json_from_string(text, nullptr);
      g_free(text);
      JsonArray *words =
          json_object_get_array_member(json_node_get_object(turn), "words");
      for (guint w = 0; w < json_array_get_length(words); w++) {
        JsonObject *word = json_array_get_object_element(words, w);
        for (const char *k : {"start", "end"})
          json_object_set_int_member(
              word, k, json_object_get_int_member(word, k) + i * copy_ms);
      }
      json_array_add_element(turns, turn);
    }
  }
  fail_unless(fclose(f) == 0);

  JsonObject *out = json_object_new();
  json_object_set_string_member(out, "description",
                                "counting.json, copied to two hours");
  json_object_set_string_member(out, "audio", "long.wav");
  json_object_set_int_member(out, "sample_rate", kRate);
  json_object_set_int_member(out, "duration_ms", copy_ms * copies);
  json_object_set_array_member(out, "turns", turns);
  JsonNode *root = json_node_new(JSON_NODE_OBJECT);
  json_node_take_object(root, out);
  JsonGenerator *gen = json_generator_new();
  json_generator_set_root(gen, root);
  fail_unless(json_generator_to_file(gen, g_json.c_str(), &err), "%s",
              err ? err->message : "");
  g_object_unref(gen);
  json_node_unref(root);
  g_object_unref(parser);
}

void remove_recording()
{
  g_remove(g_wav.c_str());
  g_remove(g_json.c_str());
  g_rmdir(g_dir.c_str());
}

/* The standalone emulator in its own process, serving the recording. */
struct EmulatorProcess {
  GSubprocess *proc = nullptr;
  std::string url;

  explicit EmulatorProcess(std::vector<std::string> extra)
  {
    std::vector<std::string> args = {EMULATOR_EXE,
                                     "--script",
                                     g_json,
                                     "--reference-audio",
                                     g_wav,
                                     "--time-scale",
                                     std::to_string(time_scale()),
                                     "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<const gchar *> argv;
    for (const auto &a : args)
      argv.push_back(a.c_str());
    argv.push_back(nullptr);
    GError *err = nullptr;
    proc = g_subprocess_newv(argv.data(), G_SUBPROCESS_FLAGS_STDOUT_PIPE, &err);
    fail_unless(proc != nullptr, "%s", err ? err->message : "");
    /* Its first line is the URL (or it exits and the line is missing). */
    GDataInputStream *out =
        g_data_input_stream_new(g_subprocess_get_stdout_pipe(proc));
    gchar *line = g_data_input_stream_read_line(out, nullptr, nullptr, nullptr);
    fail_unless(line != nullptr, "the emulator did not start");
    url = line;
    g_free(line);
    g_object_unref(out);
  }
  ~EmulatorProcess()
  {
    g_subprocess_send_signal(proc, SIGTERM);
    g_subprocess_wait(proc, nullptr, nullptr);
    g_object_unref(proc);
  }
};

/* This process's peak resident set so far, in KiB. */
long peak_rss_kib()
{
  gchar *status = nullptr;
  fail_unless(
      g_file_get_contents("/proc/self/status", &status, nullptr, nullptr));
  long kib = -1;
  const char *at = strstr(status, "VmHWM:");
  if (at)
    kib = strtol(at + 6, nullptr, 10);
  g_free(status);
  fail_unless(kib > 0, "no VmHWM in /proc/self/status");
  return kib;
}

struct Word {
  std::string text;
  GstClockTime pts, duration;
};

/* The words, taken from the appsink as they come (nothing piles up). */
struct Collected {
  std::mutex m;
  std::vector<Word> words;
};

GstFlowReturn on_sample(GstAppSink *sink, gpointer data)
{
  auto c = static_cast<Collected *>(data);
  GstSample *s = gst_app_sink_pull_sample(sink);
  if (!s)
    return GST_FLOW_EOS;
  GstBuffer *b = gst_sample_get_buffer(s);
  GstMapInfo m;
  if (gst_buffer_map(b, &m, GST_MAP_READ)) {
    std::lock_guard<std::mutex> l(c->m);
    c->words.push_back({std::string(reinterpret_cast<char *>(m.data), m.size),
                        GST_BUFFER_PTS(b), GST_BUFFER_DURATION(b)});
    gst_buffer_unmap(b, &m);
  }
  gst_sample_unref(s);
  return GST_FLOW_OK;
}

struct Outcome {
  std::vector<Word> words;
  int reconnects = 0;
  double wall_s = 0;
  long peak_kib = 0;
};

/* The pipeline users run for a file, to its end. Bus messages are read and
 * dropped as they come, as an application's bus watch does: a test that
 * kept them would measure its own memory. */
Outcome transcribe(const std::string &url, bool expect_drops)
{
  GstElement *p = launch(
      "filesrc location=\"" + g_wav +
      "\" ! wavparse ! assemblyaitranscriber api-key=test-key url=\"" + url +
      "\" pace=false reconnect-max-backoff=50 ! appsink name=words "
      "sync=false");
  Collected c;
  GstElement *sink = gst_bin_get_by_name(GST_BIN(p), "words");
  GstAppSinkCallbacks cb = {};
  cb.new_sample = on_sample;
  gst_app_sink_set_callbacks(GST_APP_SINK(sink), &cb, &c, nullptr);
  gst_object_unref(sink);

  Outcome o;
  GstBus *bus = gst_element_get_bus(p);
  gint64 t0 = g_get_monotonic_time();
  /* The throttle's time for the file, plus room for a slow machine. */
  gint64 limit = t0 + static_cast<gint64>(
                          (kTwoHoursMs / 1000.0 / 1.25 * time_scale() + 300) *
                          G_TIME_SPAN_SECOND);
  gst_element_set_state(p, GST_STATE_PLAYING);
  bool eos = false;
  while (!eos) {
    fail_unless(g_get_monotonic_time() < limit, "no EOS in time");
    GstMessage *m = gst_bus_timed_pop(bus, GST_SECOND);
    if (!m)
      continue;
    const GstStructure *s = gst_message_get_structure(m);
    switch (GST_MESSAGE_TYPE(m)) {
      case GST_MESSAGE_EOS:
        eos = true;
        break;
      case GST_MESSAGE_ERROR: {
        GError *e = nullptr;
        gchar *dbg = nullptr;
        gst_message_parse_error(m, &e, &dbg);
        fail_unless(FALSE, "error: %s (%s)", e->message, dbg);
        break;
      }
      case GST_MESSAGE_WARNING: {
        /* The service's own Warning messages, and (with drops) the
         * reconnection's, are expected; nothing else is. */
        GError *e = nullptr;
        gchar *dbg = nullptr;
        gst_message_parse_warning(m, &e, &dbg);
        bool service = g_str_has_prefix(e->message, "AssemblyAI warning:");
        bool drop = expect_drops && g_error_matches(e, GST_RESOURCE_ERROR,
                                                    GST_RESOURCE_ERROR_READ);
        fail_unless(service || drop, "warning: %s (%s)", e->message, dbg);
        g_error_free(e);
        g_free(dbg);
        break;
      }
      case GST_MESSAGE_ELEMENT:
        if (s && gst_structure_has_name(s, "assemblyai/reconnect")) {
          guint64 lost = 1;
          fail_unless(gst_structure_get_uint64(s, "audio-lost", &lost));
          fail_unless(lost == 0, "a reconnection lost %" GST_TIME_FORMAT,
                      GST_TIME_ARGS(lost));
          o.reconnects++;
        }
        break;
      default:
        break;
    }
    gst_message_unref(m);
  }
  o.wall_s = (g_get_monotonic_time() - t0) / 1e6;
  o.peak_kib = peak_rss_kib();
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(p);
  std::lock_guard<std::mutex> l(c.m);
  o.words = std::move(c.words);
  return o;
}

/* Every scripted word once, in order, at its exact time; the memory bound;
 * and one line of numbers for the benchmark. */
void check(const Outcome &o, const char *mode, bool drops)
{
  aai_emu::Script script;
  std::string err;
  fail_unless(aai_emu::Script::load_file(g_json, &script, &err), "%s",
              err.c_str());
  auto want = script_words(script);
  for (size_t i = 0; i < std::min(want.size(), o.words.size()); i++) {
    const Word &g = o.words[i];
    fail_unless(
        g.text == want[i].text &&
            g.pts == static_cast<GstClockTime>(want[i].start) * GST_MSECOND &&
            g.duration ==
                static_cast<GstClockTime>(want[i].end - want[i].start) *
                    GST_MSECOND,
        "%s: word %zu is '%s' at %" GST_TIME_FORMAT
        ", want '%s' at %" G_GINT64_FORMAT " ms",
        mode, i, g.text.c_str(), GST_TIME_ARGS(g.pts), want[i].text.c_str(),
        want[i].start);
  }
  fail_unless(o.words.size() == want.size(), "%s: %zu words, want %zu", mode,
              o.words.size(), want.size());
  double throttle_s = script.duration_ms / 1000.0 /
                      aai_emu::Config::realistic().throttle_rate * time_scale();
  printf(
      "long-file: mode=%s drops=%s audio_s=%.0f time_scale=%g "
      "reconnects=%d wall_s=%.2f throttle_s=%.2f peak_rss_mib=%.1f\n",
      mode, drops ? "yes" : "no", script.duration_ms / 1000.0, time_scale(),
      o.reconnects, o.wall_s, throttle_s, o.peak_kib / 1024.0);
  fflush(stdout);
  fail_unless(o.peak_kib < kRssBoundKiB, "%s: peak RSS %ld KiB, bound %ld KiB",
              mode, o.peak_kib, kRssBoundKiB);
}

}  // namespace

/* The service's throttle, with no fault: no reconnection at all (flow
 * control keeps the backlog well inside the 5-minute limit). */
GST_START_TEST(test_two_hours_realistic)
{
  EmulatorProcess emu({"--mode", "realistic"});
  Outcome o = transcribe(emu.url, false);
  fail_unless_equals_int(o.reconnects, 0);
  check(o, "realistic", false);
}
GST_END_TEST;

/* Every session dropped 10 to 15 minutes into its audio: about ten drops,
 * each replayed from the last completed turn, nothing lost. */
GST_START_TEST(test_two_hours_realistic_random_drops)
{
  EmulatorProcess emu({"--mode", "realistic", "--random-drop-seed", "7",
                       "--random-drop-min-ms", "600000", "--random-drop-max-ms",
                       "900000"});
  Outcome o = transcribe(emu.url, true);
  fail_unless(o.reconnects >= 8, "%d reconnections", o.reconnects);
  check(o, "realistic", true);
}
GST_END_TEST;

/* No throttle: as fast as the emulator answers, the same memory bound. */
GST_START_TEST(test_two_hours_instant)
{
  EmulatorProcess emu({"--mode", "instant"});
  Outcome o = transcribe(emu.url, false);
  fail_unless_equals_int(o.reconnects, 0);
  check(o, "instant", false);
}
GST_END_TEST;

static Suite *long_file_suite(void)
{
  Suite *s = suite_create("long_file");
  TCase *tc = tcase_create("general");
  /* One recording for the whole case, made before the tests fork. */
  tcase_add_unchecked_fixture(tc, make_recording, remove_recording);
  /* transcribe() has its own deadline from the time scale. */
  tcase_set_timeout(tc, 0);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_two_hours_realistic);
  tcase_add_test(tc, test_two_hours_realistic_random_drops);
  tcase_add_test(tc, test_two_hours_instant);
  return s;
}

GST_CHECK_MAIN(long_file);
