/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Connection query parameters (docs/protocol.md, Endpoint and query parameters)
 * and their validation. */
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

struct _JsonObject;

namespace aai_emu
{

enum class ModelFamily { UniversalStreaming, U3Pro, Whisper };

struct SessionParams {
  std::string speech_model;
  ModelFamily family = ModelFamily::UniversalStreaming;
  std::string encoding = "pcm_s16le";
  int sample_rate = 16000;
  int bytes_per_sample = 2;
  bool format_turns = false;
  double end_of_turn_confidence_threshold = 0.4;
  int64_t min_turn_silence = 400;
  int64_t max_turn_silence = 1280;
  double vad_threshold = 0.4;
  std::vector<std::string> keyterms;
  std::string prompt;
  std::string mode;
  bool language_detection = false;
  int inactivity_timeout_s = 0;  // 0: no inactivity timeout
  bool speaker_labels = false;
  int max_speakers = 0;
};

/* Fills *out from the decoded query. On failure *error holds the detail
 * that follows "Invalid Message: " in the Error frame. */
bool parse_session_params(const std::map<std::string, std::string> &query,
                          bool require_speech_model,
                          SessionParams *out,
                          std::string *error);

/* Applies the fields of an UpdateConfiguration message; invalid fields are
 * ignored (the service documents no acknowledgement or error for them). */
void apply_update_configuration(_JsonObject *msg, SessionParams *params);

}  // namespace aai_emu
