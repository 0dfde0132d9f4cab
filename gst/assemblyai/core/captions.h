/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Final words -> caption cues: whole lines for srtenc, webvttenc and
 * textoverlay. Times are pipeline nanoseconds (the words are already on
 * the input timeline).
 *
 * A cue is 1..lines_per_cue lines of at most chars_per_line characters
 * (a longer word gets a line of its own). Words fill lines greedily; a cue
 * closes when the next word does not fit, when it would last longer than
 * max_duration, after a word that ends a sentence once the cue has been
 * shown for min_duration, at the end of a turn and when the speaker
 * changes. A cue lasts from its first word's start to its last word's end,
 * stretched to min_duration but never into the next cue of the same turn.
 *
 * Speaker changes follow broadcast and subtitle practice: the first cue
 * of a new speaker starts with speaker_marker (">> " by default, as US
 * TV captions mark a change of speaker; "- " is the subtitle dash; empty
 * marks nothing but still starts a new cue). */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aai
{

struct CaptionCue {
  std::string text; /* lines joined by '\n' */
  uint64_t start = 0;
  uint64_t duration = 0;
};

struct CaptionOptions {
  unsigned chars_per_line = 42;
  unsigned lines_per_cue = 2;
  uint64_t min_duration = 1000000000ull; /* ns */
  uint64_t max_duration = 7000000000ull; /* ns */
  std::string speaker_marker = ">> ";    /* prefix of a new speaker's cue */
};

class CaptionBuilder
{
 public:
  explicit CaptionBuilder(const CaptionOptions &opts) : opts_(opts) {}

  /* Adds a word; returns the cues this closed (0 or 1). */
  std::vector<CaptionCue> add_word(const std::string &text,
                                   uint64_t start,
                                   uint64_t end);
  /* End of a turn (or of the stream): closes the open cue, if any. */
  std::vector<CaptionCue> end_turn();
  /* The words that follow are a new speaker's: closes the open cue, if
   * any, and marks the next one with speaker_marker. */
  std::vector<CaptionCue> speaker_change();

  /* Start of the open cue, if one is open (a caption output must not
   * declare that time empty). */
  std::optional<uint64_t> open_cue_start() const;

 private:
  CaptionCue close(std::optional<uint64_t> next_start);
  bool fits(const std::string &text) const;

  CaptionOptions opts_;
  std::vector<std::string> lines_;
  uint64_t start_ = 0, end_ = 0;
  bool mark_next_ = false; /* the next cue starts with speaker_marker */
};

/* Number of characters (UTF-8 code points) of @s. */
size_t utf8_length(const std::string &s);

}  // namespace aai
