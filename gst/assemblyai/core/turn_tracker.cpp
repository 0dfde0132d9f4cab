/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "turn_tracker.h"

#include <algorithm>

namespace aai
{

namespace
{
bool is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string trimmed(const std::string &s)
{
  size_t b = 0, e = s.size();
  while (b < e && is_space(s[b]))
    b++;
  while (e > b && is_space(s[e - 1]))
    e--;
  return s.substr(b, e - b);
}

size_t final_prefix(const TurnEvent &t)
{
  if (t.end_of_turn)
    return t.words.size();
  size_t n = 0;
  while (n < t.words.size() && t.words[n].is_final)
    n++;
  return n;
}

TextItem end_of_turn_item()
{
  TextItem i;
  i.kind = TextItem::Kind::EndOfTurn;
  return i;
}
}  // namespace

bool is_non_speech(const std::string &text)
{
  std::string t = trimmed(text);
  return t.empty() || (t.size() >= 2 && t.front() == '[' && t.back() == ']');
}

bool TurnTracker::turn_is_only_tags() const
{
  /* "[ Silence] [ Silence]": nothing but bracketed tags. */
  bool any = false;
  size_t i = 0;
  const std::string &u = utterance_;
  while (i < u.size()) {
    if (is_space(u[i])) {
      i++;
      continue;
    }
    if (u[i] != '[')
      return false;
    size_t close = u.find(']', i);
    if (close == std::string::npos)
      return false;
    any = true;
    i = close + 1;
  }
  return any;
}

void TurnTracker::emit_words(const std::vector<Word> &words,
                             size_t from,
                             size_t to,
                             const std::optional<std::string> &label,
                             std::vector<TextItem> *out,
                             std::optional<std::string> *last_speaker,
                             int64_t *shown_until)
{
  for (size_t i = from; i < to && i < words.size(); i++) {
    const Word &w = words[i];
    /* Heard again after a reconnection: shown already. */
    if (*shown_until != INT64_MIN && w.start_ms + w.end_ms < 2 * *shown_until)
      continue;
    /* An empty word has nothing to show; a tag only when asked to. */
    std::string text = trimmed(w.text);
    if (text.empty() || (opts_.filter_non_speech && is_non_speech(text)))
      continue;
    std::optional<std::string> speaker = w.speaker ? w.speaker : label;
    /* "UNKNOWN" is the label of turns too short to attribute yet. */
    if (speaker && *speaker != "UNKNOWN" && speaker != *last_speaker) {
      TextItem s;
      s.kind = TextItem::Kind::SpeakerChange;
      s.speaker = *speaker;
      out->push_back(s);
      *last_speaker = speaker;
    }
    TextItem item;
    item.word.text = text;
    item.word.start_ms = w.start_ms;
    item.word.end_ms = std::max(w.end_ms, w.start_ms);
    item.word.speaker = speaker;
    *shown_until = std::max(*shown_until, item.word.end_ms);
    out->push_back(std::move(item));
  }
}

void TurnTracker::release_held(TextUpdate *u)
{
  if (!held_)
    return;
  /* The formatted version did not come: show the words as they are. */
  if (!(opts_.filter_non_speech && turn_is_only_tags()))
    emit_words(held_->words, 0, held_->words.size(), held_->speaker_label,
               &u->captions, &caption_speaker_, &captions_until_);
  u->captions.push_back(end_of_turn_item());
  held_.reset();
}

TextUpdate TurnTracker::on_turn(const TurnEvent &t)
{
  TextUpdate u;
  if (t.turn_order < order_)
    return u; /* stale: that turn is over */
  if (t.language_code && t.language_code != language_) {
    language_ = t.language_code;
    u.language = language_;
  }
  if (t.turn_order == order_ && ended_) {
    /* The formatted follow-up of an ended turn: for the captions only. */
    if (held_ && t.turn_is_formatted) {
      bool drop = opts_.filter_non_speech && turn_is_only_tags();
      if (!drop)
        emit_words(t.words, 0, t.words.size(), t.speaker_label, &u.captions,
                   &caption_speaker_, &captions_until_);
      u.captions.push_back(end_of_turn_item());
      held_.reset();
    }
    return u;
  }
  if (t.turn_order > order_) {
    TextUpdate rest = close_turn();
    u.words = std::move(rest.words);
    u.captions = std::move(rest.captions);
    order_ = t.turn_order;
  }
  last_ = t;
  if (t.utterance && !t.utterance->empty())
    utterance_ = *t.utterance;

  size_t n_final = final_prefix(t);
  if (!opts_.hold_until_end_of_turn || t.end_of_turn) {
    bool drop = opts_.filter_non_speech && opts_.hold_until_end_of_turn &&
                turn_is_only_tags();
    if (!drop)
      emit_words(t.words, words_done_, n_final, t.speaker_label, &u.words,
                 &word_speaker_, &words_until_);
    words_done_ = std::max(words_done_, n_final);
    if (!opts_.await_formatted) {
      if (!drop)
        emit_words(t.words, captions_done_, n_final, t.speaker_label,
                   &u.captions, &caption_speaker_, &captions_until_);
      captions_done_ = std::max(captions_done_, n_final);
    }
  }
  if (t.end_of_turn) {
    ended_ = true;
    if (!t.words.empty())
      ended_at_ =
          std::max(ended_at_.value_or(INT64_MIN), t.words.back().end_ms);
    u.words.push_back(end_of_turn_item());
    if (!opts_.await_formatted) {
      u.captions.push_back(end_of_turn_item());
    } else if (t.turn_is_formatted) {
      bool drop = opts_.filter_non_speech && turn_is_only_tags();
      if (!drop)
        emit_words(t.words, 0, t.words.size(), t.speaker_label, &u.captions,
                   &caption_speaker_, &captions_until_);
      u.captions.push_back(end_of_turn_item());
    } else {
      held_ = t;
    }
  }
  return u;
}

TextUpdate TurnTracker::finish()
{
  TextUpdate u = close_turn();
  /* A new stream starts its timeline at 0 again. */
  words_until_ = captions_until_ = INT64_MIN;
  ended_at_.reset();
  return u;
}

TextUpdate TurnTracker::close_turn()
{
  TextUpdate u;
  release_held(&u);
  if (last_ && !ended_) {
    /* The session ended inside a turn: its words, final or not, are the
     * best text there will ever be for that audio. */
    const TurnEvent &t = *last_;
    if (!(opts_.filter_non_speech && turn_is_only_tags())) {
      emit_words(t.words, words_done_, t.words.size(), t.speaker_label,
                 &u.words, &word_speaker_, &words_until_);
      emit_words(t.words, opts_.await_formatted ? 0 : captions_done_,
                 t.words.size(), t.speaker_label, &u.captions,
                 &caption_speaker_, &captions_until_);
    }
    words_done_ = captions_done_ = t.words.size();
    u.words.push_back(end_of_turn_item());
    u.captions.push_back(end_of_turn_item());
  }
  reset_turn();
  return u;
}

TurnTracker::Settled TurnTracker::settled() const
{
  Settled s;
  s.words = s.captions = ended_at_;
  if (last_ && !ended_ && !last_->words.empty()) {
    const std::vector<Word> &w = last_->words;
    auto next = [&](size_t done) {
      return done < w.size() ? w[done].start_ms : w.back().end_ms;
    };
    s.words = next(words_done_);
    s.captions = next(captions_done_);
  }
  if (held_ && !held_->words.empty())
    s.captions = held_->words.front().start_ms;
  return s;
}

TextUpdate TurnTracker::abandon()
{
  TextUpdate u;
  release_held(&u);
  reset_turn();
  return u;
}

void TurnTracker::reset_turn()
{
  /* The next session counts turns from 0 again; the speaker and language
   * carry over so a reconnect does not look like a change. */
  order_ = -1;
  ended_ = false;
  words_done_ = captions_done_ = 0;
  utterance_.clear();
  last_.reset();
}

}  // namespace aai
