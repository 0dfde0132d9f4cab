/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Server frame parsing and client control messages (docs/protocol.md,
 * Server messages and Client messages).
 *
 * Choices where the protocol doc leaves room (all covered by test_protocol):
 * - Optional fields that are present as JSON null count as absent (the
 *   Python SDK models them as Optional[...] = None); a required field that is
 *   null is a type error.
 * - Integer fields accept only JSON integers, except the two Termination
 *   durations, which also accept integral-valued numbers such as 13.0 (some
 *   serialisers write every number as a float); 13.5 is an error there.
 * - Word start/end and SpeechStarted timestamp are positions on the audio
 *   clock and must not be negative. A word with end < start is accepted: it
 *   is odd but harmless, and rejecting it would drop the whole Turn.
 * - A "\u0000" escape inside a string truncates that string at the NUL
 *   (json-glib hands out C strings); a raw NUL byte in the frame is an error.
 * - A lone surrogate escape ("\ud800" without its pair) is an error:
 *   json-glib would hand it out as invalid UTF-8, or swallow the character
 *   after it (see lexical_guard).
 */
#include "protocol.h"

#include <json-glib/json-glib.h>

#include <climits>
#include <cmath>
#include <cstring>
#include <functional>
#include <utility>

namespace aai
{

namespace
{

/* Deeper input makes json-glib's recursive parser (and json_node_unref)
 * overflow the stack: 100000 nested arrays crash json-glib 1.6.6. Real
 * frames nest at most ~5 levels (SpeakerRevision > revisions > [] > words >
 * word); LLMGatewayResponse "data" is free-form, hence the generous limit. */
constexpr int kMaxDepth = 512;

/* The code unit of the "\uXXXX" escape at @i, or -1 if there is none. */
long unicode_escape(const char *data, size_t len, size_t i)
{
  if (i + 6 > len || data[i] != '\\' || data[i + 1] != 'u')
    return -1;
  long v = 0;
  for (size_t k = i + 2; k < i + 6; k++) {
    if (!g_ascii_isxdigit(data[k]))
      return -1;
    v = v * 16 + g_ascii_xdigit_value(data[k]);
  }
  return v;
}

/* json-glib 1.6.6 silently wraps integer literals beyond int64 (e.g.
 * 99999999999999999999 parses as -1, 9223372036854775808 as INT64_MIN), so
 * the value it returns cannot tell us the literal was out of range. It also
 * accepts non-JSON syntax from GScanner (comments, single-quoted strings,
 * hex numbers) that would hide such literals or brackets from us, and reads
 * some numbers with another value (010 is octal 8). This pass over the raw
 * text rejects those cases, any number outside JSON's grammar and over-deep
 * nesting before json-glib sees the frame. It is a guard, not a parser:
 * everything else (syntax errors, truncation, value types) is left to
 * json-glib. */
bool lexical_guard(const char *data, size_t len, std::string &err)
{
  int depth = 0;
  bool root_closed = false;
  size_t i = 0;
  while (i < len) {
    const char c = data[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      i++;
      continue;
    }
    if (root_closed) {
      err = "frame has data after the JSON value";
      return false;
    }
    if (c == '"') {
      /* Skip the string; a backslash escapes the next byte. An unterminated
       * string runs to the end and json-glib reports it. */
      i++;
      while (i < len && data[i] != '"') {
        if (data[i] == '\\' && i + 1 < len && data[i + 1] == 'u') {
          /* json-glib takes "\ud" with fewer than four hex digits, and a
           * high surrogate without its low half, by swallowing what
           * follows, a closing quote included: the guard would lose track
           * of where strings end. */
          const long cp = unicode_escape(data, len, i);
          if (cp < 0) {
            err = "frame is not valid JSON (incomplete \\u escape)";
            return false;
          }
          i += 6;
          const bool high = cp >= 0xD800 && cp <= 0xDBFF;
          const long low = high ? unicode_escape(data, len, i) : -1;
          if ((cp >= 0xD800 && cp <= 0xDFFF) &&
              !(high && low >= 0xDC00 && low <= 0xDFFF)) {
            err = "frame is not valid JSON (lone surrogate escape)";
            return false;
          }
          if (high)
            i += 6;
          continue;
        }
        if (data[i] == '\\' && i + 1 < len &&
            std::strchr("\"\\/bfnrt", data[i + 1]) == nullptr) {
          /* Only JSON's escapes: GScanner also decodes \NNN octal escapes,
           * to any byte (not UTF-8), and takes \q as q. */
          err = "frame is not valid JSON (invalid escape in a string)";
          return false;
        }
        i += (data[i] == '\\') ? 2 : 1;
      }
      i++;
      continue;
    }
    if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) {
        err = "frame is nested more than " + std::to_string(kMaxDepth) +
              " levels deep";
        return false;
      }
      i++;
      continue;
    }
    if (c == '}' || c == ']') {
      if (--depth == 0)
        root_closed = true;
      else if (depth < 0)
        return true; /* unbalanced: json-glib gives the better message */
      i++;
      continue;
    }
    if (c == '/' || c == '\'' || c == '.' || c == '$') {
      err = std::string("frame is not valid JSON (unexpected '") + c + "')";
      return false;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      /* JSON's number grammar, -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
       * and nothing else: GScanner would read 010 as octal (8), 0b11 as
       * binary, 0x1f and $1f as hexadecimal (wrapping beyond 64 bits), .5
       * and 5. as floats. */
      const bool negative = (c == '-');
      size_t j = negative ? i + 1 : i;
      const size_t int_start = j;
      uint64_t mag = 0;
      bool overflow = false;
      for (; j < len && data[j] >= '0' && data[j] <= '9'; j++) {
        const unsigned d = static_cast<unsigned>(data[j] - '0');
        if (mag > (UINT64_MAX - d) / 10)
          overflow = true;
        else
          mag = mag * 10 + d;
      }
      auto at = [&](size_t k) { return k < len ? data[k] : '\0'; };
      auto digits = [&]() {
        const size_t from = j;
        while (j < len && g_ascii_isdigit(data[j]))
          j++;
        return j > from;
      };
      if (at(j) == 'x' || at(j) == 'X' || at(j) == '$') {
        err = "frame is not valid JSON (hexadecimal number)";
        return false;
      }
      bool ok = j > int_start && !(j - int_start > 1 && data[int_start] == '0');
      bool is_float = false;
      if (ok && at(j) == '.') {
        is_float = true;
        j++;
        ok = digits();
      }
      if (ok && (at(j) == 'e' || at(j) == 'E')) {
        is_float = true;
        j++;
        if (at(j) == '+' || at(j) == '-')
          j++;
        ok = digits();
      }
      if (!ok || g_ascii_isalnum(at(j)) || at(j) == '.') {
        err = "frame is not valid JSON (malformed number)";
        return false;
      }
      const uint64_t limit =
          negative ? static_cast<uint64_t>(INT64_MAX) + 1 : INT64_MAX;
      if (!is_float && (overflow || mag > limit)) {
        err = "frame contains an integer outside the 64-bit range";
        return false;
      }
      i = j;
      continue;
    }
    i++; /* letters of true/false/null, ':' and ',' */
  }
  return true;
}

/* Looks up a member; nullptr when absent or JSON null (see file comment). */
JsonNode *member(JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member(o, name);
  if (n == nullptr || JSON_NODE_HOLDS_NULL(n))
    return nullptr;
  return n;
}

bool holds_value_of(JsonNode *n, GType t)
{
  return JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == t;
}

/* Each reader returns false with `err` set when the member is present with
 * a wrong type or value, true otherwise; `present` says whether it was set.
 * `path` is the field's name in error messages, e.g. "Turn.words[2].start". */
class Reader
{
 public:
  Reader(JsonObject *o, std::string prefix, std::string &err)
      : o_(o), prefix_(std::move(prefix)), err_(err)
  {
  }

  bool string(const char *name, std::optional<std::string> &out)
  {
    JsonNode *n = member(o_, name);
    if (n == nullptr)
      return true;
    if (!holds_value_of(n, G_TYPE_STRING))
      return fail(name, "is not a string");
    out = json_node_get_string(n);
    return true;
  }

  bool boolean(const char *name, std::optional<bool> &out)
  {
    JsonNode *n = member(o_, name);
    if (n == nullptr)
      return true;
    if (!holds_value_of(n, G_TYPE_BOOLEAN))
      return fail(name, "is not a boolean");
    out = json_node_get_boolean(n) != FALSE;
    return true;
  }

  /* Any JSON number; must be finite (1e400 parses as infinity). */
  bool number(const char *name, std::optional<double> &out)
  {
    JsonNode *n = member(o_, name);
    if (n == nullptr)
      return true;
    if (holds_value_of(n, G_TYPE_INT64)) {
      out = static_cast<double>(json_node_get_int(n));
      return true;
    }
    if (!holds_value_of(n, G_TYPE_DOUBLE))
      return fail(name, "is not a number");
    const double d = json_node_get_double(n);
    if (!std::isfinite(d))
      return fail(name, "is not a finite number");
    out = d;
    return true;
  }

  /* A JSON integer (the lexical guard has already rejected literals that
   * do not fit int64). With allow_integral_float, 13.0 is accepted too. */
  bool integer(const char *name,
               std::optional<int64_t> &out,
               bool allow_integral_float = false)
  {
    JsonNode *n = member(o_, name);
    if (n == nullptr)
      return true;
    if (holds_value_of(n, G_TYPE_INT64)) {
      out = json_node_get_int(n);
      return true;
    }
    if (!allow_integral_float || !holds_value_of(n, G_TYPE_DOUBLE))
      return fail(name, "is not an integer");
    const double d = json_node_get_double(n);
    if (!std::isfinite(d) || d != std::trunc(d))
      return fail(name, "is not an integer");
    /* [-2^63, 2^63): both bounds are exact doubles. */
    if (d < -9223372036854775808.0 || d >= 9223372036854775808.0)
      return fail(name, "is out of range");
    out = static_cast<int64_t>(d);
    return true;
  }

  bool int32(const char *name, std::optional<int> &out)
  {
    std::optional<int64_t> v;
    if (!integer(name, v))
      return false;
    if (v && (*v < INT_MIN || *v > INT_MAX))
      return fail(name, "is out of range");
    if (v)
      out = static_cast<int>(*v);
    return true;
  }

  bool missing(const char *name) { return fail(name, "is missing"); }

  bool fail(const char *name, const char *what)
  {
    err_ = prefix_ + "." + name + " " + what;
    return false;
  }

  const std::string &prefix() const { return prefix_; }

 private:
  JsonObject *o_;
  std::string prefix_;
  std::string &err_;
};

/* Reads a required member through `read`, reporting "is missing" if it is
 * absent (or null). */
template <typename T, typename F>
bool required(Reader &r, const char *name, T &out, F read)
{
  std::optional<T> v;
  if (!read(name, v))
    return false;
  if (!v)
    return r.missing(name);
  out = std::move(*v);
  return true;
}

bool parse_begin(JsonObject *o, BeginEvent &ev, std::string &err)
{
  Reader r(o, "Begin", err);
  std::optional<int64_t> expires;
  if (!required(r, "id", ev.id,
                [&](const char *n, std::optional<std::string> &v) {
                  return r.string(n, v);
                }) ||
      !r.integer("expires_at", expires))
    return false;
  ev.expires_at = expires.value_or(0);

  JsonNode *cfg = member(o, "configuration");
  if (cfg == nullptr)
    return true;
  if (!JSON_NODE_HOLDS_OBJECT(cfg))
    return r.fail("configuration", "is not an object");
  ev.has_configuration = true;
  Reader c(json_node_get_object(cfg), "Begin.configuration", err);
  return c.string("model", ev.model) && c.string("mode", ev.mode) &&
         c.string("api_version", ev.api_version);
}

bool parse_word(JsonObject *o,
                const std::string &prefix,
                Word &w,
                std::string &err)
{
  Reader r(o, prefix, err);
  auto str = [&](const char *n, std::optional<std::string> &v) {
    return r.string(n, v);
  };
  auto integer = [&](const char *n, std::optional<int64_t> &v) {
    return r.integer(n, v);
  };
  std::optional<double> confidence;
  std::optional<bool> is_final;
  if (!required(r, "text", w.text, str) ||
      !required(r, "start", w.start_ms, integer) ||
      !required(r, "end", w.end_ms, integer) ||
      !r.number("confidence", confidence) ||
      !r.boolean("word_is_final", is_final) || !r.string("speaker", w.speaker))
    return false;
  if (w.start_ms < 0)
    return r.fail("start", "is negative");
  if (w.end_ms < 0)
    return r.fail("end", "is negative");
  w.confidence = confidence.value_or(0.0);
  w.is_final = is_final.value_or(false);
  return true;
}

bool parse_turn(JsonObject *o, TurnEvent &ev, std::string &err)
{
  Reader r(o, "Turn", err);
  std::optional<std::string> transcript;
  std::optional<bool> formatted;
  std::optional<double> eot_conf;
  if (!required(r, "turn_order", ev.turn_order,
                [&](const char *n, std::optional<int64_t> &v) {
                  return r.integer(n, v);
                }) ||
      !required(r, "end_of_turn", ev.end_of_turn,
                [&](const char *n, std::optional<bool> &v) {
                  return r.boolean(n, v);
                }) ||
      !r.string("transcript", transcript) ||
      !r.boolean("turn_is_formatted", formatted) ||
      !r.number("end_of_turn_confidence", eot_conf) ||
      !r.string("utterance", ev.utterance) ||
      !r.string("language_code", ev.language_code) ||
      !r.number("language_confidence", ev.language_confidence) ||
      !r.string("speaker_label", ev.speaker_label))
    return false;
  /* A turn index: a negative one or one beyond 32 bits (the range of the
   * turn-order message field) cannot be a real turn. */
  if (ev.turn_order < 0 || ev.turn_order > G_MAXINT32)
    return r.fail("turn_order", "is out of range (0..2147483647)");
  ev.transcript = transcript.value_or("");
  ev.turn_is_formatted = formatted.value_or(false);
  ev.end_of_turn_confidence = eot_conf.value_or(0.0);

  JsonNode *words = member(o, "words");
  if (words == nullptr)
    return true;
  if (!JSON_NODE_HOLDS_ARRAY(words))
    return r.fail("words", "is not an array");
  JsonArray *arr = json_node_get_array(words);
  const guint n = json_array_get_length(arr);
  ev.words.reserve(n);
  for (guint i = 0; i < n; i++) {
    const std::string prefix = "Turn.words[" + std::to_string(i) + "]";
    JsonNode *wn = json_array_get_element(arr, i);
    if (!JSON_NODE_HOLDS_OBJECT(wn)) {
      err = prefix + " is not an object";
      return false;
    }
    Word w;
    if (!parse_word(json_node_get_object(wn), prefix, w, err))
      return false;
    ev.words.push_back(std::move(w));
  }
  return true;
}

bool parse_speech_started(JsonObject *o,
                          SpeechStartedEvent &ev,
                          std::string &err)
{
  Reader r(o, "SpeechStarted", err);
  if (!required(r, "timestamp", ev.timestamp_ms,
                [&](const char *n, std::optional<int64_t> &v) {
                  return r.integer(n, v);
                }) ||
      !r.number("confidence", ev.confidence))
    return false;
  if (ev.timestamp_ms < 0)
    return r.fail("timestamp", "is negative");
  return true;
}

bool parse_termination(JsonObject *o, TerminationEvent &ev, std::string &err)
{
  Reader r(o, "Termination", err);
  return r.integer("audio_duration_seconds", ev.audio_duration_seconds, true) &&
         r.integer("session_duration_seconds", ev.session_duration_seconds,
                   true);
}

bool parse_error(JsonObject *o,
                 const char *prefix,
                 ErrorEvent &ev,
                 std::string &err)
{
  Reader r(o, prefix, err);
  return required(r, "error", ev.error,
                  [&](const char *n, std::optional<std::string> &v) {
                    return r.string(n, v);
                  }) &&
         r.int32("error_code", ev.error_code);
}

bool parse_warning(JsonObject *o, WarningEvent &ev, std::string &err)
{
  Reader r(o, "Warning", err);
  return required(r, "warning", ev.warning,
                  [&](const char *n, std::optional<std::string> &v) {
                    return r.string(n, v);
                  }) &&
         r.int32("warning_code", ev.warning_code);
}

template <typename Ev, typename F>
ParseResult run(F parse)
{
  ParseResult res;
  Ev ev;
  if (parse(ev, res.error))
    res.event = std::move(ev);
  return res;
}

ParseResult error_result(std::string msg)
{
  ParseResult res;
  res.error = std::move(msg);
  return res;
}

ParseResult parse_object(JsonObject *o)
{
  JsonNode *type_node = json_object_get_member(o, "type");
  if (type_node == nullptr) {
    /* Legacy shape accepted by both SDKs: {"error": "..."}. */
    JsonNode *e = json_object_get_member(o, "error");
    if (e != nullptr && holds_value_of(e, G_TYPE_STRING)) {
      return run<ErrorEvent>([&](ErrorEvent &ev, std::string &err) {
        ev.has_type = false;
        return parse_error(o, "Error", ev, err);
      });
    }
    return error_result("frame has no \"type\"");
  }
  if (!holds_value_of(type_node, G_TYPE_STRING))
    return error_result("frame \"type\" is not a string");

  const std::string type = json_node_get_string(type_node);
  if (type == "Begin")
    return run<BeginEvent>([&](BeginEvent &ev, std::string &err) {
      return parse_begin(o, ev, err);
    });
  if (type == "Turn")
    return run<TurnEvent>([&](TurnEvent &ev, std::string &err) {
      return parse_turn(o, ev, err);
    });
  if (type == "SpeechStarted")
    return run<SpeechStartedEvent>(
        [&](SpeechStartedEvent &ev, std::string &err) {
          return parse_speech_started(o, ev, err);
        });
  if (type == "Termination")
    return run<TerminationEvent>([&](TerminationEvent &ev, std::string &err) {
      return parse_termination(o, ev, err);
    });
  if (type == "Error")
    return run<ErrorEvent>([&](ErrorEvent &ev, std::string &err) {
      return parse_error(o, "Error", ev, err);
    });
  if (type == "Warning")
    return run<WarningEvent>([&](WarningEvent &ev, std::string &err) {
      return parse_warning(o, ev, err);
    });
  ParseResult res;
  res.event = UnknownEvent{type};
  return res;
}

std::string type_message(const char *type)
{
  JsonBuilder *b = json_builder_new_immutable();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "type");
  json_builder_add_string_value(b, type);
  json_builder_end_object(b);
  JsonNode *root = json_builder_get_root(b);
  JsonGenerator *gen = json_generator_new();
  json_generator_set_pretty(gen, FALSE);
  json_generator_set_root(gen, root);
  gchar *text = json_generator_to_data(gen, nullptr);
  std::string out(text);
  g_free(text);
  g_object_unref(gen);
  json_node_unref(root);
  g_object_unref(b);
  return out;
}

}  // namespace

std::string read_json_object(const char *data,
                             size_t len,
                             const std::function<void(JsonObject *)> &read)
{
  if (data == nullptr || len == 0)
    return "frame is empty";
  /* g_utf8_validate() also stops at a NUL; name that case on its own. */
  if (memchr(data, '\0', len) != nullptr)
    return "frame contains a NUL byte";
  if (len > static_cast<size_t>(G_MAXSSIZE) ||
      !g_utf8_validate(data, static_cast<gssize>(len), nullptr))
    return "frame is not valid UTF-8";

  std::string err;
  if (!lexical_guard(data, len, err))
    return err;

  JsonParser *parser = json_parser_new_immutable();
  GError *gerr = nullptr;
  if (!json_parser_load_from_data(parser, data, static_cast<gssize>(len),
                                  &gerr)) {
    /* json-glib quotes the offending token cut at a byte count, possibly
     * inside a UTF-8 sequence; the error ends up in a GStreamer message. */
    gchar *msg = g_utf8_make_valid(
        gerr != nullptr ? gerr->message : "unknown error", -1);
    err = std::string("frame is not valid JSON: ") + msg;
    g_free(msg);
    g_clear_error(&gerr);
  } else {
    JsonNode *root = json_parser_get_root(parser);
    if (root == nullptr)
      err = "frame is empty"; /* only whitespace */
    else if (!JSON_NODE_HOLDS_OBJECT(root))
      err = "frame is not a JSON object";
    else
      read(json_node_get_object(root));
  }
  g_object_unref(parser);
  return err;
}

ParseResult parse_server_frame(const char *data, size_t len)
{
  ParseResult res;
  std::string err = read_json_object(
      data, len, [&res](JsonObject *o) { res = parse_object(o); });
  if (!err.empty())
    res.error = std::move(err);
  return res;
}

std::string terminate_message()
{
  return type_message("Terminate");
}

std::string force_endpoint_message()
{
  return type_message("ForceEndpoint");
}

std::string keep_alive_message()
{
  return type_message("KeepAlive");
}

}  // namespace aai
