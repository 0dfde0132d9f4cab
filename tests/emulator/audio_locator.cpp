/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "audio_locator.h"

namespace aai_emu
{

namespace
{
/* Sample-aligned occurrences of @needle in @hay from @from. */
size_t find_aligned(const std::string &hay,
                    const std::string &needle,
                    size_t from,
                    size_t align)
{
  size_t pos = hay.find(needle, from);
  while (pos != std::string::npos && pos % align != 0)
    pos = hay.find(needle, pos + 1);
  return pos;
}
}  // namespace

std::optional<size_t> AudioLocator::feed(const uint8_t *data, size_t len)
{
  /* Enough context to be unique is a few seconds at most; cap the search
   * so a session of pure silence does not grow it without end. */
  if (prefix_.size() < (size_t{1} << 20))
    prefix_.append(reinterpret_cast<const char *>(data), len);
  const size_t align = static_cast<size_t>(bps_);
  /* Silence (a constant run) matches everywhere; search from the first
   * sample that differs, with a window of sound that is as good as a
   * fingerprint, then check the whole prefix there. */
  size_t first_change = align;
  while (first_change + align <= prefix_.size() &&
         prefix_.compare(first_change, align, prefix_, 0, align) == 0)
    first_change += align;
  const size_t window = 40 * align * 16; /* 40 ms at 16 kHz s16le */
  if (first_change + window > prefix_.size())
    return std::nullopt; /* silence so far: wait for sound */
  std::string needle = prefix_.substr(first_change, window);
  std::optional<size_t> found;
  for (size_t pos = find_aligned(*ref_, needle, 0, align);
       pos != std::string::npos;
       pos = find_aligned(*ref_, needle, pos + align, align)) {
    if (pos < first_change ||
        ref_->compare(pos - first_change, prefix_.size(), prefix_) != 0)
      continue;
    if (found)
      return std::nullopt; /* not unique yet */
    found = pos - first_change;
  }
  if (!found)
    return size_t{0}; /* not from the script's audio: as if from its start */
  return found;
}

size_t AudioLocator::best_guess() const
{
  if (prefix_.empty())
    return 0;
  size_t first = find_aligned(*ref_, prefix_, 0, static_cast<size_t>(bps_));
  return first == std::string::npos ? 0 : first;
}

Script script_from(const Script &script, int64_t offset_ms)
{
  Script out = script;
  out.turns.clear();
  for (const ScriptTurn &t : script.turns) {
    ScriptTurn kept = t;
    kept.words.clear();
    for (ScriptWord w : t.words) {
      if (w.start < offset_ms)
        continue;
      w.start -= offset_ms;
      w.end -= offset_ms;
      kept.words.push_back(w);
    }
    if (!kept.words.empty())
      out.turns.push_back(kept);
  }
  out.duration_ms =
      script.duration_ms > offset_ms ? script.duration_ms - offset_ms : 0;
  return out;
}

}  // namespace aai_emu
