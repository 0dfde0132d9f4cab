/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Re-chunks PCM into frames of exactly chunk-duration: the service rejects
 * any binary frame outside 50..1000 ms with close 3007 (docs/protocol.md,
 * Audio). */
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aai
{

class Chunker
{
 public:
  /* @bytes_per_sample: 2 for s16le, 1 for mu-law; @silence: the byte that
   * encodes silence (0x00 for s16le, 0xFF for mu-law). */
  Chunker(int sample_rate,
          int bytes_per_sample,
          unsigned chunk_ms,
          uint8_t silence);

  /* Appends input; returns the complete frames it made, in order. */
  std::vector<std::vector<uint8_t>> push(const uint8_t *data, size_t size);
  /* The remaining partial frame, padded with silence to the 50 ms minimum
   * (never longer than a full chunk); empty if nothing is pending. Returns
   * the number of padding bytes in @padding. */
  std::vector<uint8_t> flush(size_t *padding);
  void reset() { pending_.clear(); }

  size_t frame_bytes() const { return frame_bytes_; }
  size_t min_frame_bytes() const { return min_bytes_; }
  size_t pending_bytes() const { return pending_.size(); }

 private:
  size_t frame_bytes_;
  size_t min_bytes_;
  uint8_t silence_;
  std::vector<uint8_t> pending_;
};

}  // namespace aai
