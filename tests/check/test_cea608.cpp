/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The CEA-608 byte stream (gst/assemblyai/cea608/), without a pipeline:
 * odd parity on every byte, the control codes of each channel (commands,
 * PACs, tab offsets), control codes and two-byte characters sent twice,
 * the character sets (basic, special, extended with its fallback) and the
 * substitutions for what they lack, the 2-characters-per-frame budget
 * (bursts wait, nothing is dropped), rows and columns (roll-up depth,
 * pop-on cue rows, 32-column wrap), the timing rules (never before the
 * audio, frames held until the input passed them, late words, erase
 * after silence, pop-on cues) and the four output packings.
 *
 * The screen checks decode the stream with the small decoder below,
 * written from the CEA-608 rules (docs/broadcast-captions.md), not from
 * the encoder's code. */
#include <gst/check/gstcheck.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "encoder.h"
#include "packing.h"

using namespace cea608;

namespace
{

constexpr uint64_t ms(uint64_t v)
{
  return v * 1000000ull;
}

/* ---- a reference decoder ----------------------------------------------- */

struct Decoder {
  enum class Mode { PopOn, RollUp, PaintOn };
  Mode mode = Mode::RollUp;
  int roll_rows = 2;
  std::array<std::string, 16> shown, hidden; /* rows 1-15 */
  int row = 15, col = 0;
  std::optional<Pair> last_control;
  int parity_errors = 0;
  int overflow = 0;      /* characters written beyond column 32 */
  bool channel2 = false; /* decode data channel 2 instead of 1 */
  bool ours = false;     /* the last control code was on our channel */
  std::vector<std::string> rolled; /* roll-up lines, as each CR ended them */

  Decoder() { clear(&shown), clear(&hidden); }
  static void clear(std::array<std::string, 16> *m)
  {
    for (auto &r : *m)
      r.assign(32, ' ');
  }
  std::array<std::string, 16> &target()
  {
    return mode == Mode::PopOn ? hidden : shown;
  }
  void put(char c)
  {
    if (col >= 32) {
      overflow++;
      return;
    }
    target()[row][col++] = c;
  }
  static char basic(uint8_t b)
  {
    /* The positions the basic set gives to accented letters. */
    switch (b) {
      case 0x2a:
      case 0x5c:
      case 0x5e:
      case 0x5f:
      case 0x60:
      case 0x7b:
      case 0x7c:
      case 0x7d:
      case 0x7e:
      case 0x7f:
        return '#';
      default:
        return static_cast<char>(b);
    }
  }
  void feed(const Pair &p)
  {
    parity_errors += !has_odd_parity(p.b1) + !has_odd_parity(p.b2);
    uint8_t b1 = p.b1 & 0x7f, b2 = p.b2 & 0x7f;
    if (b1 == 0 && b2 == 0)
      return; /* padding: no effect, does not break a repeat */
    if (b1 >= 0x10 && b1 <= 0x1f) {
      if (last_control && *last_control == p) {
        last_control.reset(); /* the redundant copy */
        return;
      }
      last_control = p;
      /* Characters belong to the channel of the last control code. */
      ours = ((b1 & 0x08) != 0) == channel2;
      if (ours)
        control(b1 & 0x17, b2);
      return;
    }
    last_control.reset();
    if (!ours)
      return;
    if (b1 >= 0x20)
      put(basic(b1));
    if (b2 >= 0x20)
      put(basic(b2));
  }
  void control(uint8_t c, uint8_t b2)
  {
    if (b2 >= 0x40) { /* PAC */
      static const int rows[8][2] = {{11, 0},  {1, 2}, {3, 4}, {12, 13},
                                     {14, 15}, {5, 6}, {7, 8}, {9, 10}};
      int r = rows[c & 0x07][(b2 & 0x20) ? 1 : 0];
      fail_unless(r != 0, "invalid PAC %02x %02x", c, b2);
      row = r;
      col = (b2 & 0x10) ? ((b2 & 0x0e) >> 1) * 4 : 0;
      return;
    }
    if ((c == 0x14 || c == 0x15) && b2 <= 0x2f) {
      switch (b2) {
        case 0x20:
          mode = Mode::PopOn;
          break;
        case 0x21:
          if (col > 0)
            target()[row][--col] = ' ';
          break;
        case 0x24:
          for (int i = col; i < 32; i++)
            target()[row][i] = ' ';
          break;
        case 0x25:
        case 0x26:
        case 0x27:
          mode = Mode::RollUp;
          roll_rows = b2 - 0x23;
          break;
        case 0x29:
          mode = Mode::PaintOn;
          break;
        case 0x2c:
          clear(&shown);
          break;
        case 0x2d:
          rolled.push_back(trim(shown[row]));
          for (int r = row - roll_rows + 1; r < row; r++)
            if (r >= 1)
              shown[r] = shown[r + 1];
          shown[row].assign(32, ' ');
          col = 0;
          break;
        case 0x2e:
          clear(&hidden);
          break;
        case 0x2f:
          std::swap(shown, hidden);
          break;
        default:
          break;
      }
      return;
    }
    if (c == 0x17 && b2 >= 0x21 && b2 <= 0x23) {
      col += b2 - 0x20;
      return;
    }
    if (c == 0x11 && b2 >= 0x30) {
      put('#'); /* special character */
      return;
    }
    if ((c == 0x12 || c == 0x13) && b2 >= 0x20 && b2 <= 0x3f) {
      if (col > 0)
        col--; /* over the fallback */
      put('#');
      return;
    }
  }
  static std::string trim(std::string s)
  {
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
  }
  /* The shown rows that have text, right-trimmed, with their numbers. */
  std::vector<std::pair<int, std::string>> rows() const
  {
    std::vector<std::pair<int, std::string>> out;
    for (int r = 1; r <= 15; r++) {
      std::string s = shown[r];
      s.erase(s.find_last_not_of(' ') + 1);
      if (!s.empty())
        out.push_back({r, s});
    }
    return out;
  }
  std::string text() const
  {
    std::string t;
    for (auto &r : rows())
      t += (t.empty() ? "" : "|") + r.second;
    return t;
  }
};

/* ---- helpers ----------------------------------------------------------- */

EncoderOptions options(Mode mode,
                       uint64_t latency = 0,
                       int fps_n = 30000,
                       int fps_d = 1001)
{
  EncoderOptions o;
  o.layout.mode = mode;
  o.latency = latency;
  o.erase_timeout = 0;
  o.fps_n = fps_n;
  o.fps_d = fps_d;
  return o;
}

/* Every frame @e commits from now to the end of the stream. */
std::vector<Pair> finish(Encoder &e)
{
  e.finish();
  int64_t n0 = 0;
  return e.take_frames(&n0);
}

Decoder decode(const std::vector<Pair> &frames)
{
  Decoder d;
  for (const Pair &p : frames)
    d.feed(p);
  fail_unless_equals_int(d.parity_errors, 0);
  fail_unless_equals_int(d.overflow, 0);
  return d;
}

/* The first frame after which the decoded screen contains @what. */
int64_t first_frame_showing(const std::vector<Pair> &frames,
                            const std::string &what)
{
  Decoder d;
  for (size_t i = 0; i < frames.size(); i++) {
    d.feed(frames[i]);
    if (d.text().find(what) != std::string::npos)
      return static_cast<int64_t>(i);
  }
  return -1;
}

bool is_control(const Pair &p)
{
  uint8_t b1 = p.b1 & 0x7f;
  return b1 >= 0x10 && b1 <= 0x1f;
}

#define ASSERT_STR(got, want)                             \
  fail_unless((got) == (want), "got \"%s\", want \"%s\"", \
              std::string(got).c_str(), std::string(want).c_str())

/* ---- bytes -------------------------------------------------------------- */

GST_START_TEST(test_odd_parity)
{
  for (int v = 0; v < 128; v++) {
    uint8_t b = with_odd_parity(static_cast<uint8_t>(v));
    fail_unless(has_odd_parity(b), "0x%02x -> 0x%02x", v, b);
    fail_unless_equals_int(b & 0x7f, v);
  }
  fail_unless_equals_int(with_odd_parity(0x00), 0x80);
  fail_unless_equals_int(with_odd_parity(0x14), 0x94);
  fail_unless_equals_int(with_odd_parity(0x2c), 0x2c);
  fail_unless_equals_int(with_odd_parity('A'), 0xc1);
  fail_if(has_odd_parity(0x14));
}
GST_END_TEST;

GST_START_TEST(test_commands_per_channel)
{
  /* EDM: 0x14 0x2C on CC1, 0x1C on CC2, 0x15 on CC3, 0x1D on CC4. */
  struct {
    Channel ch;
    uint8_t b1;
  } want[] = {{Channel::CC1, 0x94},
              {Channel::CC2, 0x1c},
              {Channel::CC3, 0x15},
              {Channel::CC4, 0x9d}};
  for (auto &w : want) {
    Pair p = command(w.ch, Command::EraseDisplayedMemory);
    fail_unless_equals_int(p.b1, w.b1);
    fail_unless_equals_int(p.b2, 0x2c);
  }
  Pair rcl = command(Channel::CC1, Command::ResumeCaptionLoading);
  fail_unless(rcl == (Pair{0x94, 0x20}));
  Pair eoc = command(Channel::CC1, Command::EndOfCaption);
  fail_unless(eoc == (Pair{0x94, 0x2f}));
  Pair ru3 = command(Channel::CC1, Command::RollUp3);
  fail_unless(ru3 == (Pair{0x94, 0x26}));
  Pair cr = command(Channel::CC1, Command::CarriageReturn);
  fail_unless(cr == (Pair{0x94, 0xad}));
}
GST_END_TEST;

GST_START_TEST(test_preamble_address_codes)
{
  /* Rows 1-15 at indent 0 (before parity), from the 608 PAC table. */
  const uint8_t want[15][2] = {
      {0x11, 0x50}, {0x11, 0x70}, {0x12, 0x50}, {0x12, 0x70}, {0x15, 0x50},
      {0x15, 0x70}, {0x16, 0x50}, {0x16, 0x70}, {0x17, 0x50}, {0x17, 0x70},
      {0x10, 0x50}, {0x13, 0x50}, {0x13, 0x70}, {0x14, 0x50}, {0x14, 0x70},
  };
  for (int row = 1; row <= 15; row++) {
    Pair p = preamble(Channel::CC1, row, 0);
    fail_unless(p == make_pair(want[row - 1][0], want[row - 1][1]),
                "row %d: %02x %02x", row, p.b1, p.b2);
    /* Data channel 2 sets bit 3 of the first byte. */
    Pair p2 = preamble(Channel::CC2, row, 0);
    fail_unless_equals_int(p2.b1 & 0x7f, want[row - 1][0] | 0x08);
  }
  /* Indents 0..28 step 4: 0x50 + 2 * indent / 4. */
  for (int indent = 0; indent <= 28; indent += 4) {
    Pair p = preamble(Channel::CC1, 15, indent);
    fail_unless_equals_int(p.b2 & 0x7f, 0x70 + indent / 2);
  }
  Pair to = tab_offset(Channel::CC1, 3);
  fail_unless(to == make_pair(0x17, 0x23));
  Pair to2 = tab_offset(Channel::CC2, 1);
  fail_unless(to2 == make_pair(0x1f, 0x21));
}
GST_END_TEST;

GST_START_TEST(test_character_sets)
{
  /* ASCII letters are themselves. */
  auto a = glyph_for(U'a');
  fail_unless(a && a->set == Glyph::Set::Basic && a->code == 'a');
  /* é sits at 0x5C of the basic set, where ASCII has the backslash. */
  auto e = glyph_for(U'\u00e9');
  fail_unless(e && e->set == Glyph::Set::Basic && e->code == 0x5c);
  fail_if(glyph_for(U'\\')->set == Glyph::Set::Basic);
  /* ♪ is special 0x11 0x37. */
  auto note = glyph_for(U'\u266a');
  fail_unless(note && note->set == Glyph::Set::Special);
  fail_unless(glyph_code(Channel::CC1, *note) == make_pair(0x11, 0x37));
  fail_unless(glyph_code(Channel::CC2, *note) == make_pair(0x19, 0x37));
  /* Ü is extended 0x12 0x24, with U as the fallback; ö 0x13 0x33. */
  auto ue = glyph_for(U'\u00dc');
  fail_unless(ue && ue->set == Glyph::Set::Extended && ue->fallback == 'U');
  fail_unless(glyph_code(Channel::CC1, *ue) == make_pair(0x12, 0x24));
  fail_unless(glyph_code(Channel::CC1, *glyph_for(U'\u00f6')) ==
              make_pair(0x13, 0x33));
  /* ASCII the basic set lacks is in the extended set. */
  fail_unless(glyph_code(Channel::CC1, *glyph_for(U'{')) ==
              make_pair(0x13, 0x29));
  fail_unless(glyph_code(Channel::CC1, *glyph_for(U'*')) ==
              make_pair(0x12, 0x28));
  fail_if(glyph_for(U'\U0001F600').has_value()); /* 😀 */
}
GST_END_TEST;

GST_START_TEST(test_substitutions_are_reported)
{
  struct {
    const char *in;
    const char *sent; /* as glyph codes: basic bytes */
    size_t subs;
  } cases[] = {
      {"don\u2019t", "don't", 1},        /* ’ -> ' */
      {"\u0105", "a", 1},                /* ą -> a */
      {"\ufb01ne", "fine", 1},           /* ﬁ -> fi */
      {"\U0001F600", "?", 1},            /* 😀 -> ? */
      {"a\u200bb", "ab", 1},             /* zero-width space left out */
      {"caf\x65\xcc\x81", "caf\x5c", 0}, /* e + U+0301 -> é (0x5C) */
      {"\xff", "?", 1},                  /* invalid UTF-8 */
      {"\u2026", "...", 1},              /* … */
  };
  for (auto &c : cases) {
    MappedWord w = map_word(c.in);
    std::string sent;
    for (const Glyph &g : w.glyphs) {
      fail_unless(g.set == Glyph::Set::Basic);
      sent += static_cast<char>(g.code);
    }
    ASSERT_STR(sent, c.sent);
    fail_unless_equals_int(w.substitutions.size(), c.subs);
  }
  std::vector<MappedWord> words = map_words(" two\twords\n");
  fail_unless_equals_int(words.size(), 2);
}
GST_END_TEST;

/* ---- the stream -----------------------------------------------------------
 */

GST_START_TEST(test_controls_sent_twice)
{
  Encoder e(options(Mode::RollUp2));
  e.add_text("hello", ms(0), ms(300));
  e.end_turn();
  e.add_text("world \u266a", ms(400), ms(300));
  std::vector<Pair> f = finish(e);
  /* Every control code (or two-byte character) comes in two consecutive
   * frames, never once and never three times. */
  size_t i = 0;
  int controls = 0;
  while (i < f.size()) {
    if (!is_control(f[i])) {
      i++;
      continue;
    }
    fail_unless(i + 1 < f.size() && f[i + 1] == f[i],
                "control %02x %02x at frame %zu not repeated", f[i].b1, f[i].b2,
                i);
    fail_unless(i + 2 >= f.size() || f[i + 2] != f[i],
                "control at frame %zu sent three times", i);
    controls++;
    i += 2;
  }
  /* RU2, PAC, CR, ♪ */
  fail_unless_equals_int(controls, 4);
  Decoder d = decode(f);
  ASSERT_STR(d.text(), "hello|world #");
}
GST_END_TEST;

GST_START_TEST(test_extended_character_bytes)
{
  Encoder e(options(Mode::RollUp2));
  e.add_text("No\u00ebl", ms(0), ms(300));
  std::vector<Pair> f = finish(e);
  std::vector<Pair> data;
  for (const Pair &p : f)
    if (!p.is_padding())
      data.push_back(p);
  /* RU2 RU2 PAC PAC, then "No", the fallback e with a NUL, ë twice, "l". */
  std::vector<Pair> want = {
      command(Channel::CC1, Command::RollUp2),
      command(Channel::CC1, Command::RollUp2),
      preamble(Channel::CC1, 15, 0),
      preamble(Channel::CC1, 15, 0),
      make_pair('N', 'o'),
      make_pair('e', 0x00),
      make_pair(0x12, 0x36),
      make_pair(0x12, 0x36),
      make_pair('l', 0x00),
  };
  fail_unless_equals_int(data.size(), want.size());
  for (size_t i = 0; i < want.size(); i++)
    fail_unless(data[i] == want[i], "pair %zu: %02x %02x", i, data[i].b1,
                data[i].b2);
  ASSERT_STR(decode(f).text(), "No#l");
}
GST_END_TEST;

GST_START_TEST(test_equal_codes_kept_apart)
{
  /* Two ♪ in a row: without something between them, the second pair
   * would look like the repeat of the first. */
  Encoder e(options(Mode::RollUp2));
  e.add_text("\u266a\u266a", ms(0), ms(300));
  std::vector<Pair> f = finish(e);
  Pair note = make_pair(0x11, 0x37);
  Pair ru2 = command(Channel::CC1, Command::RollUp2);
  std::vector<Pair> data;
  for (const Pair &p : f)
    if (!p.is_padding())
      data.push_back(p);
  std::vector<Pair> tail(data.end() - 6, data.end());
  std::vector<Pair> want = {note, note, ru2, ru2, note, note};
  for (size_t i = 0; i < want.size(); i++)
    fail_unless(tail[i] == want[i]);
  ASSERT_STR(decode(f).text(), "##");
}
GST_END_TEST;

GST_START_TEST(test_two_characters_per_frame)
{
  /* 40 words of 5 letters at the same instant: 240 characters, at most 2
   * per frame. All of them arrive, in order; the words that waited are
   * counted. */
  Encoder e(options(Mode::RollUp4));
  std::string all;
  for (int i = 0; i < 40; i++) {
    std::string w = "w" + std::to_string(1000 + i);
    e.add_text(w, ms(100), ms(10));
    all += (all.empty() ? "" : " ") + w;
  }
  std::vector<Pair> f = finish(e);
  /* Letters sent: all of them (the spaces where lines wrap are not). */
  size_t letters = 0, want = 0;
  for (const Pair &p : f) {
    if (is_control(p) || p.is_padding())
      continue;
    for (uint8_t b : {p.b1, p.b2})
      letters += (b & 0x7f) > 0x20;
  }
  for (char c : all)
    want += c != ' ';
  fail_unless_equals_int(letters, want);
  fail_unless(e.stats().queued_words >= 30, "queued %" G_GUINT64_FORMAT,
              e.stats().queued_words);
  /* Read back line by line as it rolled: every word, once, in order,
   * each line at most 32 columns. */
  Decoder d = decode(f);
  std::vector<std::string> lines = d.rolled;
  lines.push_back(d.rows().back().second);
  std::string read;
  for (const std::string &l : lines) {
    fail_unless(l.size() <= 32);
    read += (read.empty() ? "" : " ") + l;
  }
  ASSERT_STR(read, all);
  fail_unless_equals_int(d.rows().size(), 4);
}
GST_END_TEST;

GST_START_TEST(test_roll_up_rows_and_wrap)
{
  /* Words wrap whole at 32 columns; roll-up-2 keeps the last 2 lines on
   * rows 14-15; a word longer than a line is broken. */
  Encoder e(options(Mode::RollUp2));
  const char *words[] = {"the",   "quick", "brown",  "fox", "jumps",
                         "over",  "the",   "lazy",   "dog", "and",
                         "keeps", "on",    "running"};
  uint64_t t = 0;
  for (const char *w : words) {
    e.add_text(w, t, ms(100));
    t += ms(200);
  }
  std::vector<Pair> f = finish(e);
  Decoder d = decode(f);
  auto rows = d.rows();
  fail_unless_equals_int(rows.size(), 2);
  fail_unless_equals_int(rows[0].first, 14);
  fail_unless_equals_int(rows[1].first, 15);
  /* "the quick brown fox jumps over" is 30; " the" would make 34. */
  ASSERT_STR(rows[0].second, "the lazy dog and keeps on");
  ASSERT_STR(rows[1].second, "running");

  Encoder e2(options(Mode::RollUp3));
  e2.add_text(std::string(40, 'x'), 0, ms(100));
  Decoder d2 = decode(finish(e2));
  auto r2 = d2.rows();
  fail_unless_equals_int(r2.size(), 2);
  ASSERT_STR(r2[0].second, std::string(32, 'x'));
  ASSERT_STR(r2[1].second, std::string(8, 'x'));
}
GST_END_TEST;

GST_START_TEST(test_row_limits)
{
  /* roll-up-4 at origin row 2 is raised to row 4 (the window needs 4
   * rows); the window never shows more than 4. */
  EncoderOptions o = options(Mode::RollUp4);
  o.layout.row = 2;
  Encoder e(o);
  for (int i = 0; i < 8; i++) {
    e.add_text("line" + std::to_string(i), ms(100 * i), ms(50));
    e.end_turn();
  }
  Decoder d = decode(finish(e));
  auto rows = d.rows();
  fail_unless_equals_int(rows.size(), 4);
  fail_unless_equals_int(rows.front().first, 1);
  fail_unless_equals_int(rows.back().first, 4);
  ASSERT_STR(rows.back().second, "line7");

  /* Indented by origin-column 6: PAC indent 4 and a 2-column tab offset;
   * lines are 26 columns wide. */
  EncoderOptions oc = options(Mode::RollUp2);
  oc.layout.column = 6;
  Encoder ec(oc);
  ec.add_text(std::string(30, 'y'), 0, ms(100));
  Decoder dc = decode(finish(ec));
  auto rc = dc.rows();
  fail_unless_equals_int(rc.size(), 2);
  ASSERT_STR(rc[0].second, std::string(6, ' ') + std::string(26, 'y'));
  ASSERT_STR(rc[1].second, std::string(6, ' ') + std::string(4, 'y'));
}
GST_END_TEST;

GST_START_TEST(test_pop_on_cues)
{
  /* Two lines per cue on rows 14-15: the cue pops on (EOC) when the next
   * word does not fit, never before its last word's start. */
  EncoderOptions o = options(Mode::PopOn, ms(10000));
  Encoder e(o);
  std::vector<std::pair<std::string, uint64_t>> words;
  for (int i = 0; i < 14; i++)
    words.push_back({"word" + std::to_string(10 + i), ms(300 * (i + 1))});
  for (auto &w : words)
    e.add_text(w.first, w.second, ms(200));
  e.end_turn();
  std::vector<Pair> f = finish(e);
  /* 6 words of 6 make 41 characters: 2 lines of "wordNN" x4 + x2; the
   * 11th word opens the second cue. */
  int64_t shown1 = first_frame_showing(f, "word10");
  int64_t shown2 = first_frame_showing(f, "word23");
  fail_unless(shown1 >= 0 && shown2 > shown1);
  Decoder d;
  for (int64_t i = 0; i <= shown1; i++)
    d.feed(f[static_cast<size_t>(i)]);
  auto rows = d.rows();
  fail_unless_equals_int(rows.size(), 2);
  fail_unless_equals_int(rows[0].first, 14);
  ASSERT_STR(rows[0].second, "word10 word11 word12 word13");
  ASSERT_STR(rows[1].second, "word14 word15 word16 word17");
  /* Shown no earlier than the start of its last word (word17), here on
   * the frame the next word (word18) needed it gone. */
  Encoder probe(o);
  fail_unless(probe.frame_time(shown1) >= words[7].second);
  /* The whole cue was loaded off screen: nothing shows before EOC. */
  fail_unless_equals_int(first_frame_showing(f, "word"), shown1);
  Decoder end = decode(f);
  ASSERT_STR(end.text(), "word18 word19 word20 word21|word22 word23");
}
GST_END_TEST;

GST_START_TEST(test_paint_on_block)
{
  /* Paint-on: words show where they are written, in a block of 2 rows
   * ending at row 15; a full block is erased and filled again. */
  EncoderOptions o = options(Mode::PaintOn, ms(300));
  Encoder e(o);
  e.add_text("first", ms(0), ms(100));
  e.end_turn();
  e.add_text("second", ms(500), ms(100));
  std::vector<Pair> f1 = finish(e);
  Decoder d = decode(f1);
  auto rows = d.rows();
  fail_unless_equals_int(rows.size(), 2);
  fail_unless_equals_int(rows[0].first, 14);
  ASSERT_STR(d.text(), "first|second");
  /* On screen without an EOC, as soon as written. */
  fail_unless(first_frame_showing(f1, "f") <= 6);

  Encoder e2(o);
  e2.add_text("one", ms(0), ms(100));
  e2.end_turn();
  e2.add_text("two", ms(500), ms(100));
  e2.end_turn();
  e2.add_text("three", ms(1000), ms(100));
  ASSERT_STR(decode(finish(e2)).text(), "three");
}
GST_END_TEST;

GST_START_TEST(test_never_before_audio)
{
  /* With room to send the opening codes ahead (latency), each word's
   * first character is on the first frame at or after its start; without
   * it, later but never earlier. */
  const std::pair<const char *, uint64_t> words[] = {
      {"one", ms(500)}, {"two", ms(1097)}, {"three", ms(1572)}};
  for (uint64_t latency : {ms(0), ms(300)}) {
    Encoder e(options(Mode::RollUp2, latency));
    for (auto &w : words) {
      e.add_text(w.first, w.second, ms(300));
      e.end_turn();
    }
    std::vector<Pair> f = finish(e);
    for (auto &w : words) {
      int64_t n = first_frame_showing(f, std::string(w.first).substr(0, 1));
      if (std::string(w.first) == "three")
        n = first_frame_showing(f, "th");
      fail_unless(n >= 0);
      fail_unless(e.frame_time(n) >= w.second,
                  "%s on air at %" G_GUINT64_FORMAT, w.first, e.frame_time(n));
      if (latency > 0)
        fail_unless(n == 0 || e.frame_time(n - 1) < w.second,
                    "%s is a frame late", w.first);
    }
  }
}
GST_END_TEST;

GST_START_TEST(test_frames_wait_for_the_input)
{
  /* 30 fps: frame N starts at N/30 s. Frames are committed only once the
   * input passed their start (plus the hold); a word for a committed
   * frame goes on the next free one and is counted late. */
  Encoder e(options(Mode::RollUp2, ms(100), 30, 1));
  int64_t n0 = 0;
  e.advance(ms(100));
  fail_unless(e.take_frames(&n0).empty());
  e.advance(ms(1000)); /* frames starting before 900 ms: 0..26 */
  std::vector<Pair> f = e.take_frames(&n0);
  fail_unless_equals_int(n0, 0);
  fail_unless_equals_int(f.size(), 27);
  e.add_text("late", ms(500), ms(100));
  fail_unless_equals_uint64(e.stats().late_words, 1);
  e.advance(ms(1500));
  std::vector<Pair> g = e.take_frames(&n0);
  fail_unless_equals_int(n0, 27);
  /* The opening codes, then the text, right from frame 27. */
  fail_unless(g[0] == command(Channel::CC1, Command::RollUp2));
  fail_unless(g[4] == make_pair('l', 'a'));
}
GST_END_TEST;

GST_START_TEST(test_erase_after_silence)
{
  EncoderOptions o = options(Mode::RollUp2, 0, 25, 1);
  o.erase_timeout = ms(2000);
  Encoder e(o);
  e.add_text("hello", ms(400), ms(400));
  e.advance(ms(5000));
  int64_t n0 = 0;
  std::vector<Pair> f = e.take_frames(&n0);
  Pair edm = command(Channel::CC1, Command::EraseDisplayedMemory);
  int64_t at = -1;
  for (size_t i = 0; i < f.size() && at < 0; i++)
    if (f[i] == edm)
      at = static_cast<int64_t>(i);
  /* 800 ms + 2 s = frame 70 at 25 fps. */
  fail_unless_equals_int(at, 70);
  fail_unless(f[static_cast<size_t>(at + 1)] == edm);
  ASSERT_STR(decode(f).text(), "");
  /* A word after the erase opens the window again. */
  e.add_text("again", ms(5200), ms(100));
  std::vector<Pair> g = finish(e);
  fail_unless(g[first_frame_showing(g, "a") - 4] ==
              command(Channel::CC1, Command::RollUp2));
}
GST_END_TEST;

GST_START_TEST(test_pop_on_wait_and_turn_end)
{
  /* A cue waits at most latency after its first word; the end of a turn
   * shows it at once (but not before its last word). */
  Encoder e(options(Mode::PopOn, ms(1000), 30, 1));
  e.add_text("a", ms(0), ms(100));
  e.add_text("b", ms(600), ms(100));
  e.add_text("c", ms(1500), ms(100)); /* past 0 + 1000: a new cue */
  e.add_text("d", ms(1700), ms(100));
  e.end_turn();
  std::vector<Pair> f = finish(e);
  int64_t ab = first_frame_showing(f, "a b");
  int64_t cd = first_frame_showing(f, "c d");
  fail_unless(e.frame_time(ab) >= ms(600) && e.frame_time(ab) <= ms(1034));
  fail_unless(e.frame_time(cd) >= ms(1700) && e.frame_time(cd) <= ms(1834),
              "c d at %" G_GUINT64_FORMAT, e.frame_time(cd));
}
GST_END_TEST;

GST_START_TEST(test_pop_on_deadline_while_silent)
{
  /* Nobody speaks after "alone": the cue shows when the input passes its
   * deadline (first word + latency), with no word or turn end to close
   * it. */
  Encoder e(options(Mode::PopOn, ms(1000), 30, 1));
  e.add_text("alone", ms(200), ms(300));
  e.advance(ms(3000));
  int64_t n0 = 0;
  std::vector<Pair> f = e.take_frames(&n0);
  int64_t shown = first_frame_showing(f, "alone");
  fail_unless_equals_int(shown, 36); /* 1200 ms at 30 fps */
}
GST_END_TEST;

GST_START_TEST(test_speaker_changes)
{
  Encoder e(options(Mode::RollUp3));
  e.add_text("hi", ms(0), ms(100));
  /* The first label, in the middle of the turn, names the words already
   * shown: no new line. */
  e.speaker_change("A");
  e.add_text("there", ms(200), ms(100));
  e.end_turn();
  e.speaker_change("B");
  e.add_text("hello", ms(1000), ms(100));
  e.speaker_change("B"); /* the same again: nothing */
  e.add_text("you", ms(1200), ms(100));
  e.speaker_change("A");
  e.add_text("bye", ms(2000), ms(100));
  Decoder d = decode(finish(e));
  ASSERT_STR(d.text(), "hi there|>> hello you|>> bye");
}
GST_END_TEST;

GST_START_TEST(test_sixty_fps_every_other_frame)
{
  /* Above 30 fps a pair goes on every other frame: 608's own rate. */
  Encoder e(options(Mode::RollUp2, 0, 60000, 1001));
  e.add_text("abcdefghijkl", 0, ms(100));
  std::vector<Pair> f = finish(e);
  for (size_t i = 1; i < f.size(); i += 2)
    fail_unless(f[i].is_padding(), "data on odd frame %zu", i);
  ASSERT_STR(decode(f).text(), "abcdefghijkl");
  fail_unless(e.slots_per_second() < 30.0);
}
GST_END_TEST;

GST_START_TEST(test_second_channel)
{
  EncoderOptions o = options(Mode::PopOn, ms(500));
  o.layout.channel = Channel::CC2;
  Encoder e(o);
  e.add_text("cc2", 0, ms(100));
  std::vector<Pair> f = finish(e);
  Decoder d1, d2;
  d2.channel2 = true;
  for (const Pair &p : f) {
    if (is_control(p))
      fail_unless((p.b1 & 0x08) != 0, "%02x %02x not on channel 2", p.b1, p.b2);
    d1.feed(p);
    d2.feed(p);
  }
  ASSERT_STR(d2.text(), "cc2");
  ASSERT_STR(d1.text(), "");
}
GST_END_TEST;

/* ---- packing ------------------------------------------------------------ */

GST_START_TEST(test_packing_formats)
{
  Pair p = make_pair('h', 'i');
  Packer raw(Format::Raw, Channel::CC1, 30000, 1001);
  fail_unless(raw.pack(p) == (std::vector<uint8_t>{p.b1, p.b2}));
  fail_if(Packer(Format::Raw, Channel::CC3, 30000, 1001).valid());

  Packer s334(Format::S334_1A, Channel::CC1, 25, 1);
  fail_unless(s334.pack(p) == (std::vector<uint8_t>{0x80, p.b1, p.b2}));
  Packer s334f2(Format::S334_1A, Channel::CC3, 25, 1);
  fail_unless(s334f2.pack(p) == (std::vector<uint8_t>{0x00, p.b1, p.b2}));

  Packer cc(Format::CcData, Channel::CC1, 30000, 1001);
  fail_unless(cc.pack(p) == (std::vector<uint8_t>{0xfc, p.b1, p.b2}));
  fail_unless(cc.pack(kPadding) == (std::vector<uint8_t>{0xf8, 0x80, 0x80}));
  Packer cc2(Format::CcData, Channel::CC4, 30000, 1001);
  fail_unless(cc2.pack(p) == (std::vector<uint8_t>{0xfd, p.b1, p.b2}));

  fail_if(Packer(Format::Cdp, Channel::CC1, 15, 1).valid());
  struct {
    int n, d;
    uint8_t code;
    int cc_count;
  } rates[] = {{24000, 1001, 1, 25}, {25, 1, 3, 24}, {30000, 1001, 4, 20},
               {30, 1, 5, 20},       {50, 1, 6, 12}, {60000, 1001, 7, 10}};
  for (auto &r : rates) {
    Packer cdp(Format::Cdp, Channel::CC1, r.n, r.d);
    fail_unless(cdp.valid());
    for (int seq = 0; seq < 2; seq++) {
      std::vector<uint8_t> b = cdp.pack(p);
      fail_unless_equals_int(b[0], 0x96);
      fail_unless_equals_int(b[1], 0x69);
      fail_unless_equals_int(b[2], b.size());
      fail_unless_equals_int(b[3], (r.code << 4) | 0x0f);
      fail_unless_equals_int((b[5] << 8) | b[6], seq);
      fail_unless_equals_int(b[7], 0x72);
      fail_unless_equals_int(b[8] & 0x1f, r.cc_count);
      fail_unless_equals_int(b.size(), 9 + 3 * r.cc_count + 4);
      /* The first triplet carries field 1. */
      fail_unless_equals_int(b[9], 0xfc);
      fail_unless_equals_int(b[10], p.b1);
      fail_unless_equals_int(b[11], p.b2);
      size_t footer = 9 + 3 * static_cast<size_t>(r.cc_count);
      fail_unless_equals_int(b[footer], 0x74);
      fail_unless_equals_int((b[footer + 1] << 8) | b[footer + 2], seq);
      unsigned sum = 0;
      for (uint8_t x : b)
        sum += x;
      fail_unless_equals_int(sum % 256, 0);
    }
  }
}
GST_END_TEST;

}  // namespace

static Suite *cea608_suite(void)
{
  Suite *s = suite_create("cea608");
  TCase *bytes = tcase_create("bytes");
  suite_add_tcase(s, bytes);
  tcase_add_test(bytes, test_odd_parity);
  tcase_add_test(bytes, test_commands_per_channel);
  tcase_add_test(bytes, test_preamble_address_codes);
  tcase_add_test(bytes, test_character_sets);
  tcase_add_test(bytes, test_substitutions_are_reported);
  TCase *stream = tcase_create("stream");
  suite_add_tcase(s, stream);
  tcase_add_test(stream, test_controls_sent_twice);
  tcase_add_test(stream, test_extended_character_bytes);
  tcase_add_test(stream, test_equal_codes_kept_apart);
  tcase_add_test(stream, test_two_characters_per_frame);
  tcase_add_test(stream, test_roll_up_rows_and_wrap);
  tcase_add_test(stream, test_row_limits);
  tcase_add_test(stream, test_pop_on_cues);
  tcase_add_test(stream, test_paint_on_block);
  tcase_add_test(stream, test_speaker_changes);
  tcase_add_test(stream, test_second_channel);
  TCase *timing = tcase_create("timing");
  suite_add_tcase(s, timing);
  tcase_add_test(timing, test_never_before_audio);
  tcase_add_test(timing, test_frames_wait_for_the_input);
  tcase_add_test(timing, test_erase_after_silence);
  tcase_add_test(timing, test_pop_on_wait_and_turn_end);
  tcase_add_test(timing, test_pop_on_deadline_while_silent);
  tcase_add_test(timing, test_sixty_fps_every_other_frame);
  TCase *pack = tcase_create("packing");
  suite_add_tcase(s, pack);
  tcase_add_test(pack, test_packing_formats);
  return s;
}

GST_CHECK_MAIN(cea608);
