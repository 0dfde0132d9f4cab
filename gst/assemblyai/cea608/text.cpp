/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "text.h"

#include <glib.h>

#include <memory>

namespace cea608
{

namespace
{

/* Code points (std::u32string trips a false -Wrestrict in GCC 12). */
using Chars = std::vector<char32_t>;

struct GFreeDeleter {
  void operator()(gchar *p) const { g_free(p); }
};
using GString_ = std::unique_ptr<gchar, GFreeDeleter>;

/* NFC first, so that "e" + U+0301 arrives as one "é". */
Chars decode(const std::string &utf8)
{
  GString_ valid(
      g_utf8_make_valid(utf8.data(), static_cast<gssize>(utf8.size())));
  GString_ nfc(g_utf8_normalize(valid.get(), -1, G_NORMALIZE_DEFAULT_COMPOSE));
  const gchar *p = nfc ? nfc.get() : valid.get();
  Chars out;
  for (; *p; p = g_utf8_next_char(p))
    out.push_back(static_cast<char32_t>(g_utf8_get_char(p)));
  return out;
}

/* Look-alikes for common typography outside the sets. */
const char *typographic_substitute(char32_t c)
{
  switch (c) {
    case U'\u2018': /* ‘ */
    case U'\u2019': /* ’ */
    case U'\u201a': /* ‚ */
    case U'\u201b': /* ‛ */
    case U'\u2032': /* ′ */
    case U'\u02bc': /* ʼ */
    case U'\u00b4': /* ´ */
    case U'`':
      return "'";
    case U'\u201e': /* „ */
    case U'\u201f': /* ‟ */
    case U'\u2033': /* ″ */
      return "\"";
    case U'\u2010': /* ‐ */
    case U'\u2011': /* ‑ */
    case U'\u2012': /* ‒ */
    case U'\u2013': /* – */
    case U'\u2015': /* ― */
    case U'\u2212': /* − */
      return "-";
    case U'\u2026': /* … */
      return "...";
    case U'\u2039': /* ‹ */
      return "<";
    case U'\u203a': /* › */
      return ">";
    case U'\u00d7': /* × */
      return "x";
    case U'\u20ac': /* € */
      return "EUR";
    default:
      return nullptr;
  }
}

std::string to_utf8(char32_t c)
{
  gchar buf[8];
  gint n = g_unichar_to_utf8(static_cast<gunichar>(c), buf);
  return std::string(buf, static_cast<size_t>(n));
}

/* Glyphs for every character of @s, or false if one has none. */
bool glyphs_of(const Chars &s, std::vector<Glyph> *out)
{
  std::vector<Glyph> g;
  for (char32_t c : s) {
    std::optional<Glyph> one = glyph_for(c);
    if (!one)
      return false;
    g.push_back(*one);
  }
  out->insert(out->end(), g.begin(), g.end());
  return true;
}

Chars decompose(char32_t c, bool compat)
{
  gunichar buf[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize n = g_unichar_fully_decompose(static_cast<gunichar>(c), compat, buf,
                                      G_N_ELEMENTS(buf));
  Chars out;
  for (gsize i = 0; i < n; i++) {
    GUnicodeType t = g_unichar_type(buf[i]);
    /* The accents of a canonical decomposition are what the base letter
     * loses. */
    if (t == G_UNICODE_NON_SPACING_MARK || t == G_UNICODE_ENCLOSING_MARK ||
        t == G_UNICODE_SPACING_MARK)
      continue;
    out.push_back(static_cast<char32_t>(buf[i]));
  }
  return out;
}

void map_char(char32_t c, MappedWord *w)
{
  if (std::optional<Glyph> g = glyph_for(c)) {
    w->glyphs.push_back(*g);
    return;
  }
  Substitution sub;
  sub.from = c;
  GUnicodeType type = g_unichar_type(static_cast<gunichar>(c));
  if (type == G_UNICODE_NON_SPACING_MARK || type == G_UNICODE_ENCLOSING_MARK ||
      type == G_UNICODE_FORMAT || type == G_UNICODE_CONTROL) {
    /* Takes no room of its own (or is not text): left out, reported. */
    w->substitutions.push_back(sub);
    return;
  }
  if (g_unichar_isspace(static_cast<gunichar>(c))) {
    w->glyphs.push_back(*glyph_for(U' '));
    sub.to = " ";
    w->substitutions.push_back(sub);
    return;
  }
  Chars repl;
  if (const char *t = typographic_substitute(c)) {
    for (const char *p = t; *p; p++)
      repl.push_back(static_cast<char32_t>(*p));
  }
  std::vector<Glyph> glyphs;
  if (repl.empty() || !glyphs_of(repl, &glyphs)) {
    repl = decompose(c, false); /* ą -> a, ő -> o */
    glyphs.clear();
    if (repl.empty() || (repl.size() == 1 && repl[0] == c) ||
        !glyphs_of(repl, &glyphs)) {
      repl = decompose(c, true); /* ﬁ -> fi, Ａ -> A, ² -> 2 */
      glyphs.clear();
      if (repl.empty() || (repl.size() == 1 && repl[0] == c) ||
          !glyphs_of(repl, &glyphs)) {
        repl = Chars{U'?'};
        glyphs.clear();
        glyphs_of(repl, &glyphs);
      }
    }
  }
  for (char32_t r : repl)
    sub.to += to_utf8(r);
  w->glyphs.insert(w->glyphs.end(), glyphs.begin(), glyphs.end());
  w->substitutions.push_back(sub);
}

}  // namespace

MappedWord map_word(const std::string &utf8)
{
  MappedWord w;
  for (char32_t c : decode(utf8))
    map_char(c, &w);
  return w;
}

std::vector<MappedWord> map_words(const std::string &utf8)
{
  std::vector<MappedWord> out;
  Chars all = decode(utf8);
  MappedWord cur;
  bool in_word = false;
  for (char32_t c : all) {
    if (g_unichar_isspace(static_cast<gunichar>(c))) {
      if (in_word)
        out.push_back(std::move(cur));
      cur = MappedWord();
      in_word = false;
      continue;
    }
    in_word = true;
    map_char(c, &cur);
  }
  if (in_word)
    out.push_back(std::move(cur));
  return out;
}

}  // namespace cea608
