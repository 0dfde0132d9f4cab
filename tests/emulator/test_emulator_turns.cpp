/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Turn generation from a script: universal-streaming, u3-rt-pro,
 * whisper-rt (docs/protocol.md, Server messages), language and speaker fields.
 */
#include "test_common.h"

using namespace aai_test;
using aai_emu::Config;

/* Turn 0 ends acoustically (confidence 0.3 < 0.4), turn 1 semantically. */
static const char *kTwoTurns =
    "{\"turns\":["
    "{\"words\":[{\"text\":\"hello\",\"start\":500,\"end\":900},"
    "{\"text\":\"world\",\"start\":1000,\"end\":1400}],"
    "\"formatted\":\"Hello, world.\",\"speaker\":\"A\"},"
    "{\"words\":[{\"text\":\"how\",\"start\":3200,\"end\":3500},"
    "{\"text\":\"are\",\"start\":3600,\"end\":3800},"
    "{\"text\":\"you\",\"start\":3900,\"end\":4300}],"
    "\"formatted\":\"How are you?\",\"end_of_turn_confidence\":0.9,"
    "\"language_code\":\"es\",\"language_confidence\":0.8,\"speaker\":\"B\"}]}";

/* Runs one session over 6 s of audio and returns the emulator's record. */
static aai_emu::SessionRecord run(
    const char *script,
    const Headers &params,
    const std::function<void(Config &)> &tweak = nullptr)
{
  Config cfg = Config::instant();
  if (tweak)
    tweak(cfg);
  std::string err;
  fail_unless(aai_emu::Script::load_json(script, &cfg.script, &err), "%s",
              err.c_str());
  Started s(cfg);
  WsClient c;
  fail_unless(c.connect(with_query(s.emu.ws_url(), params), key_header()));
  c.stream_ms(6000);
  c.send_text("{\"type\":\"Terminate\"}");
  fail_unless(c.wait_closed());
  fail_unless_equals_int(c.close_code, 1000);
  auto rec = s.emu.sessions()[0];
  /* The client saw exactly what the emulator recorded as sent. */
  fail_unless(rec.sent_messages == c.messages);
  return rec;
}

/* Index of the messages of a type, with the audio time each was sent at. */
static std::vector<std::pair<std::string, int64_t>> typed(
    const aai_emu::SessionRecord &r,
    const char *type)
{
  std::vector<std::pair<std::string, int64_t>> out;
  for (size_t i = 0; i < r.sent_messages.size(); i++)
    if (jstr(r.sent_messages[i], "type") == type)
      out.emplace_back(r.sent_messages[i], r.sent_audio_ms[i]);
  return out;
}

GST_START_TEST(test_universal_sequence)
{
  auto r = run(kTwoTurns, us_params());
  auto t = typed(r, "Turn");
  fail_unless_equals_int(t.size(), 8);
  fail_unless(of_type(r.sent_messages, "SpeechStarted").empty());
  /* "hello" heard: one non-final word, empty transcript. */
  fail_unless_equals_int(t[0].second, 900);
  check_str(jstr(t[0].first, "transcript"), "");
  fail_unless_equals_int(jwords(t[0].first), 1);
  fail_if(jword_bool(t[0].first, 0, "word_is_final"));
  check_str(jstr(t[0].first, "utterance"), "");
  fail_if(jbool(t[0].first, "turn_is_formatted"));
  /* "world" heard: "hello" final, "world" not. */
  fail_unless_equals_int(t[1].second, 1400);
  check_str(jstr(t[1].first, "transcript"), "hello");
  fail_unless(jword_bool(t[1].first, 0, "word_is_final"));
  fail_if(jword_bool(t[1].first, 1, "word_is_final"));
  fail_unless_equals_int(jword_int(t[1].first, 1, "start"), 1000);
  fail_unless_equals_int(jword_int(t[1].first, 1, "end"), 1400);
  double c = jword_double(t[1].first, 0, "confidence");
  fail_unless(c > 0 && c <= 1);
  fail_unless(jdouble(t[1].first, "end_of_turn_confidence") < 0.4);
  /* The pause (min_turn_silence 400) gives the utterance. */
  fail_unless_equals_int(t[2].second, 1800);
  check_str(jstr(t[2].first, "utterance"), "Hello, world.");
  check_str(jstr(t[2].first, "transcript"), "hello world");
  fail_if(jbool(t[2].first, "end_of_turn"));
  /* Low confidence: end of turn after max_turn_silence (1280). */
  fail_unless_equals_int(t[3].second, 2700);
  fail_unless(jbool(t[3].first, "end_of_turn"));
  check_str(jstr(t[3].first, "utterance"), "");
  fail_unless(jword_bool(t[3].first, 1, "word_is_final"));
  fail_unless_equals_int(jint(t[3].first, "turn_order"), 0);
  /* Turn 1: confident, so the end comes at min_turn_silence with the
   * utterance on the end-of-turn message itself. */
  fail_unless_equals_int(jint(t[4].first, "turn_order"), 1);
  check_str(jstr(t[4].first, "transcript"), "");
  check_str(jstr(t[6].first, "transcript"), "how are");
  fail_unless_equals_int(t[7].second, 4700);
  fail_unless(jbool(t[7].first, "end_of_turn"));
  check_str(jstr(t[7].first, "utterance"), "How are you?");
  fail_unless(jdouble(t[7].first, "end_of_turn_confidence") > 0.4);
  /* No language or speaker fields unless asked for. */
  fail_if(jhas(t[7].first, "language_code"));
  fail_if(jhas(t[7].first, "speaker_label"));
}
GST_END_TEST;

GST_START_TEST(test_threshold_switch)
{
  /* Threshold 0.2: turn 0 (0.3) becomes confident and ends at 1800. */
  auto r =
      run(kTwoTurns, us_params({{"end_of_turn_confidence_threshold", "0.2"}}));
  auto t = typed(r, "Turn");
  fail_unless(jbool(t[2].first, "end_of_turn"));
  fail_unless_equals_int(t[2].second, 1800);
  check_str(jstr(t[2].first, "utterance"), "Hello, world.");
}
GST_END_TEST;

GST_START_TEST(test_format_turns)
{
  auto r = run(kTwoTurns, us_params({{"format_turns", "true"}}));
  auto t = typed(r, "Turn");
  fail_unless_equals_int(t.size(), 10);
  /* The raw end of turn is followed by the formatted one, same order. */
  fail_unless(jbool(t[3].first, "end_of_turn"));
  fail_if(jbool(t[3].first, "turn_is_formatted"));
  fail_unless(jbool(t[4].first, "end_of_turn"));
  fail_unless(jbool(t[4].first, "turn_is_formatted"));
  fail_unless_equals_int(jint(t[4].first, "turn_order"), 0);
  check_str(jstr(t[4].first, "transcript"), "Hello, world.");
  check_str(jword_str(t[4].first, 0, "text"), "Hello,");
  fail_unless_equals_int(jword_int(t[4].first, 0, "start"), 500);
  check_str(jstr(t[4].first, "utterance"), "");
  fail_unless(jbool(t[9].first, "turn_is_formatted"));
  fail_unless_equals_int(jint(t[9].first, "turn_order"), 1);
  for (int i = 0; i < 3; i++)
    fail_if(jbool(t[i].first, "turn_is_formatted"));
}
GST_END_TEST;

/* The other reading of format_turns (README.md "Choices"): every Turn is
 * formatted, partials included, and no follow-up repeats the end. */
GST_START_TEST(test_format_turns_every_message)
{
  auto r = run(kTwoTurns, us_params({{"format_turns", "true"}}), [](Config &c) {
    c.format_turns_style = aai_emu::FormatTurnsStyle::EveryMessage;
  });
  auto t = typed(r, "Turn");
  fail_unless_equals_int(t.size(), 8);
  for (auto &m : t)
    fail_unless(jbool(m.first, "turn_is_formatted"), "%s", m.first.c_str());
  check_str(jword_str(t[0].first, 0, "text"), "Hello,");
  check_str(jstr(t[1].first, "transcript"), "Hello,");
  fail_unless(jbool(t[3].first, "end_of_turn"));
  check_str(jstr(t[3].first, "transcript"), "Hello, world.");
  fail_unless_equals_int(jint(t[4].first, "turn_order"), 1);
  check_str(jstr(t[7].first, "transcript"), "How are you?");
}
GST_END_TEST;

GST_START_TEST(test_language_and_speaker)
{
  auto r = run(kTwoTurns, us_params({{"language_detection", "true"},
                                     {"speaker_labels", "true"}}));
  auto t = typed(r, "Turn");
  fail_if(jhas(t[0].first, "language_code"));          // partial, no utterance
  check_str(jstr(t[2].first, "language_code"), "en");  // utterance
  check_str(jstr(t[3].first, "language_code"), "en");  // end of turn
  check_str(jstr(t[7].first, "language_code"), "es");
  fail_unless(jdouble(t[7].first, "language_confidence") > 0.79);
  /* Turn 0 spans 900 ms of speech: too short for a label. */
  check_str(jstr(t[0].first, "speaker_label"), "UNKNOWN");
  check_str(jstr(t[3].first, "speaker_label"), "UNKNOWN");
  check_str(jword_str(t[3].first, 0, "speaker"), "UNKNOWN");
  check_str(jstr(t[7].first, "speaker_label"), "B");
  check_str(jword_str(t[7].first, 2, "speaker"), "B");
}
GST_END_TEST;

/* u3: "Hello there." ends on punctuation; "so um" only at max silence. */
static const char *kU3 =
    "{\"turns\":["
    "{\"words\":[{\"text\":\"hello\",\"start\":500,\"end\":900},"
    "{\"text\":\"there\",\"start\":1200,\"end\":1500}],"
    "\"formatted\":\"Hello there.\"},"
    "{\"words\":[{\"text\":\"so\",\"start\":3200,\"end\":3400},"
    "{\"text\":\"um\",\"start\":3600,\"end\":3800}],"
    "\"formatted\":\"So um\"}]}";

GST_START_TEST(test_u3_semantics)
{
  auto r = run(kU3, {{"speech_model", "u3-rt-pro"}, {"sample_rate", "16000"}});
  std::vector<std::string> seq;
  for (auto &m : r.sent_messages)
    seq.push_back(jstr(m, "type"));
  auto ss = typed(r, "SpeechStarted");
  auto t = typed(r, "Turn");
  fail_unless_equals_int(ss.size(), 2);
  fail_unless_equals_int(jint(ss[0].first, "timestamp"), 500);
  fail_unless_equals_int(jint(ss[1].first, "timestamp"), 3200);
  fail_unless(jdouble(ss[0].first, "confidence") > 0);
  /* Begin, SpeechStarted, partial, final, SpeechStarted, 2 partials,
   * final, Termination. */
  check_str(seq[1], "SpeechStarted");
  check_str(seq[4], "SpeechStarted");
  fail_unless_equals_int(t.size(), 5);
  /* Partial at the 300 ms pause after "hello" (no punctuation). */
  fail_unless_equals_int(t[0].second, 1000);
  fail_if(jbool(t[0].first, "end_of_turn"));
  fail_if(jbool(t[0].first, "turn_is_formatted"));
  fail_if(jword_bool(t[0].first, 0, "word_is_final"));
  fail_unless(jdouble(t[0].first, "end_of_turn_confidence") == 0.0);
  check_str(jstr(t[0].first, "utterance"), "");
  check_str(jstr(t[0].first, "transcript"), "hello");
  /* Terminal punctuation: final at min_turn_silence (100). */
  fail_unless_equals_int(t[1].second, 1600);
  fail_unless(jbool(t[1].first, "end_of_turn"));
  fail_unless(jbool(t[1].first, "turn_is_formatted"));
  check_str(jstr(t[1].first, "transcript"), "Hello there.");
  check_str(jstr(t[1].first, "utterance"), "Hello there.");
  fail_unless(jdouble(t[1].first, "end_of_turn_confidence") == 1.0);
  fail_unless(jword_bool(t[1].first, 1, "word_is_final"));
  /* No punctuation: partials at each pause, final at max silence (1000). */
  fail_unless_equals_int(t[2].second, 3500);
  fail_unless_equals_int(t[3].second, 3900);
  fail_unless_equals_int(t[4].second, 4800);
  check_str(jstr(t[4].first, "transcript"), "So um");
  fail_unless_equals_int(jint(t[4].first, "turn_order"), 1);
}
GST_END_TEST;

static const char *kWhisper =
    "{\"turns\":[{\"words\":[{\"text\":\"[Silence]\",\"start\":500,"
    "\"end\":900},{\"text\":\"hola\",\"start\":1000,\"end\":1400}],"
    "\"formatted\":\"[Silence] Hola.\",\"language_code\":\"es\"}]}";

GST_START_TEST(test_whisper_semantics)
{
  auto r = run(kWhisper, {{"speech_model", "whisper-rt"},
                          {"sample_rate", "16000"},
                          {"language_detection", "true"}});
  auto t = typed(r, "Turn");
  fail_unless(of_type(r.sent_messages, "SpeechStarted").empty());
  std::string utt = t[2].first;
  check_str(jstr(utt, "utterance"), "[Silence] Hola.");
  check_str(jstr(utt, "transcript"), "silence hola");
  check_str(jstr(utt, "language_code"), "es");
  check_str(jword_str(utt, 0, "text"), "silence");
  for (auto &m : t)
    for (size_t i = 0; i < jwords(m.first); i++)
      fail_unless(jword_double(m.first, i, "confidence") == 0.0);
  fail_unless(jbool(t.back().first, "end_of_turn"));
  fail_unless(jdouble(t.back().first, "end_of_turn_confidence") == 1.0);
}
GST_END_TEST;

GST_START_TEST(test_script_validation)
{
  aai_emu::Script s;
  std::string err;
  fail_if(aai_emu::Script::load_json("{nope", &s, &err));
  fail_if(aai_emu::Script::load_json("{\"turns\":[{\"words\":[]}]}", &s, &err));
  check_str(err, "turns[0]: \"words\" is empty");
  fail_if(aai_emu::Script::load_json(
      "{\"turns\":[{\"words\":[{\"text\":\"a\",\"start\":5,\"end\":9}],"
      "\"formatted\":\"A b\"}]}",
      &s, &err));
  check_str(err, "turns[0]: \"formatted\" has 2 tokens for 1 words");
  fail_if(aai_emu::Script::load_json(
      "{\"turns\":[{\"words\":[{\"text\":\"a\",\"start\":9,\"end\":5}]}]}", &s,
      &err));
  fail_if(aai_emu::Script::load_file("/nonexistent.json", &s, &err));
  fail_unless(aai_emu::Script::load_json(kTwoTurns, &s, &err));
  fail_unless_equals_int(s.turns.size(), 2);
  check_str(s.turns[1].words[2].formatted, "you?");
}
GST_END_TEST;

static Suite *emulator_turns_suite(void)
{
  Suite *s = suite_create("emulator-turns");
  TCase *tc = tcase_create("turns");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_universal_sequence);
  tcase_add_test(tc, test_threshold_switch);
  tcase_add_test(tc, test_format_turns);
  tcase_add_test(tc, test_format_turns_every_message);
  tcase_add_test(tc, test_language_and_speaker);
  tcase_add_test(tc, test_u3_semantics);
  tcase_add_test(tc, test_whisper_semantics);
  tcase_add_test(tc, test_script_validation);
  return s;
}

GST_CHECK_MAIN(emulator_turns);
