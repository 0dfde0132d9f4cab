/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "realism.h"

#include "json_text.h"

#include <json-glib/json-glib.h>

namespace aai_emu
{

int64_t message_latency_ms(const Config &cfg, uint64_t n)
{
  /* 61 and 101 are coprime: the fractions run through 0..1 in a fixed,
   * irregular order, so consecutive messages get different latencies. */
  int64_t step = (int64_t)((61 * n + 17) % 101);
  return cfg.processing_delay_ms +
         (int64_t)cfg.processing_delay_spread_ms * step / 100;
}

int64_t next_audio_point(const AudioPoints &points, int64_t after, int64_t upto)
{
  if (points.first_ms < 0)
    return -1;
  int64_t at = points.first_ms;
  if (at <= after) {
    if (points.every_ms <= 0)
      return -1;
    at += ((after - at) / points.every_ms + 1) * points.every_ms;
  }
  return at <= upto ? at : -1;
}

std::string warning_message(int64_t audio_ms)
{
  /* The docs give the shape but no codes; 3100 is ours (README.md). */
  gchar *text = g_strdup_printf("Emulated warning at %" G_GINT64_FORMAT
                                " ms of audio: the session "
                                "continues",
                                audio_ms);
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, "Warning");
  json_builder_set_member_name(b, "warning_code");
  json_builder_add_int_value(b, 3100);
  json_builder_set_member_name(b, "warning");
  json_builder_add_string_value(b, text);
  json_builder_end_object(b);
  std::string out = builder_to_string(b);
  g_object_unref(b);
  g_free(text);
  return out;
}

std::string unknown_type_message(int64_t audio_ms)
{
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, "EmulatorFutureEvent");
  json_builder_set_member_name(b, "audio_ms");
  json_builder_add_int_value(b, audio_ms);
  json_builder_set_member_name(b, "note");
  json_builder_add_string_value(
      b, "a message type newer than this client: ignore it");
  json_builder_end_object(b);
  std::string out = builder_to_string(b);
  g_object_unref(b);
  return out;
}

}  // namespace aai_emu
