/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Server frame parsing and client control messages (protocol.h), against
 * example frames of the service's documentation (docs/protocol.md, Server
 * messages) and every malformed shape a broken or hostile server could
 * send. */
#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>

#include <string>

#include "protocol.h"

using namespace aai;

static ParseResult parse(const std::string &frame)
{
  return parse_server_frame(frame.data(), frame.size());
}

template <typename T>
static T expect_event(const std::string &frame)
{
  ParseResult r = parse(frame);
  fail_unless(r.event.has_value(), "frame rejected (%s): %s", r.error.c_str(),
              frame.substr(0, 200).c_str());
  fail_unless(r.error.empty(), "error set on success: %s", r.error.c_str());
  fail_unless(std::holds_alternative<T>(*r.event),
              "wrong event alternative %zu for %s", r.event->index(),
              frame.substr(0, 200).c_str());
  return std::get<T>(*r.event);
}

/* The frame must be rejected, with an error that contains `what` (so the
 * message names the offending field or shape). */
static void expect_error(const std::string &frame, const char *what)
{
  ParseResult r = parse(frame);
  fail_if(r.event.has_value(), "malformed frame accepted: %s",
          frame.substr(0, 200).c_str());
  fail_if(r.error.empty(), "no error text for: %s",
          frame.substr(0, 200).c_str());
  fail_unless(r.error.find(what) != std::string::npos,
              "error \"%s\" does not mention \"%s\"", r.error.c_str(), what);
}

/* ---- Begin ---------------------------------------------------------- */

GST_START_TEST(test_begin_with_configuration)
{
  /* Begin */
  BeginEvent b = expect_event<BeginEvent>(
      R"({ "type": "Begin", "id": "3207b601-2054-48df-ba77-8784dfcf9fb8", "expires_at": 1772570132,
  "configuration": { "model": "u3-rt-pro", "mode": "balanced", "api_version": "1.0.0" } })");
  fail_unless_equals_string(b.id.c_str(),
                            "3207b601-2054-48df-ba77-8784dfcf9fb8");
  fail_unless_equals_int64(b.expires_at, 1772570132);
  fail_unless(b.has_configuration);
  fail_unless(b.model && *b.model == "u3-rt-pro");
  fail_unless(b.mode && *b.mode == "balanced");
  fail_unless(b.api_version && *b.api_version == "1.0.0");
}
GST_END_TEST;

GST_START_TEST(test_begin_without_configuration)
{
  /* The Mar 2026 spec and older examples have no configuration. */
  BeginEvent b = expect_event<BeginEvent>(
      R"({"type":"Begin","id":"de5d9927-73a6-4be8-b52d-b4c07be37e6b","expires_at":1759796682})");
  fail_unless_equals_string(b.id.c_str(),
                            "de5d9927-73a6-4be8-b52d-b4c07be37e6b");
  fail_unless_equals_int64(b.expires_at, 1759796682);
  fail_if(b.has_configuration);
  fail_if(b.model.has_value());
  fail_if(b.mode.has_value());
  fail_if(b.api_version.has_value());
}
GST_END_TEST;

GST_START_TEST(test_begin_minimal)
{
  BeginEvent b = expect_event<BeginEvent>(R"({"type":"Begin","id":"x"})");
  fail_unless_equals_string(b.id.c_str(), "x");
  fail_unless_equals_int64(b.expires_at, 0);
  fail_if(b.has_configuration);
}
GST_END_TEST;

GST_START_TEST(test_begin_partial_configuration)
{
  /* Python models every configuration member as optional. */
  BeginEvent b = expect_event<BeginEvent>(
      R"({"type":"Begin","id":"x","expires_at":5,"configuration":{"api_version":"2025-05-12"}})");
  fail_unless(b.has_configuration);
  fail_if(b.model.has_value());
  fail_if(b.mode.has_value());
  fail_unless(b.api_version && *b.api_version == "2025-05-12");

  b = expect_event<BeginEvent>(
      R"({"type":"Begin","id":"x","configuration":{}})");
  fail_unless(b.has_configuration);
  fail_if(b.model.has_value() || b.mode.has_value() ||
          b.api_version.has_value());
}
GST_END_TEST;

/* ---- Turn ----------------------------------------------------------- */

GST_START_TEST(test_turn_partial_non_final_last_word)
{
  /* Turn: a Universal-Streaming partial; the trailing word is not final and
   * is not part of transcript. */
  TurnEvent t = expect_event<TurnEvent>(
      R"({ "type": "Turn", "turn_order": 0, "turn_is_formatted": false, "end_of_turn": false,
  "transcript": "hi my", "end_of_turn_confidence": 0.001037,
  "words": [ {"start":1920,"end":2000,"text":"hi","confidence":0.874618,"word_is_final":true},
             {"start":2800,"end":2880,"text":"my","confidence":0.812831,"word_is_final":true},
             {"start":2960,"end":3040,"text":"name","confidence":0.999999,"word_is_final":false} ],
  "utterance": "" })");
  fail_unless_equals_int64(t.turn_order, 0);
  fail_if(t.turn_is_formatted);
  fail_if(t.end_of_turn);
  fail_unless_equals_string(t.transcript.c_str(), "hi my");
  fail_unless_equals_float(t.end_of_turn_confidence, 0.001037);
  fail_unless(t.utterance && t.utterance->empty());
  fail_if(t.language_code.has_value());
  fail_if(t.language_confidence.has_value());
  fail_if(t.speaker_label.has_value());
  fail_unless_equals_int(t.words.size(), 3);

  const char *texts[] = {"hi", "my", "name"};
  const int64_t starts[] = {1920, 2800, 2960};
  const int64_t ends[] = {2000, 2880, 3040};
  const double confs[] = {0.874618, 0.812831, 0.999999};
  const bool finals[] = {true, true, false};
  for (size_t i = 0; i < 3; i++) {
    const Word &w = t.words[i];
    fail_unless_equals_string(w.text.c_str(), texts[i]);
    fail_unless_equals_int64(w.start_ms, starts[i]);
    fail_unless_equals_int64(w.end_ms, ends[i]);
    fail_unless_equals_float(w.confidence, confs[i]);
    fail_unless_equals_int(w.is_final, finals[i]);
    fail_if(w.speaker.has_value());
  }
}
GST_END_TEST;

GST_START_TEST(test_turn_end_of_turn_with_utterance_and_language)
{
  /* whisper-rt example with language detection; "type" comes last,
   * and utterance is formatted while transcript is not. */
  TurnEvent t = expect_event<TurnEvent>(R"({
"turn_order" : 0 ,
"turn_is_formatted" : false ,
"end_of_turn" : true ,
"transcript" : "buenos días" ,
"end_of_turn_confidence" : 1.0 ,
"words" : [
{ "start" : 1200 , "end" : 2596 , "text" : "buenos" , "confidence" : 0.0 , "word_is_final" : true },
{ "start" : 2828 , "end" : 3760 , "text" : "días" , "confidence" : 0.0 , "word_is_final" : true }
],
"utterance" : "Buenos días." ,
"language_code" : "es" ,
"language_confidence" : 0.846999 ,
"type" : "Turn"
})");
  fail_unless_equals_int64(t.turn_order, 0);
  fail_if(t.turn_is_formatted);
  fail_unless(t.end_of_turn);
  fail_unless_equals_string(t.transcript.c_str(), "buenos días");
  fail_unless_equals_float(t.end_of_turn_confidence, 1.0);
  fail_unless(t.utterance && *t.utterance == "Buenos días.");
  fail_unless(t.language_code && *t.language_code == "es");
  fail_unless(t.language_confidence);
  fail_unless_equals_float(*t.language_confidence, 0.846999);
  fail_if(t.speaker_label.has_value());
  fail_unless_equals_int(t.words.size(), 2);
  fail_unless_equals_string(t.words[0].text.c_str(), "buenos");
  fail_unless_equals_int64(t.words[0].start_ms, 1200);
  fail_unless_equals_int64(t.words[0].end_ms, 2596);
  fail_unless_equals_float(t.words[0].confidence, 0.0);
  fail_unless(t.words[0].is_final);
  fail_unless_equals_string(t.words[1].text.c_str(), "días");
  fail_unless_equals_int64(t.words[1].start_ms, 2828);
  fail_unless_equals_int64(t.words[1].end_ms, 3760);
  fail_unless(t.words[1].is_final);
}
GST_END_TEST;

GST_START_TEST(test_turn_formatted)
{
  /* The extra formatted end-of-turn message of format_turns=true
   * (docs/protocol.md, What is final when): punctuated words, utterance
   * "". */
  TurnEvent t = expect_event<TurnEvent>(
      R"({"type":"Turn","turn_order":3,"turn_is_formatted":true,"end_of_turn":true,
"transcript":"Hi, my name is Sonny.","end_of_turn_confidence":0.957,
"words":[{"start":1920,"end":2000,"text":"Hi,","confidence":0.87,"word_is_final":true},
{"start":2800,"end":2880,"text":"my","confidence":0.81,"word_is_final":true},
{"start":2960,"end":3040,"text":"name","confidence":0.99,"word_is_final":true},
{"start":3100,"end":3200,"text":"is","confidence":0.98,"word_is_final":true},
{"start":3300,"end":3600,"text":"Sonny.","confidence":0.77,"word_is_final":true}],
"utterance":""})");
  fail_unless_equals_int64(t.turn_order, 3);
  fail_unless(t.turn_is_formatted);
  fail_unless(t.end_of_turn);
  fail_unless_equals_string(t.transcript.c_str(), "Hi, my name is Sonny.");
  fail_unless_equals_float(t.end_of_turn_confidence, 0.957);
  fail_unless(t.utterance && t.utterance->empty());
  fail_unless_equals_int(t.words.size(), 5);
  fail_unless_equals_string(t.words[0].text.c_str(), "Hi,");
  fail_unless_equals_string(t.words[4].text.c_str(), "Sonny.");
  fail_unless_equals_int64(t.words[4].start_ms, 3300);
  fail_unless_equals_int64(t.words[4].end_ms, 3600);
  fail_unless_equals_float(t.words[4].confidence, 0.77);
  for (const Word &w : t.words)
    fail_unless(w.is_final);
}
GST_END_TEST;

GST_START_TEST(test_turn_speaker_fields)
{
  /* Diarization plus language fields; word speaker is SDK-typed. */
  TurnEvent t = expect_event<TurnEvent>(
      R"({"type":"Turn","turn_order":7,"turn_is_formatted":false,"end_of_turn":true,
"transcript":"bonjour","end_of_turn_confidence":0.5,"utterance":"Bonjour.",
"language_code":"fr","language_confidence":0.480619,"speaker_label":"B",
"words":[{"start":10,"end":20,"text":"bonjour","confidence":0.25,"word_is_final":true,"speaker":"B"}]})");
  fail_unless_equals_int64(t.turn_order, 7);
  fail_unless(t.speaker_label && *t.speaker_label == "B");
  fail_unless(t.language_code && *t.language_code == "fr");
  fail_unless(t.language_confidence);
  fail_unless_equals_float(*t.language_confidence, 0.480619);
  fail_unless(t.utterance && *t.utterance == "Bonjour.");
  fail_unless_equals_int(t.words.size(), 1);
  fail_unless(t.words[0].speaker && *t.words[0].speaker == "B");
  fail_unless_equals_float(t.words[0].confidence, 0.25);

  /* "UNKNOWN" is a label like any other. */
  t = expect_event<TurnEvent>(
      R"({"type":"Turn","turn_order":8,"end_of_turn":false,"speaker_label":"UNKNOWN"})");
  fail_unless(t.speaker_label && *t.speaker_label == "UNKNOWN");
}
GST_END_TEST;

GST_START_TEST(test_turn_nonspeech_empty_word)
{
  /* whisper-rt silence example: a word may have empty text. */
  TurnEvent t = expect_event<TurnEvent>(
      R"({"turn_order":1,"turn_is_formatted":false,"end_of_turn":true,"transcript":" silence silence",
"end_of_turn_confidence":1.0,"words":[{"start":6300,"end":6338,"text":"","confidence":0.0,"word_is_final":true},
{"start":6376,"end":6687,"text":"silence","confidence":0.0,"word_is_final":true}],
"utterance":"[ Silence] [ Silence]","language_code":"fr","language_confidence":0.480619,"type":"Turn"})");
  fail_unless_equals_int(t.words.size(), 2);
  fail_unless(t.words[0].text.empty());
  fail_unless_equals_int64(t.words[0].start_ms, 6300);
  fail_unless(t.utterance && *t.utterance == "[ Silence] [ Silence]");
  fail_unless_equals_string(t.transcript.c_str(), " silence silence");
}
GST_END_TEST;

GST_START_TEST(test_turn_optional_fields_missing)
{
  /* Only the required members: everything else takes its default. */
  TurnEvent t = expect_event<TurnEvent>(
      R"({"type":"Turn","turn_order":2,"end_of_turn":true})");
  fail_unless_equals_int64(t.turn_order, 2);
  fail_unless(t.end_of_turn);
  fail_if(t.turn_is_formatted);
  fail_unless(t.transcript.empty());
  fail_unless_equals_float(t.end_of_turn_confidence, 0.0);
  fail_unless(t.words.empty());
  fail_if(t.utterance.has_value());
  fail_if(t.language_code.has_value());
  fail_if(t.language_confidence.has_value());
  fail_if(t.speaker_label.has_value());
}
GST_END_TEST;

GST_START_TEST(test_turn_empty_words)
{
  TurnEvent t = expect_event<TurnEvent>(
      R"({"type":"Turn","turn_order":0,"end_of_turn":false,"transcript":"","words":[]})");
  fail_unless(t.words.empty());
}
GST_END_TEST;

GST_START_TEST(test_word_optional_fields_missing)
{
  TurnEvent t = expect_event<TurnEvent>(
      R"({"type":"Turn","turn_order":0,"end_of_turn":false,"words":[{"text":"a","start":0,"end":5}]})");
  fail_unless_equals_int(t.words.size(), 1);
  fail_unless_equals_string(t.words[0].text.c_str(), "a");
  fail_unless_equals_int64(t.words[0].start_ms, 0);
  fail_unless_equals_int64(t.words[0].end_ms, 5);
  fail_unless_equals_float(t.words[0].confidence, 0.0);
  fail_if(t.words[0].is_final);
  fail_if(t.words[0].speaker.has_value());
}
GST_END_TEST;

GST_START_TEST(test_word_end_before_start_accepted)
{
  /* Odd but harmless; rejecting it would drop the whole Turn. */
  TurnEvent t = expect_event<TurnEvent>(
      R"({"type":"Turn","turn_order":0,"end_of_turn":false,"words":[{"text":"a","start":100,"end":50}]})");
  fail_unless_equals_int64(t.words[0].start_ms, 100);
  fail_unless_equals_int64(t.words[0].end_ms, 50);
}
GST_END_TEST;

GST_START_TEST(test_null_optional_is_absent)
{
  TurnEvent t = expect_event<TurnEvent>(
      R"({"type":"Turn","turn_order":0,"end_of_turn":false,"utterance":null,"words":null,
"language_code":null,"language_confidence":null,"speaker_label":null,"transcript":null})");
  fail_if(t.utterance.has_value());
  fail_if(t.language_code.has_value());
  fail_if(t.language_confidence.has_value());
  fail_if(t.speaker_label.has_value());
  fail_unless(t.words.empty());
  fail_unless(t.transcript.empty());

  BeginEvent b = expect_event<BeginEvent>(
      R"({"type":"Begin","id":"x","configuration":null})");
  fail_if(b.has_configuration);
}
GST_END_TEST;

GST_START_TEST(test_unknown_members_ignored)
{
  /* Forward compatibility: new members on known types do not break. */
  TurnEvent t = expect_event<TurnEvent>(
      R"({"type":"Turn","turn_order":1,"end_of_turn":true,"future":{"a":[1,2.5,"x"]},
"words":[{"text":"a","start":1,"end":2,"new_word_field":true}]})");
  fail_unless_equals_int64(t.turn_order, 1);
  fail_unless_equals_int(t.words.size(), 1);
}
GST_END_TEST;

GST_START_TEST(test_number_edge_values_accepted)
{
  /* The extremes of int64 and long fractions are valid, not "huge". */
  TurnEvent t = expect_event<TurnEvent>(
      R"({"type":"Turn","turn_order":2147483647,"end_of_turn":false,
"end_of_turn_confidence":0.99999999999999999999999999,"language_confidence":1e-5,
"words":[{"text":"a","start":0,"end":9223372036854775807,"confidence":1E0}]})");
  fail_unless_equals_int64(t.turn_order, G_MAXINT32);
  fail_unless_equals_int64(t.words[0].end_ms, G_MAXINT64);
  fail_unless_equals_float(t.end_of_turn_confidence, 1.0);
  fail_unless_equals_float(*t.language_confidence, 1e-5);
  fail_unless_equals_float(t.words[0].confidence, 1.0);

  /* A confidence sent as a JSON integer is still a number. */
  SpeechStartedEvent s = expect_event<SpeechStartedEvent>(
      R"({"type":"SpeechStarted","timestamp":0,"confidence":1})");
  fail_unless_equals_float(*s.confidence, 1.0);
}
GST_END_TEST;

/* ---- SpeechStarted, Termination, Error, Warning, unknown -------------- */

GST_START_TEST(test_speech_started_with_confidence)
{
  /* SpeechStarted */
  SpeechStartedEvent s = expect_event<SpeechStartedEvent>(
      R"({ "type": "SpeechStarted", "timestamp": 1216, "confidence": 0.987654 })");
  fail_unless_equals_int64(s.timestamp_ms, 1216);
  fail_unless(s.confidence.has_value());
  fail_unless_equals_float(*s.confidence, 0.987654);
}
GST_END_TEST;

GST_START_TEST(test_speech_started_without_confidence)
{
  /* The Python model only has timestamp. */
  SpeechStartedEvent s = expect_event<SpeechStartedEvent>(
      R"({"type":"SpeechStarted","timestamp":0})");
  fail_unless_equals_int64(s.timestamp_ms, 0);
  fail_if(s.confidence.has_value());
}
GST_END_TEST;

GST_START_TEST(test_termination_with_fields)
{
  /* Termination */
  TerminationEvent t = expect_event<TerminationEvent>(
      R"({ "type": "Termination", "audio_duration_seconds": 13, "session_duration_seconds": 14 })");
  fail_unless(t.audio_duration_seconds && t.session_duration_seconds);
  fail_unless_equals_int64(*t.audio_duration_seconds, 13);
  fail_unless_equals_int64(*t.session_duration_seconds, 14);
}
GST_END_TEST;

GST_START_TEST(test_termination_without_fields)
{
  /* The JS SDK's test server sends no fields. */
  TerminationEvent t =
      expect_event<TerminationEvent>(R"({"type":"Termination"})");
  fail_if(t.audio_duration_seconds.has_value());
  fail_if(t.session_duration_seconds.has_value());
}
GST_END_TEST;

GST_START_TEST(test_termination_integral_double)
{
  /* Durations written as 13.0 are accepted; fractions are not. */
  TerminationEvent t = expect_event<TerminationEvent>(
      R"({"type":"Termination","audio_duration_seconds":13.0,"session_duration_seconds":2e1})");
  fail_unless_equals_int64(*t.audio_duration_seconds, 13);
  fail_unless_equals_int64(*t.session_duration_seconds, 20);
  expect_error(R"({"type":"Termination","audio_duration_seconds":13.5})",
               "Termination.audio_duration_seconds is not an integer");
  expect_error(R"({"type":"Termination","session_duration_seconds":1e30})",
               "Termination.session_duration_seconds is out of range");
}
GST_END_TEST;

GST_START_TEST(test_error_with_type_and_code)
{
  /* Error */
  ErrorEvent e = expect_event<ErrorEvent>(
      R"({ "type": "Error", "error_code": 3008, "error": "Session Expired: Maximum session duration exceeded" })");
  fail_unless(e.has_type);
  fail_unless(e.error_code.has_value());
  fail_unless_equals_int(*e.error_code, 3008);
  fail_unless_equals_string(e.error.c_str(),
                            "Session Expired: Maximum session duration "
                            "exceeded");
}
GST_END_TEST;

GST_START_TEST(test_error_with_type_without_code)
{
  ErrorEvent e = expect_event<ErrorEvent>(R"({"type":"Error","error":"boom"})");
  fail_unless(e.has_type);
  fail_if(e.error_code.has_value());
  fail_unless_equals_string(e.error.c_str(), "boom");
}
GST_END_TEST;

GST_START_TEST(test_error_legacy_without_type)
{
  /* Both SDKs accept {"error": "..."} with no type. */
  ErrorEvent e = expect_event<ErrorEvent>(
      R"({"error":"Unauthorized Connection: Missing Authorization header"})");
  fail_if(e.has_type);
  fail_if(e.error_code.has_value());
  fail_unless_equals_string(
      e.error.c_str(), "Unauthorized Connection: Missing Authorization header");

  e = expect_event<ErrorEvent>(R"({"error":"x","error_code":1008})");
  fail_if(e.has_type);
  fail_unless_equals_int(*e.error_code, 1008);
}
GST_END_TEST;

GST_START_TEST(test_warning)
{
  WarningEvent w = expect_event<WarningEvent>(
      R"({"type":"Warning","warning_code":1001,"warning":"Audio is arriving slowly"})");
  fail_unless(w.warning_code.has_value());
  fail_unless_equals_int(*w.warning_code, 1001);
  fail_unless_equals_string(w.warning.c_str(), "Audio is arriving slowly");
}
GST_END_TEST;

GST_START_TEST(test_warning_without_code)
{
  WarningEvent w =
      expect_event<WarningEvent>(R"({"type":"Warning","warning":"w"})");
  fail_if(w.warning_code.has_value());
  fail_unless_equals_string(w.warning.c_str(), "w");
}
GST_END_TEST;

GST_START_TEST(test_unknown_heartbeat)
{
  UnknownEvent u = expect_event<UnknownEvent>(
      R"({"type":"Heartbeat","total_audio_received_ms":5000,"total_duration_ms":5100,
"realtime_factor":1.02,"max_speech_probability":0.9})");
  fail_unless_equals_string(u.type.c_str(), "Heartbeat");
}
GST_END_TEST;

GST_START_TEST(test_unknown_speaker_revision)
{
  UnknownEvent u = expect_event<UnknownEvent>(
      R"({"type":"SpeakerRevision","revisions":[{"turn_order":0,"speaker_label":"A",
"words":[{"start":1,"end":2,"text":"hi","confidence":0.5,"word_is_final":true}]}]})");
  fail_unless_equals_string(u.type.c_str(), "SpeakerRevision");
}
GST_END_TEST;

GST_START_TEST(test_unknown_type_not_validated)
{
  /* Unknown types are passed on as is, whatever their members hold, even
   * members that would be invalid on a known type. */
  UnknownEvent u = expect_event<UnknownEvent>(
      R"({"type":"LLMGatewayResponse","turn_order":"x","data":{"any":[null,true]}})");
  fail_unless_equals_string(u.type.c_str(), "LLMGatewayResponse");
  u = expect_event<UnknownEvent>(R"({"type":""})");
  fail_unless(u.type.empty());
}
GST_END_TEST;

/* ---- Malformed frames: shapes ----------------------------------------- */

GST_START_TEST(test_truncated_json)
{
  /* Every proper prefix of a valid frame is rejected. */
  const std::string full =
      R"({"type":"Turn","turn_order":0,"end_of_turn":false,"transcript":"hi","words":[{"text":"hi","start":1,"end":2}]})";
  expect_event<TurnEvent>(full);
  for (size_t n = 1; n < full.size(); n++) {
    ParseResult r = parse_server_frame(full.data(), n);
    fail_if(r.event.has_value(), "prefix of %zu bytes accepted", n);
    fail_if(r.error.empty());
  }
}
GST_END_TEST;

GST_START_TEST(test_empty_frame)
{
  expect_error("", "empty");
  expect_error("   \n\t ", "empty");
  ParseResult r = parse_server_frame(nullptr, 0);
  fail_if(r.event.has_value());
  fail_unless_equals_string(r.error.c_str(), "frame is empty");
}
GST_END_TEST;

GST_START_TEST(test_root_array)
{
  expect_error(R"([{"type":"Turn","turn_order":0,"end_of_turn":false}])",
               "not a JSON object");
}
GST_END_TEST;

GST_START_TEST(test_root_string)
{
  expect_error(R"("Begin")", "not a JSON object");
}
GST_END_TEST;

GST_START_TEST(test_root_number)
{
  expect_error("42", "not a JSON object");
}
GST_END_TEST;

GST_START_TEST(test_root_null)
{
  expect_error("null", "not a JSON object");
  expect_error("true", "not a JSON object");
}
GST_END_TEST;

GST_START_TEST(test_missing_type)
{
  expect_error(R"({"id":"x","expires_at":1})", "frame has no \"type\"");
  expect_error("{}", "frame has no \"type\"");
}
GST_END_TEST;

GST_START_TEST(test_type_not_a_string)
{
  expect_error(R"({"type":1,"id":"x"})", "\"type\" is not a string");
  expect_error(R"({"type":null})", "\"type\" is not a string");
  expect_error(R"({"type":{"name":"Begin"}})", "\"type\" is not a string");
  expect_error(R"({"type":["Turn"]})", "\"type\" is not a string");
}
GST_END_TEST;

GST_START_TEST(test_legacy_error_not_a_string)
{
  /* Without a type, only a string "error" makes an error event. */
  expect_error(R"({"error":42})", "frame has no \"type\"");
  expect_error(R"({"error":null})", "frame has no \"type\"");
}
GST_END_TEST;

GST_START_TEST(test_trailing_data)
{
  expect_error(R"({"type":"Termination"} x)", "after the JSON value");
  expect_error(R"({"type":"Termination"}{"type":"Termination"})",
               "after the JSON value");
  /* Trailing whitespace is fine. */
  expect_event<TerminationEvent>("{\"type\":\"Termination\"}\r\n ");
}
GST_END_TEST;

GST_START_TEST(test_non_json_syntax)
{
  /* json-glib's scanner would accept these; the server never sends them. */
  expect_error(R"(/* c */ {"type":"Termination"})", "not valid JSON");
  expect_error(R"({'type':'Termination'})", "not valid JSON");
  expect_error(R"({"type":"Turn","turn_order":0x10,"end_of_turn":false})",
               "not valid JSON");
  expect_error(R"({"type":"Turn","turn_order":0,"end_of_turn":false,})",
               "not valid JSON");
  expect_error(R"({"type":"SpeechStarted","timestamp":NaN})", "not valid JSON");
}
GST_END_TEST;

GST_START_TEST(test_non_json_numbers)
{
  /* GScanner reads these with another value (found by fuzz-server-frame):
   * 010 was accepted as 8, 0b11 as 3, $10 as 16, and $ff... wrapped past
   * 64 bits (to -1) without the range check seeing a number at all. */
  expect_error(R"({"type":"Turn","turn_order":010,"end_of_turn":false})",
               "not valid JSON");
  expect_error(R"({"type":"Error","error":"x","error_code":0777})",
               "not valid JSON");
  expect_error(R"({"type":"Error","error":"x","error_code":0b11})",
               "not valid JSON");
  expect_error(R"({"type":"Turn","turn_order":$10,"end_of_turn":false})",
               "not valid JSON");
  expect_error(
      R"({"type":"Turn","turn_order":$ffffffffffffffffffff,"end_of_turn":false})",
      "not valid JSON");
  expect_error(
      R"({"type":"Turn","turn_order":-$8000000000000001,"end_of_turn":false})",
      "not valid JSON");
  /* Not JSON either, even where the value would be the same. */
  expect_error(R"({"type":"SpeechStarted","timestamp":1,"confidence":.5})",
               "not valid JSON");
  expect_error(R"({"type":"SpeechStarted","timestamp":1,"confidence":5.})",
               "not valid JSON");
  expect_error(R"({"type":"SpeechStarted","timestamp":1,"confidence":1e})",
               "not valid JSON");
  expect_error(R"({"type":"SpeechStarted","timestamp":1,"confidence":1.2.3})",
               "not valid JSON");
  expect_error(R"({"type":"SpeechStarted","timestamp":-,"confidence":1})",
               "not valid JSON");

  /* Every form of JSON's grammar still parses. */
  SpeechStartedEvent s = expect_event<SpeechStartedEvent>(
      R"({"type":"SpeechStarted","timestamp":0,"confidence":-0.5e-3})");
  fail_unless(s.confidence && *s.confidence == -0.0005);
  s = expect_event<SpeechStartedEvent>(
      R"({"type":"SpeechStarted","timestamp":10,"confidence":1E+0})");
  fail_unless(s.confidence && *s.confidence == 1.0);
  s = expect_event<SpeechStartedEvent>(
      R"({"type":"SpeechStarted","timestamp":0,"confidence":0.0})");
  fail_unless_equals_int64(s.timestamp_ms, 0);
  TurnEvent t = expect_event<TurnEvent>(
      R"({"type":"Turn","turn_order":-0,"end_of_turn":false})");
  fail_unless_equals_int64(t.turn_order, 0);
}
GST_END_TEST;

GST_START_TEST(test_incomplete_unicode_escape)
{
  /* json-glib takes "\ud" with fewer than four hex digits and swallows
   * the quote after it, so it and the lexical guard disagreed on where
   * strings end: this turn_order reached json-glib unchecked and became -1
   * (found by fuzz-server-frame). */
  expect_error(
      R"({"type":"Turn","a":"\ud"X","turn_order":99999999999999999999,"end_of_turn":false})",
      "incomplete \\u escape");
  expect_error(R"({"error":"\u4"x"})", "incomplete \\u escape");
  expect_error(R"({"type":"Error","error":"\uzzzz"})", "incomplete \\u escape");
  expect_error(R"({"type":"Error","error":"\u00e"})", "not valid JSON");
  /* Complete escapes, a surrogate pair included, are fine. */
  ErrorEvent e = expect_event<ErrorEvent>(
      R"({"type":"Error","error":"\u00e9\ud83d\ude00\\u"})");
  fail_unless_equals_string(e.error.c_str(), "\xc3\xa9\xf0\x9f\x98\x80\\u");
}
GST_END_TEST;

/* ---- Malformed frames: required members (one loop iteration each) ---- */

struct BadFrame {
  const char *frame;
  const char *error; /* substring the error must contain */
};

static const BadFrame missing_required[] = {
    {R"({"type":"Begin","expires_at":1})", "Begin.id is missing"},
    {R"({"type":"Begin","id":null})", "Begin.id is missing"},
    {R"({"type":"Turn","end_of_turn":false})", "Turn.turn_order is missing"},
    {R"({"type":"Turn","turn_order":0})", "Turn.end_of_turn is missing"},
    {R"({"type":"Turn","turn_order":0,"end_of_turn":false,"words":[{"start":1,"end":2}]})",
     "Turn.words[0].text is missing"},
    {R"({"type":"Turn","turn_order":0,"end_of_turn":false,"words":[{"text":"a","start":1,"end":2},{"text":"b","end":2}]})",
     "Turn.words[1].start is missing"},
    {R"({"type":"Turn","turn_order":0,"end_of_turn":false,"words":[{"text":"a","start":1}]})",
     "Turn.words[0].end is missing"},
    {R"({"type":"SpeechStarted","confidence":0.5})",
     "SpeechStarted.timestamp is missing"},
    {R"({"type":"Error","error_code":3005})", "Error.error is missing"},
    {R"({"type":"Warning","warning_code":1})", "Warning.warning is missing"},
};

GST_START_TEST(test_missing_required_field)
{
  expect_error(missing_required[__i__].frame, missing_required[__i__].error);
}
GST_END_TEST;

/* ---- Malformed frames: wrong member types ----------------------------- */

#define TURN_HEAD R"({"type":"Turn","turn_order":0,"end_of_turn":false,)"
#define WORDS_HEAD TURN_HEAD R"("words":[{"text":"a","start":1,"end":2},)"

static const BadFrame wrong_type[] = {
    {R"({"type":"Begin","id":42})", "Begin.id is not a string"},
    {R"({"type":"Begin","id":"x","expires_at":"1772570132"})",
     "Begin.expires_at is not an integer"},
    {R"({"type":"Begin","id":"x","expires_at":1772570132.5})",
     "Begin.expires_at is not an integer"},
    {R"({"type":"Begin","id":"x","configuration":"u3-rt-pro"})",
     "Begin.configuration is not an object"},
    {R"({"type":"Begin","id":"x","configuration":[]})",
     "Begin.configuration is not an object"},
    {R"({"type":"Begin","id":"x","configuration":{"model":1}})",
     "Begin.configuration.model is not a string"},
    {R"({"type":"Begin","id":"x","configuration":{"mode":true}})",
     "Begin.configuration.mode is not a string"},
    {R"({"type":"Begin","id":"x","configuration":{"api_version":1.0}})",
     "Begin.configuration.api_version is not a string"},
    {R"({"type":"Turn","turn_order":1.5,"end_of_turn":false})",
     "Turn.turn_order is not an integer"},
    {R"({"type":"Turn","turn_order":"1","end_of_turn":false})",
     "Turn.turn_order is not an integer"},
    {R"({"type":"Turn","turn_order":0,"end_of_turn":1})",
     "Turn.end_of_turn is not a boolean"},
    {R"({"type":"Turn","turn_order":0,"end_of_turn":"true"})",
     "Turn.end_of_turn is not a boolean"},
    {TURN_HEAD R"("turn_is_formatted":0})",
     "Turn.turn_is_formatted is not a boolean"},
    {TURN_HEAD R"("transcript":["hi"]})", "Turn.transcript is not a string"},
    {TURN_HEAD R"("utterance":1})", "Turn.utterance is not a string"},
    {TURN_HEAD R"("end_of_turn_confidence":"0.5"})",
     "Turn.end_of_turn_confidence is not a number"},
    {TURN_HEAD R"("language_code":true})",
     "Turn.language_code is not a string"},
    {TURN_HEAD R"("language_confidence":"high"})",
     "Turn.language_confidence is not a number"},
    {TURN_HEAD R"("speaker_label":["A"]})",
     "Turn.speaker_label is not a string"},
    {TURN_HEAD R"("words":{"text":"a","start":1,"end":2}})",
     "Turn.words is not an array"},
    {TURN_HEAD R"("words":"hi"})", "Turn.words is not an array"},
    {WORDS_HEAD R"("b"]})", "Turn.words[1] is not an object"},
    {WORDS_HEAD R"(null]})", "Turn.words[1] is not an object"},
    {WORDS_HEAD R"({"text":"b","start":"1920","end":2}]})",
     "Turn.words[1].start is not an integer"},
    {WORDS_HEAD R"({"text":"b","start":1,"end":2.5}]})",
     "Turn.words[1].end is not an integer"},
    {WORDS_HEAD R"({"text":7,"start":1,"end":2}]})",
     "Turn.words[1].text is not a string"},
    {WORDS_HEAD R"({"text":"b","start":1,"end":2,"confidence":true}]})",
     "Turn.words[1].confidence is not a number"},
    {WORDS_HEAD R"({"text":"b","start":1,"end":2,"word_is_final":1}]})",
     "Turn.words[1].word_is_final is not a boolean"},
    {WORDS_HEAD R"({"text":"b","start":1,"end":2,"speaker":0}]})",
     "Turn.words[1].speaker is not a string"},
    {R"({"type":"SpeechStarted","timestamp":1216.5})",
     "SpeechStarted.timestamp is not an integer"},
    {R"({"type":"SpeechStarted","timestamp":1216,"confidence":"high"})",
     "SpeechStarted.confidence is not a number"},
    {R"({"type":"Termination","audio_duration_seconds":"13"})",
     "Termination.audio_duration_seconds is not an integer"},
    {R"({"type":"Termination","session_duration_seconds":true})",
     "Termination.session_duration_seconds is not an integer"},
    {R"({"type":"Error","error":{"message":"x"}})",
     "Error.error is not a string"},
    {R"({"type":"Error","error":"x","error_code":"3008"})",
     "Error.error_code is not an integer"},
    {R"({"type":"Error","error":"x","error_code":3008.5})",
     "Error.error_code is not an integer"},
    {R"({"error":"x","error_code":"1008"})",
     "Error.error_code is not an integer"},
    {R"({"type":"Warning","warning":1})", "Warning.warning is not a string"},
    {R"({"type":"Warning","warning":"w","warning_code":[1]})",
     "Warning.warning_code is not an integer"},
};

GST_START_TEST(test_wrong_field_type)
{
  expect_error(wrong_type[__i__].frame, wrong_type[__i__].error);
}
GST_END_TEST;

/* ---- Malformed frames: numbers out of range --------------------------- */

static const BadFrame out_of_range[] = {
    /* json-glib wraps these to -1 / INT64_MIN / INT64_MAX on its own. */
    {R"({"type":"Turn","turn_order":99999999999999999999,"end_of_turn":false})",
     "outside the 64-bit range"},
    {R"({"type":"Turn","turn_order":9223372036854775808,"end_of_turn":false})",
     "outside the 64-bit range"},
    {R"({"type":"Turn","turn_order":-9223372036854775809,"end_of_turn":false})",
     "outside the 64-bit range"},
    {R"({"type":"Begin","id":"x","expires_at":123456789012345678901234567890})",
     "outside the 64-bit range"},
    {WORDS_HEAD R"({"text":"b","start":18446744073709551616,"end":2}]})",
     "outside the 64-bit range"},
    /* Huge values written with an exponent arrive as doubles. */
    {R"({"type":"Turn","turn_order":1e30,"end_of_turn":false})",
     "Turn.turn_order is not an integer"},
    {R"({"type":"Begin","id":"x","expires_at":1e400})",
     "Begin.expires_at is not an integer"},
    {R"({"type":"SpeechStarted","timestamp":0,"confidence":1e400})",
     "SpeechStarted.confidence is not a finite number"},
    {TURN_HEAD R"("end_of_turn_confidence":-1e999})",
     "Turn.end_of_turn_confidence is not a finite number"},
    {R"({"type":"Termination","audio_duration_seconds":1e400})",
     "Termination.audio_duration_seconds is not an integer"},
    {R"({"type":"Termination","audio_duration_seconds":9.3e18})",
     "Termination.audio_duration_seconds is out of range"},
    /* int members must fit an int. */
    {R"({"type":"Error","error":"x","error_code":2147483648})",
     "Error.error_code is out of range"},
    {R"({"type":"Error","error":"x","error_code":-2147483649})",
     "Error.error_code is out of range"},
    {R"({"type":"Warning","warning":"w","warning_code":4294967296})",
     "Warning.warning_code is out of range"},
    /* Positions on the audio clock cannot be negative. */
    {WORDS_HEAD R"({"text":"b","start":-1,"end":2}]})",
     "Turn.words[1].start is negative"},
    {WORDS_HEAD R"({"text":"b","start":1,"end":-2}]})",
     "Turn.words[1].end is negative"},
    {R"({"type":"SpeechStarted","timestamp":-5})",
     "SpeechStarted.timestamp is negative"},
};

GST_START_TEST(test_number_out_of_range)
{
  expect_error(out_of_range[__i__].frame, out_of_range[__i__].error);
}
GST_END_TEST;

/* A turn index below 0 or beyond 32 bits is no turn (it would be cut to
 * fit the turn-order field and make every later turn look stale). */
GST_START_TEST(test_turn_order_out_of_range)
{
  expect_error(R"({"type":"Turn","turn_order":-1,"end_of_turn":false})",
               "turn_order is out of range");
  expect_error(R"({"type":"Turn","turn_order":4294967296,"end_of_turn":true})",
               "turn_order is out of range");
  expect_error(R"({"type":"Turn","turn_order":2147483648,"end_of_turn":true})",
               "turn_order is out of range");
  expect_error(
      R"({"type":"Turn","turn_order":-9223372036854775808,"end_of_turn":false})",
      "turn_order is out of range");
}
GST_END_TEST;

GST_START_TEST(test_int_range_boundaries_accepted)
{
  ErrorEvent e = expect_event<ErrorEvent>(
      R"({"type":"Error","error":"x","error_code":2147483647})");
  fail_unless_equals_int(*e.error_code, G_MAXINT);
  e = expect_event<ErrorEvent>(
      R"({"type":"Error","error":"x","error_code":-2147483648})");
  fail_unless_equals_int(*e.error_code, G_MININT);
}
GST_END_TEST;

/* ---- Malformed frames: bytes ------------------------------------------ */

GST_START_TEST(test_invalid_utf8_in_string)
{
  expect_error(
      "{\"type\":\"Turn\",\"turn_order\":0,\"end_of_turn\":false,"
      "\"transcript\":\"caf\xff\"}",
      "not valid UTF-8");
  /* Overlong "/", a UTF-16 surrogate encoded in UTF-8, a cut sequence. */
  expect_error("{\"type\":\"Error\",\"error\":\"\xc0\xaf\"}",
               "not valid UTF-8");
  expect_error("{\"type\":\"Error\",\"error\":\"\xed\xa0\x80\"}",
               "not valid UTF-8");
  expect_error("{\"type\":\"Error\",\"error\":\"\xe2\x82\"}",
               "not valid UTF-8");
}
GST_END_TEST;

GST_START_TEST(test_lone_surrogate_escape)
{
  /* json-glib decodes a lone surrogate escape to bytes that are not UTF-8
   * (these reached events and text buffers as they were), and after a
   * high surrogate it swallows the next character, a closing quote
   * included, so this turn_order escaped the range check and became -1
   * (both found by fuzz-server-frame). */
  expect_error(
      R"({"type":"Turn","a":"\ud800"X","turn_order":99999999999999999999,"end_of_turn":false})",
      "lone surrogate escape");
  expect_error(R"({"type":"Error","error":"a\ud800b"})",
               "lone surrogate escape");
  expect_error(R"({"type":"Error","error":"a\udc00b"})",
               "lone surrogate escape");
  expect_error(R"({"type":"Error","error":"\ud800\u0041"})",
               "lone surrogate escape");
  expect_error(R"({"type":"Error","error":"\ud800\ud800"})",
               "lone surrogate escape");
  expect_error(
      R"({"type":"Turn","turn_order":0,"end_of_turn":false,"words":[{"text":"x\ud800y","start":1,"end":2}]})",
      "lone surrogate escape");
  expect_error(R"({"error":"\ud800x"})", "lone surrogate escape");
  expect_error(R"({"type\ud800echStarted","timestamp":0})",
               "lone surrogate escape");
  /* A pair is one character. */
  ErrorEvent e = expect_event<ErrorEvent>(
      R"({"type":"Error","error":"\uD83D\uDE00\udbff\udfff"})");
  fail_unless_equals_string(e.error.c_str(),
                            "\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
}
GST_END_TEST;

GST_START_TEST(test_non_json_escape)
{
  /* GScanner decodes \NNN octal escapes to any byte: "\214" made the
   * type string invalid UTF-8 (found by fuzz-server-frame); \101 was "A",
   * \q "q", \x41 "x41". */
  expect_error(R"({"type":"Error","error":"a\214b"})", "invalid escape");
  expect_error(R"({"type":"Error","error":"\101"})", "invalid escape");
  expect_error(R"({"type":"Error","error":"\q"})", "invalid escape");
  expect_error(R"({"type":"Error","error":"\x41"})", "invalid escape");
  expect_error(R"({"type":"Error","error":"\'"})", "invalid escape");
  /* JSON's own escapes are all fine. */
  ErrorEvent e = expect_event<ErrorEvent>(
      R"({"type":"Error","error":"\"\\\/\b\f\n\r\t\u0041"})");
  fail_unless_equals_string(e.error.c_str(), "\"\\/\b\f\n\r\tA");
}
GST_END_TEST;

GST_START_TEST(test_json_error_text_is_utf8)
{
  /* json-glib's message quotes the unexpected string cut after 37 bytes,
   * here inside the two bytes of "í" (found by fuzz-server-frame). */
  const std::string frame =
      "{\"a\":\"" + std::string(36, 'x') + "\xc3\xad\xc3\xad\" \"b\"}";
  ParseResult r = parse(frame);
  fail_if(r.event.has_value());
  fail_unless(r.error.find("not valid JSON") != std::string::npos, "%s",
              r.error.c_str());
  fail_unless(g_utf8_validate(r.error.data(),
                              static_cast<gssize>(r.error.size()), nullptr),
              "error text is not UTF-8: %s", r.error.c_str());
}
GST_END_TEST;

GST_START_TEST(test_invalid_utf8_outside_string)
{
  expect_error("{\"type\":\"Termination\"\x80}", "not valid UTF-8");
  expect_error("\xef\xbb{\"type\":\"Termination\"}", "not valid UTF-8");
  expect_error("{\"type\":\"Termination\"}\xf0", "not valid UTF-8");
}
GST_END_TEST;

GST_START_TEST(test_embedded_nul_byte)
{
  const char inside[] = "{\"type\":\"Error\",\"error\":\"a\0b\"}";
  ParseResult r = parse_server_frame(inside, sizeof(inside) - 1);
  fail_if(r.event.has_value());
  fail_unless(r.error.find("NUL") != std::string::npos, "%s", r.error.c_str());

  const char after[] = "{\"type\":\"Termination\"}\0garbage";
  r = parse_server_frame(after, sizeof(after) - 1);
  fail_if(r.event.has_value());
  fail_unless(r.error.find("NUL") != std::string::npos, "%s", r.error.c_str());
}
GST_END_TEST;

GST_START_TEST(test_escaped_characters)
{
  /* Escapes decode; "\u0000" truncates the string (json-glib hands out C
   * strings) instead of failing; a lone surrogate escape is invalid. */
  ErrorEvent e = expect_event<ErrorEvent>(
      R"({"type":"Error","error":"a\"b\\c\/d\u00e9\n\ud83d\ude00"})");
  fail_unless_equals_string(e.error.c_str(),
                            "a\"b\\c/d\xc3\xa9\n\xf0\x9f\x98\x80");
  e = expect_event<ErrorEvent>(R"({"type":"Error","error":"x\u0000y"})");
  fail_unless_equals_string(e.error.c_str(), "x");
  expect_error(R"({"type":"Error","error":"\ud800"})", "not valid JSON");
  /* Brackets, quotes and digits inside strings are text, not structure. */
  e = expect_event<ErrorEvent>(
      R"({"type":"Error","error":"[[[{ 99999999999999999999 ' /* \" ]"})");
  fail_unless_equals_string(e.error.c_str(),
                            "[[[{ 99999999999999999999 ' /* \" ]");
}
GST_END_TEST;

GST_START_TEST(test_very_long_string)
{
  const std::string text(100000, 'a');
  TurnEvent t = expect_event<TurnEvent>(
      R"({"type":"Turn","turn_order":0,"end_of_turn":true,"transcript":")" +
      text + R"("})");
  fail_unless_equals_int(t.transcript.size(), 100000);
  fail_unless(t.transcript == text);
}
GST_END_TEST;

GST_START_TEST(test_many_words)
{
  std::string frame =
      R"({"type":"Turn","turn_order":0,"end_of_turn":true,"words":[)";
  for (int i = 0; i < 20000; i++) {
    if (i > 0)
      frame += ',';
    frame += R"({"text":"w","start":)" + std::to_string(i * 10) + R"(,"end":)" +
             std::to_string(i * 10 + 5) + "}";
  }
  frame += "]}";
  TurnEvent t = expect_event<TurnEvent>(frame);
  fail_unless_equals_int(t.words.size(), 20000);
  fail_unless_equals_int64(t.words[19999].start_ms, 199990);
}
GST_END_TEST;

static std::string nested_unknown(int depth)
{
  return R"({"type":"Deep","data":)" + std::string(depth, '[') +
         std::string(depth, ']') + "}";
}

GST_START_TEST(test_deep_nesting)
{
  /* Moderate nesting in a free-form member is fine... */
  UnknownEvent u = expect_event<UnknownEvent>(nested_unknown(100));
  fail_unless_equals_string(u.type.c_str(), "Deep");
  /* ...deep nesting is refused before json-glib recurses into it (100000
   * levels overflow its stack). */
  expect_error(nested_unknown(10000), "nested more than");
  expect_error(nested_unknown(100000), "nested more than");
  expect_error(std::string(1000000, '{'), "nested more than");
}
GST_END_TEST;

/* ---- Client messages --------------------------------------------------- */

/* The message must parse as an object whose only member is "type". */
static void check_control_message(const std::string &msg, const char *type)
{
  JsonParser *p = json_parser_new();
  fail_unless(json_parser_load_from_data(p, msg.c_str(), -1, nullptr));
  JsonNode *root = json_parser_get_root(p);
  fail_unless(JSON_NODE_HOLDS_OBJECT(root));
  JsonObject *o = json_node_get_object(root);
  fail_unless_equals_int(json_object_get_size(o), 1);
  fail_unless_equals_string(json_object_get_string_member(o, "type"), type);
  g_object_unref(p);

  /* And our own parser sees it as a (to us unknown) type. */
  UnknownEvent u = expect_event<UnknownEvent>(msg);
  fail_unless_equals_string(u.type.c_str(), type);
}

GST_START_TEST(test_terminate_message)
{
  const std::string msg = terminate_message();
  /* Exactly the documented bytes (compact). */
  fail_unless_equals_string(msg.c_str(), "{\"type\":\"Terminate\"}");
  check_control_message(msg, "Terminate");
}
GST_END_TEST;

GST_START_TEST(test_force_endpoint_message)
{
  const std::string msg = force_endpoint_message();
  /* Exactly the documented bytes (compact). */
  fail_unless_equals_string(msg.c_str(), "{\"type\":\"ForceEndpoint\"}");
  check_control_message(msg, "ForceEndpoint");
}
GST_END_TEST;

GST_START_TEST(test_keep_alive_message)
{
  const std::string msg = keep_alive_message();
  /* Exactly the documented bytes (compact). */
  fail_unless_equals_string(msg.c_str(), "{\"type\":\"KeepAlive\"}");
  check_control_message(msg, "KeepAlive");
}
GST_END_TEST;

static Suite *protocol_suite(void)
{
  Suite *s = suite_create("protocol");

  TCase *tc = tcase_create("events");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_begin_with_configuration);
  tcase_add_test(tc, test_begin_without_configuration);
  tcase_add_test(tc, test_begin_minimal);
  tcase_add_test(tc, test_begin_partial_configuration);
  tcase_add_test(tc, test_turn_partial_non_final_last_word);
  tcase_add_test(tc, test_turn_end_of_turn_with_utterance_and_language);
  tcase_add_test(tc, test_turn_formatted);
  tcase_add_test(tc, test_turn_speaker_fields);
  tcase_add_test(tc, test_turn_nonspeech_empty_word);
  tcase_add_test(tc, test_turn_optional_fields_missing);
  tcase_add_test(tc, test_turn_empty_words);
  tcase_add_test(tc, test_word_optional_fields_missing);
  tcase_add_test(tc, test_word_end_before_start_accepted);
  tcase_add_test(tc, test_null_optional_is_absent);
  tcase_add_test(tc, test_unknown_members_ignored);
  tcase_add_test(tc, test_number_edge_values_accepted);
  tcase_add_test(tc, test_speech_started_with_confidence);
  tcase_add_test(tc, test_speech_started_without_confidence);
  tcase_add_test(tc, test_termination_with_fields);
  tcase_add_test(tc, test_termination_without_fields);
  tcase_add_test(tc, test_termination_integral_double);
  tcase_add_test(tc, test_error_with_type_and_code);
  tcase_add_test(tc, test_error_with_type_without_code);
  tcase_add_test(tc, test_error_legacy_without_type);
  tcase_add_test(tc, test_warning);
  tcase_add_test(tc, test_warning_without_code);
  tcase_add_test(tc, test_unknown_heartbeat);
  tcase_add_test(tc, test_unknown_speaker_revision);
  tcase_add_test(tc, test_unknown_type_not_validated);
  tcase_add_test(tc, test_int_range_boundaries_accepted);
  tcase_add_test(tc, test_turn_order_out_of_range);
  tcase_add_test(tc, test_escaped_characters);
  tcase_add_test(tc, test_very_long_string);
  tcase_add_test(tc, test_many_words);

  tc = tcase_create("malformed");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_truncated_json);
  tcase_add_test(tc, test_empty_frame);
  tcase_add_test(tc, test_root_array);
  tcase_add_test(tc, test_root_string);
  tcase_add_test(tc, test_root_number);
  tcase_add_test(tc, test_root_null);
  tcase_add_test(tc, test_missing_type);
  tcase_add_test(tc, test_type_not_a_string);
  tcase_add_test(tc, test_legacy_error_not_a_string);
  tcase_add_test(tc, test_trailing_data);
  tcase_add_test(tc, test_non_json_syntax);
  tcase_add_test(tc, test_non_json_numbers);
  tcase_add_test(tc, test_incomplete_unicode_escape);
  tcase_add_loop_test(tc, test_missing_required_field, 0,
                      G_N_ELEMENTS(missing_required));
  tcase_add_loop_test(tc, test_wrong_field_type, 0, G_N_ELEMENTS(wrong_type));
  tcase_add_loop_test(tc, test_number_out_of_range, 0,
                      G_N_ELEMENTS(out_of_range));
  tcase_add_test(tc, test_invalid_utf8_in_string);
  tcase_add_test(tc, test_lone_surrogate_escape);
  tcase_add_test(tc, test_non_json_escape);
  tcase_add_test(tc, test_json_error_text_is_utf8);
  tcase_add_test(tc, test_invalid_utf8_outside_string);
  tcase_add_test(tc, test_embedded_nul_byte);
  tcase_add_test(tc, test_deep_nesting);

  tc = tcase_create("client-messages");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_terminate_message);
  tcase_add_test(tc, test_force_endpoint_message);
  tcase_add_test(tc, test_keep_alive_message);
  return s;
}

GST_CHECK_MAIN(protocol);
