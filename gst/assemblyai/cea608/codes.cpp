/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "codes.h"

#include <iterator>

namespace cea608
{

uint8_t with_odd_parity(uint8_t seven_bits)
{
  uint8_t b = seven_bits & 0x7f;
  int ones = __builtin_popcount(b);
  return (ones % 2 == 0) ? static_cast<uint8_t>(b | 0x80) : b;
}

bool has_odd_parity(uint8_t byte)
{
  return __builtin_popcount(byte) % 2 == 1;
}

Pair make_pair(uint8_t c1, uint8_t c2)
{
  return Pair{with_odd_parity(c1), with_odd_parity(c2)};
}

int field_of(Channel c)
{
  return (c == Channel::CC3 || c == Channel::CC4) ? 2 : 1;
}

namespace
{
/* Data channel 2 (CC2, CC4) sets bit 3 of the first byte of every control
 * and two-byte character code. */
uint8_t channel_bit(Channel c)
{
  return (c == Channel::CC2 || c == Channel::CC4) ? 0x08 : 0x00;
}
}  // namespace

Pair command(Channel c, Command cmd)
{
  /* The miscellaneous commands are the one code family that differs
   * between the fields: 0x14 in field 1, 0x15 in field 2. */
  uint8_t first = field_of(c) == 1 ? 0x14 : 0x15;
  return make_pair(static_cast<uint8_t>(first | channel_bit(c)),
                   static_cast<uint8_t>(cmd));
}

Pair preamble(Channel c, int row, int indent)
{
  /* Rows come in pairs per first byte; the second of each pair sets bit 5
   * of the second byte. Row 11 stands alone on 0x10. */
  static const struct {
    uint8_t first;
    bool second_row;
  } rows[15] = {
      {0x11, false}, {0x11, true},  {0x12, false}, {0x12, true},  {0x15, false},
      {0x15, true},  {0x16, false}, {0x16, true},  {0x17, false}, {0x17, true},
      {0x10, false}, {0x13, false}, {0x13, true},  {0x14, false}, {0x14, true},
  };
  if (row < 1)
    row = 1;
  if (row > 15)
    row = 15;
  if (indent < 0)
    indent = 0;
  if (indent > 28)
    indent = 28;
  const auto &r = rows[row - 1];
  /* 0x50 + 2 * (indent / 4): "indent N, white, no underline". */
  uint8_t second = static_cast<uint8_t>(0x50 + (indent / 4) * 2);
  if (r.second_row)
    second |= 0x20;
  return make_pair(static_cast<uint8_t>(r.first | channel_bit(c)), second);
}

Pair tab_offset(Channel c, int columns)
{
  if (columns < 1)
    columns = 1;
  if (columns > 3)
    columns = 3;
  return make_pair(static_cast<uint8_t>(0x17 | channel_bit(c)),
                   static_cast<uint8_t>(0x20 + columns));
}

namespace
{

struct Entry {
  char32_t cp;
  Glyph glyph;
};

constexpr Glyph basic(uint8_t code)
{
  return Glyph{Glyph::Set::Basic, code, 0, 0};
}
constexpr Glyph special(uint8_t code)
{
  return Glyph{Glyph::Set::Special, code, 0, 0};
}
constexpr Glyph ext(uint8_t table, uint8_t code, char fallback)
{
  return Glyph{Glyph::Set::Extended, code, table, fallback};
}

/* The basic set is ASCII except for these ten positions, which hold
 * accented letters and symbols instead of * \ ^ _ ` { | } ~ DEL. */
const Entry kBasicExceptions[] = {
    {U'\u00e1', basic(0x2a)}, /* á */
    {U'\u00e9', basic(0x5c)}, /* é */
    {U'\u00ed', basic(0x5e)}, /* í */
    {U'\u00f3', basic(0x5f)}, /* ó */
    {U'\u00fa', basic(0x60)}, /* ú */
    {U'\u00e7', basic(0x7b)}, /* ç */
    {U'\u00f7', basic(0x7c)}, /* ÷ */
    {U'\u00d1', basic(0x7d)}, /* Ñ */
    {U'\u00f1', basic(0x7e)}, /* ñ */
    {U'\u2588', basic(0x7f)}, /* █ solid block */
};

/* 0x11 0x30-0x3F (0x39, the transparent space, is not text). */
const Entry kSpecial[] = {
    {U'\u00ae', special(0x30)}, /* ® */
    {U'\u00b0', special(0x31)}, /* ° */
    {U'\u00bd', special(0x32)}, /* ½ */
    {U'\u00bf', special(0x33)}, /* ¿ */
    {U'\u2122', special(0x34)}, /* ™ */
    {U'\u00a2', special(0x35)}, /* ¢ */
    {U'\u00a3', special(0x36)}, /* £ */
    {U'\u266a', special(0x37)}, /* ♪ */
    {U'\u00e0', special(0x38)}, /* à */
    {U'\u00e8', special(0x3a)}, /* è */
    {U'\u00e2', special(0x3b)}, /* â */
    {U'\u00ea', special(0x3c)}, /* ê */
    {U'\u00ee', special(0x3d)}, /* î */
    {U'\u00f4', special(0x3e)}, /* ô */
    {U'\u00fb', special(0x3f)}, /* û */
};

/* 0x12 / 0x13 0x20-0x3F. The curly single quotes (0x12 0x26 and 0x29)
 * are left out on purpose: decoders disagree about them, so ‘ and ’ are
 * sent as the basic apostrophe (see substitute_for()). */
const Entry kExtended[] = {
    {U'\u00c1', ext(0x12, 0x20, 'A')}, /* Á */
    {U'\u00c9', ext(0x12, 0x21, 'E')}, /* É */
    {U'\u00d3', ext(0x12, 0x22, 'O')}, /* Ó */
    {U'\u00da', ext(0x12, 0x23, 'U')}, /* Ú */
    {U'\u00dc', ext(0x12, 0x24, 'U')}, /* Ü */
    {U'\u00fc', ext(0x12, 0x25, 'u')}, /* ü */
    {U'\u00a1', ext(0x12, 0x27, '!')}, /* ¡ */
    {U'*', ext(0x12, 0x28, '.')},
    {U'\u2014', ext(0x12, 0x2a, '-')}, /* — em dash */
    {U'\u00a9', ext(0x12, 0x2b, 'c')}, /* © */
    {U'\u2120', ext(0x12, 0x2c, ' ')}, /* ℠ */
    {U'\u2022', ext(0x12, 0x2d, '.')}, /* • */
    {U'\u201c', ext(0x12, 0x2e, '"')}, /* “ */
    {U'\u201d', ext(0x12, 0x2f, '"')}, /* ” */
    {U'\u00c0', ext(0x12, 0x30, 'A')}, /* À */
    {U'\u00c2', ext(0x12, 0x31, 'A')}, /* Â */
    {U'\u00c7', ext(0x12, 0x32, 'C')}, /* Ç */
    {U'\u00c8', ext(0x12, 0x33, 'E')}, /* È */
    {U'\u00ca', ext(0x12, 0x34, 'E')}, /* Ê */
    {U'\u00cb', ext(0x12, 0x35, 'E')}, /* Ë */
    {U'\u00eb', ext(0x12, 0x36, 'e')}, /* ë */
    {U'\u00ce', ext(0x12, 0x37, 'I')}, /* Î */
    {U'\u00cf', ext(0x12, 0x38, 'I')}, /* Ï */
    {U'\u00ef', ext(0x12, 0x39, 'i')}, /* ï */
    {U'\u00d4', ext(0x12, 0x3a, 'O')}, /* Ô */
    {U'\u00d9', ext(0x12, 0x3b, 'U')}, /* Ù */
    {U'\u00f9', ext(0x12, 0x3c, 'u')}, /* ù */
    {U'\u00db', ext(0x12, 0x3d, 'U')}, /* Û */
    {U'\u00ab', ext(0x12, 0x3e, '"')}, /* « */
    {U'\u00bb', ext(0x12, 0x3f, '"')}, /* » */
    {U'\u00c3', ext(0x13, 0x20, 'A')}, /* Ã */
    {U'\u00e3', ext(0x13, 0x21, 'a')}, /* ã */
    {U'\u00cd', ext(0x13, 0x22, 'I')}, /* Í */
    {U'\u00cc', ext(0x13, 0x23, 'I')}, /* Ì */
    {U'\u00ec', ext(0x13, 0x24, 'i')}, /* ì */
    {U'\u00d2', ext(0x13, 0x25, 'O')}, /* Ò */
    {U'\u00f2', ext(0x13, 0x26, 'o')}, /* ò */
    {U'\u00d5', ext(0x13, 0x27, 'O')}, /* Õ */
    {U'\u00f5', ext(0x13, 0x28, 'o')}, /* õ */
    {U'{', ext(0x13, 0x29, '(')},
    {U'}', ext(0x13, 0x2a, ')')},
    {U'\\', ext(0x13, 0x2b, '/')},
    {U'^', ext(0x13, 0x2c, ' ')},
    {U'_', ext(0x13, 0x2d, '-')},
    {U'|', ext(0x13, 0x2e, '!')},
    {U'~', ext(0x13, 0x2f, '-')},
    {U'\u00c4', ext(0x13, 0x30, 'A')}, /* Ä */
    {U'\u00e4', ext(0x13, 0x31, 'a')}, /* ä */
    {U'\u00d6', ext(0x13, 0x32, 'O')}, /* Ö */
    {U'\u00f6', ext(0x13, 0x33, 'o')}, /* ö */
    {U'\u00df', ext(0x13, 0x34, 's')}, /* ß */
    {U'\u00a5', ext(0x13, 0x35, 'Y')}, /* ¥ */
    {U'\u00a4', ext(0x13, 0x36, '$')}, /* ¤ */
    {U'\u00a6', ext(0x13, 0x37, '!')}, /* ¦ */
    {U'\u00c5', ext(0x13, 0x38, 'A')}, /* Å */
    {U'\u00e5', ext(0x13, 0x39, 'a')}, /* å */
    {U'\u00d8', ext(0x13, 0x3a, 'O')}, /* Ø */
    {U'\u00f8', ext(0x13, 0x3b, 'o')}, /* ø */
    {U'\u250c', ext(0x13, 0x3c, '+')}, /* ┌ */
    {U'\u2510', ext(0x13, 0x3d, '+')}, /* ┐ */
    {U'\u2514', ext(0x13, 0x3e, '+')}, /* └ */
    {U'\u2518', ext(0x13, 0x3f, '+')}, /* ┘ */
};

template <size_t N>
std::optional<Glyph> find(const Entry (&table)[N], char32_t c)
{
  for (const Entry &e : table)
    if (e.cp == c)
      return e.glyph;
  return std::nullopt;
}

}  // namespace

std::optional<Glyph> glyph_for(char32_t c)
{
  if (auto g = find(kBasicExceptions, c))
    return g;
  if (auto g = find(kSpecial, c))
    return g;
  if (auto g = find(kExtended, c))
    return g;
  /* Plain ASCII, minus the positions the basic set gives to other
   * characters (those ASCII characters are in the extended set, above). */
  if (c >= 0x20 && c < 0x7f) {
    switch (c) {
      case U'*':
      case U'\\':
      case U'^':
      case U'_':
      case U'`':
      case U'{':
      case U'|':
      case U'}':
      case U'~':
        return std::nullopt;
      default:
        return basic(static_cast<uint8_t>(c));
    }
  }
  return std::nullopt;
}

Pair glyph_code(Channel ch, const Glyph &g)
{
  uint8_t bit = channel_bit(ch);
  switch (g.set) {
    case Glyph::Set::Special:
      return make_pair(static_cast<uint8_t>(0x11 | bit), g.code);
    case Glyph::Set::Extended:
      return make_pair(static_cast<uint8_t>(g.table | bit), g.code);
    case Glyph::Set::Basic:
      break;
  }
  /* A basic glyph alone in a pair (not how layout sends them). */
  return make_pair(g.code, 0x00);
}

}  // namespace cea608
