/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "captions.h"

#include <algorithm>

namespace aai
{

size_t utf8_length(const std::string &s)
{
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80)
      n++;
  return n;
}

namespace
{
bool ends_sentence(const std::string &w)
{
  if (w.empty())
    return false;
  char c = w.back();
  /* Closing quotes and brackets after the mark still end it. */
  if ((c == '"' || c == '\'' || c == ')') && w.size() > 1)
    c = w[w.size() - 2];
  return c == '.' || c == '?' || c == '!';
}
}  // namespace

bool CaptionBuilder::fits(const std::string &text) const
{
  if (lines_.empty())
    return true;
  size_t cur = utf8_length(lines_.back());
  if (cur + 1 + utf8_length(text) <= opts_.chars_per_line)
    return true;
  return lines_.size() < std::max(1u, opts_.lines_per_cue);
}

std::optional<uint64_t> CaptionBuilder::open_cue_start() const
{
  if (lines_.empty())
    return std::nullopt;
  return start_;
}

CaptionCue CaptionBuilder::close(std::optional<uint64_t> next_start)
{
  CaptionCue c;
  for (size_t i = 0; i < lines_.size(); i++)
    c.text += (i ? "\n" : "") + lines_[i];
  c.start = start_;
  uint64_t end = std::max(end_, start_ + opts_.min_duration);
  if (next_start && *next_start < end)
    end = std::max(end_, *next_start);
  c.duration = end - start_;
  lines_.clear();
  return c;
}

std::vector<CaptionCue> CaptionBuilder::add_word(const std::string &text,
                                                 uint64_t start,
                                                 uint64_t end)
{
  std::vector<CaptionCue> out;
  end = std::max(end, start);
  if (!lines_.empty()) {
    bool too_long = end > start_ && end - start_ > opts_.max_duration;
    if (!fits(text) || too_long)
      out.push_back(close(start));
  }
  if (lines_.empty()) {
    start_ = start;
    lines_.push_back(mark_next_ ? opts_.speaker_marker + text : text);
    mark_next_ = false;
  } else if (utf8_length(lines_.back()) + 1 + utf8_length(text) <=
             opts_.chars_per_line) {
    lines_.back() += " " + text;
  } else {
    lines_.push_back(text);
  }
  end_ = end;
  if (ends_sentence(text) && end_ - start_ >= opts_.min_duration)
    out.push_back(close(std::nullopt));
  return out;
}

std::vector<CaptionCue> CaptionBuilder::speaker_change()
{
  std::vector<CaptionCue> out = end_turn();
  mark_next_ = true;
  return out;
}

std::vector<CaptionCue> CaptionBuilder::end_turn()
{
  std::vector<CaptionCue> out;
  if (!lines_.empty())
    out.push_back(close(std::nullopt));
  return out;
}

}  // namespace aai
