/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Turn messages -> word and caption output items (core/turn_tracker.h).
 * Protects what the text pads show: every word exactly once, in order, as
 * soon as it is final; an end of turn after its last word; captions that
 * wait for the formatted turn when asked to, without losing the words when
 * it never comes; speaker and language changes; the non-speech filter,
 * including whisper-rt's bare tag words; and reconnection: the words a
 * lost session's successor reports again are shown once on each output. */
#include <gst/check/gstcheck.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "turn_tracker.h"

using namespace aai;

/* ---- helpers ----------------------------------------------------------- */

struct W {
  const char *text;
  int64_t start_ms;
  int64_t end_ms;
  bool final;
};

/* One Turn message as the service sends it: the whole turn so far. */
static TurnEvent make_turn(int64_t order,
                           std::initializer_list<W> words,
                           bool end_of_turn = false,
                           bool formatted = false)
{
  TurnEvent t;
  t.turn_order = order;
  t.end_of_turn = end_of_turn;
  t.turn_is_formatted = formatted;
  for (const W &w : words) {
    Word word;
    word.text = w.text;
    word.start_ms = w.start_ms;
    word.end_ms = w.end_ms;
    word.is_final = w.final || end_of_turn;
    word.confidence = 0.9;
    if (!t.transcript.empty())
      t.transcript += " ";
    t.transcript += w.text;
    t.words.push_back(word);
  }
  return t;
}

/* Items as one line: words by their text, "|" for an end of turn and
 * "<label>" for a speaker change, separated by spaces. */
static std::string render(const std::vector<TextItem> &items)
{
  std::string s;
  for (const TextItem &i : items) {
    if (!s.empty())
      s += " ";
    switch (i.kind) {
      case TextItem::Kind::Word:
        s += i.word.text;
        break;
      case TextItem::Kind::EndOfTurn:
        s += "|";
        break;
      case TextItem::Kind::SpeakerChange:
        s += "<" + i.speaker + ">";
        break;
    }
  }
  return s;
}

static size_t count_words(const std::vector<TextItem> &items)
{
  size_t n = 0;
  for (const TextItem &i : items)
    if (i.kind == TextItem::Kind::Word)
      n++;
  return n;
}

/* fail_unless_equals_string keeps only the char pointer of its argument,
 * which would dangle for a temporary std::string: render into a copy. */
#define ASSERT_ITEMS(items, want)                                          \
  do {                                                                     \
    const std::string got_ = render(items);                                \
    fail_unless(got_ == (want), "%s: got \"%s\", expected \"%s\"", #items, \
                got_.c_str(), static_cast<const char *>(want));            \
  } while (0)

static TurnTracker::Options opts(bool await_formatted = false,
                                 bool filter_non_speech = false,
                                 bool hold_until_end_of_turn = false)
{
  TurnTracker::Options o;
  o.await_formatted = await_formatted;
  o.filter_non_speech = filter_non_speech;
  o.hold_until_end_of_turn = hold_until_end_of_turn;
  return o;
}

/* ---- words ------------------------------------------------------------- */

GST_START_TEST(test_words_once_in_order)
{
  /* The turn grows; each message repeats it. A word goes out once, the
   * first time it is final, with its own times. */
  TurnTracker tt(opts());
  TextUpdate u = tt.on_turn(make_turn(0, {{"hello", 100, 400, false}}));
  ASSERT_ITEMS(u.words, "");

  u = tt.on_turn(
      make_turn(0, {{"hello", 100, 400, true}, {"wor", 500, 700, false}}));
  ASSERT_ITEMS(u.words, "hello");
  fail_unless_equals_int64(u.words[0].word.start_ms, 100);
  fail_unless_equals_int64(u.words[0].word.end_ms, 400);

  /* The same message again: nothing new. */
  u = tt.on_turn(
      make_turn(0, {{"hello", 100, 400, true}, {"wor", 500, 700, false}}));
  ASSERT_ITEMS(u.words, "");

  /* Two words become final at once: both, in order. */
  u = tt.on_turn(make_turn(0, {{"hello", 100, 400, true},
                               {"world", 500, 900, true},
                               {"how", 1000, 1200, true},
                               {"ar", 1300, 1400, false}}));
  ASSERT_ITEMS(u.words, "world how");
  fail_unless_equals_int64(u.words[0].word.start_ms, 500);
  fail_unless_equals_int64(u.words[0].word.end_ms, 900);
  fail_unless_equals_int64(u.words[1].word.start_ms, 1000);
  fail_unless_equals_int64(u.words[1].word.end_ms, 1200);

  /* A partial with fewer final words (never sent by the service, but
   * harmless) does not bring anything back. */
  u = tt.on_turn(make_turn(0, {{"hello", 100, 400, true}}));
  ASSERT_ITEMS(u.words, "");
}
GST_END_TEST;

GST_START_TEST(test_end_of_turn_after_last_word)
{
  TurnTracker tt(opts());
  TextUpdate u = tt.on_turn(
      make_turn(0, {{"hello", 100, 400, true}, {"wor", 500, 700, false}}));
  ASSERT_ITEMS(u.words, "hello");

  /* end_of_turn makes every word final, the non-final tail too. */
  TurnEvent eot =
      make_turn(0, {{"hello", 100, 400, false}, {"world", 500, 900, false}});
  eot.end_of_turn = true;
  u = tt.on_turn(eot);
  ASSERT_ITEMS(u.words, "world |");
  fail_unless(u.words.back().kind == TextItem::Kind::EndOfTurn);

  /* The same end of turn again: no second EndOfTurn. */
  u = tt.on_turn(eot);
  ASSERT_ITEMS(u.words, "");
  ASSERT_ITEMS(u.captions, "");
}
GST_END_TEST;

GST_START_TEST(test_new_turn_after_ended_turn)
{
  TurnTracker tt(opts());
  TextUpdate u = tt.on_turn(make_turn(
      0, {{"hello", 100, 400, true}, {"world", 500, 900, true}}, true));
  ASSERT_ITEMS(u.words, "hello world |");

  u = tt.on_turn(make_turn(1, {{"how", 1500, 1700, false}}));
  ASSERT_ITEMS(u.words, "");
  u = tt.on_turn(
      make_turn(1, {{"how", 1500, 1700, true}, {"are", 1800, 1900, false}}));
  ASSERT_ITEMS(u.words, "how");
  u = tt.on_turn(make_turn(
      1, {{"how", 1500, 1700, true}, {"are", 1800, 1900, true}}, true));
  ASSERT_ITEMS(u.words, "are |");

  /* Turn 2 starts directly with final words. */
  u = tt.on_turn(make_turn(2, {{"fine", 2500, 2800, true}}));
  ASSERT_ITEMS(u.words, "fine");
  fail_unless_equals_int64(u.words[0].word.start_ms, 2500);
}
GST_END_TEST;

GST_START_TEST(test_stale_turn_ignored)
{
  TurnTracker tt(opts(true));
  TurnEvent t0 = make_turn(
      0, {{"hello", 100, 400, true}, {"world", 500, 900, true}}, true);
  t0.language_code = "en";
  tt.on_turn(t0);
  TextUpdate u = tt.on_turn(make_turn(1, {{"how", 1500, 1700, true}}));
  ASSERT_ITEMS(u.words, "how");

  /* Late messages of turn 0 (a partial, the end of turn, its formatted
   * version, in another language): all ignored, on every output. */
  TurnEvent late[] = {
      make_turn(0, {{"hello", 100, 400, true}, {"wor", 500, 600, false}}),
      make_turn(0, {{"hello", 100, 400, true}, {"world", 500, 900, true}},
                true),
      make_turn(0, {{"Hello", 100, 400, true}, {"world.", 500, 900, true}},
                true, true),
  };
  for (TurnEvent &t : late) {
    t.language_code = "de";
    u = tt.on_turn(t);
    ASSERT_ITEMS(u.words, "");
    ASSERT_ITEMS(u.captions, "");
    fail_if(u.language.has_value(), "stale turn changed the language");
  }

  /* Turn 1 goes on unaffected. */
  u = tt.on_turn(
      make_turn(1, {{"how", 1500, 1700, true}, {"are", 1800, 1900, true}}));
  ASSERT_ITEMS(u.words, "are");
}
GST_END_TEST;

/* ---- captions ---------------------------------------------------------- */

GST_START_TEST(test_captions_progressive)
{
  /* await_formatted=false: the caption output follows the word output. */
  TurnTracker tt(opts(false));
  TextUpdate u = tt.on_turn(make_turn(0, {{"hello", 100, 400, false}}));
  ASSERT_ITEMS(u.captions, "");
  u = tt.on_turn(
      make_turn(0, {{"hello", 100, 400, true}, {"world", 500, 900, false}}));
  ASSERT_ITEMS(u.words, "hello");
  ASSERT_ITEMS(u.captions, "hello");
  fail_unless_equals_int64(u.captions[0].word.start_ms, 100);
  fail_unless_equals_int64(u.captions[0].word.end_ms, 400);
  u = tt.on_turn(make_turn(
      0, {{"hello", 100, 400, true}, {"world", 500, 900, true}}, true));
  ASSERT_ITEMS(u.words, "world |");
  ASSERT_ITEMS(u.captions, "world |");

  /* The formatted follow-up (format_turns without awaiting it) must not
   * show the turn a second time anywhere. */
  u = tt.on_turn(make_turn(
      0, {{"Hello", 100, 400, true}, {"world.", 500, 900, true}}, true, true));
  ASSERT_ITEMS(u.words, "");
  ASSERT_ITEMS(u.captions, "");
}
GST_END_TEST;

GST_START_TEST(test_await_formatted)
{
  TurnTracker tt(opts(true));
  TextUpdate u = tt.on_turn(make_turn(0, {{"hello", 100, 400, false}}));
  ASSERT_ITEMS(u.captions, "");
  u = tt.on_turn(
      make_turn(0, {{"hello", 100, 400, true}, {"world", 500, 900, false}}));
  ASSERT_ITEMS(u.words, "hello");
  ASSERT_ITEMS(u.captions, "");

  /* The unformatted end of turn: the word output completes the turn, the
   * captions still wait. */
  u = tt.on_turn(make_turn(
      0, {{"hello", 100, 400, true}, {"world", 500, 900, true}}, true));
  ASSERT_ITEMS(u.words, "world |");
  ASSERT_ITEMS(u.captions, "");

  /* The formatted follow-up: captions only, with the formatted text and
   * the words' times. */
  u = tt.on_turn(make_turn(
      0, {{"Hello", 100, 400, true}, {"world.", 500, 900, true}}, true, true));
  ASSERT_ITEMS(u.words, "");
  ASSERT_ITEMS(u.captions, "Hello world. |");
  fail_unless_equals_int64(u.captions[0].word.start_ms, 100);
  fail_unless_equals_int64(u.captions[0].word.end_ms, 400);
  fail_unless_equals_int64(u.captions[1].word.start_ms, 500);
  fail_unless_equals_int64(u.captions[1].word.end_ms, 900);

  /* A duplicate formatted message does not repeat them. */
  u = tt.on_turn(make_turn(
      0, {{"Hello", 100, 400, true}, {"world.", 500, 900, true}}, true, true));
  ASSERT_ITEMS(u.captions, "");

  /* The next turn waits again; nothing of turn 0 comes back. */
  u = tt.on_turn(make_turn(1, {{"bye", 1500, 1700, true}}));
  ASSERT_ITEMS(u.words, "bye");
  ASSERT_ITEMS(u.captions, "");
  u = tt.on_turn(make_turn(1, {{"bye", 1500, 1700, true}}, true));
  ASSERT_ITEMS(u.captions, "");
  u = tt.on_turn(make_turn(1, {{"Bye.", 1500, 1700, true}}, true, true));
  ASSERT_ITEMS(u.words, "");
  ASSERT_ITEMS(u.captions, "Bye. |");
}
GST_END_TEST;

GST_START_TEST(test_await_formatted_end_of_turn_already_formatted)
{
  /* u3-rt-pro: the end of turn itself is formatted; no follow-up comes. */
  TurnTracker tt(opts(true));
  TextUpdate u = tt.on_turn(make_turn(0, {{"hello", 100, 400, false}}));
  ASSERT_ITEMS(u.captions, "");
  u = tt.on_turn(make_turn(
      0, {{"Hello", 100, 400, true}, {"world.", 500, 900, true}}, true, true));
  ASSERT_ITEMS(u.words, "Hello world. |");
  ASSERT_ITEMS(u.captions, "Hello world. |");
  u = tt.on_turn(make_turn(1, {{"next", 1500, 1700, true}}));
  ASSERT_ITEMS(u.captions, "");
  ASSERT_ITEMS(u.words, "next");
}
GST_END_TEST;

GST_START_TEST(test_await_formatted_missing_followup_next_turn)
{
  /* The formatted version never comes: the unformatted words are shown
   * when the next turn starts, before that turn's own items. */
  TurnTracker tt(opts(true));
  tt.on_turn(make_turn(
      0, {{"hello", 100, 400, true}, {"world", 500, 900, true}}, true));
  TextUpdate u = tt.on_turn(make_turn(1, {{"how", 1500, 1700, true}}));
  ASSERT_ITEMS(u.captions, "hello world |");
  ASSERT_ITEMS(u.words, "how");
  fail_unless_equals_int64(u.captions[1].word.start_ms, 500);
  fail_unless_equals_int64(u.captions[1].word.end_ms, 900);

  /* Its formatted version arriving now is stale. */
  u = tt.on_turn(make_turn(
      0, {{"Hello", 100, 400, true}, {"world.", 500, 900, true}}, true, true));
  ASSERT_ITEMS(u.captions, "");
  ASSERT_ITEMS(u.words, "");
}
GST_END_TEST;

GST_START_TEST(test_await_formatted_missing_followup_finish)
{
  TurnTracker tt(opts(true));
  tt.on_turn(make_turn(
      0, {{"hello", 100, 400, true}, {"world", 500, 900, true}}, true));
  TextUpdate u = tt.finish();
  ASSERT_ITEMS(u.captions, "hello world |");
  /* The word output had them already. */
  ASSERT_ITEMS(u.words, "");
  u = tt.finish();
  ASSERT_ITEMS(u.captions, "");
  ASSERT_ITEMS(u.words, "");
}
GST_END_TEST;

/* ---- end of session ---------------------------------------------------- */

GST_START_TEST(test_finish_releases_unended_turn)
{
  /* The session ends inside a turn: its remaining words, final or not,
   * are the best text there will be for that audio. */
  for (int await = 0; await <= 1; await++) {
    TurnTracker tt(opts(await != 0));
    TextUpdate u = tt.on_turn(make_turn(0, {{"hello", 100, 400, true},
                                            {"big", 500, 700, false},
                                            {"world", 800, 1000, false}}));
    ASSERT_ITEMS(u.words, "hello");
    ASSERT_ITEMS(u.captions, await ? "" : "hello");

    u = tt.finish();
    ASSERT_ITEMS(u.words, "big world |");
    ASSERT_ITEMS(u.captions, await ? "hello big world |" : "big world |");
    fail_unless_equals_int64(u.words[1].word.start_ms, 800);
    fail_unless_equals_int64(u.words[1].word.end_ms, 1000);

    /* Nothing left for a second finish(). */
    u = tt.finish();
    ASSERT_ITEMS(u.words, "");
    ASSERT_ITEMS(u.captions, "");
  }
}
GST_END_TEST;

GST_START_TEST(test_finish_resets_turn_order)
{
  /* A new session (after a reconnect or a drain) counts turns from 0. */
  TurnTracker tt(opts());
  tt.on_turn(make_turn(0, {{"one", 0, 100, true}}, true));
  tt.on_turn(make_turn(1, {{"two", 200, 300, true}}, true));
  tt.on_turn(
      make_turn(2, {{"three", 400, 500, true}, {"fo", 600, 700, false}}));
  TextUpdate u = tt.finish();
  ASSERT_ITEMS(u.words, "fo |");

  u = tt.on_turn(make_turn(0, {{"again", 0, 300, true}}));
  ASSERT_ITEMS(u.words, "again");
  ASSERT_ITEMS(u.captions, "again");
  u = tt.on_turn(make_turn(0, {{"again", 0, 300, true}}, true));
  ASSERT_ITEMS(u.words, "|");
  u = tt.on_turn(make_turn(1, {{"more", 400, 600, true}}, true));
  ASSERT_ITEMS(u.words, "more |");

  /* Also when the previous session's last turn had ended. */
  tt.finish();
  u = tt.on_turn(make_turn(0, {{"third", 0, 300, true}}, true));
  ASSERT_ITEMS(u.words, "third |");
}
GST_END_TEST;

/* ---- speakers and language --------------------------------------------- */

GST_START_TEST(test_speaker_changes)
{
  TurnTracker tt(opts());
  /* A short first turn: no label yet. */
  TurnEvent t = make_turn(0, {{"hi", 0, 200, true}}, true);
  t.speaker_label = "UNKNOWN";
  TextUpdate u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "hi |");
  ASSERT_ITEMS(u.captions, "hi |");

  /* The first known label: before the first word, on both outputs. */
  t = make_turn(1, {{"hello", 300, 500, true}, {"there", 600, 800, false}});
  t.speaker_label = "A";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "<A> hello");
  ASSERT_ITEMS(u.captions, "<A> hello");
  fail_unless(u.words[1].word.speaker.has_value());
  fail_unless_equals_string(u.words[1].word.speaker->c_str(), "A");
  t = make_turn(1, {{"hello", 300, 500, true}, {"there", 600, 800, true}},
                true);
  t.speaker_label = "A";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "there |");

  /* The same label again: no change. */
  t = make_turn(2, {{"again", 900, 1000, true}}, true);
  t.speaker_label = "A";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "again |");
  ASSERT_ITEMS(u.captions, "again |");

  /* UNKNOWN between two turns of A: no change either way. */
  t = make_turn(3, {{"mm", 1100, 1200, true}}, true);
  t.speaker_label = "UNKNOWN";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "mm |");
  t = make_turn(4, {{"so", 1300, 1400, true}}, true);
  t.speaker_label = "A";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "so |");

  /* Another speaker, then back to A. */
  t = make_turn(5, {{"yes", 1500, 1600, true}}, true);
  t.speaker_label = "B";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "<B> yes |");
  ASSERT_ITEMS(u.captions, "<B> yes |");
  t = make_turn(6, {{"ok", 1700, 1800, true}}, true);
  t.speaker_label = "A";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "<A> ok |");
  ASSERT_ITEMS(u.captions, "<A> ok |");
}
GST_END_TEST;

GST_START_TEST(test_speaker_change_with_await_formatted)
{
  /* The captions announce the speaker before the formatted words; the
   * word output before its own first word. */
  TurnTracker tt(opts(true));
  TurnEvent t = make_turn(0, {{"hello", 0, 200, true}}, true);
  t.speaker_label = "A";
  TextUpdate u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "<A> hello |");
  ASSERT_ITEMS(u.captions, "");
  t = make_turn(0, {{"Hello.", 0, 200, true}}, true, true);
  t.speaker_label = "A";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "");
  ASSERT_ITEMS(u.captions, "<A> Hello. |");
}
GST_END_TEST;

GST_START_TEST(test_language_changes)
{
  TurnTracker tt(opts());
  TurnEvent t = make_turn(0, {{"hello", 0, 200, true}});
  t.language_code = "en";
  TextUpdate u = tt.on_turn(t);
  fail_unless(u.language.has_value());
  fail_unless_equals_string(u.language->c_str(), "en");

  /* Repeated: not reported again, in the same turn or the next. */
  t = make_turn(0, {{"hello", 0, 200, true}}, true);
  t.language_code = "en";
  u = tt.on_turn(t);
  fail_if(u.language.has_value());
  t = make_turn(1, {{"again", 300, 500, true}}, true);
  t.language_code = "en";
  u = tt.on_turn(t);
  fail_if(u.language.has_value());

  /* A message without language_code changes nothing. */
  u = tt.on_turn(make_turn(2, {{"um", 600, 700, true}}, true));
  fail_if(u.language.has_value());

  t = make_turn(3, {{"hola", 800, 1000, true}});
  t.language_code = "es";
  u = tt.on_turn(t);
  fail_unless(u.language.has_value());
  fail_unless_equals_string(u.language->c_str(), "es");
  ASSERT_ITEMS(u.words, "hola");
  t = make_turn(3, {{"hola", 800, 1000, true}}, true);
  t.language_code = "es";
  u = tt.on_turn(t);
  fail_if(u.language.has_value());

  t = make_turn(4, {{"back", 1100, 1200, true}}, true);
  t.language_code = "en";
  u = tt.on_turn(t);
  fail_unless(u.language.has_value());
  fail_unless_equals_string(u.language->c_str(), "en");
}
GST_END_TEST;

/* ---- non-speech -------------------------------------------------------- */

GST_START_TEST(test_filter_non_speech)
{
  TurnEvent t = make_turn(0,
                          {
                              {"[Silence]", 0, 500, true},
                              {"hello", 600, 800, true},
                              {"", 850, 850, true},
                              {"[Music]", 900, 1500, true},
                              {" ", 1550, 1550, true},
                              {"world", 1600, 1800, true},
                          },
                          true);
  TurnTracker filtered(opts(false, true));
  TextUpdate u = filtered.on_turn(t);
  ASSERT_ITEMS(u.words, "hello world |");
  ASSERT_ITEMS(u.captions, "hello world |");
  fail_unless_equals_int64(u.words[1].word.start_ms, 1600);

  /* Without the filter the tags are words like any other; empty words
   * are never shown. */
  TurnTracker plain(opts(false, false));
  u = plain.on_turn(t);
  ASSERT_ITEMS(u.words, "[Silence] hello [Music] world |");
  ASSERT_ITEMS(u.captions, "[Silence] hello [Music] world |");
}
GST_END_TEST;

/* whisper-rt: the tags are bare lowercase words; only the utterance keeps
 * the brackets. */
static TurnEvent whisper_silence(int64_t order, bool end_of_turn)
{
  TurnEvent t =
      make_turn(order, {{"silence", 0, 400, true}, {"silence", 500, 900, true}},
                end_of_turn);
  t.utterance = "[ Silence] [ Silence]";
  t.transcript = "silence silence";
  return t;
}

GST_START_TEST(test_whisper_tags_only_turn_dropped)
{
  TurnTracker tt(opts(false, true, true));
  /* Words wait for the end of the turn, even when final. */
  TextUpdate u = tt.on_turn(whisper_silence(0, false));
  fail_unless_equals_int(count_words(u.words), 0);
  fail_unless_equals_int(count_words(u.captions), 0);
  u = tt.on_turn(whisper_silence(0, true));
  fail_unless_equals_int(count_words(u.words), 0);
  fail_unless_equals_int(count_words(u.captions), 0);

  /* A normal turn passes, at its end. */
  TurnEvent t = make_turn(1, {{"hello", 1000, 1200, true}});
  t.utterance = "Hello";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "");
  ASSERT_ITEMS(u.captions, "");
  t = make_turn(1, {{"hello", 1000, 1200, true}, {"world", 1300, 1500, true}},
                true);
  t.utterance = "Hello world.";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "hello world |");
  ASSERT_ITEMS(u.captions, "hello world |");

  /* A turn that mentions the word "silence" is speech. */
  t = make_turn(
      2, {{"silence", 1600, 1900, true}, {"please", 2000, 2300, true}}, true);
  t.utterance = "Silence, please.";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "silence please |");
}
GST_END_TEST;

GST_START_TEST(test_whisper_tags_only_turn_dropped_formatted)
{
  /* whisper-rt with format_turns: the formatted follow-up of a tags-only
   * turn adds nothing to the captions either. */
  TurnTracker tt(opts(true, true, true));
  tt.on_turn(whisper_silence(0, false));
  TextUpdate u = tt.on_turn(whisper_silence(0, true));
  fail_unless_equals_int(count_words(u.words), 0);
  fail_unless_equals_int(count_words(u.captions), 0);
  TurnEvent f = whisper_silence(0, true);
  f.turn_is_formatted = true;
  f.words[0].text = "Silence";
  f.words[1].text = "silence.";
  u = tt.on_turn(f);
  fail_unless_equals_int(count_words(u.words), 0);
  fail_unless_equals_int(count_words(u.captions), 0);
}
GST_END_TEST;

GST_START_TEST(test_whisper_tags_only_turn_at_finish)
{
  /* The session ends inside a tags-only turn: with the filter on, its
   * bare "silence" words must not reach either output. */
  TurnTracker tt(opts(false, true, true));
  TextUpdate u = tt.on_turn(whisper_silence(0, false));
  fail_unless_equals_int(count_words(u.words), 0);
  u = tt.finish();
  fail_unless(count_words(u.words) == 0, "word output got \"%s\"",
              render(u.words).c_str());
  fail_unless(count_words(u.captions) == 0, "caption output got \"%s\"",
              render(u.captions).c_str());
}
GST_END_TEST;

GST_START_TEST(test_whisper_tags_only_turn_missing_followup)
{
  /* whisper-rt with format_turns, and the formatted version of a
   * tags-only turn never comes: releasing the held turn must not bring
   * its bare "silence" words to the captions. */
  TurnTracker tt(opts(true, true, true));
  tt.on_turn(whisper_silence(0, true));
  TextUpdate u = tt.on_turn(make_turn(1, {{"hello", 1000, 1200, false}}));
  fail_unless(count_words(u.captions) == 0,
              "next turn: caption output got \"%s\"",
              render(u.captions).c_str());

  /* ... nor at the end of the session. */
  TurnTracker tt2(opts(true, true, true));
  tt2.on_turn(whisper_silence(0, true));
  u = tt2.finish();
  fail_unless(count_words(u.captions) == 0, "finish: caption output got \"%s\"",
              render(u.captions).c_str());
}
GST_END_TEST;

GST_START_TEST(test_is_non_speech)
{
  const char *yes[] = {"[Silence]", "[Music]", "[ Música ]", "[ Silence]",
                       " [Noise] ", "",        " ",          "\t\n"};
  for (const char *s : yes)
    fail_unless(is_non_speech(s), "\"%s\" is not non-speech", s);
  const char *no[] = {"hello",  "silence", "[",    "]",      "[Silence",
                      "Music]", "a[b]",    "[a]b", "Hello.", "é"};
  for (const char *s : no)
    fail_if(is_non_speech(s), "\"%s\" is non-speech", s);
}
GST_END_TEST;

/* ---- reconnection ------------------------------------------------------ */

/* Everything an output showed, as one line (see render()). */
static void add_line(std::string *line, const std::vector<TextItem> &items)
{
  const std::string r = render(items);
  if (!r.empty())
    *line += (line->empty() ? "" : " ") + r;
}

struct Shown {
  std::string words, captions;
  void add(const TextUpdate &u)
  {
    add_line(&words, u.words);
    add_line(&captions, u.captions);
  }
};

GST_START_TEST(test_abandon_replayed_unfinished_turn)
{
  /* A session is lost inside turn 1; the next one hears turn 1 again from
   * its start (the stream has put its times and turn order on the
   * stream's axis). Each word reaches each output once. With
   * await_formatted the caption output showed nothing of turn 1 yet: its
   * own mark (not the word output's) decides, so it gets the whole
   * formatted turn. */
  for (int await = 0; await <= 1; await++) {
    TurnTracker tt(opts(await != 0));
    Shown all;
    all.add(tt.on_turn(make_turn(0, {{"hi", 0, 200, true}}, true)));
    if (await)
      all.add(tt.on_turn(make_turn(0, {{"Hi.", 0, 200, true}}, true, true)));
    TextUpdate u = tt.on_turn(make_turn(1, {{"hello", 1000, 1300, true},
                                            {"world", 1400, 1800, true},
                                            {"how", 1900, 2100, false}}));
    ASSERT_ITEMS(u.words, "hello world");
    ASSERT_ITEMS(u.captions, await ? "" : "hello world");
    all.add(u);

    /* Lost: the unfinished turn is not flushed (unlike finish()), its
     * words will come again. */
    u = tt.abandon();
    ASSERT_ITEMS(u.words, "");
    ASSERT_ITEMS(u.captions, "");

    u = tt.on_turn(make_turn(
        1, {{"hello", 1000, 1300, true}, {"wor", 1400, 1700, false}}));
    ASSERT_ITEMS(u.words, "");
    ASSERT_ITEMS(u.captions, "");
    all.add(u);
    u = tt.on_turn(make_turn(1, {{"hello", 1000, 1300, true},
                                 {"world", 1400, 1800, true},
                                 {"how", 1900, 2100, true},
                                 {"are", 2200, 2400, false}}));
    ASSERT_ITEMS(u.words, "how");
    ASSERT_ITEMS(u.captions, await ? "" : "how");
    fail_unless_equals_int64(u.words[0].word.start_ms, 1900);
    all.add(u);
    u = tt.on_turn(make_turn(1,
                             {{"hello", 1000, 1300, true},
                              {"world", 1400, 1800, true},
                              {"how", 1900, 2100, true},
                              {"are", 2200, 2400, true},
                              {"you", 2500, 2800, true}},
                             true));
    ASSERT_ITEMS(u.words, "are you |");
    all.add(u);
    if (await) {
      u = tt.on_turn(make_turn(1,
                               {{"Hello", 1000, 1300, true},
                                {"world,", 1400, 1800, true},
                                {"how", 1900, 2100, true},
                                {"are", 2200, 2400, true},
                                {"you?", 2500, 2800, true}},
                               true, true));
      ASSERT_ITEMS(u.words, "");
      ASSERT_ITEMS(u.captions, "Hello world, how are you? |");
      all.add(u);
    }
    fail_unless(all.words == "hi | hello world how are you |", "words: %s",
                all.words.c_str());
    const char *want = await ? "Hi. | Hello world, how are you? |"
                             : "hi | hello world how are you |";
    fail_unless(all.captions == want, "captions: %s", all.captions.c_str());
  }
}
GST_END_TEST;

GST_START_TEST(test_abandon_releases_held_end_of_turn)
{
  /* The session is lost between an unformatted end of turn and its
   * formatted version, which will never come: the captions get the
   * unformatted words now rather than lose the turn. */
  TurnTracker tt(opts(true));
  TextUpdate u = tt.on_turn(make_turn(
      0, {{"hello", 100, 400, true}, {"world", 500, 900, true}}, true));
  ASSERT_ITEMS(u.words, "hello world |");
  ASSERT_ITEMS(u.captions, "");
  u = tt.abandon();
  ASSERT_ITEMS(u.words, "");
  ASSERT_ITEMS(u.captions, "hello world |");
  fail_unless_equals_int64(u.captions[1].word.start_ms, 500);
  fail_unless_equals_int64(u.captions[1].word.end_ms, 900);
  /* Released once. */
  u = tt.abandon();
  ASSERT_ITEMS(u.words, "");
  ASSERT_ITEMS(u.captions, "");

  /* The next session goes on after that turn, on both outputs. */
  u = tt.on_turn(make_turn(1, {{"next", 1000, 1200, true}}, true));
  ASSERT_ITEMS(u.words, "next |");
  ASSERT_ITEMS(u.captions, "");
  u = tt.on_turn(make_turn(1, {{"Next.", 1000, 1200, true}}, true, true));
  ASSERT_ITEMS(u.captions, "Next. |");

  /* Without await_formatted nothing is held: abandon() adds nothing. */
  TurnTracker plain(opts(false));
  u = plain.on_turn(make_turn(0, {{"hello", 100, 400, true}}, true));
  ASSERT_ITEMS(u.captions, "hello |");
  u = plain.abandon();
  ASSERT_ITEMS(u.words, "");
  ASSERT_ITEMS(u.captions, "");
}
GST_END_TEST;

GST_START_TEST(test_abandon_retimed_word_recognised)
{
  /* The new session hears the same audio but may place a word a few ms
   * differently, also the last word shown, whose end then lies after the
   * mark: by its middle it is still the same word. */
  for (int64_t shift : {-40, -7, 0, 3, 40}) {
    TurnTracker tt(opts());
    TextUpdate u = tt.on_turn(make_turn(0, {{"hello", 1000, 1300, true},
                                            {"world", 1400, 1800, true},
                                            {"how", 1900, 2100, false}}));
    ASSERT_ITEMS(u.words, "hello world");
    tt.abandon();
    u = tt.on_turn(make_turn(0,
                             {{"hello", 1000 + shift, 1300 - shift, true},
                              {"world", 1400 + shift, 1800 + shift, true},
                              {"how", 1900 + shift, 2100 + shift, true},
                              {"are", 2200, 2400, true}},
                             true));
    fail_unless(render(u.words) == "how are |",
                "shift %" G_GINT64_FORMAT ": words \"%s\"", shift,
                render(u.words).c_str());
    fail_unless(render(u.captions) == "how are |",
                "shift %" G_GINT64_FORMAT ": captions \"%s\"", shift,
                render(u.captions).c_str());
    /* With the new session's times. */
    fail_unless_equals_int64(u.words[0].word.start_ms, 1900 + shift);
  }
}
GST_END_TEST;

GST_START_TEST(test_abandon_new_word_at_previous_end_kept)
{
  /* A word that starts where the last shown word ended is new, and so is
   * one that overlaps that end by a few ms, or has no duration there. */
  TurnTracker tt(opts());
  TextUpdate u = tt.on_turn(
      make_turn(0, {{"hello", 1000, 1300, true}, {"world", 1400, 1800, true}}));
  ASSERT_ITEMS(u.words, "hello world");
  tt.abandon();
  u = tt.on_turn(make_turn(0,
                           {{"hello", 1000, 1300, true},
                            {"world", 1400, 1800, true},
                            {"a", 1800, 1860, true},
                            {"big", 1850, 2100, true}},
                           true));
  ASSERT_ITEMS(u.words, "a big |");
  ASSERT_ITEMS(u.captions, "a big |");
  fail_unless_equals_int64(u.words[0].word.start_ms, 1800);

  TurnTracker zero(opts());
  zero.on_turn(make_turn(0, {{"hello", 1000, 1300, true}}));
  zero.abandon();
  u = zero.on_turn(make_turn(
      0, {{"hello", 1000, 1300, true}, {"uh", 1300, 1300, true}}, true));
  ASSERT_ITEMS(u.words, "uh |");
  ASSERT_ITEMS(u.captions, "uh |");
}
GST_END_TEST;

GST_START_TEST(test_abandon_keeps_speaker_and_language)
{
  /* A reconnection is not a change of speaker or language. */
  TurnTracker tt(opts());
  TurnEvent t =
      make_turn(0, {{"hello", 100, 400, true}, {"there", 500, 800, false}});
  t.speaker_label = "A";
  t.language_code = "en";
  TextUpdate u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "<A> hello");
  fail_unless(u.language.has_value());
  tt.abandon();

  t = make_turn(0, {{"hello", 100, 400, true}, {"there", 500, 800, true}},
                true);
  t.speaker_label = "A";
  t.language_code = "en";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "there |");
  ASSERT_ITEMS(u.captions, "there |");
  fail_if(u.language.has_value());

  t = make_turn(1, {{"hi", 1000, 1200, true}}, true);
  t.speaker_label = "B";
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "<B> hi |");
}
GST_END_TEST;

GST_START_TEST(test_abandon_held_until_end_of_turn)
{
  /* whisper-rt (words wait for the end of the turn): a lost turn showed
   * nothing yet, so the replayed turn shows all of it, once. */
  TurnTracker tt(opts(false, true, true));
  TurnEvent t =
      make_turn(0, {{"hello", 100, 400, true}, {"world", 500, 900, true}});
  t.utterance = "Hello world";
  TextUpdate u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "");
  u = tt.abandon();
  ASSERT_ITEMS(u.words, "");
  ASSERT_ITEMS(u.captions, "");
  t.end_of_turn = true;
  u = tt.on_turn(t);
  ASSERT_ITEMS(u.words, "hello world |");
  ASSERT_ITEMS(u.captions, "hello world |");
}
GST_END_TEST;

GST_START_TEST(test_finish_resets_dedup_marks)
{
  /* After the end of a stream (with a reconnection in it), the next
   * stream's times start at 0 again: none of its words is a repeat. */
  for (int await = 0; await <= 1; await++) {
    TurnTracker tt(opts(await != 0));
    tt.on_turn(
        make_turn(0, {{"long", 0, 4000, true}, {"talk", 4100, 5000, false}}));
    tt.abandon();
    tt.on_turn(make_turn(
        0, {{"long", 0, 4000, true}, {"talk", 4100, 5000, true}}, true));
    if (await)
      tt.on_turn(
          make_turn(0, {{"Long", 0, 4000, true}, {"talk.", 4100, 5000, true}},
                    true, true));
    tt.finish();

    Shown next;
    next.add(tt.on_turn(make_turn(0,
                                  {{"again", 0, 300, true},
                                   {"from", 400, 600, true},
                                   {"zero", 700, 4500, true}},
                                  true)));
    if (await)
      next.add(tt.on_turn(make_turn(0,
                                    {{"Again", 0, 300, true},
                                     {"from", 400, 600, true},
                                     {"zero.", 700, 4500, true}},
                                    true, true)));
    fail_unless(next.words == "again from zero |", "words: %s",
                next.words.c_str());
    const char *want = await ? "Again from zero. |" : "again from zero |";
    fail_unless(next.captions == want, "captions: %s", next.captions.c_str());
  }
}
GST_END_TEST;

static Suite *turn_tracker_suite(void)
{
  Suite *s = suite_create("turn_tracker");
  TCase *tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_words_once_in_order);
  tcase_add_test(tc, test_end_of_turn_after_last_word);
  tcase_add_test(tc, test_new_turn_after_ended_turn);
  tcase_add_test(tc, test_stale_turn_ignored);
  tcase_add_test(tc, test_captions_progressive);
  tcase_add_test(tc, test_await_formatted);
  tcase_add_test(tc, test_await_formatted_end_of_turn_already_formatted);
  tcase_add_test(tc, test_await_formatted_missing_followup_next_turn);
  tcase_add_test(tc, test_await_formatted_missing_followup_finish);
  tcase_add_test(tc, test_finish_releases_unended_turn);
  tcase_add_test(tc, test_finish_resets_turn_order);
  tcase_add_test(tc, test_speaker_changes);
  tcase_add_test(tc, test_speaker_change_with_await_formatted);
  tcase_add_test(tc, test_language_changes);
  tcase_add_test(tc, test_filter_non_speech);
  tcase_add_test(tc, test_whisper_tags_only_turn_dropped);
  tcase_add_test(tc, test_whisper_tags_only_turn_dropped_formatted);
  tcase_add_test(tc, test_whisper_tags_only_turn_at_finish);
  tcase_add_test(tc, test_whisper_tags_only_turn_missing_followup);
  tcase_add_test(tc, test_is_non_speech);
  tcase_add_test(tc, test_abandon_replayed_unfinished_turn);
  tcase_add_test(tc, test_abandon_releases_held_end_of_turn);
  tcase_add_test(tc, test_abandon_retimed_word_recognised);
  tcase_add_test(tc, test_abandon_new_word_at_previous_end_kept);
  tcase_add_test(tc, test_abandon_keeps_speaker_and_language);
  tcase_add_test(tc, test_abandon_held_until_end_of_turn);
  tcase_add_test(tc, test_finish_resets_dedup_marks);
  return s;
}

GST_CHECK_MAIN(turn_tracker);
