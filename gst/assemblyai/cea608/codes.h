/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* CEA-608 at the byte level: odd parity, the data channels, the control
 * codes (miscellaneous commands, preamble address codes, tab offsets) and
 * the character sets (basic, special, extended), as summarised in
 * docs/broadcast-captions.md ("The CEA-608 byte stream").
 *
 * A Pair is what one video frame carries for one field on line 21: two
 * bytes of 7 data bits plus an odd parity bit. Codes are built here with
 * their parity already set. */
#pragma once

#include <cstdint>
#include <optional>

namespace cea608
{

/* @seven_bits with bit 7 set or cleared so that the byte has an odd number
 * of 1 bits. */
uint8_t with_odd_parity(uint8_t seven_bits);
/* Whether @byte has an odd number of 1 bits. */
bool has_odd_parity(uint8_t byte);

struct Pair {
  uint8_t b1 = 0x80, b2 = 0x80; /* 0x80 0x80: padding (two parity NULs) */

  bool operator==(const Pair &o) const { return b1 == o.b1 && b2 == o.b2; }
  bool operator!=(const Pair &o) const { return !(*this == o); }
  bool is_padding() const { return b1 == 0x80 && b2 == 0x80; }
};

constexpr Pair kPadding{0x80, 0x80};

/* Two 7-bit values as a pair, parity added. */
Pair make_pair(uint8_t c1, uint8_t c2);

/* CC1 and CC2 are the two data channels of field 1, CC3 and CC4 those of
 * field 2. */
enum class Channel { CC1, CC2, CC3, CC4 };

/* 1 or 2. */
int field_of(Channel c);

/* Miscellaneous control commands (their second byte). */
enum class Command : uint8_t {
  ResumeCaptionLoading = 0x20,    /* RCL: pop-on, load non-displayed memory */
  Backspace = 0x21,               /* BS */
  DeleteToEndOfRow = 0x24,        /* DER */
  RollUp2 = 0x25,                 /* RU2 */
  RollUp3 = 0x26,                 /* RU3 */
  RollUp4 = 0x27,                 /* RU4 */
  ResumeDirectCaptioning = 0x29,  /* RDC: paint-on */
  EraseDisplayedMemory = 0x2C,    /* EDM */
  CarriageReturn = 0x2D,          /* CR: roll the roll-up window up a row */
  EraseNonDisplayedMemory = 0x2E, /* ENM */
  EndOfCaption = 0x2F,            /* EOC: swap memories, pop-on shows */
};

Pair command(Channel c, Command cmd);
/* Preamble address code: cursor to @row (1-15) and @indent (0, 4, ... 28),
 * white, not underlined. */
Pair preamble(Channel c, int row, int indent);
/* Tab offset: cursor @columns (1-3) to the right. */
Pair tab_offset(Channel c, int columns);

/* One character a decoder can show. */
struct Glyph {
  enum class Set { Basic, Special, Extended };
  Set set = Set::Basic;
  /* Basic: the byte (0x20-0x7F). Special: the second byte after 0x11
   * (0x30-0x3F). Extended: the second byte (0x20-0x3F) after table. */
  uint8_t code = 0x20;
  uint8_t table = 0; /* Extended: 0x12 or 0x13 (data channel 1) */
  /* Extended: a basic character sent first. Decoders write it, then the
   * extended code backspaces over it; decoders without the extended set
   * keep it. */
  char fallback = 0;

  bool operator==(const Glyph &o) const
  {
    return set == o.set && code == o.code && table == o.table;
  }
};

/* The glyph that shows code point @c exactly, if the character sets have
 * one. */
std::optional<Glyph> glyph_for(char32_t c);

/* The two-byte code of a special or extended glyph on channel @ch. */
Pair glyph_code(Channel ch, const Glyph &g);

}  // namespace cea608
