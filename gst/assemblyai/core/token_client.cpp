/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* The temporary-token request (token_client.h). The URL is assembled with
 * GLib's URI functions, the answer read with json-glib; nothing here logs.
 */
#include "token_client.h"
#include "glib_ptr.h"

#include <cstring>
#include <utility>
#include <vector>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "config.h"
#include "user_agent.h"

namespace aai
{

namespace
{

const char kExpires[] = "expires_in_seconds";
const char kMaxDuration[] = "max_session_duration_seconds";

std::string escape(const std::string &s)
{
  GStr e(g_uri_escape_string(s.c_str(), nullptr, FALSE));
  return e.get();
}

/* The root object of a JSON body, or NULL (not JSON, not an object). The
 * parser owns it. */
JsonObject *json_root_object(JsonParser *parser, GBytes *body)
{
  gsize size = 0;
  const char *data = static_cast<const char *>(g_bytes_get_data(body, &size));
  if (!data || size == 0 ||
      !json_parser_load_from_data(parser, data, static_cast<gssize>(size),
                                  nullptr))
    return nullptr;
  JsonNode *root = json_parser_get_root(parser);
  return root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root)
                                              : nullptr;
}

/* @member of @obj if it is a JSON string, else "". */
std::string string_member(JsonObject *obj, const char *member)
{
  if (!obj)
    return "";
  JsonNode *n = json_object_get_member(obj, member);
  if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
      json_node_get_value_type(n) != G_TYPE_STRING)
    return "";
  const char *s = json_node_get_string(n);
  return s ? s : "";
}

/* A service that echoes the credential back must not get it into a
 * message. */
std::string without_secret(std::string text, const std::string &secret)
{
  if (secret.empty())
    return text;
  for (size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + 3))
    text.replace(at, secret.size(), "***");
  return text;
}

bool has_control_chars(const std::string &s)
{
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f)
      return true;
  return false;
}

TokenResult classify(guint status,
                     const char *reason,
                     GBytes *body,
                     const std::string &credential)
{
  TokenResult r;
  r.http_status = static_cast<int>(status);
  JsonParser *parser = json_parser_new();
  JsonObject *obj = json_root_object(parser, body);
  if (SOUP_STATUS_IS_SUCCESSFUL(status)) {
    r.token = string_member(obj, "token");
    if (!r.token.empty()) {
      r.kind = TokenResult::Kind::Ok;
    } else {
      r.kind = TokenResult::Kind::BadResponse;
      r.message = obj ? "the answer has no \"token\" string"
                      : "the answer is not a JSON object";
    }
  } else {
    if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
      r.kind = TokenResult::Kind::Unauthorized;
    else if (status == 429) /* no SoupStatus name in libsoup 3.2 */
      r.kind = TokenResult::Kind::RateLimited;
    else if (status >= 400 && status < 500)
      r.kind = TokenResult::Kind::BadRequest;
    else if (status >= 500 && status < 600)
      r.kind = TokenResult::Kind::ServerError;
    else
      r.kind = TokenResult::Kind::BadResponse; /* 1xx/3xx left over */
    /* The documented error body is {"error": string, ...}. */
    r.message = string_member(obj, "error");
    if (r.message.empty())
      r.message = reason && *reason ? reason : soup_status_get_phrase(status);
  }
  g_object_unref(parser);
  r.message = without_secret(r.message, credential);
  return r;
}

}  // namespace

std::string token_request_url(const TokenRequest &request, std::string *error)
{
  auto fail = [&](const std::string &why) {
    if (error)
      *error = "token url '" + redact_url(request.url) + "' " + why;
    return std::string();
  };
  GUri *uri = g_uri_parse(request.url.c_str(), G_URI_FLAGS_ENCODED, nullptr);
  if (!uri)
    return fail("is not a valid absolute http:// or https:// URL");
  std::unique_ptr<GUri, decltype(&g_uri_unref)> hold(uri, g_uri_unref);
  const char *scheme = g_uri_get_scheme(uri);
  const char *host = g_uri_get_host(uri);
  if (g_ascii_strcasecmp(scheme, "http") != 0 &&
      g_ascii_strcasecmp(scheme, "https") != 0)
    return fail("is not an http:// or https:// URL");
  if (!host || !*host)
    return fail("has no host");

  /* The url's own parameters stay, in order, minus the two we set. */
  std::vector<std::pair<std::string, std::string>> params;
  if (const char *q = g_uri_get_query(uri)) {
    GUriParamsIter it;
    g_uri_params_iter_init(&it, q, -1, "&", G_URI_PARAMS_WWW_FORM);
    char *name = nullptr, *value = nullptr;
    GError *err = nullptr;
    while (g_uri_params_iter_next(&it, &name, &value, &err)) {
      GStr n(name), v(value);
      if (g_strcmp0(n.get(), kExpires) != 0 &&
          g_strcmp0(n.get(), kMaxDuration) != 0)
        params.emplace_back(n.get(), v ? v.get() : "");
    }
    if (err) {
      g_error_free(err);
      return fail("has a malformed query");
    }
  }
  params.emplace_back(kExpires, std::to_string(request.expires_in_seconds));
  if (request.max_session_duration_seconds > 0)
    params.emplace_back(kMaxDuration,
                        std::to_string(request.max_session_duration_seconds));
  std::string query;
  for (const auto &p : params) {
    if (!query.empty())
      query += '&';
    query += escape(p.first) + '=' + escape(p.second);
  }
  GStr joined(g_uri_join(G_URI_FLAGS_ENCODED, scheme, g_uri_get_userinfo(uri),
                         host, g_uri_get_port(uri), g_uri_get_path(uri),
                         query.c_str(), nullptr));
  return joined.get();
}

bool TokenResult::retryable() const
{
  switch (kind) {
    case Kind::RateLimited:
    case Kind::ServerError:
    case Kind::BadResponse:
      return true;
    case Kind::NetworkError:
      return !tls_error;
    default:
      return false;
  }
}

std::string TokenResult::describe() const
{
  const std::string where = "the token endpoint " + url;
  const std::string status = "HTTP " + std::to_string(http_status) +
                             (message.empty() ? std::string() : ": " + message);
  switch (kind) {
    case Kind::Ok:
      return "Got a temporary token from " + url + ".";
    case Kind::BadRequest:
      if (http_status == 0)
        return "The token request to " + url + " cannot be made: " + message +
               "; fix the setting.";
      return "The token endpoint " + url + " rejected the request (" + status +
             "); check expires_in_seconds (1-600), "
             "max_session_duration_seconds (60-10800) and the url.";
    case Kind::Unauthorized:
      return "The token endpoint " + url + " refused the credential (" +
             status +
             "); check the API key (with KeyPool, the team token and its "
             "AssemblyAI permission).";
    case Kind::RateLimited:
      return "The token endpoint " + url + " is rate limiting (" + status +
             "); retry after a pause.";
    case Kind::ServerError:
      return "The token endpoint " + url + " failed (" + status +
             "); retry later.";
    case Kind::BadResponse:
      return "The token endpoint " + url + " answered without a token (" +
             status + "); check that the url is the token endpoint.";
    case Kind::NetworkError:
      if (tls_error)
        return "The TLS certificate of " + where + " was not accepted (" +
               message +
               "); for a private CA or a TLS-inspecting proxy set a CA file.";
      return "Could not reach " + where + " (" + message +
             "); check the network, the url and the proxy settings.";
    case Kind::Cancelled:
      return "The token request to " + url + " was cancelled.";
  }
  return "";
}

/* ---- TokenFetch ---- */

std::shared_ptr<TokenFetch> TokenFetch::start(std::shared_ptr<IoThread> io,
                                              TokenRequest request,
                                              Done done)
{
  std::shared_ptr<TokenFetch> f(
      new TokenFetch(io, std::move(request), std::move(done)));
  io->post([f]() { f->start_on_io(); });
  return f;
}

TokenFetch::TokenFetch(std::shared_ptr<IoThread> io,
                       TokenRequest request,
                       Done done)
    : io_(std::move(io)),
      request_(std::move(request)),
      done_(std::move(done)),
      cancellable_(g_cancellable_new()),
      display_url_(redact_url(request_.url))
{
}

TokenFetch::~TokenFetch()
{
  g_object_unref(cancellable_);
}

void TokenFetch::cancel()
{
  g_cancellable_cancel(cancellable_);
}

void TokenFetch::start_on_io()
{
  self_ref_ = shared_from_this();
  TokenResult bad;
  bad.kind = TokenResult::Kind::BadRequest;
  if (g_cancellable_is_cancelled(cancellable_)) {
    TokenResult r;
    r.kind = TokenResult::Kind::Cancelled;
    finish_on_io(r);
    return;
  }
  std::string url = token_request_url(request_, &bad.message);
  if (url.empty()) {
    finish_on_io(bad);
    return;
  }
  display_url_ = redact_url(url);
  bad.message = validate_proxy(request_.net.proxy);
  if (!bad.message.empty()) {
    finish_on_io(bad);
    return;
  }
  /* libsoup would reject (and warn about) a header value with a line
   * break; say so without showing it. */
  if (has_control_chars(request_.credential)) {
    bad.message = "the credential contains control characters";
    finish_on_io(bad);
    return;
  }
  msg_ = soup_message_new("GET", url.c_str());
  if (!msg_) {
    bad.message = "libsoup cannot request this url";
    finish_on_io(bad);
    return;
  }
  /* A redirect could carry the credential to another host: a 3xx is
   * reported (BadResponse) instead of followed. */
  soup_message_add_flags(msg_, SOUP_MESSAGE_NO_REDIRECT);
  SoupMessageHeaders *h = soup_message_get_request_headers(msg_);
  if (!request_.credential.empty())
    soup_message_headers_replace(
        h, "Authorization",
        ((request_.bearer ? "Bearer " : "") + request_.credential).c_str());
  soup_message_headers_replace(h, "User-Agent", kUserAgent);
  soup_message_headers_replace(h, "Accept", "application/json");
  apply_tls_policy(msg_, request_.net);

  if (request_.timeout_ms > 0) {
    GSource *t = g_timeout_source_new(request_.timeout_ms);
    g_source_set_callback(t, on_timeout, this, nullptr);
    timeout_source_ = g_source_attach(t, io_->context());
    g_source_unref(t);
  }
  soup_session_send_and_read_async(io_->session_for(request_.net), msg_,
                                   G_PRIORITY_DEFAULT, cancellable_, on_sent,
                                   new std::shared_ptr<TokenFetch>(self_ref_));
}

gboolean TokenFetch::on_timeout(gpointer data)
{
  auto *self = static_cast<TokenFetch *>(data);
  self->timeout_source_ = 0;
  self->timed_out_ = true;
  g_cancellable_cancel(self->cancellable_);
  return G_SOURCE_REMOVE;
}

void TokenFetch::on_sent(GObject *src, GAsyncResult *res, gpointer data)
{
  auto *holder = static_cast<std::shared_ptr<TokenFetch> *>(data);
  std::shared_ptr<TokenFetch> self = *holder;
  delete holder;

  GError *err = nullptr;
  GBytes *body =
      soup_session_send_and_read_finish(SOUP_SESSION(src), res, &err);
  TokenResult r;
  if (body) {
    r = classify(soup_message_get_status(self->msg_),
                 soup_message_get_reason_phrase(self->msg_), body,
                 self->request_.credential);
    g_bytes_unref(body);
  } else if (self->timed_out_) {
    r.kind = TokenResult::Kind::NetworkError;
    r.message =
        "no answer within " + std::to_string(self->request_.timeout_ms) + " ms";
  } else if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    r.kind = TokenResult::Kind::Cancelled;
  } else {
    r.kind = TokenResult::Kind::NetworkError;
    r.tls_error = err && err->domain == G_TLS_ERROR;
    r.message = without_secret(err ? err->message : "unknown error",
                               self->request_.credential);
  }
  g_clear_error(&err);
  self->finish_on_io(std::move(r));
}

void TokenFetch::finish_on_io(TokenResult result)
{
  if (finished_)
    return;
  finished_ = true;
  if (timeout_source_) {
    GSource *t =
        g_main_context_find_source_by_id(io_->context(), timeout_source_);
    if (t)
      g_source_destroy(t);
    timeout_source_ = 0;
  }
  g_clear_object(&msg_);
  result.url = display_url_;
  Done done = std::move(done_);
  done_ = nullptr;
  if (done)
    done(result);
  /* May destroy this object (and with it maybe the last hold on the I/O
   * thread): last statement. */
  std::shared_ptr<TokenFetch> keep = std::move(self_ref_);
}

}  // namespace aai
