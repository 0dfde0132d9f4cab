/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The emulated agent's voice: deterministic audio whose length follows the
 * reply text (ms_per_char per character), in the output format the
 * session asked for. Each character is a square wave of its own pitch, so
 * every sample is non-silent and a test can count agent samples exactly. */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace aai_emu
{

enum class AgentFormat { Pcm, Pcmu, Pcma };

/* "audio/pcm" etc.; false for anything else. */
bool agent_format_from_name(const std::string &name, AgentFormat *out);
int agent_format_rate(AgentFormat f); /* 24000 or 8000 */
int agent_format_bytes_per_sample(AgentFormat f);
/* The byte value of silence in @f (0 for PCM, 0xFF mu-law, 0xD5 A-law). */
uint8_t agent_format_silence(AgentFormat f);

/* @text spoken: text.size() * @ms_per_char ms of audio in @f, at
 * @volume (0..100, -1 = the native level). */
std::vector<uint8_t> synthesize_reply(const std::string &text,
                                      int ms_per_char,
                                      int volume,
                                      AgentFormat f);

/* G.711 encoders of one linear 16-bit sample. */
uint8_t linear_to_ulaw(int16_t sample);
uint8_t linear_to_alaw(int16_t sample);

}  // namespace aai_emu
