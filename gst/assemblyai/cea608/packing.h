/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* One frame's CEA-608 pair in the four caption formats of GStreamer's
 * closedcaption caps:
 *
 * - raw (closedcaption/x-cea-608): the two bytes; field 1 only.
 * - s334-1a (closedcaption/x-cea-608): SMPTE 334-1 triplets, a field
 *   byte (0x80 field 1, 0x00 field 2) then the pair.
 * - cc_data (closedcaption/x-cea-708): CEA-708 cc_data triplets,
 *   0xFC / 0xFD (valid, field 1 / 2) then the pair; a padding pair is
 *   sent as not valid (0xF8 / 0xF9).
 * - cdp (closedcaption/x-cea-708): a SMPTE 334-2 caption distribution
 *   packet: header (0x9669, length, frame rate code, flags, sequence
 *   counter), the cc_data section (0x72, the frame rate's triplet count:
 *   the 608 triplets, then CEA-708 padding 0xFA 0x00 0x00) and the footer
 *   (0x74, sequence counter, checksum making the byte sum 0 mod 256). */
#pragma once

#include <cstdint>
#include <vector>

#include "codes.h"

namespace cea608
{

enum class Format { Raw, S334_1A, CcData, Cdp };

/* A frame rate a CDP can describe. */
struct CdpRate {
  int fps_n, fps_d;
  uint8_t code;     /* cdp_frame_rate, 1-8 */
  int cc_count;     /* triplets per packet */
  int cea608_count; /* of which carry CEA-608 */
};

/* The CDP entry of @fps_n / @fps_d, or nullptr. */
const CdpRate *cdp_rate(int fps_n, int fps_d);

class Packer
{
 public:
  Packer(Format format, Channel channel, int fps_n, int fps_d);

  /* False when the format cannot carry the channel at this rate (raw
   * carries field 1 only; cdp needs one of its frame rates). */
  bool valid() const { return valid_; }

  /* The bytes of one frame carrying @p. */
  std::vector<uint8_t> pack(const Pair &p);

 private:
  Format format_;
  int field_;
  const CdpRate *rate_ = nullptr;
  bool valid_ = true;
  uint16_t sequence_ = 0;
};

}  // namespace cea608
