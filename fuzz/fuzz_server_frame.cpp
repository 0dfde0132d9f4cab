/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* libFuzzer target for aai::parse_server_frame() (core/protocol.h). The
 * input is one text frame as the server would send it. Besides "never
 * crashes" (ASan/UBSan in the fuzz build), it checks the contracts of
 * protocol.h and abort()s on a violation so that libFuzzer keeps the input:
 *
 * - exactly one of event / error is set, and the error is UTF-8 text;
 * - empty input, a NUL byte, invalid UTF-8, a root that is not an object,
 *   or anything outside RFC 8259's grammar (but raw control characters in
 *   strings, see StrictJson) is never accepted;
 * - an event holds only NUL-free UTF-8 strings, finite numbers, and no
 *   negative position on the audio clock; an UnknownEvent never carries a
 *   type that has its own event;
 * - parsing is deterministic, and an accepted event written back as JSON
 *   parses to the same event (nothing is lost or invented). */
#include <glib.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "fuzz_frame_contract.h"
#include "protocol.h"

using namespace aai;
using fuzz_frame::clean_text;

const char *const fuzz_frame::target = "fuzz-server-frame";

namespace
{

/* ---- strict RFC 8259 validator (independent of json-glib) ------------- */

class StrictJson
{
 public:
  StrictJson(const char *p, size_t n) : p_(p), n_(n) {}

  /* True when the whole input is one JSON value with optional whitespace
   * around it. */
  bool valid()
  {
    ws();
    if (!value(0))
      return false;
    ws();
    return i_ == n_;
  }

 private:
  bool eof() const { return i_ >= n_; }
  char peek() const { return eof() ? '\0' : p_[i_]; }

  void ws()
  {
    while (!eof() && (p_[i_] == ' ' || p_[i_] == '\t' || p_[i_] == '\n' ||
                      p_[i_] == '\r'))
      i_++;
  }

  bool lit(const char *word)
  {
    const size_t len = std::strlen(word);
    if (n_ - i_ < len || std::memcmp(p_ + i_, word, len) != 0)
      return false;
    i_ += len;
    return true;
  }

  bool digits()
  {
    if (eof() || !g_ascii_isdigit(p_[i_]))
      return false;
    while (!eof() && g_ascii_isdigit(p_[i_]))
      i_++;
    return true;
  }

  bool number()
  {
    if (peek() == '-')
      i_++;
    if (peek() == '0')
      i_++;
    else if (!digits())
      return false;
    if (peek() == '.') {
      i_++;
      if (!digits())
        return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      i_++;
      if (peek() == '+' || peek() == '-')
        i_++;
      if (!digits())
        return false;
    }
    return true;
  }

  /* Strings as RFC 8259 has them, except that raw control characters are
   * let through: json-glib takes them as they are, which changes nothing
   * (the server escapes them anyway). */
  bool string()
  {
    i_++; /* opening quote */
    while (!eof()) {
      const char c = p_[i_];
      if (c == '"') {
        i_++;
        return true;
      }
      if (c != '\\') {
        i_++;
        continue;
      }
      if (i_ + 1 >= n_)
        return false;
      const char e = p_[i_ + 1];
      if (e == 'u') {
        for (size_t k = i_ + 2; k < i_ + 6; k++)
          if (k >= n_ || !g_ascii_isxdigit(p_[k]))
            return false;
        i_ += 6;
        continue;
      }
      if (e == '\0' || std::strchr("\"\\/bfnrt", e) == nullptr)
        return false;
      i_ += 2;
    }
    return false;
  }

  bool value(int depth)
  {
    if (depth > 1000)
      return false;
    const char c = peek();
    if (c == '{') {
      i_++;
      ws();
      if (peek() == '}') {
        i_++;
        return true;
      }
      for (;;) {
        ws();
        if (peek() != '"' || !string())
          return false;
        ws();
        if (peek() != ':')
          return false;
        i_++;
        ws();
        if (!value(depth + 1))
          return false;
        ws();
        if (peek() == ',') {
          i_++;
          continue;
        }
        if (peek() == '}') {
          i_++;
          return true;
        }
        return false;
      }
    }
    if (c == '[') {
      i_++;
      ws();
      if (peek() == ']') {
        i_++;
        return true;
      }
      for (;;) {
        ws();
        if (!value(depth + 1))
          return false;
        ws();
        if (peek() == ',') {
          i_++;
          continue;
        }
        if (peek() == ']') {
          i_++;
          return true;
        }
        return false;
      }
    }
    if (c == '"')
      return string();
    if (c == '-' || g_ascii_isdigit(c))
      return number();
    return lit("true") || lit("false") || lit("null");
  }

  const char *p_;
  size_t n_;
  size_t i_ = 0;
};

/* ---- event checks ------------------------------------------------------ */

void check_string(const char *field, const std::string &s)
{
  CHECK(clean_text(s), std::string(field) + " is not NUL-free UTF-8");
}

void check_string(const char *field, const std::optional<std::string> &s)
{
  if (s)
    check_string(field, *s);
}

void check_number(const char *field, double d)
{
  CHECK(std::isfinite(d), std::string(field) + " is not finite");
}

void check_number(const char *field, const std::optional<double> &d)
{
  if (d)
    check_number(field, *d);
}

void check_event(const ServerEvent &ev)
{
  if (auto *b = std::get_if<BeginEvent>(&ev)) {
    check_string("Begin.id", b->id);
    check_string("Begin.configuration.model", b->model);
    check_string("Begin.configuration.mode", b->mode);
    check_string("Begin.configuration.api_version", b->api_version);
    CHECK(b->has_configuration || (!b->model && !b->mode && !b->api_version),
          "configuration members without a configuration");
  } else if (auto *t = std::get_if<TurnEvent>(&ev)) {
    check_string("Turn.transcript", t->transcript);
    check_string("Turn.utterance", t->utterance);
    check_string("Turn.language_code", t->language_code);
    check_string("Turn.speaker_label", t->speaker_label);
    check_number("Turn.end_of_turn_confidence", t->end_of_turn_confidence);
    check_number("Turn.language_confidence", t->language_confidence);
    for (const Word &w : t->words) {
      check_string("Word.text", w.text);
      check_string("Word.speaker", w.speaker);
      check_number("Word.confidence", w.confidence);
      CHECK(w.start_ms >= 0, "Word.start is negative");
      CHECK(w.end_ms >= 0, "Word.end is negative");
    }
  } else if (auto *s = std::get_if<SpeechStartedEvent>(&ev)) {
    CHECK(s->timestamp_ms >= 0, "SpeechStarted.timestamp is negative");
    check_number("SpeechStarted.confidence", s->confidence);
  } else if (auto *e = std::get_if<ErrorEvent>(&ev)) {
    check_string("Error.error", e->error);
  } else if (auto *w = std::get_if<WarningEvent>(&ev)) {
    check_string("Warning.warning", w->warning);
  } else if (auto *u = std::get_if<UnknownEvent>(&ev)) {
    check_string("UnknownEvent.type", u->type);
    for (const char *known :
         {"Begin", "Turn", "SpeechStarted", "Termination", "Error", "Warning"})
      CHECK(u->type != known, "UnknownEvent for the modeled type " + u->type);
  }
}

/* ---- event -> JSON, to parse back --------------------------------------- */

/* Written by hand rather than with JsonGenerator: json-glib 1.6 prints
 * some doubles as invalid JSON (1e-25 as "1e-25.0"). */
class Writer
{
 public:
  std::string text() const { return out_ + "}"; }

  void str(const char *name, const std::string &v)
  {
    key(name);
    quote(v);
  }
  void str(const char *name, const std::optional<std::string> &v)
  {
    if (v)
      str(name, *v);
  }
  void num(const char *name, int64_t v)
  {
    key(name);
    out_ += std::to_string(v);
  }
  void dbl(const char *name, double v)
  {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    key(name);
    /* Exact (%.17g); -0 as 0, the same number for the parser. */
    out_ += g_ascii_dtostr(buf, sizeof buf, v + 0.0);
  }
  void boolean(const char *name, bool v)
  {
    key(name);
    out_ += v ? "true" : "false";
  }
  /* Nested object or array: opened with begin(name, '{' or '['). */
  void begin(const char *name, char bracket)
  {
    if (name != nullptr)
      key(name);
    else
      sep();
    out_ += bracket;
    first_ = true;
  }
  void end(char bracket)
  {
    out_ += bracket;
    first_ = false;
  }

 private:
  void sep()
  {
    if (!first_)
      out_ += ',';
    first_ = false;
  }
  void key(const char *name)
  {
    sep();
    quote(name);
    out_ += ':';
  }
  void quote(const std::string &v)
  {
    out_ += '"';
    for (unsigned char c : v) {
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += static_cast<char>(c);
      } else if (c < 0x20) {
        char esc[8];
        g_snprintf(esc, sizeof esc, "\\u%04x", c);
        out_ += esc;
      } else {
        out_ += static_cast<char>(c);
      }
    }
    out_ += '"';
  }

  std::string out_ = "{";
  bool first_ = true;
};

std::string to_json(const ServerEvent &ev)
{
  Writer w;
  if (auto *b = std::get_if<BeginEvent>(&ev)) {
    w.str("type", std::string("Begin"));
    w.str("id", b->id);
    w.num("expires_at", b->expires_at);
    if (b->has_configuration) {
      w.begin("configuration", '{');
      w.str("model", b->model);
      w.str("mode", b->mode);
      w.str("api_version", b->api_version);
      w.end('}');
    }
  } else if (auto *t = std::get_if<TurnEvent>(&ev)) {
    w.str("type", std::string("Turn"));
    w.num("turn_order", t->turn_order);
    w.boolean("turn_is_formatted", t->turn_is_formatted);
    w.boolean("end_of_turn", t->end_of_turn);
    w.str("transcript", t->transcript);
    w.str("utterance", t->utterance);
    w.dbl("end_of_turn_confidence", t->end_of_turn_confidence);
    w.str("language_code", t->language_code);
    if (t->language_confidence)
      w.dbl("language_confidence", *t->language_confidence);
    w.str("speaker_label", t->speaker_label);
    w.begin("words", '[');
    for (const Word &wd : t->words) {
      w.begin(nullptr, '{');
      w.str("text", wd.text);
      w.num("start", wd.start_ms);
      w.num("end", wd.end_ms);
      w.dbl("confidence", wd.confidence);
      w.boolean("word_is_final", wd.is_final);
      w.str("speaker", wd.speaker);
      w.end('}');
    }
    w.end(']');
  } else if (auto *s = std::get_if<SpeechStartedEvent>(&ev)) {
    w.str("type", std::string("SpeechStarted"));
    w.num("timestamp", s->timestamp_ms);
    if (s->confidence)
      w.dbl("confidence", *s->confidence);
  } else if (auto *te = std::get_if<TerminationEvent>(&ev)) {
    w.str("type", std::string("Termination"));
    if (te->audio_duration_seconds)
      w.num("audio_duration_seconds", *te->audio_duration_seconds);
    if (te->session_duration_seconds)
      w.num("session_duration_seconds", *te->session_duration_seconds);
  } else if (auto *e = std::get_if<ErrorEvent>(&ev)) {
    if (e->has_type)
      w.str("type", std::string("Error"));
    w.str("error", e->error);
    if (e->error_code)
      w.num("error_code", *e->error_code);
  } else if (auto *wa = std::get_if<WarningEvent>(&ev)) {
    w.str("type", std::string("Warning"));
    w.str("warning", wa->warning);
    if (wa->warning_code)
      w.num("warning_code", *wa->warning_code);
  } else if (auto *u = std::get_if<UnknownEvent>(&ev)) {
    w.str("type", u->type);
  }
  return w.text();
}

/* A canonical text of an event for comparisons: its alternative and its
 * JSON, which prints every double exactly. */
std::string canonical(const ServerEvent &ev)
{
  return std::to_string(ev.index()) + ":" + to_json(ev);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *frame = reinterpret_cast<const char *>(data);
  fuzz_frame::input = {frame, size};

  ParseResult r = parse_server_frame(frame, size);

  /* Exactly one of event / error; errors are text a user can be shown. */
  CHECK(r.event.has_value() != !r.error.empty(),
        "event and error both set or both unset: error=\"" + r.error + "\"");
  if (!r.event) {
    CHECK(clean_text(r.error), "error text is not NUL-free UTF-8");
    /* Deterministic: the same frame fails the same way. */
    ParseResult again = parse_server_frame(frame, size);
    CHECK(!again.event && again.error == r.error,
          "second parse differs: " + again.error);
    return 0;
  }

  /* What must never be accepted. */
  CHECK(size > 0, "empty frame accepted");
  CHECK(std::memchr(frame, '\0', size) == nullptr, "NUL byte accepted");
  CHECK(g_utf8_validate(frame, static_cast<gssize>(size), nullptr),
        "invalid UTF-8 accepted");
  size_t first = 0;
  while (first < size && std::strchr(" \t\r\n", frame[first]) != nullptr)
    first++;
  CHECK(first < size && frame[first] == '{', "non-object root accepted");
  CHECK(StrictJson(frame, size).valid(), "frame that is not JSON accepted");

  check_event(*r.event);

  const std::string canon = canonical(*r.event);
  ParseResult again = parse_server_frame(frame, size);
  CHECK(again.event && canonical(*again.event) == canon,
        "second parse differs: " + again.error);

  /* Written back as JSON, the event must parse to itself. */
  const std::string json = to_json(*r.event);
  ParseResult back = parse_server_frame(json.data(), json.size());
  CHECK(back.event.has_value(),
        "re-serialised event rejected: " + back.error + " json=" + json);
  CHECK(canonical(*back.event) == canon,
        "re-serialised event differs: " + canon + " vs " +
            canonical(*back.event));
  return 0;
}
