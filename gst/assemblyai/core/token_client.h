/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Mints an AssemblyAI temporary streaming token (docs/protocol.md,
 * Authentication): GET <token endpoint>?expires_in_seconds=N[&max_session_
 * duration_seconds=M] with the API key (or, through KeyPool, "Bearer <team
 * token>") in Authorization, on the I/O thread, cancellable.
 *
 * Secrets: the credential and the token are never logged and never put in
 * TokenResult::message or describe(). */
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <gio/gio.h>

#include "io_thread.h"
#include "net_options.h"

typedef struct _SoupMessage SoupMessage;

namespace aai
{

struct TokenRequest {
  /* The token endpoint, e.g. https://streaming.assemblyai.com/v3/token
   * (KeyPool: <base>/v1/assemblyai/v3/token). A query it already has is
   * kept; expires_in_seconds / max_session_duration_seconds in it are
   * replaced by the fields below. */
  std::string url;
  std::string credential; /* API key, or KeyPool team token */
  bool bearer = false;    /* "Authorization: Bearer <credential>" (KeyPool) */
  int expires_in_seconds = 60;          /* service range 1..600 */
  int max_session_duration_seconds = 0; /* 0 = not sent; else 60..10800 */
  NetOptions net;
  unsigned timeout_ms = 10000; /* whole request; 0 = none */
};

struct TokenResult {
  enum class Kind {
    Ok,
    BadRequest,   /* HTTP 400 and other 4xx; also a request we could not
                   * even build (bad url or proxy: http_status 0) */
    Unauthorized, /* HTTP 401/403 */
    RateLimited,  /* HTTP 429 */
    ServerError,  /* HTTP 5xx */
    BadResponse,  /* 200 without a JSON {"token": "<string>"} */
    NetworkError, /* no HTTP answer: DNS, refused, TLS, timeout */
    Cancelled,
  };
  Kind kind = Kind::NetworkError;
  std::string token; /* Ok only: the secret */
  int http_status = 0;
  /* The service's {"error": ...} text (else the HTTP reason phrase) or
   * the transport error. Never the credential or the token. */
  std::string message;
  bool tls_error = false;
  std::string url; /* the endpoint, redacted (for describe()) */

  /* Worth retrying unchanged: RateLimited, ServerError, BadResponse,
   * NetworkError unless it is a TLS error. */
  bool retryable() const;
  /* One sentence naming the endpoint (redacted) and what to do. */
  std::string describe() const;
};

/* One token request. start() returns at once; @done is called exactly
 * once, on the I/O thread, with the result (Cancelled after cancel()).
 * The request keeps itself (and so @io) alive until then. */
class TokenFetch : public std::enable_shared_from_this<TokenFetch>
{
 public:
  using Done = std::function<void(const TokenResult &)>;

  static std::shared_ptr<TokenFetch> start(std::shared_ptr<IoThread> io,
                                           TokenRequest request,
                                           Done done);
  ~TokenFetch();
  TokenFetch(const TokenFetch &) = delete;
  TokenFetch &operator=(const TokenFetch &) = delete;

  /* Thread-safe; no effect once @done has been called. */
  void cancel();

 private:
  TokenFetch(std::shared_ptr<IoThread> io, TokenRequest request, Done done);
  void start_on_io();
  void finish_on_io(TokenResult result);
  static void on_sent(GObject *src, GAsyncResult *res, gpointer data);
  static gboolean on_timeout(gpointer data);

  std::shared_ptr<IoThread> io_;
  TokenRequest request_;
  Done done_;
  GCancellable *cancellable_; /* thread-safe; cancel() uses it */
  std::string display_url_;

  /* I/O thread only. */
  std::shared_ptr<TokenFetch> self_ref_;
  SoupMessage *msg_ = nullptr;
  guint timeout_source_ = 0;
  bool timed_out_ = false;
  bool finished_ = false;
};

/* The token endpoint URL for @request (its url plus the query), or "" and
 * @error when the url is not an absolute http(s) URL with a host. */
std::string token_request_url(const TokenRequest &request, std::string *error);

}  // namespace aai
