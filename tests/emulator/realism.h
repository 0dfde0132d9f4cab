/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* What makes a session look like the real service beyond the turns
 * themselves (README.md "Modes"): the latency of each message and the
 * messages clients must tolerate (Warning, unknown types), all fixed by
 * the audio and the message count so every run is the same. */
#pragma once

#include "emulator.h"

#include <cstdint>
#include <string>

namespace aai_emu
{

/* Service ms that the session's message number @n (0-based, Turn and
 * SpeechStarted) waits after the audio it needs was processed. */
int64_t message_latency_ms(const Config &cfg, uint64_t n);

/* The first of @points in (after, upto]; -1 if none. */
int64_t next_audio_point(const AudioPoints &points,
                         int64_t after,
                         int64_t upto);

/* {"type":"Warning","warning_code":3100,"warning":...} for audio_ms. */
std::string warning_message(int64_t audio_ms);
/* A message of a type no client knows, for audio_ms. */
std::string unknown_type_message(int64_t audio_ms);

}  // namespace aai_emu
