/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* A scripted conversation (tests/data/counting: three turns, speakers A,
 * B, A) through the emulator, assemblyaitranscriber and
 * assemblyaicea608enc, combined with videotestsrc in each of the three
 * container paths of docs/broadcast-captions.md (H.264 in MPEG-TS with
 * A/53, MP4 with A/53, a QuickTime c608 track), in roll-up and pop-on, at
 * 29.97 and 25 fps. FFmpeg reads the captions back: the words are the
 * script's, in order, each on screen no earlier than its audio and at most
 * a frame plus the encoder's latency after it.
 *
 * The pipelines are the documented recipes with their sources swapped for
 * the test audio and videotestsrc, and pace=false (as fast as the emulator
 * transcribes), so the word times are exact and the runs deterministic. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>

#include <string>

#include "caption_check.h"
#include "emulator.h"
#include "test_pipeline.h"

namespace
{

enum class Container { MpegTs, Mp4, QuickTime };

struct Case {
  Container container;
  bool pop_on;
  int fps_n, fps_d;
};

/* Every container x mode x frame rate. */
const Case kCases[] = {
    {Container::MpegTs, false, 30000, 1001},
    {Container::MpegTs, false, 25, 1},
    {Container::MpegTs, true, 30000, 1001},
    {Container::MpegTs, true, 25, 1},
    {Container::Mp4, false, 30000, 1001},
    {Container::Mp4, false, 25, 1},
    {Container::Mp4, true, 30000, 1001},
    {Container::Mp4, true, 25, 1},
    {Container::QuickTime, false, 30000, 1001},
    {Container::QuickTime, false, 25, 1},
    {Container::QuickTime, true, 30000, 1001},
    {Container::QuickTime, true, 25, 1},
};

/* The encoder's latency in the tests: its automatic values, written out. */
constexpr uint64_t kRollUpLatencyMs = 300;
constexpr uint64_t kPopOnLatencyMs = 3000;

const char *name_of(Container c)
{
  switch (c) {
    case Container::MpegTs:
      return "mpegts";
    case Container::Mp4:
      return "mp4";
    case Container::QuickTime:
      return "quicktime";
  }
  return "?";
}

/* The recipe of @c, for the test audio and video, at @c's mode and rate. */
std::string pipeline_for(const Case &c,
                         const aai_emu::Emulator &emu,
                         const aai_emu::Script &script,
                         const std::string &out)
{
  std::string fps = std::to_string(c.fps_n) + "/" + std::to_string(c.fps_d);
  /* The video lasts as long as the audio. */
  int frames = static_cast<int>((script.duration_ms * c.fps_n + 999 * c.fps_d) /
                                (1000 * c.fps_d));
  std::string audio =
      "filesrc location=\"" + data_path("counting.wav") + "\" ! wavparse";
  std::string video = "videotestsrc num-buffers=" + std::to_string(frames) +
                      " ! video/x-raw,width=160,height=120";
  std::string enc =
      std::string("assemblyaicea608enc mode=") +
      (c.pop_on ? "pop-on" : "roll-up-2") + " latency=" +
      std::to_string(c.pop_on ? kPopOnLatencyMs : kRollUpLatencyMs);
  std::string transcriber =
      "assemblyaitranscriber url=" + emu.ws_url() + " api-key=test-key";
  std::string d;
  switch (c.container) {
    case Container::MpegTs:
      d = recipe("live-mpegts");
      d = with_replaced(d, "pulsesrc", audio);
      d = with_replaced(d, "latency=3000", "pace=false");
      d = with_replaced(d, "v4l2src", video);
      d = with_replaced(d, "30000/1001", fps);
      d = with_replaced(d, "location=live.ts", "location=\"" + out + "\"");
      break;
    case Container::Mp4:
    case Container::QuickTime: {
      /* The two file recipes differ in their muxer and frame rate. */
      bool mp4 = c.container == Container::Mp4;
      d = recipe(mp4 ? "file-mp4" : "quicktime-c608");
      d = with_replaced(d, "filesrc location=talk.wav ! wavparse", audio);
      d = with_replaced(d, "filesrc location=talk-video.mp4 ! decodebin",
                        video);
      d = with_replaced(d, mp4 ? "25/1" : "30000/1001", fps);
      d = with_replaced(d,
                        mp4 ? "location=talk-cc.mp4" : "location=talk-cc.mov",
                        "location=\"" + out + "\"");
      break;
    }
  }
  if (d.find("assemblyaicea608enc mode=pop-on") != std::string::npos)
    d = with_replaced(d, "assemblyaicea608enc mode=pop-on", enc);
  else
    d = with_replaced(d, "assemblyaicea608enc", enc);
  return with_replaced(d, "assemblyaitranscriber", transcriber);
}

GST_START_TEST(test_decodes_to_the_script)
{
  const Case &c = kCases[__i__];
  aai_emu::Config cfg = script_config("counting.json");
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());

  gchar *dir = g_dir_make_tmp("aai-cc-XXXXXX", nullptr);
  std::string out = std::string(dir) + "/captions." +
                    (c.container == Container::MpegTs ? "ts"
                     : c.container == Container::Mp4  ? "mp4"
                                                      : "mov");
  std::string desc = pipeline_for(c, emu, cfg.script, out);
  std::string what = std::string(name_of(c.container)) +
                     (c.pop_on ? " pop-on " : " roll-up ") +
                     std::to_string(c.fps_n) + "/" + std::to_string(c.fps_d);
  GST_INFO("%s: %s", what.c_str(), desc.c_str());

  GstElement *p = launch(desc);
  Run run;
  play(p, &run, 60, what.c_str());
  assert_no_error(run, what.c_str());
  gst_object_unref(p);

  std::vector<CaptionEvent> events = read_captions(
      out,
      c.container == Container::QuickTime ? Carriage::C608Track : Carriage::A53,
      !c.pop_on);
  std::vector<ShownWord> shown =
      c.pop_on ? pop_on_words(events) : roll_up_words(events);
  uint64_t frame_ms = (1000ull * c.fps_d + c.fps_n - 1) / c.fps_n;
  check_words(shown, script_words(cfg.script), c.pop_on, frame_ms,
              c.pop_on ? kPopOnLatencyMs : kRollUpLatencyMs, what.c_str());
  /* The second and third turns are new speakers: ">> " starts them. */
  fail_unless(shows_speaker_change(events), "%s: no speaker change shown",
              what.c_str());

  g_unlink(out.c_str());
  g_rmdir(dir);
  g_free(dir);
}
GST_END_TEST;

}  // namespace

static Suite *captions_ffmpeg_suite(void)
{
  Suite *s = suite_create("captions_ffmpeg");
  TCase *tc = tcase_create("containers");
  suite_add_tcase(s, tc);
  tcase_add_loop_test(tc, test_decodes_to_the_script, 0, G_N_ELEMENTS(kCases));
  return s;
}

GST_CHECK_MAIN(captions_ffmpeg);
