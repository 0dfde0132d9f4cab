/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "layout.h"

#include <algorithm>

namespace cea608
{

bool is_roll_up(Mode m)
{
  return m == Mode::RollUp2 || m == Mode::RollUp3 || m == Mode::RollUp4;
}

/* Packs codes: basic characters two to a pair (a lone one is completed
 * with a NUL before any other code), the rest as codes sent twice. */
class Layout::Writer
{
 public:
  explicit Writer(Channel ch) : ch_(ch) {}

  void basic(uint8_t c)
  {
    if (half_) {
      out_->push_back(Code{make_pair(*half_, c), false});
      half_.reset();
    } else {
      half_ = c;
    }
  }
  void control(Pair p)
  {
    flush();
    out_->push_back(Code{p, true});
  }
  void command(Command c) { control(cea608::command(ch_, c)); }
  void glyph(const Glyph &g)
  {
    switch (g.set) {
      case Glyph::Set::Basic:
        basic(g.code);
        break;
      case Glyph::Set::Special:
        control(glyph_code(ch_, g));
        break;
      case Glyph::Set::Extended:
        basic(static_cast<uint8_t>(g.fallback));
        control(glyph_code(ch_, g));
        break;
    }
  }
  void flush()
  {
    if (half_) {
      out_->push_back(Code{make_pair(*half_, 0x00), false});
      half_.reset();
    }
  }
  /* Where codes go from now on (the lone character, if any, first). */
  void to(std::vector<Code> *out)
  {
    flush();
    out_ = out;
  }
  Channel channel() const { return ch_; }

 private:
  Channel ch_;
  std::vector<Code> *out_ = nullptr;
  std::optional<uint8_t> half_;
};

namespace
{
int clamp(int v, int lo, int hi)
{
  return std::max(lo, std::min(hi, v));
}

bool is_lone_punctuation(const std::vector<Glyph> &w)
{
  if (w.size() != 1 || w[0].set != Glyph::Set::Basic)
    return false;
  switch (w[0].code) {
    case '.':
    case ',':
    case '?':
    case '!':
    case ';':
    case ':':
      return true;
    default:
      return false;
  }
}

int roll_up_rows(Mode m)
{
  switch (m) {
    case Mode::RollUp3:
      return 3;
    case Mode::RollUp4:
      return 4;
    default:
      return 2;
  }
}
}  // namespace

Layout::Layout(const LayoutOptions &o) : opts_(o)
{
  opts_.column = clamp(opts_.column, 0, 31);
  opts_.lines = clamp(opts_.lines, 1, 4);
  int min_row = is_roll_up(opts_.mode) ? roll_up_rows(opts_.mode) : opts_.lines;
  opts_.row = clamp(opts_.row, min_row, 15);
  col_ = opts_.column;
}

Pair Layout::mode_command() const
{
  switch (opts_.mode) {
    case Mode::RollUp2:
      return command(opts_.channel, Command::RollUp2);
    case Mode::RollUp3:
      return command(opts_.channel, Command::RollUp3);
    case Mode::RollUp4:
      return command(opts_.channel, Command::RollUp4);
    case Mode::PopOn:
      return command(opts_.channel, Command::ResumeCaptionLoading);
    case Mode::PaintOn:
      return command(opts_.channel, Command::ResumeDirectCaptioning);
  }
  return kPadding;
}

int Layout::top_row() const
{
  return opts_.row - opts_.lines + 1;
}

/* PAC to the first column of @row: the indent the PAC can give (a
 * multiple of 4), then a tab offset for the rest. */
void Layout::position(Writer &w, int row)
{
  w.control(preamble(w.channel(), row, (opts_.column / 4) * 4));
  if (opts_.column % 4)
    w.control(tab_offset(w.channel(), opts_.column % 4));
  col_ = opts_.column;
  line_empty_ = true;
}

/* The codes that start a caption: the window, the cue or the block. */
void Layout::open(Writer &w)
{
  switch (opts_.mode) {
    case Mode::RollUp2:
    case Mode::RollUp3:
    case Mode::RollUp4:
      w.control(mode_command());
      position(w, opts_.row);
      open_ = true;
      break;
    case Mode::PopOn:
      w.command(Command::ResumeCaptionLoading);
      w.command(Command::EraseNonDisplayedMemory);
      line_ = 0;
      position(w, top_row());
      cue_open_ = true;
      break;
    case Mode::PaintOn:
      w.command(Command::ResumeDirectCaptioning);
      line_ = 0;
      position(w, top_row());
      open_ = true;
      break;
  }
}

/* Moves to a new line; in pop-on, a cue with no line left is shown and a
 * new one opened (*@closed_cue set). */
void Layout::new_line(Writer &w, bool *closed_cue)
{
  switch (opts_.mode) {
    case Mode::RollUp2:
    case Mode::RollUp3:
    case Mode::RollUp4:
      w.command(Command::CarriageReturn);
      /* CR leaves the cursor in column 0 of the base row. */
      if (opts_.column > 0)
        position(w, opts_.row);
      col_ = opts_.column;
      line_empty_ = true;
      break;
    case Mode::PopOn:
    case Mode::PaintOn:
      if (line_ + 1 < opts_.lines) {
        line_++;
        position(w, top_row() + line_);
      } else if (opts_.mode == Mode::PopOn) {
        /* The cue is full: show it, load the next one. */
        w.command(Command::EndOfCaption);
        showing_ = true;
        *closed_cue = true;
        open(w);
      } else {
        /* The block is full: erase it, fill it again from its first row. */
        w.command(Command::EraseDisplayedMemory);
        line_ = 0;
        position(w, top_row());
      }
      break;
  }
}

void Layout::write_glyphs(Writer &w, const std::vector<Glyph> &g, bool *closed)
{
  for (const Glyph &one : g) {
    if (col_ >= 32)
      new_line(w, closed); /* a word longer than a line */
    w.glyph(one);
    col_++;
    line_empty_ = false;
  }
}

/* A new line while the codes go to @out->setup; a pop-on EOC that it
 * needed (the cue was full) is moved to @out->close: it may have to wait
 * for the time the last word of the cue it shows was spoken. */
void Layout::break_line(Writer &w, WordCodes *out)
{
  bool closed = false;
  size_t before = out->setup.size();
  new_line(w, &closed);
  if (closed) {
    auto eoc = out->setup.begin() + static_cast<long>(before);
    out->close.push_back(*eoc);
    out->setup.erase(eoc);
  }
}

WordCodes Layout::add_word(const std::vector<Glyph> &word)
{
  WordCodes out;
  Writer w(opts_.channel);
  bool is_pop_on = opts_.mode == Mode::PopOn;

  w.to(&out.setup);
  if (!(is_pop_on ? cue_open_ : open_))
    open(w);
  else if (new_line_pending_ && !line_empty_)
    break_line(w, &out);
  new_line_pending_ = false;

  std::vector<Glyph> text;
  if (prefix_pending_)
    text = opts_.speaker_prefix;
  prefix_pending_ = false;
  text.insert(text.end(), word.begin(), word.end());

  bool space = !line_empty_ && !is_lone_punctuation(word);
  int need = static_cast<int>(text.size()) + (space ? 1 : 0);
  if (!line_empty_ && need > width_left()) {
    break_line(w, &out);
    space = false;
  }

  w.to(&out.text);
  if (space) {
    w.basic(' ');
    col_++;
  }
  bool closed_in_text = false;
  write_glyphs(w, text, &closed_in_text);
  w.flush();
  out.visible = !is_pop_on || closed_in_text;
  if (!is_pop_on)
    showing_ = true;
  return out;
}

std::vector<Code> Layout::close_cue()
{
  std::vector<Code> out;
  if (!cue_open_)
    return out;
  Writer w(opts_.channel);
  w.to(&out);
  w.command(Command::EndOfCaption);
  w.flush();
  cue_open_ = false;
  showing_ = true;
  return out;
}

bool Layout::mid_turn() const
{
  if (opts_.mode == Mode::PopOn)
    return cue_open_;
  return open_ && !line_empty_ && !new_line_pending_;
}

std::vector<Code> Layout::end_turn()
{
  if (opts_.mode == Mode::PopOn)
    return close_cue();
  new_line_pending_ = true;
  return {};
}

std::vector<Code> Layout::speaker_change()
{
  prefix_pending_ = !opts_.speaker_prefix.empty();
  return end_turn();
}

std::vector<Code> Layout::erase(bool always)
{
  std::vector<Code> out;
  if (!showing_ && !always)
    return out;
  Writer w(opts_.channel);
  w.to(&out);
  w.command(Command::EraseDisplayedMemory);
  w.flush();
  showing_ = false;
  if (opts_.mode != Mode::PopOn) {
    /* The next word opens the window (roll-up) or block (paint-on)
     * again, at its first line. */
    open_ = false;
    new_line_pending_ = false;
    line_empty_ = true;
    col_ = opts_.column;
  }
  return out;
}

}  // namespace cea608
