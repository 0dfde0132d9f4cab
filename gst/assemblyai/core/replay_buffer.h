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
 * timestamps of that session map back to stream samples exactly.
 *
 * Memory follows what is held, not the bound: the bytes live in chunks of
 * kChunkBytes, allocated as audio comes and freed as the front is trimmed
 * (at every end of turn), so a live stream whose turns end every few
 * seconds holds a few seconds, whatever replay-buffer allows. */
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
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
  /* The same bytes without a copy: @fn gets them in order, in as many
   * pieces as chunks hold them. */
  void read_from(uint64_t sample,
                 const std::function<void(const uint8_t *, size_t)> &fn) const;
  /* True if appending @n_samples would drop samples at or after @sample. */
  bool would_drop(uint64_t n_samples, uint64_t sample) const;

  uint64_t start() const { return start_; } /* first sample held */
  uint64_t end() const { return start_ + size_ / bps_; }
  uint64_t max_samples() const { return max_; }
  /* Bytes of audio memory allocated now (whole chunks). */
  size_t allocated_bytes() const { return chunks_.size() * kChunkBytes; }

  /* 256 ms of 16 kHz S16LE; a multiple of every sample size. */
  static constexpr size_t kChunkBytes = 8192;

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
  /* Drops @bytes (whole samples) from the front, freeing emptied chunks. */
  void drop_front(size_t bytes);

  uint64_t start_ = 0;
  size_t head_ = 0; /* offset of start_ in the first chunk */
  size_t size_ = 0; /* bytes held */
  std::deque<std::vector<uint8_t>> chunks_; /* each kChunkBytes */
};

}  // namespace aai
