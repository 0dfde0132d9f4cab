/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* UTF-8 text -> caption glyphs. Nothing is dropped silently: a character
 * the CEA-608 sets cannot show is sent as its closest look-alike
 * (typographic quotes and dashes, a letter without its accent, a
 * compatibility form such as "ﬁ" -> "fi") or as '?', and every such
 * replacement is reported so the element can count and log it. Marks that
 * take no space (combining accents left after composition, zero-width
 * characters) are left out, and reported the same way. */
#pragma once

#include <string>
#include <vector>

#include "codes.h"

namespace cea608
{

/* One character that was not sent as itself. */
struct Substitution {
  char32_t from = 0;
  std::string to; /* UTF-8 of what was sent instead; empty: left out */
};

struct MappedWord {
  std::vector<Glyph> glyphs;
  std::vector<Substitution> substitutions;
};

/* @utf8 (any bytes; invalid sequences count as U+FFFD) split at white
 * space into words of glyphs, in order. */
std::vector<MappedWord> map_words(const std::string &utf8);

/* One word (white space inside it is sent as spaces). */
MappedWord map_word(const std::string &utf8);

}  // namespace cea608
