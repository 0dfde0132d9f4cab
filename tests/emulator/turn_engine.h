/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Turns the transcript script into Turn/SpeechStarted messages, driven
 * only by how much audio the session has processed, so output is
 * deterministic however fast or slow the client sends. */
#pragma once

#include "emulator.h"
#include "session_params.h"

#include <string>
#include <vector>

namespace aai_emu
{

class TurnEngine
{
 public:
  /* Both pointers must outlive the engine; params may change between calls
   * (UpdateConfiguration), and so may cfg->script before the first call
   * (a session located in the reference audio). */
  TurnEngine(const Config *cfg, const SessionParams *params)
      : cfg_(cfg), script_(&cfg->script), params_(params)
  {
  }
  /* Appends every message due once audio_ms of audio has been processed. */
  void advance(int64_t audio_ms, std::vector<std::string> *out);
  /* ForceEndpoint / Terminate: ends the open turn with the words heard. */
  void force_endpoint(int64_t audio_ms, std::vector<std::string> *out);

 private:
  struct Msg;
  bool step_universal(int64_t t, std::vector<std::string> *out);
  bool step_u3(int64_t t, std::vector<std::string> *out);
  void emit_turn(size_t first,
                 size_t count,
                 size_t final_count,
                 bool end_of_turn,
                 bool formatted,
                 const std::string &utterance,
                 double eot_confidence,
                 std::vector<std::string> *out) const;
  void end_segment(size_t next_word);
  int64_t next_turn_start() const;
  bool formats_every_message() const;

  const Config *cfg_;
  const Script *script_;
  const SessionParams *params_;
  size_t turn_ = 0;   // script turn
  size_t seg_ = 0;    // first word of the open (service-side) turn
  size_t heard_ = 0;  // universal: words of the open turn heard so far
  bool utterance_sent_ = false;
  bool speech_started_ = false;  // u3
  size_t check_ = 0;             // u3: next word whose trailing pause counts
  bool last_partial_ = false;    // u3: partial for the final pause sent
  int turn_order_ = 0;
};

}  // namespace aai_emu
