/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The transcriber with its default properties in the pipelines people
 * build around playback: inside playbin's audio-filter, beside a
 * synchronised audio sink behind decodebin ! tee, and with its captions
 * muxed next to the media. Against the emulator's realistic mode (the
 * service's throttle and reply delays), in real time. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/app/gstappsink.h>
#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include <string>
#include <vector>

#include "emulator.h"
#include "test_pipeline.h"

namespace
{

aai_emu::Config realistic(const char *json)
{
  aai_emu::Config cfg = aai_emu::Config::realistic();
  cfg.script = script_config(json).script;
  return cfg;
}

struct Text {
  std::string text;
  GstClockTime pts, duration;
};

std::vector<Text> pull_text(GstElement *appsink)
{
  std::vector<Text> out;
  while (GstSample *s =
             gst_app_sink_try_pull_sample(GST_APP_SINK(appsink), 0)) {
    GstBuffer *b = gst_sample_get_buffer(s);
    GstMapInfo m;
    fail_unless(gst_buffer_map(b, &m, GST_MAP_READ));
    out.push_back({std::string(reinterpret_cast<char *>(m.data), m.size),
                   GST_BUFFER_PTS(b), GST_BUFFER_DURATION(b)});
    gst_buffer_unmap(b, &m);
    gst_sample_unref(s);
  }
  return out;
}

/* Every scripted word once, in order, at its exact time. */
void assert_exact_words(const std::vector<Text> &got,
                        const aai_emu::Script &script,
                        const char *what)
{
  auto want = script_words(script);
  fail_unless(got.size() == want.size(), "%s: %zu words, want %zu", what,
              got.size(), want.size());
  for (size_t i = 0; i < want.size(); i++) {
    fail_unless(got[i].text == want[i].text, "%s: word %zu '%s', want '%s'",
                what, i, got[i].text.c_str(), want[i].text.c_str());
    fail_unless_equals_uint64(got[i].pts, want[i].start * GST_MSECOND);
    fail_unless_equals_uint64(got[i].duration,
                              (want[i].end - want[i].start) * GST_MSECOND);
  }
}

/* Plays @p to its end and reads the words its appsink "words" got. */
std::vector<Text> play_for_words(GstElement *p, GstElement *bin_with_words)
{
  Run run;
  play_to_end(p, &run, 90, "pipeline");
  assert_no_error(run);
  fail_unless(run.first(GST_MESSAGE_EOS) != nullptr);
  GstElement *words = gst_bin_get_by_name(GST_BIN(bin_with_words), "words");
  std::vector<Text> out = pull_text(words);
  gst_object_unref(words);
  gst_element_set_state(p, GST_STATE_NULL);
  return out;
}

const char *kTranscriber =
    "assemblyaitranscriber api-key=test-key url=\"%s\" ! "
    "appsink name=words sync=false wait-on-eos=false";

}  // namespace

/* playbin plays the file (its audio sink syncs to the clock) and a bin in
 * its audio-filter transcribes the same audio. */
GST_START_TEST(test_playbin_audio_filter)
{
  aai_emu::Config cfg = realistic("hello.json");
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  gchar *tr = g_strdup_printf(kTranscriber, emu.ws_url().c_str());
  std::string desc = std::string(
                         "tee name=t ! queue ! audioconvert name=out "
                         "t. ! queue ! audioconvert ! audioresample ! ") +
                     tr;
  g_free(tr);
  GError *e = nullptr;
  GstElement *filter = gst_parse_bin_from_description(desc.c_str(), FALSE, &e);
  fail_unless(filter != nullptr, "%s", e ? e->message : "");
  GstElement *t = gst_bin_get_by_name(GST_BIN(filter), "t");
  GstElement *out = gst_bin_get_by_name(GST_BIN(filter), "out");
  GstPad *sink = gst_element_get_static_pad(t, "sink");
  GstPad *src = gst_element_get_static_pad(out, "src");
  gst_element_add_pad(filter, gst_ghost_pad_new("sink", sink));
  gst_element_add_pad(filter, gst_ghost_pad_new("src", src));
  gst_object_unref(sink);
  gst_object_unref(src);
  gst_object_unref(t);
  gst_object_unref(out);

  GstElement *pb = gst_element_factory_make("playbin", nullptr);
  gchar *uri = gst_filename_to_uri(data_path("hello.wav").c_str(), nullptr);
  g_object_set(pb, "uri", uri, "audio-filter", filter, "audio-sink",
               gst_element_factory_make("fakesink", nullptr), "video-sink",
               gst_element_factory_make("fakesink", nullptr), nullptr);
  g_free(uri);
  /* Without soft-volume: playsink 1.22 leaks its volume element when an
   * audio-filter is set (the leaks tracer would flag GStreamer's leak). */
  gst_util_set_object_arg(G_OBJECT(pb), "flags", "audio+video+text");
  std::vector<Text> words = play_for_words(pb, filter);
  assert_exact_words(words, cfg.script, "playbin audio-filter");
  gst_object_unref(pb);
}
GST_END_TEST;

/* decodebin feeds a tee: an audio sink that syncs to the clock on one
 * branch, the transcriber on the other. */
GST_START_TEST(test_decodebin_tee_synced_audio_sink)
{
  aai_emu::Config cfg = realistic("hello.json");
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  gchar *tr = g_strdup_printf(kTranscriber, emu.ws_url().c_str());
  GstElement *p =
      launch("filesrc location=\"" + data_path("hello.wav") +
             "\" ! decodebin ! tee name=t ! queue ! audioconvert ! "
             "fakesink sync=true t. ! queue ! audioconvert ! audioresample ! " +
             tr);
  g_free(tr);
  std::vector<Text> words = play_for_words(p, p);
  assert_exact_words(words, cfg.script, "decodebin ! tee");
  gst_object_unref(p);
}
GST_END_TEST;

/* The captions muxed next to the audio into Matroska: the file is whole
 * and its subtitle track carries every scripted word, in order. */
GST_START_TEST(test_captions_into_matroska)
{
  aai_emu::Config cfg = realistic("hello.json");
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  gchar *dir = g_dir_make_tmp("aai-mkv-XXXXXX", nullptr);
  std::string mkv = std::string(dir) + "/out.mkv";
  GstElement *p = launch(
      "filesrc location=\"" + data_path("hello.wav") +
      "\" ! decodebin ! tee name=t ! queue ! audioconvert ! audioresample ! "
      "assemblyaitranscriber name=tr api-key=test-key url=\"" +
      emu.ws_url() +
      "\" tr.caption_src ! queue ! mux. t. ! queue ! audioconvert ! "
      "opusenc ! mux. matroskamux name=mux ! filesink location=\"" +
      mkv + "\"");
  Run run;
  play(p, &run, 90, "muxing");
  assert_no_error(run, "muxing");
  gst_object_unref(p);

  /* Read back: a valid file whose subtitle track holds the words. */
  GstElement *r = launch("filesrc location=\"" + mkv +
                         "\" ! matroskademux name=d d.subtitle_0 ! "
                         "appsink name=words sync=false wait-on-eos=false");
  std::vector<Text> cues = play_for_words(r, r);
  gst_object_unref(r);
  std::string all;
  for (const Text &c : cues)
    all += c.text + " ";
  size_t at = 0;
  for (const auto &w : script_words(cfg.script)) {
    const std::string &f = w.text;
    size_t found = all.find(f, at);
    fail_unless(found != std::string::npos, "'%s' not in the subtitles '%s'",
                f.c_str(), all.c_str());
    at = found + f.size();
  }
  g_remove(mkv.c_str());
  g_rmdir(dir);
  g_free(dir);
}
GST_END_TEST;

/* What both elements made of counting.wav in one run: the transcriber's
 * words and the sink's end-of-turn transcripts. */
struct Transcript {
  std::vector<Text> words;
  std::vector<std::string> turns;
};

Transcript transcribe_counting(const aai_emu::Config &cfg)
{
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  std::string props = "api-key=test-key url=\"" + emu.ws_url() + "\"";
  GstElement *p =
      launch("filesrc location=\"" + data_path("counting.wav") +
             "\" ! wavparse ! tee name=t ! queue ! "
             "assemblyaisink name=sink sync=false " +
             props + " t. ! queue ! assemblyaitranscriber pace=false " + props +
             " ! appsink name=words sync=false "
             "wait-on-eos=false");
  Run run;
  play_to_end(p, &run, 90, "counting");
  assert_no_error(run);
  Transcript out;
  GstElement *words = gst_bin_get_by_name(GST_BIN(p), "words");
  out.words = pull_text(words);
  gst_object_unref(words);
  gst_element_set_state(p, GST_STATE_NULL);
  gst_object_unref(p);
  for (GstMessage *m : run.messages)
    if (is_end_of_turn(m) && g_str_equal(GST_OBJECT_NAME(m->src), "sink"))
      out.turns.push_back(
          gst_structure_get_string(gst_message_get_structure(m), "transcript"));
  return out;
}

/* The service's pacing, delays and extra messages change when things
 * arrive, never what: the instant emulator and its realistic default give
 * both elements the same words, times and turns. */
GST_START_TEST(test_instant_and_realistic_agree)
{
  aai_emu::Config instant = aai_emu::Config::instant();
  instant.script = script_config("counting.json").script;
  aai_emu::Config real = realistic("counting.json");
  real.time_scale = 0.1;
  Transcript a = transcribe_counting(instant);
  Transcript b = transcribe_counting(real);
  assert_exact_words(a.words, instant.script, "instant");
  fail_unless_equals_int(a.words.size(), b.words.size());
  for (size_t i = 0; i < a.words.size(); i++) {
    fail_unless(a.words[i].text == b.words[i].text, "word %zu: '%s' vs '%s'", i,
                a.words[i].text.c_str(), b.words[i].text.c_str());
    fail_unless_equals_uint64(a.words[i].pts, b.words[i].pts);
    fail_unless_equals_uint64(a.words[i].duration, b.words[i].duration);
  }
  fail_unless_equals_int(a.turns.size(), instant.script.turns.size());
  fail_unless(a.turns == b.turns, "the sink's turns differ");
}
GST_END_TEST;

static Suite *topologies_suite(void)
{
  Suite *s = suite_create("topologies");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_set_timeout(tc, 180);
  tcase_add_test(tc, test_playbin_audio_filter);
  tcase_add_test(tc, test_decodebin_tee_synced_audio_sink);
  tcase_add_test(tc, test_captions_into_matroska);
  tcase_add_test(tc, test_instant_and_realistic_agree);

  return s;
}

GST_CHECK_MAIN(topologies);
