/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Settings -> connection URL, validation, and UpdateConfiguration diffs
 * (docs/protocol.md, Endpoint and query parameters; Client messages). All
 * URL work goes through GLib's g_uri_* functions and all JSON through
 * json-glib, so escaping and quoting are never done by hand. */
#include "config.h"
#include "glib_ptr.h"

#include <glib.h>
#include <json-glib/json-glib.h>

#include <cmath>
#include <cstring>
#include <memory>

namespace aai
{

namespace
{

/* What redact_url() returns for anything it cannot parse safely. */
const char kInvalidUrl[] = "<invalid url>";

struct GObjectDeleter {
  void operator()(void *o) const { g_object_unref(o); }
};
template <typename T>
using GObj = std::unique_ptr<T, GObjectDeleter>;

/* The query parameters of a URL, decoded, in their original order
 * (duplicates kept). A GHashTable from g_uri_parse_params would lose both
 * order and duplicates, so the GUriParamsIter form is used. */
using Params = std::vector<std::pair<std::string, std::string>>;

/* Query strings are parsed the way web servers read them
 * (application/x-www-form-urlencoded: '+' is a space). */
constexpr GUriParamsFlags kParamsFlags = G_URI_PARAMS_WWW_FORM;

bool parse_query(const char *query,
                 const char *separators,
                 Params *out,
                 std::string *error)
{
  if (query == nullptr || *query == '\0')
    return true;
  GUriParamsIter iter;
  g_uri_params_iter_init(&iter, query, -1, separators, kParamsFlags);
  GError *err = nullptr;
  char *name = nullptr;
  char *value = nullptr;
  while (g_uri_params_iter_next(&iter, &name, &value, &err)) {
    GStr n(name), v(value);
    out->emplace_back(n.get(), v ? v.get() : "");
  }
  if (err != nullptr) {
    if (error != nullptr)
      *error = err->message;
    g_error_free(err);
    return false;
  }
  return true;
}

/* Percent-encodes one query name or value. Only RFC 3986 "unreserved"
 * characters stay literal, so '&', '=', '+', '#' and non-ASCII bytes in a
 * value can never change how the query is split. */
std::string escape_component(const std::string &s)
{
  GStr e(g_uri_escape_string(s.c_str(), nullptr, FALSE));
  return e.get();
}

std::string join_query(const Params &params)
{
  std::string q;
  for (const auto &p : params) {
    if (!q.empty())
      q += '&';
    q += escape_component(p.first);
    q += '=';
    q += escape_component(p.second);
  }
  return q;
}

/* Shortest decimal form that reads back as the same double, independent of
 * the C locale (g_ascii_formatd always uses '.'). 0.7 becomes "0.7", not
 * "0.69999999999999996" as %.17g would give. */
std::string format_double(double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int prec = 1; prec <= 17; prec++) {
    char fmt[8];
    g_snprintf(fmt, sizeof fmt, "%%.%dg", prec);
    g_ascii_formatd(buf, sizeof buf, fmt, v);
    if (g_ascii_strtod(buf, nullptr) == v)
      return buf;
  }
  g_ascii_dtostr(buf, sizeof buf, v);
  return buf;
}

const char *bool_str(bool b)
{
  return b ? "true" : "false";
}

/* keyterms_prompt travels as one JSON array string (docs/protocol.md,
 * Endpoint and query parameters), and as an array in UpdateConfiguration. */
std::string json_string_array(const std::vector<std::string> &items)
{
  GObj<JsonBuilder> b(json_builder_new());
  json_builder_begin_array(b.get());
  for (const auto &s : items)
    json_builder_add_string_value(b.get(), s.c_str());
  json_builder_end_array(b.get());
  JsonNode *root = json_builder_get_root(b.get());
  GObj<JsonGenerator> gen(json_generator_new());
  json_generator_set_root(gen.get(), root);
  json_node_unref(root);
  GStr text(json_generator_to_data(gen.get(), nullptr));
  return text.get();
}

/* One JSON string literal, quoted and escaped by json-glib. */
std::string json_string(const std::string &s)
{
  JsonNode *n = json_node_init_string(json_node_alloc(), s.c_str());
  GStr text(json_to_string(n, FALSE));
  json_node_unref(n);
  return text.get();
}

bool utf8_ok(const std::string &s)
{
  /* An explicit length makes embedded NULs invalid, which matters because
   * the string is later handed to C APIs that would silently truncate. */
  return g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr);
}

/* A value quoted for an error message: always printable ASCII, whatever
 * bytes the value holds. */
std::string quoted(const std::string &s)
{
  GStr e(g_strescape(s.c_str(), nullptr));
  std::string r = "\"";
  r += e.get();
  r += '"';
  if (s.size() != std::strlen(s.c_str()))
    r += " (with an embedded NUL)";
  return r;
}

bool same_double(const std::optional<double> &a, const std::optional<double> &b)
{
  if (a.has_value() != b.has_value())
    return false;
  if (!a)
    return true;
  /* NaN never compares equal; two NaNs are still "no change". */
  if (std::isnan(*a) && std::isnan(*b))
    return true;
  return *a == *b;
}

/* Wire names every Settings field maps to, plus the credential; extra
 * params must not collide with them (a second copy on the wire would be
 * ambiguous, and an extra "token" would smuggle a credential into the URL
 * regardless of the auth mode). */
const char *const kKnownNames[] = {
    "speech_model",
    "sample_rate",
    "encoding",
    "format_turns",
    "end_of_turn_confidence_threshold",
    "min_turn_silence",
    "max_turn_silence",
    "vad_threshold",
    "keyterms_prompt",
    "language_detection",
    "inactivity_timeout",
    "speaker_labels",
    "max_speakers",
    "prompt",
    "language",
    "filter_profanity",
    "webhook_url",
    "webhook_auth_header_name",
    "webhook_auth_header_value",
    "token",
};

bool is_known_name(const std::string &n)
{
  for (const char *k : kKnownNames)
    if (n == k)
      return true;
  return false;
}

/* Every set parameter of @s in URL order: speech_model, sample_rate,
 * encoding, then the rest in header order, extra params last. */
Params settings_params(const Settings &s)
{
  Params p;
  if (s.speech_model)
    p.emplace_back("speech_model", *s.speech_model);
  p.emplace_back("sample_rate", std::to_string(s.sample_rate));
  p.emplace_back("encoding", encoding_wire_name(s.encoding));
  if (s.format_turns)
    p.emplace_back("format_turns", bool_str(*s.format_turns));
  if (s.end_of_turn_confidence_threshold)
    p.emplace_back("end_of_turn_confidence_threshold",
                   format_double(*s.end_of_turn_confidence_threshold));
  if (s.min_turn_silence)
    p.emplace_back("min_turn_silence", std::to_string(*s.min_turn_silence));
  if (s.max_turn_silence)
    p.emplace_back("max_turn_silence", std::to_string(*s.max_turn_silence));
  if (s.vad_threshold)
    p.emplace_back("vad_threshold", format_double(*s.vad_threshold));
  if (s.keyterms_prompt)
    p.emplace_back("keyterms_prompt", json_string_array(*s.keyterms_prompt));
  if (s.language_detection)
    p.emplace_back("language_detection", bool_str(*s.language_detection));
  if (s.inactivity_timeout)
    p.emplace_back("inactivity_timeout", std::to_string(*s.inactivity_timeout));
  if (s.speaker_labels)
    p.emplace_back("speaker_labels", bool_str(*s.speaker_labels));
  if (s.max_speakers)
    p.emplace_back("max_speakers", std::to_string(*s.max_speakers));
  if (s.prompt)
    p.emplace_back("prompt", *s.prompt);
  if (s.language)
    p.emplace_back("language", *s.language);
  if (s.filter_profanity)
    p.emplace_back("filter_profanity", bool_str(*s.filter_profanity));
  if (s.webhook_url)
    p.emplace_back("webhook_url", *s.webhook_url);
  if (s.webhook_auth_header_name)
    p.emplace_back("webhook_auth_header_name", *s.webhook_auth_header_name);
  if (s.webhook_auth_header_value)
    p.emplace_back("webhook_auth_header_value", *s.webhook_auth_header_value);
  for (const auto &e : s.extra_params)
    p.push_back(e);
  return p;
}

bool is_ws_scheme(const char *scheme)
{
  return scheme != nullptr && (g_ascii_strcasecmp(scheme, "ws") == 0 ||
                               g_ascii_strcasecmp(scheme, "wss") == 0);
}

/* A host as g_uri_parse() hands it out (percent-decoded, even with
 * G_URI_FLAGS_ENCODED) that g_uri_join() writes back as the same host: an
 * IP address or RFC 3986 reg-name characters. A decoded '/', ':', '@', '?'
 * or '%' would make the joined URL point elsewhere, and GLib ends the
 * userinfo at the first '@', so "user:p@ss@host" has the host "ss@host". */
bool joinable_host(const char *host)
{
  if (std::strchr(host, '%') == nullptr && g_hostname_is_ip_address(host))
    return true;
  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum(*p) && std::strchr("-._~!$&'()*+,;=", *p) == nullptr)
      return false;
  return true;
}

/* RFC 9110 token characters: what an HTTP header name may contain. */
bool is_header_name(const std::string &n)
{
  if (n.empty())
    return false;
  for (unsigned char c : n) {
    if (g_ascii_isalnum(c))
      continue;
    if (std::strchr("!#$%&'*+-.^_`|~", c) == nullptr || c == '\0')
      return false;
  }
  return true;
}

class Problems
{
 public:
  void add(std::string sentence) { list_.push_back(std::move(sentence)); }
  std::string joined() const
  {
    std::string r;
    for (const auto &s : list_) {
      if (!r.empty())
        r += "; ";
      r += s;
    }
    return r;
  }

 private:
  std::vector<std::string> list_;
};

/* "property (wire_name)", the way validation messages name a parameter:
 * the element property a user sets and the query parameter it becomes. */
std::string pname(const char *prop, const char *wire)
{
  return std::string(prop) + " (" + wire + ")";
}

void check_int_range(Problems &p,
                     const char *prop,
                     const char *wire,
                     const std::optional<int> &v,
                     int lo,
                     int hi,
                     const char *unit)
{
  if (v && (*v < lo || *v > hi))
    p.add(pname(prop, wire) + " must be between " + std::to_string(lo) +
          " and " + std::to_string(hi) + unit + ", got " + std::to_string(*v));
}

void check_unit_interval(Problems &p,
                         const char *prop,
                         const char *wire,
                         const std::optional<double> &v)
{
  /* Written so that NaN fails too (every comparison with NaN is false). */
  if (v && !(*v >= 0.0 && *v <= 1.0))
    p.add(pname(prop, wire) + " must be between 0.0 and 1.0, got " +
          format_double(*v));
}

void check_utf8(Problems &p,
                const char *prop,
                const char *wire,
                const std::optional<std::string> &v)
{
  if (v && !utf8_ok(*v))
    p.add(pname(prop, wire) + " must be valid UTF-8 text without NUL bytes");
}

}  // namespace

const char *encoding_wire_name(Encoding e)
{
  switch (e) {
    case Encoding::PcmS16le:
      return "pcm_s16le";
    case Encoding::PcmMulaw:
      return "pcm_mulaw";
  }
  return "pcm_s16le";
}

int encoding_bytes_per_sample(Encoding e)
{
  switch (e) {
    case Encoding::PcmS16le:
      return 2;
    case Encoding::PcmMulaw:
      return 1;
  }
  return 2;
}

bool Settings::operator==(const Settings &o) const
{
  return sample_rate == o.sample_rate && encoding == o.encoding &&
         speech_model == o.speech_model && format_turns == o.format_turns &&
         same_double(end_of_turn_confidence_threshold,
                     o.end_of_turn_confidence_threshold) &&
         min_turn_silence == o.min_turn_silence &&
         max_turn_silence == o.max_turn_silence &&
         same_double(vad_threshold, o.vad_threshold) &&
         keyterms_prompt == o.keyterms_prompt &&
         language_detection == o.language_detection &&
         inactivity_timeout == o.inactivity_timeout &&
         speaker_labels == o.speaker_labels && max_speakers == o.max_speakers &&
         prompt == o.prompt && language == o.language &&
         filter_profanity == o.filter_profanity &&
         webhook_url == o.webhook_url &&
         webhook_auth_header_name == o.webhook_auth_header_name &&
         webhook_auth_header_value == o.webhook_auth_header_value &&
         extra_params == o.extra_params &&
         chunk_duration_ms == o.chunk_duration_ms;
}

std::string validate(const Settings &s)
{
  Problems p;

  if (s.sample_rate < 8000 || s.sample_rate > 48000)
    p.add(
        "sample rate (sample_rate) must be between 8000 and 48000 Hz, "
        "got " +
        std::to_string(s.sample_rate));
  if (s.encoding != Encoding::PcmS16le && s.encoding != Encoding::PcmMulaw)
    p.add("encoding (encoding) must be pcm_s16le or pcm_mulaw");
  if (s.chunk_duration_ms < 50 || s.chunk_duration_ms > 1000)
    p.add(
        "chunk-duration must be between 50 and 1000 ms (the service "
        "rejects audio messages outside that range), got " +
        std::to_string(s.chunk_duration_ms));

  if (s.speech_model) {
    const std::string &m = *s.speech_model;
    bool ok = !m.empty();
    for (unsigned char c : m)
      if (!(g_ascii_islower(c) || g_ascii_isdigit(c) || c == '.' || c == '_' ||
            c == '-'))
        ok = false;
    if (!ok)
      p.add(pname("speech-model", "speech_model") +
            " must be a non-empty model name made of a-z, 0-9, '.', '_' and "
            "'-', got " +
            quoted(m));
  }

  check_unit_interval(p, "end-of-turn-confidence-threshold",
                      "end_of_turn_confidence_threshold",
                      s.end_of_turn_confidence_threshold);
  check_unit_interval(p, "vad-threshold", "vad_threshold", s.vad_threshold);
  check_int_range(p, "min-turn-silence", "min_turn_silence", s.min_turn_silence,
                  0, 60000, " ms");
  check_int_range(p, "max-turn-silence", "max_turn_silence", s.max_turn_silence,
                  0, 60000, " ms");
  if (s.min_turn_silence && s.max_turn_silence &&
      *s.min_turn_silence > *s.max_turn_silence)
    p.add(pname("min-turn-silence", "min_turn_silence") + " (" +
          std::to_string(*s.min_turn_silence) +
          " ms) must not be greater than " +
          pname("max-turn-silence", "max_turn_silence") + " (" +
          std::to_string(*s.max_turn_silence) + " ms)");
  check_int_range(p, "inactivity-timeout", "inactivity_timeout",
                  s.inactivity_timeout, 5, 3600, " s");
  check_int_range(p, "max-speakers", "max_speakers", s.max_speakers, 1, 10, "");
  if (s.max_speakers && !s.speaker_labels.value_or(false))
    p.add(pname("max-speakers", "max_speakers") + " requires " +
          pname("speaker-labels", "speaker_labels") + " to be true");

  if (s.keyterms_prompt) {
    const auto &terms = *s.keyterms_prompt;
    const std::string kp = pname("keyterms", "keyterms_prompt");
    if (terms.size() > 100)
      p.add(kp + " must have at most 100 terms, got " +
            std::to_string(terms.size()));
    for (size_t i = 0; i < terms.size(); i++) {
      const std::string &t = terms[i];
      const std::string which = kp + " term " + std::to_string(i + 1);
      if (t.empty()) {
        p.add(which + " must not be empty");
      } else if (!utf8_ok(t)) {
        p.add(which + " must be valid UTF-8 text without NUL bytes");
      } else {
        glong n = g_utf8_strlen(t.data(), static_cast<gssize>(t.size()));
        if (n > 50)
          p.add(which + " " + quoted(t) + " has " + std::to_string(n) +
                " characters, at most 50 are allowed");
      }
    }
  }

  check_utf8(p, "prompt", "prompt", s.prompt);
  if (s.language && *s.language != "en" && *s.language != "multi")
    p.add(pname("language", "language") + " must be \"en\" or \"multi\", got " +
          quoted(*s.language));

  check_utf8(p, "webhook-url", "webhook_url", s.webhook_url);
  if (s.webhook_url && utf8_ok(*s.webhook_url)) {
    GUri *u = g_uri_parse(s.webhook_url->c_str(), G_URI_FLAGS_ENCODED, nullptr);
    const char *scheme = u ? g_uri_get_scheme(u) : nullptr;
    if (scheme == nullptr || (g_ascii_strcasecmp(scheme, "http") != 0 &&
                              g_ascii_strcasecmp(scheme, "https") != 0))
      p.add(pname("webhook-url", "webhook_url") +
            " must be an absolute http:// or https:// URL, got " +
            quoted(*s.webhook_url));
    if (u)
      g_uri_unref(u);
  }
  if (s.webhook_auth_header_name &&
      !is_header_name(*s.webhook_auth_header_name))
    p.add(pname("webhook-auth-header-name", "webhook_auth_header_name") +
          " must be an HTTP header name, got " +
          quoted(*s.webhook_auth_header_name));
  /* The value is a secret: it is never quoted back. */
  check_utf8(p, "webhook-auth-header-value", "webhook_auth_header_value",
             s.webhook_auth_header_value);
  if (s.webhook_auth_header_name.has_value() !=
      s.webhook_auth_header_value.has_value())
    p.add(pname("webhook-auth-header-name", "webhook_auth_header_name") +
          " and " +
          pname("webhook-auth-header-value", "webhook_auth_header_value") +
          " must be set together");

  /* whisper-rt rejects these (docs/protocol.md, Endpoint and query
   * parameters). */
  if (s.speech_model && *s.speech_model == "whisper-rt") {
    const std::pair<bool, std::string> unsupported[] = {
        {s.keyterms_prompt.has_value(), pname("keyterms", "keyterms_prompt")},
        {s.prompt.has_value(), pname("prompt", "prompt")},
        {s.speaker_labels.has_value(),
         pname("speaker-labels", "speaker_labels")},
        {s.language.has_value(), pname("language", "language")},
    };
    for (const auto &u : unsupported)
      if (u.first)
        p.add(u.second +
              " is not supported by speech-model (speech_model) whisper-rt; "
              "leave it unset");
  }

  for (size_t i = 0; i < s.extra_params.size(); i++) {
    const std::string &n = s.extra_params[i].first;
    const std::string &v = s.extra_params[i].second;
    if (n.empty()) {
      p.add("extra-params entry " + std::to_string(i + 1) +
            " has an empty name");
      continue;
    }
    if (!utf8_ok(n)) {
      p.add("extra-params entry " + std::to_string(i + 1) +
            " name must be valid UTF-8 text without NUL bytes");
      continue;
    }
    if (is_known_name(n)) {
      p.add("extra-params " + quoted(n) +
            " collides with a parameter of its own; set that property "
            "instead");
      continue;
    }
    bool dup = false;
    for (size_t j = 0; j < i; j++)
      if (s.extra_params[j].first == n)
        dup = true;
    if (dup)
      p.add("extra-params " + quoted(n) + " is given more than once");
    if (!utf8_ok(v))
      p.add("extra-params " + quoted(n) +
            " value must be valid UTF-8 text without NUL bytes");
  }

  return p.joined();
}

std::string build_url(const std::string &base,
                      const Settings &s,
                      const std::string &query_token,
                      std::string *error)
{
  auto fail = [&](const std::string &msg) {
    if (error != nullptr)
      *error = msg;
    return std::string();
  };

  /* Error messages quote the base redacted. A string redact_url() cannot
   * parse is still shown when it has no character that could start a
   * query, fragment or userinfo (so no secret), e.g. a forgotten scheme. */
  std::string shown = redact_url(base);
  if (shown == kInvalidUrl &&
      base.find_first_of("?#@&=;") == std::string::npos && utf8_ok(base))
    shown = base;

  /* GLib's parse error quotes the whole input, which may hold a token, so
   * only the redacted form is shown. */
  UriPtr uri(g_uri_parse(base.c_str(), G_URI_FLAGS_ENCODED, nullptr));
  if (!uri)
    return fail("url '" + shown +
                "' is not a valid absolute ws:// or wss:// URL");
  if (!is_ws_scheme(g_uri_get_scheme(uri.get())))
    return fail("url '" + shown + "' is not a ws:// or wss:// URL");
  const char *host = g_uri_get_host(uri.get());
  if (host == nullptr || *host == '\0')
    return fail("url '" + shown + "' has no host");
  if (!joinable_host(host))
    return fail("url '" + shown +
                "' has a host with characters a host cannot hold (an '@' "
                "in a password must be written as %40)");
  if (g_uri_get_fragment(uri.get()) != nullptr)
    return fail("url '" + shown +
                "' must not have a #fragment (WebSocket URLs cannot)");

  std::string problems = validate(s);
  if (!problems.empty())
    return fail(problems);

  Params base_params;
  std::string qerr;
  if (!parse_query(g_uri_get_query(uri.get()), "&", &base_params, &qerr))
    return fail("url '" + shown + "' has a malformed query: " + qerr);

  Params ours = settings_params(s);
  if (!query_token.empty())
    ours.emplace_back("token", query_token);

  /* The base's own parameters are kept, in their order, except those we
   * send ourselves: one copy per name, and the settings win. */
  Params all;
  for (const auto &bp : base_params) {
    bool overridden = false;
    for (const auto &op : ours)
      if (op.first == bp.first)
        overridden = true;
    if (!overridden)
      all.push_back(bp);
  }
  all.insert(all.end(), ours.begin(), ours.end());

  std::string query = join_query(all);
  GStr joined(g_uri_join(G_URI_FLAGS_ENCODED, g_uri_get_scheme(uri.get()),
                         g_uri_get_userinfo(uri.get()), host,
                         g_uri_get_port(uri.get()), g_uri_get_path(uri.get()),
                         query.empty() ? nullptr : query.c_str(), nullptr));
  return joined.get();
}

std::string redact_url(const std::string &url)
{
  if (std::strlen(url.c_str()) != url.size())
    return kInvalidUrl;
  UriPtr uri(g_uri_parse(url.c_str(), G_URI_FLAGS_ENCODED, nullptr));
  if (!uri)
    return kInvalidUrl;
  /* Without a host there is no query/authority structure to trust (e.g.
   * "foo:token=x" is all path), so nothing of it is shown. */
  const char *host = g_uri_get_host(uri.get());
  if (host == nullptr)
    return kInvalidUrl;
  if (!joinable_host(host))
    return kInvalidUrl;

  Params params;
  /* ';' also splits here: some servers treat it as a separator, and a
   * token hidden behind one must not survive redaction. A query that does
   * not parse is hidden as a whole. */
  std::string query;
  if (parse_query(g_uri_get_query(uri.get()), "&;", &params, nullptr)) {
    for (auto &p : params)
      if (g_ascii_strcasecmp(p.first.c_str(), "token") == 0 ||
          g_ascii_strcasecmp(p.first.c_str(), "webhook_auth_header_value") == 0)
        p.second = "***";
    query = join_query(params);
  } else {
    query = "***";
  }
  const char *raw_query = g_uri_get_query(uri.get());

  /* Userinfo (user:password@) and the fragment are dropped. */
  GStr joined(g_uri_join(G_URI_FLAGS_ENCODED, g_uri_get_scheme(uri.get()),
                         nullptr, host, g_uri_get_port(uri.get()),
                         g_uri_get_path(uri.get()),
                         raw_query ? query.c_str() : nullptr, nullptr));
  return joined ? joined.get() : kInvalidUrl;
}

namespace
{
/* The one list of parameters fixed for a session's lifetime (in URL
 * order): calls @f(wire_name, a.field, b.field) for each. Sample rate and
 * encoding come from caps; chunk_duration_ms is not sent but the frame
 * size of a running session cannot change either. */
template <typename A, typename B, typename F>
void for_each_immutable(A &a, B &b, F &&f)
{
  f("speech_model", a.speech_model, b.speech_model);
  f("sample_rate", a.sample_rate, b.sample_rate);
  f("encoding", a.encoding, b.encoding);
  f("language_detection", a.language_detection, b.language_detection);
  f("inactivity_timeout", a.inactivity_timeout, b.inactivity_timeout);
  f("speaker_labels", a.speaker_labels, b.speaker_labels);
  f("max_speakers", a.max_speakers, b.max_speakers);
  f("language", a.language, b.language);
  f("webhook_url", a.webhook_url, b.webhook_url);
  f("webhook_auth_header_name", a.webhook_auth_header_name,
    b.webhook_auth_header_name);
  f("webhook_auth_header_value", a.webhook_auth_header_value,
    b.webhook_auth_header_value);
  f("extra_params", a.extra_params, b.extra_params);
  f(nullptr, a.chunk_duration_ms, b.chunk_duration_ms);
}
}  // namespace

std::vector<std::string> immutable_changes(const Settings &a, const Settings &b)
{
  std::vector<std::string> r;
  for_each_immutable(a, b,
                     [&r](const char *name, const auto &x, const auto &y) {
                       if (name && x != y)
                         r.emplace_back(name);
                     });
  return r;
}

Settings applied_settings(const Settings &running, const Settings &wanted)
{
  Settings out = wanted;
  for_each_immutable(
      out, running,
      [](const char *, auto &mine, const auto &theirs) { mine = theirs; });
  return out;
}

std::optional<std::string> update_configuration_message(const Settings &old_s,
                                                        const Settings &new_s)
{
  /* Assembled here rather than by JsonGenerator: json-glib 1.6 writes some
   * doubles as invalid JSON (1e-08 as "1e-08.0"). Strings and the keyterms
   * list are still quoted by json-glib. */
  std::string fields;
  auto add = [&](const char *name, const std::string &json_value) {
    fields += ",\"";
    fields += name;
    fields += "\":";
    fields += json_value;
  };
  auto add_double = [&](const char *name, const std::optional<double> &o,
                        const std::optional<double> &n) {
    /* A non-finite number has no JSON form; validate() rejects it. */
    if (same_double(o, n) || !n || !std::isfinite(*n))
      return;
    add(name, format_double(*n));
  };
  auto add_int = [&](const char *name, const std::optional<int> &o,
                     const std::optional<int> &n) {
    if (o == n || !n)
      return;
    add(name, std::to_string(*n));
  };
  auto add_bool = [&](const char *name, const std::optional<bool> &o,
                      const std::optional<bool> &n) {
    if (o == n || !n)
      return;
    add(name, bool_str(*n));
  };

  add_double("end_of_turn_confidence_threshold",
             old_s.end_of_turn_confidence_threshold,
             new_s.end_of_turn_confidence_threshold);
  add_int("min_turn_silence", old_s.min_turn_silence, new_s.min_turn_silence);
  add_int("max_turn_silence", old_s.max_turn_silence, new_s.max_turn_silence);
  add_double("vad_threshold", old_s.vad_threshold, new_s.vad_threshold);
  /* The list is replaced as a whole; unsetting it sends [] (clears). */
  if (old_s.keyterms_prompt != new_s.keyterms_prompt)
    add("keyterms_prompt", json_string_array(new_s.keyterms_prompt.value_or(
                               std::vector<std::string>())));
  if (old_s.prompt != new_s.prompt && new_s.prompt)
    add("prompt", json_string(*new_s.prompt));
  add_bool("format_turns", old_s.format_turns, new_s.format_turns);
  add_bool("filter_profanity", old_s.filter_profanity, new_s.filter_profanity);

  if (fields.empty())
    return std::nullopt;
  return "{\"type\":\"UpdateConfiguration\"" + fields + "}";
}

}  // namespace aai
