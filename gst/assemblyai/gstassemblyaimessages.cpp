/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaimessages.h"

namespace aai
{

namespace
{
void add_times(GstStructure *s, const MediaTimes &t)
{
  gst_structure_set(s, "timestamp", G_TYPE_UINT64, t.pts, "stream-time",
                    G_TYPE_UINT64, t.stream_time, "running-time", G_TYPE_UINT64,
                    t.running_time, nullptr);
}

GstStructure *begin_structure(const BeginEvent &b)
{
  GstStructure *s = gst_structure_new("assemblyai/begin", "session-id",
                                      G_TYPE_STRING, b.id.c_str(), "expires-at",
                                      G_TYPE_INT64, b.expires_at, nullptr);
  if (b.model)
    gst_structure_set(s, "model", G_TYPE_STRING, b.model->c_str(), nullptr);
  if (b.mode)
    gst_structure_set(s, "mode", G_TYPE_STRING, b.mode->c_str(), nullptr);
  if (b.api_version)
    gst_structure_set(s, "api-version", G_TYPE_STRING, b.api_version->c_str(),
                      nullptr);
  return s;
}

GstStructure *word_structure(const Word &w, const EventNotice &n)
{
  MediaTimes ws = n.at(w.start_ms);
  MediaTimes we = n.at(w.end_ms);
  GstStructure *s = gst_structure_new(
      "assemblyai/word", "text", G_TYPE_STRING, w.text.c_str(), "start",
      G_TYPE_UINT64, ws.pts, "end", G_TYPE_UINT64, we.pts, "running-time",
      G_TYPE_UINT64, ws.running_time, "stream-time", G_TYPE_UINT64,
      ws.stream_time, "confidence", G_TYPE_DOUBLE, w.confidence,
      "word-is-final", G_TYPE_BOOLEAN, w.is_final, nullptr);
  if (w.speaker)
    gst_structure_set(s, "speaker", G_TYPE_STRING, w.speaker->c_str(), nullptr);
  return s;
}

GstStructure *turn_structure(const TurnEvent &t, const EventNotice &n)
{
  GstStructure *s = gst_structure_new_empty("assemblyai/turn");
  MediaTimes first, last_end;
  if (!t.words.empty()) {
    first = n.at(t.words.front().start_ms);
    last_end = n.at(t.words.back().end_ms);
  }
  add_times(s, first);
  GstClockTime duration = GST_CLOCK_TIME_NONE;
  if (first.pts != MediaTimes::kNone && last_end.pts != MediaTimes::kNone &&
      last_end.pts >= first.pts)
    duration = last_end.pts - first.pts;
  gst_structure_set(
      s, "duration", G_TYPE_UINT64, duration, "turn-order", G_TYPE_UINT,
      static_cast<guint>(t.turn_order), "end-of-turn", G_TYPE_BOOLEAN,
      t.end_of_turn, "turn-is-formatted", G_TYPE_BOOLEAN, t.turn_is_formatted,
      "transcript", G_TYPE_STRING, t.transcript.c_str(), "utterance",
      G_TYPE_STRING, t.utterance ? t.utterance->c_str() : "",
      "end-of-turn-confidence", G_TYPE_DOUBLE, t.end_of_turn_confidence,
      nullptr);
  if (t.language_code)
    gst_structure_set(s, "language-code", G_TYPE_STRING,
                      t.language_code->c_str(), nullptr);
  if (t.language_confidence)
    gst_structure_set(s, "language-confidence", G_TYPE_DOUBLE,
                      *t.language_confidence, nullptr);
  if (t.speaker_label)
    gst_structure_set(s, "speaker-label", G_TYPE_STRING,
                      t.speaker_label->c_str(), nullptr);

  GValue words = G_VALUE_INIT;
  gst_value_array_init(&words, t.words.size());
  for (const Word &w : t.words) {
    GValue v = G_VALUE_INIT;
    g_value_init(&v, GST_TYPE_STRUCTURE);
    g_value_take_boxed(&v, word_structure(w, n));
    gst_value_array_append_and_take_value(&words, &v);
  }
  gst_structure_take_value(s, "words", &words);
  gst_structure_set(s, "raw", G_TYPE_STRING, n.raw.c_str(), nullptr);
  return s;
}
}  // namespace

GstStructure *event_structure(const EventNotice &n, bool partials)
{
  const ServerEvent &ev = n.event;
  if (const auto *b = std::get_if<BeginEvent>(&ev))
    return begin_structure(*b);
  if (const auto *t = std::get_if<TurnEvent>(&ev))
    return t->end_of_turn || partials ? turn_structure(*t, n) : nullptr;
  if (const auto *sp = std::get_if<SpeechStartedEvent>(&ev)) {
    GstStructure *s = gst_structure_new_empty("assemblyai/speech-started");
    add_times(s, n.at(sp->timestamp_ms));
    if (sp->confidence)
      gst_structure_set(s, "confidence", G_TYPE_DOUBLE, *sp->confidence,
                        nullptr);
    return s;
  }
  if (const auto *te = std::get_if<TerminationEvent>(&ev)) {
    GstStructure *s = gst_structure_new_empty("assemblyai/termination");
    if (te->audio_duration_seconds)
      gst_structure_set(s, "audio-duration-seconds", G_TYPE_INT64,
                        *te->audio_duration_seconds, nullptr);
    if (te->session_duration_seconds)
      gst_structure_set(s, "session-duration-seconds", G_TYPE_INT64,
                        *te->session_duration_seconds, nullptr);
    return s;
  }
  return nullptr;
}

GstStructure *reconnect_structure(const ReconnectNotice &n)
{
  return gst_structure_new(
      "assemblyai/reconnect", "reason", G_TYPE_STRING, n.reason.c_str(),
      "close-code", G_TYPE_INT, n.close_code, "attempt", G_TYPE_UINT, n.attempt,
      "reconnects", G_TYPE_UINT, n.reconnects, "outage-duration", G_TYPE_UINT64,
      static_cast<guint64>(n.outage_ns), "audio-replayed", G_TYPE_UINT64,
      static_cast<guint64>(n.replayed_ns), "audio-lost", G_TYPE_UINT64,
      static_cast<guint64>(n.lost_ns), "session-id", G_TYPE_STRING,
      n.session_id.c_str(), nullptr);
}

GstStructure *progress_structure(const ProgressNotice &n, GstClockTime duration)
{
  GstClockTime position = n.transcribed.stream_time;
  GstClockTime left = GST_CLOCK_TIME_NONE;
  if (GST_CLOCK_TIME_IS_VALID(duration) && position != MediaTimes::kNone &&
      n.realtime_factor > 0)
    left = duration > position ? static_cast<GstClockTime>(
                                     (duration - position) / n.realtime_factor)
                               : 0;
  return gst_structure_new(
      "assemblyai/progress", "audio-sent", G_TYPE_UINT64,
      static_cast<guint64>(n.sent_ns), "audio-transcribed", G_TYPE_UINT64,
      static_cast<guint64>(n.transcribed_ns), "position", G_TYPE_UINT64,
      static_cast<guint64>(position), "duration", G_TYPE_UINT64,
      static_cast<guint64>(duration), "realtime-factor", G_TYPE_DOUBLE,
      n.realtime_factor, "time-left", G_TYPE_UINT64, static_cast<guint64>(left),
      nullptr);
}

std::string reconnect_text(const ReconnectNotice &n)
{
  gchar *what = g_strdup_printf(
      "%s: a new session continues the stream after %.3f s without one, "
      "with %.3f s of audio sent again.",
      n.reason.c_str(), n.outage_ns / 1e9, n.replayed_ns / 1e9);
  std::string text = what;
  g_free(what);
  if (n.lost_ns) {
    gchar *lost = g_strdup_printf(
        " %.3f s of audio before it could not be sent again (the "
        "replay-buffer bound): words spoken in it may be missing.",
        n.lost_ns / 1e9);
    text += lost;
    g_free(lost);
  }
  return text;
}

}  // namespace aai
