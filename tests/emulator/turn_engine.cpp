/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "turn_engine.h"

#include <json-glib/json-glib.h>

#include "json_text.h"

namespace aai_emu
{
namespace
{

/* whisper-rt reports non-speech tags as bare lowercase words in transcript
 * and words, and keeps the "[Tag]" form only in utterance (docs/protocol.md,
 * Server messages). */
std::string whisper_raw(const std::string &w)
{
  std::string s = w;
  if (s.size() > 2 && s.front() == '[' && s.back() == ']')
    s = s.substr(1, s.size() - 2);
  gchar *lower = g_utf8_strdown(s.c_str(), -1);
  std::string out(lower);
  g_free(lower);
  return out;
}

bool ends_terminal(const std::string &s)
{
  return !s.empty() && (s.back() == '.' || s.back() == '?' || s.back() == '!');
}

}  // namespace

/* format_turns in its every-message reading (Universal-Streaming and
 * whisper-rt; u3 formats its finals anyway): every Turn formatted, no
 * follow-up. */
bool TurnEngine::formats_every_message() const
{
  return params_->format_turns && params_->family != ModelFamily::U3Pro &&
         cfg_->format_turns_style == FormatTurnsStyle::EveryMessage;
}

int64_t TurnEngine::next_turn_start() const
{
  if (turn_ + 1 < script_->turns.size())
    return script_->turns[turn_ + 1].words.front().start;
  return INT64_MAX;
}

void TurnEngine::emit_turn(size_t first,
                           size_t count,
                           size_t final_count,
                           bool end_of_turn,
                           bool formatted,
                           const std::string &utterance,
                           double eot_confidence,
                           std::vector<std::string> *out) const
{
  const ScriptTurn &t = script_->turns[turn_];
  const SessionParams &p = *params_;
  bool whisper = p.family == ModelFamily::Whisper;
  /* The multilingual model punctuates and cases natively (README.md):
   * formatted words on every message, turn_is_formatted as usual. */
  bool native_format = cfg_->multilingual_formatted &&
                       p.speech_model == "universal-streaming-multilingual";
  /* whisper-rt has no diarization (README.md): speaker_labels is ignored. */
  bool labels = p.speaker_labels && !(whisper && !cfg_->whisper_speaker_labels);
  formatted = formatted || formats_every_message();
  auto text_of = [&](const ScriptWord &w) {
    if (formatted || native_format)
      return w.formatted;
    return whisper ? whisper_raw(w.text) : w.text;
  };
  std::string speaker = "UNKNOWN";
  if (count > 0 && !t.speaker.empty() &&
      t.words[first + count - 1].end - t.words[first].start >= 1000)
    speaker = t.speaker;
  /* U3 reports the whole text so far; universal only the final words. */
  size_t in_transcript = p.family == ModelFamily::U3Pro ? count : final_count;
  std::string transcript;
  for (size_t i = 0; i < in_transcript; i++) {
    if (i)
      transcript += " ";
    transcript += text_of(t.words[first + i]);
  }

  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, "Turn");
  json_builder_set_member_name(b, "turn_order");
  json_builder_add_int_value(b, turn_order_);
  json_builder_set_member_name(b, "turn_is_formatted");
  json_builder_add_boolean_value(b, formatted);
  json_builder_set_member_name(b, "end_of_turn");
  json_builder_add_boolean_value(b, end_of_turn);
  json_builder_set_member_name(b, "transcript");
  json_builder_add_string_value(b, transcript.c_str());
  json_builder_set_member_name(b, "end_of_turn_confidence");
  json_builder_add_double_value(b, eot_confidence);
  json_builder_set_member_name(b, "words");
  json_builder_begin_array(b);
  for (size_t i = 0; i < count; i++) {
    const ScriptWord &w = t.words[first + i];
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "start");
    json_builder_add_int_value(b, w.start);
    json_builder_set_member_name(b, "end");
    json_builder_add_int_value(b, w.end);
    json_builder_set_member_name(b, "text");
    json_builder_add_string_value(b, text_of(w).c_str());
    json_builder_set_member_name(b, "confidence");
    json_builder_add_double_value(b, whisper ? 0.0 : 0.9 + 0.01 * (i % 10));
    json_builder_set_member_name(b, "word_is_final");
    json_builder_add_boolean_value(b, i < final_count);
    if (labels) {
      json_builder_set_member_name(b, "speaker");
      json_builder_add_string_value(b, speaker.c_str());
    }
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_set_member_name(b, "utterance");
  json_builder_add_string_value(b, utterance.c_str());
  if (p.language_detection && (!utterance.empty() || end_of_turn)) {
    json_builder_set_member_name(b, "language_code");
    json_builder_add_string_value(
        b, t.language_code.empty() ? "en" : t.language_code.c_str());
    json_builder_set_member_name(b, "language_confidence");
    json_builder_add_double_value(b, t.language_confidence);
  }
  if (labels) {
    json_builder_set_member_name(b, "speaker_label");
    json_builder_add_string_value(b, speaker.c_str());
  }
  json_builder_end_object(b);
  out->push_back(builder_to_string(b));
  g_object_unref(b);
}

/* Closes the open turn; the script turn continues as a new turn from
 * next_word when ForceEndpoint or punctuation cut it short. */
void TurnEngine::end_segment(size_t next_word)
{
  turn_order_++;
  heard_ = 0;
  utterance_sent_ = false;
  speech_started_ = false;
  last_partial_ = false;
  if (next_word < script_->turns[turn_].words.size()) {
    seg_ = check_ = next_word;
  } else {
    turn_++;
    seg_ = check_ = 0;
  }
}

bool TurnEngine::step_universal(int64_t t, std::vector<std::string> *out)
{
  const ScriptTurn &turn = script_->turns[turn_];
  const SessionParams &p = *params_;
  size_t n = turn.words.size();
  size_t next = seg_ + heard_;
  std::string text;
  for (size_t i = seg_; i < n; i++)
    text += (i > seg_ ? " " : "") + turn.words[i].formatted;
  if (next < n) {
    if (turn.words[next].end > t)
      return false;
    /* A newly heard word stays non-final until more audio confirms it. */
    heard_++;
    double conf = p.end_of_turn_confidence_threshold * heard_ / (n + 1.0);
    emit_turn(seg_, heard_, heard_ - 1, false, false, "", conf, out);
    return true;
  }
  bool whisper = p.family == ModelFamily::Whisper;
  int64_t last_end = turn.words[n - 1].end;
  int64_t cap = next_turn_start();
  bool confident =
      turn.end_of_turn_confidence > p.end_of_turn_confidence_threshold;
  int64_t utt_at = std::min(last_end + p.min_turn_silence, cap);
  int64_t eot_at = std::min(
      last_end + (confident ? p.min_turn_silence : p.max_turn_silence), cap);
  if (!utterance_sent_ && utt_at < eot_at) {
    if (utt_at > t)
      return false;
    /* The pause finalises the last word and reports the utterance. */
    utterance_sent_ = true;
    double conf = p.end_of_turn_confidence_threshold * n / (n + 1.0);
    emit_turn(seg_, heard_, heard_, false, false, text, conf, out);
    return true;
  }
  if (eot_at > t)
    return false;
  double conf = whisper ? 1.0 : turn.end_of_turn_confidence;
  emit_turn(seg_, heard_, heard_, true, false, utterance_sent_ ? "" : text,
            conf, out);
  if (p.format_turns && !formats_every_message())
    emit_turn(seg_, heard_, heard_, true, true, "", conf, out);
  end_segment(n);
  return true;
}

bool TurnEngine::step_u3(int64_t t, std::vector<std::string> *out)
{
  const ScriptTurn &turn = script_->turns[turn_];
  const SessionParams &p = *params_;
  size_t n = turn.words.size();
  if (!speech_started_) {
    int64_t ts = turn.words[seg_].start;
    if (ts > t)
      return false;
    speech_started_ = true;
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "type");
    json_builder_add_string_value(b, "SpeechStarted");
    json_builder_set_member_name(b, "timestamp");
    json_builder_add_int_value(b, ts);
    json_builder_set_member_name(b, "confidence");
    json_builder_add_double_value(b, 0.97);
    json_builder_end_object(b);
    out->push_back(builder_to_string(b));
    g_object_unref(b);
    return true;
  }
  size_t i = check_;
  const ScriptWord &w = turn.words[i];
  bool punct = ends_terminal(w.formatted);
  size_t count = i - seg_ + 1;
  std::string text;
  for (size_t k = seg_; k <= i; k++)
    text += (k > seg_ ? " " : "") + turn.words[k].formatted;
  if (i + 1 < n) {
    if (turn.words[i + 1].start - w.end < p.min_turn_silence) {
      check_++;  // no pause long enough to evaluate after this word
      return true;
    }
    if (w.end + p.min_turn_silence > t)
      return false;
    if (punct) {
      emit_turn(seg_, count, count, true, true, text, 1.0, out);
      end_segment(i + 1);
    } else {
      /* One unformatted, all-non-final partial per silence period. */
      emit_turn(seg_, count, 0, false, false, "", 0.0, out);
      check_++;
    }
    return true;
  }
  int64_t cap = next_turn_start();
  int64_t partial_at = std::min(w.end + p.min_turn_silence, cap);
  int64_t end_at =
      punct ? partial_at : std::min(w.end + p.max_turn_silence, cap);
  if (!punct && !last_partial_ && partial_at < end_at) {
    if (partial_at > t)
      return false;
    last_partial_ = true;
    emit_turn(seg_, count, 0, false, false, "", 0.0, out);
    return true;
  }
  if (end_at > t)
    return false;
  emit_turn(seg_, count, count, true, true, text, 1.0, out);
  end_segment(n);
  return true;
}

void TurnEngine::advance(int64_t audio_ms, std::vector<std::string> *out)
{
  while (turn_ < script_->turns.size()) {
    bool progressed = params_->family == ModelFamily::U3Pro
                          ? step_u3(audio_ms, out)
                          : step_universal(audio_ms, out);
    if (!progressed)
      break;
  }
}

void TurnEngine::force_endpoint(int64_t audio_ms, std::vector<std::string> *out)
{
  advance(audio_ms, out);
  if (turn_ >= script_->turns.size())
    return;
  const ScriptTurn &turn = script_->turns[turn_];
  const SessionParams &p = *params_;
  size_t heard = 0;
  if (p.family == ModelFamily::U3Pro) {
    while (seg_ + heard < turn.words.size() &&
           turn.words[seg_ + heard].end <= audio_ms)
      heard++;
  } else {
    heard = heard_;
  }
  if (heard == 0)
    return;
  std::string text;
  for (size_t k = 0; k < heard; k++)
    text += (k ? " " : "") + turn.words[seg_ + k].formatted;
  if (p.family == ModelFamily::U3Pro) {
    emit_turn(seg_, heard, heard, true, true, text, 1.0, out);
  } else {
    double conf =
        p.family == ModelFamily::Whisper ? 1.0 : turn.end_of_turn_confidence;
    emit_turn(seg_, heard, heard, true, false, utterance_sent_ ? "" : text,
              conf, out);
    if (p.format_turns && !formats_every_message())
      emit_turn(seg_, heard, heard, true, true, "", conf, out);
  }
  end_segment(seg_ + heard);
}

}  // namespace aai_emu
