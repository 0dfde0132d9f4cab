/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "agent_audio.h"

namespace aai_emu
{

namespace
{
/* The native level: loud enough to hear, far from clipping. */
constexpr int kNativeAmplitude = 8000;
}  // namespace

bool agent_format_from_name(const std::string &name, AgentFormat *out)
{
  if (name == "audio/pcm")
    *out = AgentFormat::Pcm;
  else if (name == "audio/pcmu")
    *out = AgentFormat::Pcmu;
  else if (name == "audio/pcma")
    *out = AgentFormat::Pcma;
  else
    return false;
  return true;
}

int agent_format_rate(AgentFormat f)
{
  return f == AgentFormat::Pcm ? 24000 : 8000;
}

int agent_format_bytes_per_sample(AgentFormat f)
{
  return f == AgentFormat::Pcm ? 2 : 1;
}

uint8_t agent_format_silence(AgentFormat f)
{
  return f == AgentFormat::Pcmu ? 0xFF : f == AgentFormat::Pcma ? 0xD5 : 0x00;
}

/* The classic G.711 segment encoders (ITU-T G.711, as in Sun's g711.c). */
uint8_t linear_to_ulaw(int16_t sample)
{
  const int kBias = 0x84, kClip = 32635;
  int s = sample;
  int sign = s < 0 ? 0x80 : 0;
  if (s < 0)
    s = -s;
  if (s > kClip)
    s = kClip;
  s += kBias;
  int exponent = 7;
  for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1)
    exponent--;
  int mantissa = (s >> (exponent + 3)) & 0x0F;
  return static_cast<uint8_t>(~(sign | (exponent << 4) | mantissa));
}

uint8_t linear_to_alaw(int16_t sample)
{
  int s = sample >> 3; /* 13-bit */
  int mask;
  if (s >= 0) {
    mask = 0xD5;
  } else {
    mask = 0x55;
    s = -s - 1;
  }
  static const int seg_end[8] = {0x1F,  0x3F,  0x7F,  0xFF,
                                 0x1FF, 0x3FF, 0x7FF, 0xFFF};
  int seg = 0;
  while (seg < 8 && s > seg_end[seg])
    seg++;
  if (seg >= 8)
    return static_cast<uint8_t>(0x7F ^ mask);
  int aval = seg << 4;
  aval |= seg < 2 ? (s >> 1) & 0x0F : (s >> seg) & 0x0F;
  return static_cast<uint8_t>(aval ^ mask);
}

std::vector<uint8_t> synthesize_reply(const std::string &text,
                                      int ms_per_char,
                                      int volume,
                                      AgentFormat f)
{
  const int rate = agent_format_rate(f);
  const int amplitude =
      volume < 0 ? kNativeAmplitude : kNativeAmplitude * volume / 100;
  const size_t per_char = static_cast<size_t>(rate) * ms_per_char / 1000;
  std::vector<uint8_t> out;
  out.reserve(text.size() * per_char * agent_format_bytes_per_sample(f));
  for (unsigned char c : text) {
    /* 150..930 Hz: a pitch per character. */
    const size_t half_period = rate / (2 * (150 + (c % 40) * 20));
    for (size_t i = 0; i < per_char; i++) {
      int16_t v =
          static_cast<int16_t>((i / half_period) % 2 ? -amplitude : amplitude);
      switch (f) {
        case AgentFormat::Pcm:
          out.push_back(static_cast<uint8_t>(v & 0xFF));
          out.push_back(static_cast<uint8_t>((v >> 8) & 0xFF));
          break;
        case AgentFormat::Pcmu:
          out.push_back(linear_to_ulaw(v));
          break;
        case AgentFormat::Pcma:
          out.push_back(linear_to_alaw(v));
          break;
      }
    }
  }
  return out;
}

}  // namespace aai_emu
