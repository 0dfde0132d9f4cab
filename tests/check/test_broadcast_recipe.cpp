/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The broadcast recipe of docs/broadcast-captions.md ("Live captions into
 * H.264 in MPEG-TS"), run live: the test audio paced in real time by the
 * transcriber (as a microphone delivers it) and a live videotestsrc in
 * place of the capture devices, the emulator in place of the service. The
 * MPEG-TS it writes carries A/53 captions that FFmpeg reads back as the
 * scripted conversation, in order, with the new speakers marked. (Live
 * runs on a loaded machine may restamp late words, so this test checks the
 * words, not their times; the file tests check the times.) */
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

GST_START_TEST(test_live_mpegts_recipe)
{
  aai_emu::Config cfg = script_config("counting.json");
  aai_emu::Emulator emu;
  std::string err;
  fail_unless(emu.start(cfg, &err), "%s", err.c_str());
  gchar *dir = g_dir_make_tmp("aai-live-XXXXXX", nullptr);
  std::string out = std::string(dir) + "/live.ts";

  /* As long as the audio, at 29.97 fps. */
  int frames = static_cast<int>(
      (cfg.script.duration_ms * 30000 + 1000 * 1001 - 1) / (1000 * 1001));
  std::string d = recipe("live-mpegts");
  d = with_replaced(
      d, "pulsesrc",
      "filesrc location=\"" + data_path("counting.wav") + "\" ! wavparse");
  d = with_replaced(
      d, "v4l2src",
      "videotestsrc is-live=true num-buffers=" + std::to_string(frames) +
          " ! video/x-raw,width=160,height=120");
  d = with_replaced(
      d, "assemblyaitranscriber",
      "assemblyaitranscriber url=" + emu.ws_url() + " api-key=test-key");
  d = with_replaced(d, "location=live.ts", "location=\"" + out + "\"");
  GST_INFO("%s", d.c_str());

  GstElement *p = launch(d);
  Run run;
  play(p, &run, 90, "live recipe");
  assert_no_error(run, "live recipe");
  gst_object_unref(p);

  std::vector<CaptionEvent> events = read_captions(out, Carriage::A53, true);
  std::vector<ShownWord> shown = roll_up_words(events);
  std::string said = join_words(script_words(cfg.script));
  fail_unless(join_words(shown) == said, "decoded \"%s\", said \"%s\"",
              join_words(shown).c_str(), said.c_str());
  fail_unless(shows_speaker_change(events), "no speaker change shown");

  g_unlink(out.c_str());
  g_rmdir(dir);
  g_free(dir);
}
GST_END_TEST;

}  // namespace

static Suite *broadcast_recipe_suite(void)
{
  Suite *s = suite_create("broadcast_recipe");
  TCase *tc = tcase_create("live");
  tcase_set_timeout(tc, 120);
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_live_mpegts_recipe);
  return s;
}

GST_CHECK_MAIN(broadcast_recipe);
