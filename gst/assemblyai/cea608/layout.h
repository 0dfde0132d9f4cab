/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Words -> CEA-608 codes, in one of the caption modes, with no notion of
 * time (encoder.h places the codes on frames).
 *
 * - Roll-up (2, 3 or 4 rows): the first word after an erase opens the
 *   window (RUn, then a PAC to the base row and the first column); a word
 *   that does not fit on the line, the first word of a turn and of a new
 *   speaker start a new line (CR, plus a PAC and tab offset when the first
 *   column is not 0).
 * - Pop-on: a cue is loaded into non-displayed memory (RCL, ENM, a PAC per
 *   line) and shown by EOC; `lines` rows end at `row`. A word that does not
 *   fit in the cue, the end of a turn and a new speaker close it.
 * - Paint-on: words appear where they are written (RDC, a PAC per line) in
 *   `lines` rows ending at `row`; when they are full the block is erased
 *   and filled again from its first row.
 *
 * Lines are 32 - column characters wide; words wrap whole, a word longer
 * than a line is broken across lines. A new speaker's first line starts
 * with the speaker prefix (">> " by default). */
#pragma once

#include <string>
#include <vector>

#include "codes.h"

namespace cea608
{

enum class Mode { RollUp2, RollUp3, RollUp4, PopOn, PaintOn };

bool is_roll_up(Mode m);

struct LayoutOptions {
  Mode mode = Mode::RollUp2;
  Channel channel = Channel::CC1;
  /* Roll-up: the base row (at least the number of rows). Pop-on and
   * paint-on: the last row of the caption. 1-15. */
  int row = 15;
  int column = 0; /* first column of every line, 0-31 */
  int lines = 2;  /* pop-on and paint-on: rows per caption, 1-4 */
  std::vector<Glyph> speaker_prefix;
};

/* One code of the byte stream. Two basic characters share a pair, sent
 * once; control codes and special and extended characters are sent twice
 * in a row (a decoder acts on the first and ignores the repeat), so that
 * one lost frame does not lose them. */
struct Code {
  Pair pair;
  bool twice = false;
};

/* What one word turns into. */
struct WordCodes {
  /* Pop-on: the EOC that shows the cue the word did not fit in. */
  std::vector<Code> close;
  /* Codes that open the word's line or cue. */
  std::vector<Code> setup;
  /* The word's characters (a word longer than a line has the codes of
   * the new lines between them). */
  std::vector<Code> text;
  /* Whether `text` changes the display (not so for a pop-on load, unless
   * a very long word itself had to show a cue). */
  bool visible = true;
};

class Layout
{
 public:
  explicit Layout(const LayoutOptions &o);

  const LayoutOptions &options() const { return opts_; }

  WordCodes add_word(const std::vector<Glyph> &word);
  /* End of a turn. Roll-up and paint-on: the next word starts a new line.
   * Pop-on: returns the EOC of the open cue (none if no cue is open). */
  std::vector<Code> end_turn();
  /* A new speaker: as end_turn(), and the next line starts with the
   * speaker prefix. */
  std::vector<Code> speaker_change();
  /* Pop-on: the EOC of the open cue, if one is open. */
  std::vector<Code> close_cue();
  bool cue_open() const { return cue_open_; }
  /* Whether words of the current turn have been written. */
  bool mid_turn() const;
  /* EDM, if anything is shown (or @always); the next word opens the
   * display again. */
  std::vector<Code> erase(bool always = false);
  /* Whether the display has text on it. */
  bool showing() const { return showing_; }
  /* The command that selects the mode: re-sending it changes nothing, so
   * it can separate two equal codes a decoder would take for a repeat. */
  Pair mode_command() const;

 private:
  class Writer;

  int top_row() const;
  int width_left() const { return 32 - col_; }
  void position(Writer &w, int row);
  void open(Writer &w);
  void new_line(Writer &w, bool *closed_cue);
  void break_line(Writer &w, WordCodes *out);
  void write_glyphs(Writer &w, const std::vector<Glyph> &g, bool *closed);

  LayoutOptions opts_;
  bool open_ = false;     /* roll-up window / paint-on block is open */
  bool cue_open_ = false; /* pop-on: a cue is being loaded */
  bool showing_ = false;
  bool line_empty_ = true;
  bool new_line_pending_ = false;
  bool prefix_pending_ = false;
  int col_ = 0;  /* cursor column, 0-32 */
  int line_ = 0; /* pop-on / paint-on: line of the block the cursor is on */
};

}  // namespace cea608
