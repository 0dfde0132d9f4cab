/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Request and response helpers shared by the WebSocket upgrade handler
 * (emulator.cpp) and the token endpoints (token_endpoint.cpp). */
#pragma once

#include <libsoup/soup.h>

#include <map>
#include <string>

namespace aai_emu
{

/* {"error": msg} (docs/protocol.md, Authentication). */
std::string json_error_body(const std::string &msg);
void respond(SoupServerMessage *msg,
             int status,
             const char *content_type,
             const std::string &body);
std::map<std::string, std::string> decode_query(const char *query);
/* Request headers with lower-case names. */
std::map<std::string, std::string> lower_headers(SoupMessageHeaders *h);
/* The KeyPool team token: "Authorization: Bearer", x-api-key, or the
 * browser subprotocol keypool-token.<token> (returned in *subprotocol). */
std::string keypool_token(const std::map<std::string, std::string> &headers,
                          std::string *subprotocol);
std::string keypool_reason(int status);

}  // namespace aai_emu
