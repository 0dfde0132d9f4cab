/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "replay_buffer.h"

#include <algorithm>
#include <numeric>

namespace aai
{

ReplayBuffer::ReplayBuffer(int sample_rate,
                           int bytes_per_sample,
                           uint64_t max_samples)
    : rate_(sample_rate),
      bps_(static_cast<size_t>(bytes_per_sample)),
      max_(max_samples),
      /* 16 kHz: every 16th sample starts a ms; 11025 Hz: every 441st
       * (40 ms). */
      step_(static_cast<uint64_t>(sample_rate) /
            std::gcd(static_cast<uint64_t>(sample_rate), uint64_t{1000}))
{
}

uint64_t ReplayBuffer::align_down(uint64_t sample) const
{
  return sample - sample % step_;
}

uint64_t ReplayBuffer::align_up(uint64_t sample) const
{
  return align_down(sample + step_ - 1);
}

int64_t ReplayBuffer::ms_of(uint64_t sample) const
{
  return static_cast<int64_t>(sample * 1000 / static_cast<uint64_t>(rate_));
}

uint64_t ReplayBuffer::samples_of_ms(int64_t ms) const
{
  if (ms <= 0)
    return 0;
  return static_cast<uint64_t>(ms) * static_cast<uint64_t>(rate_) / 1000;
}

void ReplayBuffer::append(const uint8_t *data, size_t size)
{
  data_.insert(data_.end(), data, data + (size - size % bps_));
  uint64_t held = data_.size() / bps_;
  if (held > max_) {
    /* Drop whole milliseconds so start() stays a session start point
     * (keeping the partial millisecond at the end, even with a bound of 0:
     * a new session must start on a whole millisecond). */
    uint64_t new_start = std::min(align_up(end() - max_), align_down(end()));
    if (new_start <= start_)
      return;
    uint64_t drop = new_start - start_;
    data_.erase(data_.begin(),
                data_.begin() + static_cast<std::ptrdiff_t>(drop * bps_));
    start_ += drop;
  }
}

void ReplayBuffer::trim_before(uint64_t sample)
{
  uint64_t to = std::min(align_down(sample), align_down(end()));
  if (to <= start_)
    return;
  data_.erase(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(
                                                 (to - start_) * bps_));
  start_ = to;
}

std::vector<uint8_t> ReplayBuffer::copy_from(uint64_t sample) const
{
  uint64_t from = std::clamp(sample, start_, end());
  return std::vector<uint8_t>(
      data_.begin() + static_cast<std::ptrdiff_t>((from - start_) * bps_),
      data_.end());
}

bool ReplayBuffer::would_drop(uint64_t n_samples, uint64_t sample) const
{
  uint64_t held = data_.size() / bps_ + n_samples;
  if (held <= max_)
    return false;
  uint64_t new_start = std::min(align_up(end() + n_samples - max_),
                                align_down(end() + n_samples));
  /* The append drops [start_, new_start): nothing when the samples past
   * the bound are all in the trailing partial millisecond. */
  return new_start > std::max(start_, sample);
}

}  // namespace aai
