/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Maps the service's clock back to the pipeline's. The service counts
 * milliseconds of audio it received in this session; every stretch of
 * samples sent is recorded with the times of the input buffer that carried
 * it, so a word's time is exact across input gaps, segment changes and
 * padding. All times are nanoseconds; kNone = unknown (GST_CLOCK_TIME_NONE).
 * Kept free of GStreamer types: the element computes the three times. */
#pragma once

#include <cstdint>
#include <deque>

namespace aai
{

struct MediaTimes {
  static constexpr uint64_t kNone = UINT64_MAX;
  uint64_t pts = kNone;          /* buffer timestamp (segment time) */
  uint64_t running_time = kNone; /* running time of that timestamp */
  uint64_t stream_time = kNone;  /* stream time of that timestamp */
};

class Timeline
{
 public:
  explicit Timeline(int sample_rate) : rate_(sample_rate) {}

  /* Records that the next @n_samples samples sent in this session start at
   * @start. Consecutive stretches need not be contiguous in media time. */
  void append(uint64_t n_samples, const MediaTimes &start);

  /* Times of the sample at @sample (session sample offset). Beyond the last
   * stretch (EOS padding) times are extrapolated from it; before the first
   * kept stretch, from that one. */
  MediaTimes at_sample(uint64_t sample) const;
  /* Same for a service time in milliseconds. */
  MediaTimes at_ms(int64_t ms) const;

  /* Drops stretches that end before @sample (bounded memory). */
  void forget_before(uint64_t sample);

  uint64_t total_samples() const { return total_; }
  int sample_rate() const { return rate_; }
  void reset();

 private:
  struct Stretch {
    uint64_t first_sample;
    uint64_t n_samples;
    MediaTimes start;
  };
  uint64_t offset_ns(uint64_t samples) const;

  int rate_;
  uint64_t total_ = 0;
  std::deque<Stretch> stretches_;
};

}  // namespace aai
