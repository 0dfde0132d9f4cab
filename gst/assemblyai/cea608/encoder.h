/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Timed words -> one CEA-608 pair per video frame.
 *
 * Times are nanoseconds from the start of frame 0. The channel carries one
 * pair per frame up to 30 fps and one every other frame above (so that a
 * decoder always gets 608's rate of 2 characters per 1/30 s or less); a
 * frame that carries a pair is a "slot".
 *
 * Rules (docs/broadcast-captions.md, "Timing"):
 * - A word's characters never go on air before its start: they are placed
 *   on the first slot at or after it. The codes that open its line (a
 *   roll-up CR, a PAC) go right before them, inside `latency` when there
 *   is room, so in roll-up and paint-on a word whose line needed opening
 *   is still on air on its own frame.
 * - Codes are sent in the order they were made; a word that finds the
 *   channel still busy with earlier codes waits behind them (counted in
 *   queued_words), nothing is dropped.
 * - Frame N is committed only once the input has passed its start (plus
 *   `latency` in roll-up and paint-on, which is what makes room for the
 *   opening codes); a word that comes for a frame already committed goes
 *   on the next free slot (counted in late_words).
 * - Pop-on: a cue is shown (EOC) on the first slot at or after its last
 *   word's start once it is complete: when the next word does not fit, at
 *   the end of a turn, at a new speaker, or at the latest `latency` after
 *   its first word.
 * - After `erase_timeout` with nothing new on screen the display is
 *   erased (EDM).
 * - Control codes and special and extended characters are sent twice;
 *   when two equal ones must both act, the mode command goes between them
 *   so the second is not taken for a repeat. */
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "codes.h"
#include "layout.h"
#include "text.h"

namespace cea608
{

struct EncoderOptions {
  LayoutOptions layout;
  std::string speaker_prefix = ">> ";
  int fps_n = 30000, fps_d = 1001;
  /* ns. Roll-up and paint-on: how long a frame is held for opening codes
   * to go ahead of the words. Pop-on: the longest a cue waits for more
   * words after its first one. */
  uint64_t latency = 0;
  uint64_t erase_timeout = 0; /* ns; 0: never */
};

struct EncoderStats {
  uint64_t late_words = 0;    /* came for frames already committed */
  uint64_t queued_words = 0;  /* waited behind earlier codes */
  uint64_t substitutions = 0; /* characters not sent as themselves */
};

class Encoder
{
 public:
  explicit Encoder(const EncoderOptions &o);

  /* Text spoken from @start for @duration (white space separates words;
   * each word is placed at @start). */
  void add_text(const std::string &utf8, uint64_t start, uint64_t duration);
  void end_turn();
  /* A new speaker (@speaker: its label, may be empty). The first label of
   * the stream given in the middle of a turn only names the speaker of
   * the words already shown, so it starts no new line; the same label
   * again changes nothing. */
  void speaker_change(const std::string &speaker);
  /* The input has reached @position: commits the frames that nothing to
   * come can change any more. */
  void advance(uint64_t position);
  /* End of the stream (or of the segment): closes an open cue, sends
   * whatever waits and the erase that is due after it (at once with
   * @erase_now), and commits all of it. */
  void finish(bool erase_now = false);
  /* Erases whatever a decoder may still show from before (after a flush),
   * on the first free slot. */
  void clear_screen();

  /* The committed frames not taken yet, in order; *@first is the number
   * of the first one. */
  std::vector<Pair> take_frames(int64_t *first);

  /* Start of frame @n (ns). */
  uint64_t frame_time(int64_t n) const;
  /* Time the output holds frames behind the input (ns). */
  uint64_t hold() const { return hold_; }
  /* Pairs the channel can carry per second at this frame rate. */
  double slots_per_second() const;

  const EncoderStats &stats() const { return stats_; }
  /* The substitutions made since the last call, for logging. */
  std::vector<Substitution> take_substitutions();

 private:
  bool pop_on() const { return layout_.options().mode == Mode::PopOn; }
  int64_t first_slot_at(uint64_t t) const;
  uint64_t slot_time(int64_t slot) const { return frame_time(slot * step_); }
  std::vector<Pair> expand(const std::vector<Code> &codes);
  /* Places @ahead right before @at, @at on @not_before or later, after
   * everything placed before; returns the slot of @at's first pair. */
  int64_t place(const std::vector<Code> &ahead,
                const std::vector<Code> &at,
                int64_t not_before,
                bool count_queued);
  void show_cue(const std::vector<Code> &eoc);
  void erase_at(uint64_t t);
  void fire_timers(int64_t slot);
  void commit_frame();
  void arm_erase(uint64_t after);

  Layout layout_;
  std::vector<Glyph> prefix_;
  int fps_n_, fps_d_;
  int step_; /* frames per slot: 1, or 2 above 30 fps */
  uint64_t latency_;
  uint64_t hold_; /* latency in roll-up / paint-on, 0 in pop-on */
  uint64_t erase_timeout_;

  int64_t next_frame_ = 0;   /* first frame not committed */
  int64_t base_slot_ = 0;    /* first slot not committed */
  int64_t tail_ = 0;         /* slot after the last code placed */
  std::deque<Pair> pending_; /* slots from base_slot_ */
  std::vector<Pair> out_;
  int64_t out_first_ = 0;

  /* Repeat detection, in stream order. */
  bool last_twice_ = false;
  Pair last_pair_;

  std::optional<uint64_t> erase_deadline_;
  std::optional<uint64_t> cue_deadline_; /* pop-on: open cue shows by then */
  int64_t cue_last_slot_ = 0;            /* pop-on: slot of its last word */
  uint64_t cue_last_end_ = 0;

  std::optional<std::string> speaker_;

  EncoderStats stats_;
  std::vector<Substitution> subs_;
};

}  // namespace cea608
