/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The audio a new session may have to hear again. Holds the most recent
 * samples of the stream (by stream sample index), at most a bounded
 * duration, so that after a dropped connection or a session rollover the
 * audio since the end of the last completed turn can be sent again.
 *
 * Samples are addressed on the stream's sample axis (the same axis as the
 * Timeline). A session always starts at a "whole millisecond" sample (one
 * whose time is an integer number of ms) so that the service's millisecond
 * timestamps of that session map back to stream samples exactly. */
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace aai
{

class ReplayBuffer
{
 public:
  /* @max_samples: the bound (0 keeps nothing). */
  ReplayBuffer(int sample_rate, int bytes_per_sample, uint64_t max_samples);

  /* Appends whole samples; drops the oldest beyond the bound. */
  void append(const uint8_t *data, size_t size);
  /* Forgets the samples before align_down(@sample). */
  void trim_before(uint64_t sample);
  /* The bytes from @sample (>= start()) to the end. */
  std::vector<uint8_t> copy_from(uint64_t sample) const;
  /* True if appending @n_samples would drop samples at or after @sample. */
  bool would_drop(uint64_t n_samples, uint64_t sample) const;

  uint64_t start() const { return start_; } /* first sample held */
  uint64_t end() const { return start_ + data_.size() / bps_; }
  uint64_t max_samples() const { return max_; }

  /* Largest whole-millisecond sample <= @sample. */
  uint64_t align_down(uint64_t sample) const;
  /* Smallest whole-millisecond sample >= @sample. */
  uint64_t align_up(uint64_t sample) const;
  /* ms of a whole-millisecond sample; samples of @ms. */
  int64_t ms_of(uint64_t sample) const;
  uint64_t samples_of_ms(int64_t ms) const;

 private:
  int rate_;
  size_t bps_;
  uint64_t max_;
  uint64_t step_; /* samples between whole-millisecond samples */
  uint64_t start_ = 0;
  std::deque<uint8_t> data_;
};

}  // namespace aai
