/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaicredentials.h"

#include "token_client.h"

namespace aai
{

namespace
{
CredentialFailure failure(CredentialFailure::Problem problem,
                          Retry retry,
                          const std::string &summary,
                          const std::string &text,
                          int http_status = 0)
{
  CredentialFailure f;
  f.problem = problem;
  f.retry = retry;
  f.summary = summary;
  f.text = text;
  f.http_status = http_status;
  return f;
}

CredentialAnswer from_token_result(const TokenResult &r)
{
  using Kind = TokenResult::Kind;
  if (r.kind == Kind::Ok)
    return Credential{AuthMode::QueryToken, r.token};
  auto problem = CredentialFailure::Problem::Unreachable;
  const char *summary = "Could not get a temporary token.";
  if (r.kind == Kind::Unauthorized) {
    problem = CredentialFailure::Problem::NotAuthorized;
    summary = "The token endpoint did not accept the key.";
  } else if (r.kind == Kind::BadRequest) {
    problem = CredentialFailure::Problem::Settings;
    summary = "The token endpoint rejected the request.";
  } else if (r.kind == Kind::RateLimited) {
    problem = CredentialFailure::Problem::Busy;
    summary = "The token endpoint's rate limit was hit.";
  }
  Retry retry = !r.retryable()         ? Retry::Never
                : r.http_status == 429 ? Retry::RateLimit
                                       : Retry::Backoff;
  return failure(problem, retry, summary, r.describe(), r.http_status);
}
}  // namespace

CredentialSource::CredentialSource(GstElement *owner)
{
  g_weak_ref_init(&owner_, owner);
}

CredentialSource::~CredentialSource()
{
  cancel();
  g_weak_ref_clear(&owner_);
}

bool CredentialSource::has_request_token_handler() const
{
  if (!signal_)
    return false;
  auto *owner = static_cast<GstElement *>(
      g_weak_ref_get(const_cast<GWeakRef *>(&owner_)));
  if (!owner)
    return false;
  bool has = g_signal_has_handler_pending(owner, signal_, 0, FALSE);
  gst_object_unref(owner);
  return has;
}

void CredentialSource::cancel()
{
  if (fetch_)
    fetch_->cancel();
  fetch_.reset();
}

/* The application may block (it mints a token over the network): never on
 * the shared I/O thread or the streaming thread. */
void CredentialSource::ask_application(
    std::function<void(const CredentialAnswer &)> later)
{
  auto *owner = static_cast<GstElement *>(g_weak_ref_get(&owner_));
  if (!owner) {
    later(failure(CredentialFailure::Problem::NotAuthorized, Retry::Never,
                  "The element is gone.", "No token can be requested."));
    return;
  }
  guint signal = signal_;
  auto job = new std::function<void()>([owner, signal, later]() {
    gchar *answer = nullptr;
    g_signal_emit(owner, signal, 0, &answer);
    std::string token = answer ? answer : "";
    g_free(answer);
    gst_object_unref(owner);
    if (token.empty())
      later(failure(CredentialFailure::Problem::NotAuthorized, Retry::Never,
                    "The request-token handler gave no token.",
                    "A handler of request-token must return a fresh "
                    "temporary token for every connection."));
    else
      later(Credential{AuthMode::QueryToken, token});
  });
  GThread *t = g_thread_new(
      "aai-request-token",
      [](gpointer data) -> gpointer {
        auto *fn = static_cast<std::function<void()> *>(data);
        (*fn)();
        delete fn;
        return nullptr;
      },
      job);
  g_thread_unref(t);
}

std::optional<CredentialAnswer> CredentialSource::get(
    const SharedProps &props,
    const std::shared_ptr<IoThread> &io,
    std::function<void(const CredentialAnswer &)> later)
{
  cancel();
  if (has_request_token_handler()) {
    ask_application(std::move(later));
    return std::nullopt;
  }
  if (!props.token_url.empty()) {
    TokenRequest req;
    req.url = props.token_url;
    req.credential = props.effective_api_key();
    req.bearer = props.auth_scheme != AuthMode::RawHeader;
    req.expires_in_seconds = ASSEMBLYAI_TOKEN_EXPIRES_IN;
    req.max_session_duration_seconds =
        static_cast<int>(props.max_session_duration_s);
    req.net.proxy = props.proxy;
    req.net.tls_ca_file = props.tls_ca_file;
    req.net.tls_strict = props.tls_strict;
    req.timeout_ms = props.connect_timeout_ms;
    fetch_ =
        TokenFetch::start(io, std::move(req), [later](const TokenResult &r) {
          if (r.kind != TokenResult::Kind::Cancelled)
            later(from_token_result(r));
        });
    return std::nullopt;
  }
  if (!props.token.empty() && !token_used_) {
    token_used_ = true;
    return Credential{AuthMode::QueryToken, props.token};
  }
  std::string key = props.effective_api_key();
  if (key.empty())
    return failure(CredentialFailure::Problem::NotAuthorized, Retry::Never,
                   "No credentials for a new session.",
                   "The token property holds a single-use temporary token and "
                   "it was used. To reconnect, set api-key or token-url, or "
                   "handle the request-token signal.");
  return Credential{props.auth_scheme, key};
}

}  // namespace aai
