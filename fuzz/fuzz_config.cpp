/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* libFuzzer target for the session settings (core/config.h). The input is
 * decoded with FuzzedDataProvider into two Settings, a base URL, a query
 * token and a URL with a secret planted in it; the target checks the
 * contracts config.h documents and abort()s on a violation:
 *
 * build_url: "" with an error, or a URL that g_uri_parse() accepts as
 *   ws/wss with a host, no fragment, the base's authority and path, the
 *   base's own parameters (minus those we send) followed by ours in the
 *   documented order with the right values; never with validate() failing;
 *   error text is UTF-8 and never holds the token or the webhook secret.
 * redact_url: "<invalid url>" or a URL with a host; never contains a token=
 *   or webhook_auth_header_value= value, a userinfo or a fragment that was
 *   planted in its input, raw or percent-encoded.
 * validate: UTF-8 text; never quotes webhook_auth_header_value.
 * immutable_changes / applied_settings / update_configuration_message:
 *   the documented names, order and values, and agreement with each other.
 *
 * A secret counts only if it is non-trivial: >= 8 bytes, and not found in
 * the same output computed with the secret replaced by a placeholder (so
 * it is not part of the rest of the URL). */
#include <fuzzer/FuzzedDataProvider.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/config.h"

using namespace aai;

namespace
{

using Params = std::vector<std::pair<std::string, std::string>>;

const char kInvalid[] = "<invalid url>";
const char kPlaceholder[] = "PLACEHOLDER-not-a-secret";

/* The decoded input, for the report. */
std::string g_base, g_token;

std::string printable(const std::string &s)
{
  gchar *e = g_strescape(s.c_str(), nullptr);
  std::string r = std::string("\"") + e + "\"";
  g_free(e);
  return r;
}

[[noreturn]] void violation(const char *what, const std::string &detail)
{
  fprintf(stderr,
          "fuzz-config: contract violated: %s\n  %s\n  base=%s token=%s\n",
          what, printable(detail).c_str(), printable(g_base).c_str(),
          printable(g_token).c_str());
  abort();
}

#define CHECK(cond, detail)       \
  do {                            \
    if (!(cond))                  \
      violation(#cond, (detail)); \
  } while (0)

bool utf8(const std::string &s)
{
  return g_utf8_validate(s.data(), static_cast<gssize>(s.size()), nullptr);
}

bool contains(const std::string &hay, const std::string &needle)
{
  return hay.find(needle) != std::string::npos;
}

/* What build_url() writes for one query component. */
std::string encoded(const std::string &s)
{
  gchar *e = g_uri_escape_string(s.c_str(), nullptr, FALSE);
  std::string r(e);
  g_free(e);
  return r;
}

/* The secret, or its percent-encoded form, shows in @out. */
bool leaks(const std::string &out, const std::string &secret)
{
  return contains(out, secret) || contains(out, encoded(secret));
}

/* A secret the leak checks can judge: long enough to be distinctive and,
 * raw and encoded, absent from @without (the same output computed with
 * the secret replaced by a placeholder). */
bool nontrivial(const std::string &secret, const std::string &without)
{
  return secret.size() >= 8 && std::strlen(secret.c_str()) == secret.size() &&
         !leaks(without, secret);
}

/* ---- input decoding ----------------------------------------------------- */

std::string any_string(FuzzedDataProvider &fdp, size_t max = 40)
{
  return fdp.ConsumeRandomLengthString(max);
}

template <typename T, size_t N>
T pick(FuzzedDataProvider &fdp, const T (&items)[N])
{
  return items[fdp.ConsumeIntegralInRange<size_t>(0, N - 1)];
}

std::string text(FuzzedDataProvider &fdp,
                 std::initializer_list<const char *> likely)
{
  if (fdp.ConsumeBool())
    return any_string(fdp);
  const size_t i = fdp.ConsumeIntegralInRange<size_t>(0, likely.size() - 1);
  return *(likely.begin() + i);
}

double any_double(FuzzedDataProvider &fdp)
{
  switch (fdp.ConsumeIntegralInRange<int>(0, 7)) {
    case 0:
      return 0.0;
    case 1:
      return 1.0;
    case 2:
      return -0.0;
    case 3:
      return std::numeric_limits<double>::quiet_NaN();
    case 4:
      return fdp.ConsumeBool() ? std::numeric_limits<double>::infinity()
                               : -std::numeric_limits<double>::infinity();
    case 5:
      return fdp.ConsumeFloatingPoint<double>();
    case 6: {
      /* d * 10^-k, as a user would type it: 1e-7, 5e-05, 0.25 */
      char buf[32];
      g_snprintf(buf, sizeof buf, "%de-%d",
                 fdp.ConsumeIntegralInRange<int>(1, 9),
                 fdp.ConsumeIntegralInRange<int>(0, 30));
      return g_ascii_strtod(buf, nullptr);
    }
    default:
      return fdp.ConsumeProbability<double>();
  }
}

int any_int(FuzzedDataProvider &fdp, int lo, int hi)
{
  return fdp.ConsumeBool() ? fdp.ConsumeIntegralInRange<int>(lo, hi)
                           : fdp.ConsumeIntegral<int>();
}

template <typename T, typename F>
void maybe(FuzzedDataProvider &fdp, std::optional<T> &field, F make)
{
  if (fdp.ConsumeBool())
    field = make();
}

Settings decode_settings(FuzzedDataProvider &fdp)
{
  Settings s;
  static const int rates[] = {8000, 16000, 22050, 44100, 48000};
  s.sample_rate =
      fdp.ConsumeBool() ? pick(fdp, rates) : fdp.ConsumeIntegral<int>();
  /* 2 is no Encoding: validate() must reject it. */
  s.encoding = static_cast<Encoding>(fdp.ConsumeIntegralInRange<int>(0, 2));
  auto b = [&] { return fdp.ConsumeBool(); };
  maybe(fdp, s.speech_model, [&] {
    return text(fdp, {"universal-streaming-english", "u3-rt-pro", "whisper-rt",
                      "universal-streaming-multilingual"});
  });
  maybe(fdp, s.format_turns, b);
  maybe(fdp, s.end_of_turn_confidence_threshold,
        [&] { return any_double(fdp); });
  maybe(fdp, s.min_turn_silence, [&] { return any_int(fdp, -1, 60001); });
  maybe(fdp, s.max_turn_silence, [&] { return any_int(fdp, -1, 60001); });
  maybe(fdp, s.vad_threshold, [&] { return any_double(fdp); });
  maybe(fdp, s.keyterms_prompt, [&] {
    std::vector<std::string> terms;
    size_t n = fdp.ConsumeIntegralInRange<size_t>(0, 4);
    if (fdp.ConsumeIntegralInRange<int>(0, 15) == 0)
      n = 101;
    for (size_t i = 0; i < n; i++)
      terms.push_back(text(fdp, {"AssemblyAI", "Keanu Reeves", "a&b=c",
                                 "\"quoted\"", "ünïcødé"}));
    return terms;
  });
  maybe(fdp, s.language_detection, b);
  maybe(fdp, s.inactivity_timeout, [&] { return any_int(fdp, 4, 3601); });
  maybe(fdp, s.speaker_labels, b);
  maybe(fdp, s.max_speakers, [&] { return any_int(fdp, 0, 11); });
  maybe(fdp, s.prompt, [&] { return any_string(fdp, 80); });
  maybe(fdp, s.language, [&] { return text(fdp, {"en", "multi"}); });
  maybe(fdp, s.filter_profanity, b);
  maybe(fdp, s.webhook_url, [&] {
    return text(
        fdp, {"https://example.com/hook", "http://h/?a=b&c=d#f", "ftp://x/"});
  });
  maybe(fdp, s.webhook_auth_header_name, [&] {
    return text(fdp, {"X-Auth", "Authorization"});
  });
  maybe(fdp, s.webhook_auth_header_value, [&] { return any_string(fdp); });
  const size_t extras = fdp.ConsumeIntegralInRange<size_t>(0, 3);
  for (size_t i = 0; i < extras; i++)
    s.extra_params.emplace_back(
        text(fdp, {"mode", "domain", "token", "sample_rate", "language_codes",
                   "Token", "continuous_partials"}),
        any_string(fdp));
  s.chunk_duration_ms =
      fdp.ConsumeBool() ? 50 : fdp.ConsumeIntegralInRange<int>(0, 1100);
  return s;
}

std::string decode_base(FuzzedDataProvider &fdp)
{
  switch (fdp.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
      return "wss://streaming.assemblyai.com/v3/ws";
    case 1:
      return any_string(fdp, 100);
    default: {
      static const char *const schemes[] = {"wss", "ws", "WSS", "http", ""};
      static const char *const hosts[] = {"streaming.assemblyai.com",
                                          "127.0.0.1", "[::1]", "", "h"};
      std::string u = pick(fdp, schemes);
      u += fdp.ConsumeBool() ? "://" : any_string(fdp, 4);
      if (fdp.ConsumeBool())
        u += any_string(fdp, 12) + "@";
      u += fdp.ConsumeBool() ? std::string(pick(fdp, hosts))
                             : any_string(fdp, 20);
      if (fdp.ConsumeBool())
        u += ":" + std::to_string(fdp.ConsumeIntegralInRange<int>(0, 70000));
      u += fdp.ConsumeBool() ? std::string("/v3/ws") : any_string(fdp, 20);
      if (fdp.ConsumeBool())
        u += "?" + any_string(fdp, 60);
      if (fdp.ConsumeBool())
        u += "#" + any_string(fdp, 10);
      return u;
    }
  }
}

/* ---- URL helpers -------------------------------------------------------- */

struct Uri {
  GUri *u = nullptr;
  explicit Uri(const std::string &s)
      : u(g_uri_parse(s.c_str(), G_URI_FLAGS_ENCODED, nullptr))
  {
  }
  ~Uri()
  {
    if (u)
      g_uri_unref(u);
  }
  Uri(const Uri &) = delete;
  Uri &operator=(const Uri &) = delete;
};

std::string str_or(const char *s, const char *dflt = "")
{
  return s ? s : dflt;
}

bool parse_params(const char *query, const char *seps, Params *out)
{
  if (query == nullptr || *query == '\0')
    return true;
  GUriParamsIter iter;
  g_uri_params_iter_init(&iter, query, -1, seps, G_URI_PARAMS_WWW_FORM);
  char *n = nullptr, *v = nullptr;
  GError *err = nullptr;
  while (g_uri_params_iter_next(&iter, &n, &v, &err)) {
    out->emplace_back(n, v ? v : "");
    g_free(n);
    g_free(v);
  }
  if (err) {
    g_error_free(err);
    return false;
  }
  return true;
}

/* ---- the parameters build_url must send, independent of config.cpp ---- */

std::string bool_s(bool b)
{
  return b ? "true" : "false";
}

/* Name and, where it can be compared as text, the expected value; doubles
 * and the keyterms list are compared by meaning (see check_value). */
Params expected_params(const Settings &s, const std::string &token)
{
  Params p;
  auto add = [&](const char *n, const std::string &v) { p.emplace_back(n, v); };
  if (s.speech_model)
    add("speech_model", *s.speech_model);
  add("sample_rate", std::to_string(s.sample_rate));
  add("encoding", s.encoding == Encoding::PcmMulaw ? "pcm_mulaw" : "pcm_s16le");
  if (s.format_turns)
    add("format_turns", bool_s(*s.format_turns));
  if (s.end_of_turn_confidence_threshold)
    add("end_of_turn_confidence_threshold", "");
  if (s.min_turn_silence)
    add("min_turn_silence", std::to_string(*s.min_turn_silence));
  if (s.max_turn_silence)
    add("max_turn_silence", std::to_string(*s.max_turn_silence));
  if (s.vad_threshold)
    add("vad_threshold", "");
  if (s.keyterms_prompt)
    add("keyterms_prompt", "");
  if (s.language_detection)
    add("language_detection", bool_s(*s.language_detection));
  if (s.inactivity_timeout)
    add("inactivity_timeout", std::to_string(*s.inactivity_timeout));
  if (s.speaker_labels)
    add("speaker_labels", bool_s(*s.speaker_labels));
  if (s.max_speakers)
    add("max_speakers", std::to_string(*s.max_speakers));
  if (s.prompt)
    add("prompt", *s.prompt);
  if (s.language)
    add("language", *s.language);
  if (s.filter_profanity)
    add("filter_profanity", bool_s(*s.filter_profanity));
  if (s.webhook_url)
    add("webhook_url", *s.webhook_url);
  if (s.webhook_auth_header_name)
    add("webhook_auth_header_name", *s.webhook_auth_header_name);
  if (s.webhook_auth_header_value)
    add("webhook_auth_header_value", *s.webhook_auth_header_value);
  for (const auto &e : s.extra_params)
    p.push_back(e);
  if (!token.empty())
    add("token", token);
  return p;
}

bool same_number(const std::string &wire, double want)
{
  char *end = nullptr;
  const double got = g_ascii_strtod(wire.c_str(), &end);
  return end != wire.c_str() && *end == '\0' && got == want;
}

bool same_terms(const std::string &wire, const std::vector<std::string> &want)
{
  JsonParser *parser = json_parser_new();
  bool ok = json_parser_load_from_data(parser, wire.c_str(), -1, nullptr);
  JsonNode *root = ok ? json_parser_get_root(parser) : nullptr;
  ok = root && JSON_NODE_HOLDS_ARRAY(root);
  if (ok) {
    JsonArray *a = json_node_get_array(root);
    ok = json_array_get_length(a) == want.size();
    for (guint i = 0; ok && i < want.size(); i++) {
      JsonNode *n = json_array_get_element(a, i);
      ok = JSON_NODE_HOLDS_VALUE(n) &&
           json_node_get_value_type(n) == G_TYPE_STRING &&
           want[i] == json_node_get_string(n);
    }
  }
  g_object_unref(parser);
  return ok;
}

void check_value(const Settings &s,
                 const std::pair<std::string, std::string> &got,
                 const std::pair<std::string, std::string> &want)
{
  CHECK(got.first == want.first,
        "parameter order: got " + got.first + ", want " + want.first);
  const std::string &n = want.first;
  if (n == "end_of_turn_confidence_threshold")
    CHECK(same_number(got.second, *s.end_of_turn_confidence_threshold),
          n + "=" + got.second);
  else if (n == "vad_threshold")
    CHECK(same_number(got.second, *s.vad_threshold), n + "=" + got.second);
  else if (n == "keyterms_prompt")
    CHECK(same_terms(got.second, *s.keyterms_prompt), n + "=" + got.second);
  else
    CHECK(got.second == want.second,
          n + "=" + got.second + ", want " + want.second);
}

/* ---- build_url ----------------------------------------------------------- */

void check_build_url(const std::string &base,
                     const Settings &s,
                     const std::string &token)
{
  std::string err;
  const std::string url = build_url(base, s, token, &err);
  const std::string problems = validate(s);

  CHECK(url.empty() != err.empty(),
        "build_url: url=\"" + url + "\" error=\"" + err + "\"");
  CHECK(url.empty() || problems.empty(),
        "build_url accepted settings validate() rejects: " + problems);
  CHECK(build_url(base, s, token, nullptr) == url,
        "build_url differs with a NULL error");

  if (url.empty()) {
    CHECK(utf8(err), "error text is not UTF-8: " + err);
    CHECK(std::strlen(err.c_str()) == err.size(), "error text holds a NUL");
    /* Secrets never reach the error text. The error computed with the
     * secret replaced tells whether it is part of the rest of the input. */
    if (!token.empty()) {
      std::string other;
      build_url(base, s, kPlaceholder, &other);
      if (nontrivial(token, other))
        CHECK(!leaks(err, token), "error shows the query token: " + err);
    }
    if (s.webhook_auth_header_value) {
      Settings t = s;
      t.webhook_auth_header_value = kPlaceholder;
      std::string other;
      build_url(base, t, token, &other);
      if (nontrivial(*s.webhook_auth_header_value, other))
        CHECK(!leaks(err, *s.webhook_auth_header_value),
              "error shows webhook_auth_header_value: " + err);
    }
    /* A token in the base's own query is shown redacted only. */
    Uri bu(base);
    Params bp;
    if (bu.u && parse_params(g_uri_get_query(bu.u), "&;", &bp)) {
      for (const auto &p : bp) {
        if (g_ascii_strcasecmp(p.first.c_str(), "token") != 0 &&
            g_ascii_strcasecmp(p.first.c_str(), "webhook_auth_header_value") !=
                0)
          continue;
        std::string other_base = base;
        const std::string enc = encoded(p.second);
        if (p.second.size() >= 8 && contains(base, enc) &&
            base.find(enc) == base.rfind(enc)) {
          other_base.replace(base.find(enc), enc.size(), kPlaceholder);
          std::string other;
          build_url(other_base, s, token, &other);
          if (nontrivial(p.second, other))
            CHECK(!leaks(err, p.second), "error shows a base secret: " + err);
        }
      }
    }
    return;
  }

  /* The URL parses back as what was asked for. */
  Uri u(url);
  CHECK(u.u != nullptr, "built URL does not parse: " + url);
  const std::string scheme = str_or(g_uri_get_scheme(u.u));
  CHECK(g_ascii_strcasecmp(scheme.c_str(), "ws") == 0 ||
            g_ascii_strcasecmp(scheme.c_str(), "wss") == 0,
        "built URL is not ws/wss: " + url);
  CHECK(!str_or(g_uri_get_host(u.u)).empty(), "built URL has no host: " + url);
  CHECK(g_uri_get_fragment(u.u) == nullptr, "built URL has a fragment: " + url);

  Uri bu(base);
  CHECK(bu.u != nullptr, "build_url accepted an unparsable base: " + base);
  CHECK(g_ascii_strcasecmp(str_or(g_uri_get_scheme(bu.u)).c_str(),
                           scheme.c_str()) == 0,
        "scheme changed: " + url);
  CHECK(str_or(g_uri_get_host(bu.u)) == str_or(g_uri_get_host(u.u)),
        "host changed: " + base + " -> " + url);
  CHECK(g_uri_get_port(bu.u) == g_uri_get_port(u.u),
        "port changed: " + base + " -> " + url);
  CHECK(str_or(g_uri_get_path(bu.u)) == str_or(g_uri_get_path(u.u)),
        "path changed: " + base + " -> " + url);
  CHECK(str_or(g_uri_get_userinfo(bu.u), "(none)") ==
            str_or(g_uri_get_userinfo(u.u), "(none)"),
        "userinfo changed: " + base + " -> " + url);

  /* Query: the base's parameters not sent by us, then ours in order. */
  Params got, base_params;
  CHECK(parse_params(g_uri_get_query(u.u), "&", &got),
        "built query does not parse: " + url);
  CHECK(parse_params(g_uri_get_query(bu.u), "&", &base_params),
        "build_url accepted a malformed base query: " + base);
  const Params want = expected_params(s, token);
  Params want_all;
  for (const auto &bp : base_params) {
    bool ours = false;
    for (const auto &w : want)
      ours = ours || w.first == bp.first;
    if (!ours)
      want_all.push_back(bp);
  }
  const size_t kept = want_all.size();
  want_all.insert(want_all.end(), want.begin(), want.end());
  CHECK(got.size() == want_all.size(),
        "built URL has " + std::to_string(got.size()) + " parameters, want " +
            std::to_string(want_all.size()) + ": " + url);
  for (size_t i = 0; i < got.size(); i++) {
    if (i < kept)
      CHECK(got[i] == want_all[i],
            "base parameter " + want_all[i].first + " lost or changed: " + url);
    else
      check_value(s, got[i], want_all[i]);
  }

  /* redact_url of a built URL: still that URL, minus the secrets. */
  const std::string red = redact_url(url);
  CHECK(red != kInvalid, "redact_url rejects a built URL: " + url);
  Uri ru(red);
  CHECK(ru.u != nullptr && g_uri_get_host(ru.u) != nullptr,
        "redacted URL does not parse: " + red);
  CHECK(str_or(g_uri_get_host(ru.u)) == str_or(g_uri_get_host(u.u)) &&
            str_or(g_uri_get_path(ru.u)) == str_or(g_uri_get_path(u.u)),
        "redacted URL lost host or path: " + red);
  CHECK(g_uri_get_userinfo(ru.u) == nullptr,
        "redacted URL has userinfo: " + red);
  if (!token.empty()) {
    const std::string other =
        redact_url(build_url(base, s, kPlaceholder, nullptr));
    if (nontrivial(token, other))
      CHECK(!leaks(red, token), "redact_url shows the token: " + red);
  }
  if (s.webhook_auth_header_value) {
    Settings t = s;
    t.webhook_auth_header_value = kPlaceholder;
    const std::string other = redact_url(build_url(base, t, token, nullptr));
    if (nontrivial(*s.webhook_auth_header_value, other))
      CHECK(!leaks(red, *s.webhook_auth_header_value),
            "redact_url shows webhook_auth_header_value: " + red);
  }
}

/* ---- redact_url on any string, with a secret planted --------------------- */

void check_redact_any(const std::string &s)
{
  const std::string red = redact_url(s);
  if (red == kInvalid)
    return;
  Uri u(red);
  CHECK(u.u != nullptr && g_uri_get_host(u.u) != nullptr,
        "redact_url output is neither <invalid url> nor a URL with a host: " +
            red);
  CHECK(g_uri_get_userinfo(u.u) == nullptr, "redact_url kept userinfo: " + red);
  CHECK(g_uri_get_fragment(u.u) == nullptr,
        "redact_url kept a fragment: " + red);
  CHECK(redact_url(red) != kInvalid, "a redacted URL is invalid: " + red);
}

std::string raw_password(const std::string &secret)
{
  std::string r;
  for (char c : secret)
    if (c != '/' && c != '?' && c != '#' && c != '\0')
      r += c;
  return r;
}

/* The planted URL: head, then the secret (percent-encoded) as a token
 * value, a password or a fragment, then tail. */
std::string planted(const std::string &head,
                    int where,
                    const std::string &name,
                    const std::string &sep,
                    const std::string &secret,
                    const std::string &tail)
{
  const std::string enc = encoded(secret);
  switch (where) {
    case 0: /* query parameter */
      return head + "?" + name + "=" + enc + sep + tail;
    case 1: /* a later query parameter */
      return head + "?" + tail + sep + name + "=" + enc;
    case 2: /* userinfo password */
      return "wss://user:" + enc + "@" + head + "?" + tail;
    case 3: /* userinfo password as typed: any character but the ones that
               end the authority ('@' included) */
      return "wss://user:" + raw_password(secret) + "@" + head + "?" + tail;
    default: /* fragment */
      return head + "?" + tail + "#" + enc;
  }
}

void check_redact_planted(FuzzedDataProvider &fdp)
{
  static const char *const names[] = {"token",
                                      "TOKEN",
                                      "Token",
                                      "%74oken",
                                      "webhook_auth_header_value",
                                      "WEBHOOK_AUTH_HEADER_VALUE",
                                      "webhook%5Fauth%5Fheader%5Fvalue",
                                      "t%6Fken"};
  static const char *const seps[] = {"&", ";", "&&", ";&"};
  static const char *const heads[] = {"wss://streaming.assemblyai.com/v3/ws",
                                      "ws://127.0.0.1:8080", "wss://h/p"};
  /* The head has no '?' or '#', so what follows is the query. */
  std::string head =
      fdp.ConsumeBool() ? std::string(pick(fdp, heads)) : any_string(fdp, 40);
  const int where = fdp.ConsumeIntegralInRange<int>(0, 4);
  if (where == 2 || where == 3) {
    /* after "user:...@": an authority and path only */
    head = fdp.ConsumeBool() ? std::string("h/v3/ws") : head;
    if (head.rfind("wss://", 0) == 0 || head.rfind("ws://", 0) == 0)
      head = head.substr(head.find("//") + 2);
  }
  head = head.substr(0, head.find_first_of("?#"));
  const std::string name = pick(fdp, names);
  const std::string sep = pick(fdp, seps);
  std::string tail = any_string(fdp, 40);
  if (where != 0)
    tail = tail.substr(0, tail.find('#'));
  std::string secret = any_string(fdp, 30);
  if (where == 3)
    secret = raw_password(secret);

  const std::string url = planted(head, where, name, sep, secret, tail);
  g_base = url;
  g_token = secret;
  const std::string red = redact_url(url);
  check_redact_any(url);
  const std::string other =
      redact_url(planted(head, where, name, sep, kPlaceholder, tail));
  if (nontrivial(secret, other))
    CHECK(!leaks(red, secret),
          "redact_url shows a planted secret: " + url + " -> " + red);
}

/* ---- immutable / applied / UpdateConfiguration -------------------------- */

bool same_double(const std::optional<double> &a, const std::optional<double> &b)
{
  if (a.has_value() != b.has_value())
    return false;
  return !a || (std::isnan(*a) && std::isnan(*b)) || *a == *b;
}

void check_diff(const Settings &a, const Settings &b)
{
  /* The documented immutable list, in URL order. */
  std::vector<std::string> want;
  auto diff = [&](const char *name, bool differs) {
    if (differs)
      want.emplace_back(name);
  };
  diff("speech_model", a.speech_model != b.speech_model);
  diff("sample_rate", a.sample_rate != b.sample_rate);
  diff("encoding", a.encoding != b.encoding);
  diff("language_detection", a.language_detection != b.language_detection);
  diff("inactivity_timeout", a.inactivity_timeout != b.inactivity_timeout);
  diff("speaker_labels", a.speaker_labels != b.speaker_labels);
  diff("max_speakers", a.max_speakers != b.max_speakers);
  diff("language", a.language != b.language);
  diff("webhook_url", a.webhook_url != b.webhook_url);
  diff("webhook_auth_header_name",
       a.webhook_auth_header_name != b.webhook_auth_header_name);
  diff("webhook_auth_header_value",
       a.webhook_auth_header_value != b.webhook_auth_header_value);
  diff("extra_params", a.extra_params != b.extra_params);
  const auto got = immutable_changes(a, b);
  std::string got_s;
  for (const auto &g : got)
    got_s += g + " ";
  CHECK(got == want, "immutable_changes: " + got_s);
  CHECK(immutable_changes(a, a).empty(), "immutable_changes(a, a) not empty");
  CHECK(immutable_changes(b, a) == want, "immutable_changes not symmetric");

  CHECK(a == a && !(a != a), "Settings == not reflexive");
  Settings copy = a;
  CHECK(copy == a, "a copy of Settings differs");

  /* applied_settings: immutable (and sample rate, encoding, chunk size)
   * from the running session, the rest from the wanted settings. */
  const Settings ap = applied_settings(a, b);
  CHECK(immutable_changes(ap, a).empty(),
        "applied_settings changed an immutable parameter");
  CHECK(ap.chunk_duration_ms == a.chunk_duration_ms,
        "applied_settings changed chunk_duration_ms");
  CHECK(same_double(ap.end_of_turn_confidence_threshold,
                    b.end_of_turn_confidence_threshold) &&
            same_double(ap.vad_threshold, b.vad_threshold) &&
            ap.min_turn_silence == b.min_turn_silence &&
            ap.max_turn_silence == b.max_turn_silence &&
            ap.keyterms_prompt == b.keyterms_prompt && ap.prompt == b.prompt &&
            ap.format_turns == b.format_turns &&
            ap.filter_profanity == b.filter_profanity,
        "applied_settings did not take a mutable parameter");
  CHECK(applied_settings(a, a) == a, "applied_settings(a, a) != a");
  if (want.empty() && a.chunk_duration_ms == b.chunk_duration_ms)
    CHECK(ap == b, "applied_settings with nothing immutable changed != wanted");
  CHECK(!update_configuration_message(ap, b),
        "UpdateConfiguration left after applying it");

  /* UpdateConfiguration: the fields that changed, in documented order. */
  struct Field {
    const char *name;
    bool sent;
  };
  auto sent_d = [](const std::optional<double> &o,
                   const std::optional<double> &n) {
    return !same_double(o, n) && n && std::isfinite(*n);
  };
  const Field fields[] = {
      {"end_of_turn_confidence_threshold",
       sent_d(a.end_of_turn_confidence_threshold,
              b.end_of_turn_confidence_threshold)},
      {"min_turn_silence",
       a.min_turn_silence != b.min_turn_silence && b.min_turn_silence},
      {"max_turn_silence",
       a.max_turn_silence != b.max_turn_silence && b.max_turn_silence},
      {"vad_threshold", sent_d(a.vad_threshold, b.vad_threshold)},
      {"keyterms_prompt", a.keyterms_prompt != b.keyterms_prompt},
      {"prompt", a.prompt != b.prompt && b.prompt},
      {"format_turns", a.format_turns != b.format_turns && b.format_turns},
      {"filter_profanity",
       a.filter_profanity != b.filter_profanity && b.filter_profanity},
  };
  bool any = false;
  for (const Field &f : fields)
    any = any || f.sent;
  const auto msg = update_configuration_message(a, b);
  CHECK(msg.has_value() == any,
        "update_configuration_message: " + std::string(msg ? *msg : "nullopt"));
  CHECK(update_configuration_message(a, ap) == msg,
        "UpdateConfiguration toward applied_settings differs");
  if (!msg)
    return;
  CHECK(msg->find('\n') == std::string::npos, "message is not compact");
  /* Its content is checked for valid settings (strings sent as they are). */
  if (!validate(b).empty())
    return;
  JsonParser *parser = json_parser_new();
  CHECK(json_parser_load_from_data(parser, msg->c_str(), -1, nullptr),
        "UpdateConfiguration is not JSON: " + *msg);
  JsonNode *root = json_parser_get_root(parser);
  CHECK(root && JSON_NODE_HOLDS_OBJECT(root), "not an object: " + *msg);
  JsonObject *o = json_node_get_object(root);
  GList *members = json_object_get_members(o);
  std::vector<std::string> names;
  for (GList *l = members; l; l = l->next)
    names.emplace_back(static_cast<const char *>(l->data));
  g_list_free(members);
  std::vector<std::string> want_names = {"type"};
  for (const Field &f : fields)
    if (f.sent)
      want_names.emplace_back(f.name);
  CHECK(names == want_names, "fields or order wrong: " + *msg);
  CHECK(std::string(json_object_get_string_member(o, "type")) ==
            "UpdateConfiguration",
        *msg);
  auto dbl = [&](const char *n, double v) {
    if (json_object_has_member(o, n))
      CHECK(json_object_get_double_member(o, n) == v,
            std::string(n) + ": " + *msg);
  };
  auto num = [&](const char *n, int v) {
    if (json_object_has_member(o, n))
      CHECK(json_object_get_int_member(o, n) == v,
            std::string(n) + ": " + *msg);
  };
  auto boo = [&](const char *n, bool v) {
    if (json_object_has_member(o, n))
      CHECK((json_object_get_boolean_member(o, n) != FALSE) == v,
            std::string(n) + ": " + *msg);
  };
  if (b.end_of_turn_confidence_threshold)
    dbl("end_of_turn_confidence_threshold",
        *b.end_of_turn_confidence_threshold);
  if (b.vad_threshold)
    dbl("vad_threshold", *b.vad_threshold);
  if (b.min_turn_silence)
    num("min_turn_silence", *b.min_turn_silence);
  if (b.max_turn_silence)
    num("max_turn_silence", *b.max_turn_silence);
  if (b.format_turns)
    boo("format_turns", *b.format_turns);
  if (b.filter_profanity)
    boo("filter_profanity", *b.filter_profanity);
  if (b.prompt && json_object_has_member(o, "prompt"))
    CHECK(*b.prompt == json_object_get_string_member(o, "prompt"),
          "prompt: " + *msg);
  if (json_object_has_member(o, "keyterms_prompt")) {
    JsonArray *arr = json_object_get_array_member(o, "keyterms_prompt");
    CHECK(arr != nullptr, "keyterms_prompt is not an array: " + *msg);
    const std::vector<std::string> terms =
        b.keyterms_prompt.value_or(std::vector<std::string>());
    CHECK(json_array_get_length(arr) == terms.size(), "keyterms: " + *msg);
    for (guint i = 0; i < terms.size(); i++)
      CHECK(terms[i] == json_array_get_string_element(arr, i),
            "keyterms: " + *msg);
  }
  g_object_unref(parser);
}

void check_validate(const Settings &s)
{
  const std::string problems = validate(s);
  CHECK(utf8(problems), "validate() text is not UTF-8: " + problems);
  CHECK(std::strlen(problems.c_str()) == problems.size(),
        "validate() text holds a NUL");
  if (s.webhook_auth_header_value) {
    Settings t = s;
    t.webhook_auth_header_value = kPlaceholder;
    if (nontrivial(*s.webhook_auth_header_value, validate(t)))
      CHECK(!leaks(problems, *s.webhook_auth_header_value),
            "validate() shows webhook_auth_header_value: " + problems);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  FuzzedDataProvider fdp(data, size);
  const int mode = fdp.ConsumeIntegralInRange<int>(0, 3);
  if (mode == 0) {
    /* redact_url on a URL with a secret planted in it. */
    check_redact_planted(fdp);
    return 0;
  }
  if (mode == 1) {
    g_base = fdp.ConsumeRemainingBytesAsString();
    g_token.clear();
    check_redact_any(g_base);
    return 0;
  }
  const std::string base = decode_base(fdp);
  /* The token reaches build_url as UTF-8 from a C string (element property
   * or the token service's JSON): no NUL, no invalid UTF-8 (which GLib's
   * query parser rejects, while build_url does not check the token). */
  std::string token;
  if (fdp.ConsumeBool()) {
    gchar *t = g_utf8_make_valid(any_string(fdp, 40).c_str(), -1);
    token = t;
    g_free(t);
  }
  g_base = base;
  g_token = token;
  const Settings a = decode_settings(fdp);
  /* The second settings: often a few changes away from the first. */
  Settings b = fdp.ConsumeBool() ? a : decode_settings(fdp);
  if (fdp.ConsumeBool())
    b.prompt = any_string(fdp);
  if (fdp.ConsumeBool())
    b.vad_threshold = any_double(fdp);
  if (fdp.ConsumeBool())
    b.max_turn_silence = any_int(fdp, 0, 60000);

  check_validate(a);
  check_redact_any(base);
  check_build_url(base, a, token);
  check_diff(a, b);
  return 0;
}
