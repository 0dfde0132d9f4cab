/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Where in the script's audio a session's audio starts. The real service
 * transcribes whatever audio it is sent: a client that sends audio again
 * after a reconnection (from the middle of the script) must get the words
 * of that audio, timed from the start of the new session. With the
 * script's audio at hand (Config::reference_audio) the emulator finds the
 * session's first bytes in it and transcribes from there. */
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "emulator.h"

namespace aai_emu
{

class AudioLocator
{
 public:
  AudioLocator(const std::string *reference, int bytes_per_sample)
      : ref_(reference), bps_(bytes_per_sample)
  {
  }
  void set_bytes_per_sample(int bps) { bps_ = bps; }
  /* Feeds the session's audio; returns the byte offset in the reference
   * once the audio so far occurs there exactly once (silence alone is
   * ambiguous: it waits for speech). */
  std::optional<size_t> feed(const uint8_t *data, size_t len);
  /* The first match, if the audio never became unambiguous (or 0). */
  size_t best_guess() const;

 private:
  const std::string *ref_;
  int bps_;
  std::string prefix_;
};

/* @script from @offset_ms on, with times relative to @offset_ms: words that
 * start before it are not in the session's audio. */
Script script_from(const Script &script, int64_t offset_ms);

}  // namespace aai_emu
