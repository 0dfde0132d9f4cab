/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Turn messages -> what the text outputs show, in service milliseconds.
 *
 * Every Turn message repeats the whole turn so far; its leading words are
 * final and never change (docs/protocol.md, What is final when). The word
 * output takes each word once, the first time it is final, and never retracts
 * it. The caption output takes the same words as they become final, or, when
 * the service will format the turn (format_turns, or a model whose
 * end-of-turn is formatted), waits for the formatted end of turn so cues
 * carry punctuation and casing. A formatted follow-up Turn with the same
 * turn_order replaces nothing on the word output: those words went out
 * already. */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol.h"

namespace aai
{

struct TextWord {
  std::string text;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::optional<std::string> speaker;
};

/* One step for a text output, in order. */
struct TextItem {
  enum class Kind {
    Word,          /* word */
    EndOfTurn,     /* the turn is complete (rstranscribe/final-transcript) */
    SpeakerChange, /* speaker: the label of the words that follow */
  };
  Kind kind = Kind::Word;
  TextWord word;
  std::string speaker;
};

struct TextUpdate {
  std::vector<TextItem> words;    /* for the word output */
  std::vector<TextItem> captions; /* for the caption output */
  /* The turn's detected language, when it differs from the last one. */
  std::optional<std::string> language;
};

/* True for non-speech tags like "[Silence]", "[Music]", "[ Música ]" and
 * for empty words; see TurnTracker::Options::filter_non_speech. */
bool is_non_speech(const std::string &text);

class TurnTracker
{
 public:
  struct Options {
    /* Caption words wait for the formatted end of turn. */
    bool await_formatted = false;
    /* Drop non-speech tags from both outputs. whisper-rt reports tags as
     * bare words ("silence") and keeps the "[Silence]" form only in
     * utterance, so with hold_until_end_of_turn the decision is made on
     * the whole turn. */
    bool filter_non_speech = false;
    bool hold_until_end_of_turn = false;
  };

  explicit TurnTracker(const Options &opts) : opts_(opts) {}

  TextUpdate on_turn(const TurnEvent &turn);
  /* End of the stream: releases what is still held (an unformatted turn
   * waiting for its formatted version, the words of a turn the service
   * did not end), so nothing spoken is lost, and gets ready for the next
   * stream (whose turn_order and times start at 0 again). */
  TextUpdate finish();
  /* The session was lost (or replaced) mid-stream and the next one hears
   * the unfinished turn again: releases only an ended turn still waiting
   * for its formatted version, forgets the rest, and gets ready for the
   * next session. Words the next session reports again (by time: a word
   * whose middle lies before the end of the last word an output showed)
   * are not shown twice. */
  TextUpdate abandon();

  /* Stream ms before which an output will show nothing more (so a GAP up
   * to there is true): the next word it has not shown of a turn in
   * progress (or held for its formatted copy), else the end of the last
   * ended turn; nothing before the first turn. */
  struct Settled {
    std::optional<int64_t> words, captions;
  };
  Settled settled() const;

 private:
  void release_held(TextUpdate *u);
  /* finish() without forgetting what was shown (a new turn begins). */
  TextUpdate close_turn();
  void emit_words(const std::vector<Word> &words,
                  size_t from,
                  size_t to,
                  const std::optional<std::string> &label,
                  std::vector<TextItem> *out,
                  std::optional<std::string> *last_speaker,
                  int64_t *shown_until);
  void reset_turn();
  bool turn_is_only_tags() const;

  Options opts_;
  int64_t order_ = -1;
  bool ended_ = false;
  size_t words_done_ = 0;    /* words of this turn given to the word output */
  size_t captions_done_ = 0; /* ... and to the caption output */
  std::string utterance_;    /* the turn's non-empty utterance, if any */
  std::optional<TurnEvent> last_; /* the turn's latest message */
  std::optional<TurnEvent> held_; /* an end of turn awaiting formatting */
  std::optional<std::string> word_speaker_, caption_speaker_, language_;
  /* End (ms) of the last word each output showed: across sessions, a word
   * before it is a repeat. */
  int64_t words_until_ = INT64_MIN;
  int64_t captions_until_ = INT64_MIN;
  std::optional<int64_t> ended_at_; /* end of the last ended turn's words */
};

}  // namespace aai
