/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Where the credential of each connection comes from, in this order:
 *   1. a handler of the element's request-token signal (the application
 *      mints a token; the handler runs on a worker thread of its own and
 *      may block),
 *   2. a token minted at token-url with the API key (a fresh one for every
 *      connection; the key goes only to the token endpoint),
 *   3. the token property (single-use: the first connection only),
 *   4. the API key (api-key, else $ASSEMBLYAI_API_KEY), presented as
 *      auth-scheme says.
 * Secrets pass through here and are never logged. */
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <variant>

#include <gst/gst.h>

#include "gstassemblyaiprops.h"
#include "io_thread.h"
#include "stream_machine.h"

namespace aai
{

class TokenFetch;

using CredentialAnswer = std::variant<Credential, CredentialFailure>;

class CredentialSource
{
 public:
  explicit CredentialSource(GstElement *owner);
  ~CredentialSource();
  CredentialSource(const CredentialSource &) = delete;
  CredentialSource &operator=(const CredentialSource &) = delete;

  void set_request_token_signal(guint signal_id) { signal_ = signal_id; }
  bool has_request_token_handler() const;
  /* A new run (READY->PAUSED): the token property may be used again. */
  void reset() { token_used_ = false; }

  /* The answer when it is at hand; otherwise starts getting it and calls
   * @later (on another thread, never from inside this call). */
  std::optional<CredentialAnswer> get(
      const SharedProps &props,
      const std::shared_ptr<IoThread> &io,
      std::function<void(const CredentialAnswer &)> later);
  /* Drops a token request in flight (its answer is not delivered). */
  void cancel();

 private:
  void ask_application(std::function<void(const CredentialAnswer &)> later);

  GWeakRef owner_;
  guint signal_ = 0;
  bool token_used_ = false;
  std::shared_ptr<TokenFetch> fetch_;
};

}  // namespace aai
