/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Final words -> caption cues (core/captions.h). Protects what srtenc,
 * webvttenc and textoverlay show: lines filled greedily up to
 * chars_per_line (in characters, not bytes), at most lines_per_cue lines,
 * cues that close on overflow, max_duration, a sentence end and the end of
 * a turn, and cue times that follow the words, stretched to min_duration
 * without running into the next cue. */
#include <gst/check/gstcheck.h>

#include <string>
#include <vector>

#include "captions.h"

using namespace aai;

/* ---- helpers ----------------------------------------------------------- */

static constexpr uint64_t ms(uint64_t v)
{
  return v * GST_MSECOND;
}

static CaptionOptions options(unsigned chars_per_line,
                              unsigned lines_per_cue,
                              uint64_t min_duration = ms(1000),
                              uint64_t max_duration = ms(7000))
{
  CaptionOptions o;
  o.chars_per_line = chars_per_line;
  o.lines_per_cue = lines_per_cue;
  o.min_duration = min_duration;
  o.max_duration = max_duration;
  return o;
}

/* fail_unless_equals_string keeps only the char pointer of its argument:
 * compare std::strings instead. */
#define ASSERT_CUE(cue, want_text, want_start, want_duration)               \
  do {                                                                      \
    const CaptionCue c_ = (cue);                                            \
    fail_unless(c_.text == (want_text), "cue text \"%s\", expected \"%s\"", \
                c_.text.c_str(), static_cast<const char *>(want_text));     \
    fail_unless_equals_uint64(c_.start, (want_start));                      \
    fail_unless_equals_uint64(c_.duration, (want_duration));                \
  } while (0)

/* ---- lines and cues ---------------------------------------------------- */

GST_START_TEST(test_greedy_line_filling)
{
  CaptionBuilder b(options(10, 2));
  /* "one two" + " three" = 13 > 10: "three" opens line 2; "three four" is
   * exactly 10 and still fits. */
  fail_unless(b.add_word("one", ms(0), ms(300)).empty());
  fail_unless(b.add_word("two", ms(400), ms(700)).empty());
  fail_unless(b.add_word("three", ms(800), ms(1100)).empty());
  fail_unless(b.add_word("four", ms(1200), ms(1500)).empty());
  std::vector<CaptionCue> cues = b.end_turn();
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "one two\nthree four", ms(0), ms(1500));
}
GST_END_TEST;

GST_START_TEST(test_overflow_starts_next_cue)
{
  CaptionBuilder b(options(10, 2));
  b.add_word("one", ms(0), ms(300));
  b.add_word("two", ms(400), ms(700));
  b.add_word("three", ms(800), ms(1100));
  b.add_word("four", ms(1200), ms(1500));
  /* Line 2 is full and the cue has its 2 lines: "five" closes the cue
   * and is the first word of the next one. */
  std::vector<CaptionCue> cues = b.add_word("five", ms(1600), ms(1900));
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "one two\nthree four", ms(0), ms(1500));
  fail_unless(b.open_cue_start().has_value());
  fail_unless_equals_uint64(*b.open_cue_start(), ms(1600));
  b.add_word("six", ms(2000), ms(2900));
  cues = b.end_turn();
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "five six", ms(1600), ms(1300));
}
GST_END_TEST;

GST_START_TEST(test_one_line_per_cue)
{
  CaptionBuilder b(options(8, 1));
  fail_unless(b.add_word("aa", ms(0), ms(600)).empty());
  fail_unless(b.add_word("bbbbb", ms(700), ms(1200)).empty()); /* 8 */
  std::vector<CaptionCue> cues = b.add_word("c", ms(1300), ms(1400));
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "aa bbbbb", ms(0), ms(1200));
}
GST_END_TEST;

GST_START_TEST(test_min_duration_stretch)
{
  /* A short cue at the end of a turn is shown for min_duration. */
  CaptionBuilder b(options(42, 2));
  b.add_word("yes", ms(5000), ms(5200));
  std::vector<CaptionCue> cues = b.end_turn();
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "yes", ms(5000), ms(1000));
}
GST_END_TEST;

GST_START_TEST(test_min_duration_capped_by_next_cue)
{
  /* Closed by overflow: stretched towards min_duration but not past the
   * start of the next cue. */
  CaptionBuilder b(options(5, 1));
  b.add_word("quick", ms(0), ms(300));
  std::vector<CaptionCue> cues = b.add_word("fox", ms(600), ms(900));
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "quick", ms(0), ms(600));

  /* With room before the next cue, the full min_duration. */
  cues = b.add_word("jumps", ms(2000), ms(2300));
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "fox", ms(600), ms(1000));

  /* Between the two: up to the next start exactly. */
  cues = b.add_word("over", ms(2800), ms(3000));
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "jumps", ms(2000), ms(800));
}
GST_END_TEST;

GST_START_TEST(test_max_duration)
{
  /* Plenty of room, but a cue must not last longer than max_duration: the
   * word that would make it too long starts the next cue. */
  CaptionBuilder b(options(100, 2, ms(1000), ms(3000)));
  fail_unless(b.add_word("a", ms(0), ms(500)).empty());
  fail_unless(b.add_word("b", ms(1000), ms(1500)).empty());
  fail_unless(b.add_word("c", ms(2000), ms(2500)).empty());
  std::vector<CaptionCue> cues = b.add_word("d", ms(3000), ms(3500));
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "a b c", ms(0), ms(2500));
  fail_unless_equals_uint64(*b.open_cue_start(), ms(3000));
  cues = b.end_turn();
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "d", ms(3000), ms(1000));

  /* A word ending exactly at max_duration still belongs to the cue. */
  CaptionBuilder e(options(100, 2, ms(1000), ms(3000)));
  e.add_word("a", ms(0), ms(500));
  fail_unless(e.add_word("b", ms(2500), ms(3000)).empty());
  cues = e.end_turn();
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "a b", ms(0), ms(3000));
}
GST_END_TEST;

/* ---- sentence ends ----------------------------------------------------- */

GST_START_TEST(test_sentence_end_closes_cue)
{
  const char *enders[] = {"world.",   "world?",  "world!",
                          "world.\"", "world?'", "world!)"};
  for (const char *w : enders) {
    CaptionBuilder b(options(42, 2));
    fail_unless(b.add_word("hello", ms(0), ms(400)).empty());
    std::vector<CaptionCue> cues = b.add_word(w, ms(500), ms(1200));
    fail_unless(cues.size() == 1, "\"%s\" did not close the cue", w);
    const std::string want = std::string("hello ") + w;
    ASSERT_CUE(cues[0], want.c_str(), ms(0), ms(1200));
    fail_if(b.open_cue_start().has_value());
    fail_unless(b.end_turn().empty());
    /* The next word starts a new cue. */
    b.add_word("next", ms(1300), ms(1600));
    fail_unless_equals_uint64(*b.open_cue_start(), ms(1300));
  }

  /* Not sentence ends. */
  const char *others[] = {"world,", "world", "world;", "world:", "\"world\""};
  for (const char *w : others) {
    CaptionBuilder b(options(42, 2));
    b.add_word("hello", ms(0), ms(400));
    fail_unless(b.add_word(w, ms(500), ms(1200)).empty(),
                "\"%s\" closed the cue", w);
    fail_unless(b.open_cue_start().has_value());
  }
}
GST_END_TEST;

GST_START_TEST(test_sentence_end_before_min_duration)
{
  /* "Hi." after 300 ms: too short to stand alone, the cue goes on. */
  CaptionBuilder b(options(42, 2));
  fail_unless(b.add_word("Hi.", ms(0), ms(300)).empty());
  fail_unless(b.open_cue_start().has_value());
  fail_unless(b.add_word("there", ms(400), ms(700)).empty());
  /* The next sentence end, after min_duration, closes it. */
  std::vector<CaptionCue> cues = b.add_word("friend.", ms(800), ms(1000));
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "Hi. there friend.", ms(0), ms(1000));
}
GST_END_TEST;

/* ---- turns ------------------------------------------------------------- */

GST_START_TEST(test_end_turn)
{
  CaptionBuilder b(options(42, 2));
  fail_unless(b.end_turn().empty());
  b.add_word("hello", ms(100), ms(500));
  b.add_word("world", ms(600), ms(1900));
  std::vector<CaptionCue> cues = b.end_turn();
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "hello world", ms(100), ms(1800));
  fail_unless(b.end_turn().empty());

  /* The next turn starts a fresh cue, on a fresh first line. */
  b.add_word("again", ms(3000), ms(3400));
  cues = b.end_turn();
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "again", ms(3000), ms(1000));
}
GST_END_TEST;

GST_START_TEST(test_open_cue_start)
{
  CaptionBuilder b(options(10, 1));
  fail_if(b.open_cue_start().has_value());
  b.add_word("first", ms(2000), ms(2300));
  fail_unless(b.open_cue_start().has_value());
  fail_unless_equals_uint64(*b.open_cue_start(), ms(2000));
  b.add_word("word", ms(2400), ms(2600));
  fail_unless_equals_uint64(*b.open_cue_start(), ms(2000));
  /* Overflow: the open cue is the new one. */
  fail_unless_equals_int(b.add_word("second", ms(2700), ms(2900)).size(), 1);
  fail_unless_equals_uint64(*b.open_cue_start(), ms(2700));
  b.end_turn();
  fail_if(b.open_cue_start().has_value());
}
GST_END_TEST;

/* ---- characters -------------------------------------------------------- */

GST_START_TEST(test_long_word_own_line)
{
  const char *lw = "internationalization"; /* 20 > 10 */
  CaptionBuilder b(options(10, 3));
  b.add_word("a", ms(0), ms(100));
  b.add_word(lw, ms(200), ms(900));
  b.add_word("b", ms(1000), ms(1200));
  std::vector<CaptionCue> cues = b.end_turn();
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "a\ninternationalization\nb", ms(0), ms(1200));

  /* As the first word of a cue. */
  b.add_word(lw, ms(2000), ms(2700));
  b.add_word("ok", ms(2800), ms(3000));
  cues = b.end_turn();
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "internationalization\nok", ms(2000), ms(1000));

  /* With two lines per cue, the word after it opens the next cue. */
  CaptionBuilder c(options(10, 2));
  c.add_word("a", ms(0), ms(100));
  fail_unless(c.add_word(lw, ms(200), ms(1100)).empty());
  cues = c.add_word("b", ms(1200), ms(1300));
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "a\ninternationalization", ms(0), ms(1100));
}
GST_END_TEST;

GST_START_TEST(test_utf8_length)
{
  fail_unless_equals_int(utf8_length(""), 0);
  fail_unless_equals_int(utf8_length("abc"), 3);
  fail_unless_equals_int(utf8_length("é"), 1);
  fail_unless_equals_int(utf8_length("café"), 4);
  fail_unless_equals_int(utf8_length("日本語"), 3);
  fail_unless_equals_int(utf8_length("😀"), 1);
  fail_unless_equals_int(utf8_length("¿Qué?"), 5);
}
GST_END_TEST;

GST_START_TEST(test_line_width_in_characters)
{
  /* "café déjà" is 9 characters (12 bytes): it fits a 9-character line. */
  CaptionBuilder b(options(9, 2));
  b.add_word("café", ms(0), ms(300));
  b.add_word("déjà", ms(400), ms(700));
  b.add_word("été", ms(800), ms(1100));
  std::vector<CaptionCue> cues = b.end_turn();
  fail_unless_equals_int(cues.size(), 1);
  ASSERT_CUE(cues[0], "café déjà\nété", ms(0), ms(1100));
}
GST_END_TEST;

/* ---- speakers ----------------------------------------------------------- */

GST_START_TEST(test_speaker_change_marks_new_cue)
{
  CaptionBuilder b(options(42, 2));
  /* The first speaker is a change too: its first cue is marked. */
  fail_unless(b.speaker_change().empty());
  fail_unless(b.add_word("hello", ms(0), ms(400)).empty());
  fail_unless(b.add_word("there", ms(500), ms(900)).empty());
  /* A new speaker closes the open cue at once and marks the next one. */
  std::vector<CaptionCue> c = b.speaker_change();
  fail_unless_equals_int(c.size(), 1);
  ASSERT_CUE(c[0], ">> hello there", ms(0), ms(1000));
  fail_unless(b.add_word("hi", ms(1200), ms(1400)).empty());
  c = b.end_turn();
  fail_unless_equals_int(c.size(), 1);
  ASSERT_CUE(c[0], ">> hi", ms(1200), ms(1000));
  /* The same speaker's next turn is not marked again. */
  fail_unless(b.add_word("again", ms(3000), ms(3400)).empty());
  c = b.end_turn();
  ASSERT_CUE(c[0], "again", ms(3000), ms(1000));
}
GST_END_TEST;

GST_START_TEST(test_speaker_marker_counts_in_line)
{
  CaptionOptions o = options(10, 1);
  o.speaker_marker = "- ";
  CaptionBuilder b(o);
  b.speaker_change();
  /* "- one two" is 9 characters; " three" no longer fits on the line. */
  fail_unless(b.add_word("one", ms(0), ms(300)).empty());
  fail_unless(b.add_word("two", ms(400), ms(700)).empty());
  std::vector<CaptionCue> c = b.add_word("three", ms(800), ms(1100));
  fail_unless_equals_int(c.size(), 1);
  ASSERT_CUE(c[0], "- one two", ms(0), ms(800));
  c = b.end_turn();
  ASSERT_CUE(c[0], "three", ms(800), ms(1000));
}
GST_END_TEST;

GST_START_TEST(test_empty_speaker_marker)
{
  CaptionOptions o = options(42, 2);
  o.speaker_marker = "";
  CaptionBuilder b(o);
  b.add_word("one", ms(0), ms(300));
  /* No mark, but the change still starts a new cue. */
  std::vector<CaptionCue> c = b.speaker_change();
  ASSERT_CUE(c[0], "one", ms(0), ms(1000));
  b.add_word("two", ms(400), ms(700));
  c = b.end_turn();
  ASSERT_CUE(c[0], "two", ms(400), ms(1000));
}
GST_END_TEST;

static Suite *captions_suite(void)
{
  Suite *s = suite_create("captions");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_greedy_line_filling);
  tcase_add_test(tc, test_overflow_starts_next_cue);
  tcase_add_test(tc, test_one_line_per_cue);
  tcase_add_test(tc, test_min_duration_stretch);
  tcase_add_test(tc, test_min_duration_capped_by_next_cue);
  tcase_add_test(tc, test_max_duration);
  tcase_add_test(tc, test_sentence_end_closes_cue);
  tcase_add_test(tc, test_sentence_end_before_min_duration);
  tcase_add_test(tc, test_end_turn);
  tcase_add_test(tc, test_open_cue_start);
  tcase_add_test(tc, test_long_word_own_line);
  tcase_add_test(tc, test_utf8_length);
  tcase_add_test(tc, test_line_width_in_characters);
  tcase_add_test(tc, test_speaker_change_marks_new_cue);
  tcase_add_test(tc, test_speaker_marker_counts_in_line);
  tcase_add_test(tc, test_empty_speaker_marker);
  return s;
}

GST_CHECK_MAIN(captions);
