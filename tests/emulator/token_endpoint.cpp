/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Temporary tokens: minting, GET /v3/token and the KeyPool
 * /v1/assemblyai/v3/token (docs/protocol.md, Authentication), their injected
 * failures and the request log. */
#include "emulator_impl.h"
#include "http_util.h"
#include "service_clock.h"

namespace aai_emu
{

std::string Emulator::Impl::mint(int expires_in_seconds, int max_duration_s)
{
  gchar *uuid = g_uuid_string_random();
  std::string token = std::string("tmp-") + uuid;
  g_free(uuid);
  std::lock_guard<std::mutex> lock(mutex);
  Token t;
  /* Token lifetimes are service time, like every other duration. */
  t.expires_us =
      g_get_monotonic_time() +
      ServiceClock(config.time_scale).wall_us(expires_in_seconds * 1000.0);
  t.max_session_duration_s = max_duration_s;
  tokens[token] = t;
  return token;
}

/* Returns the status of the injected failure due at this stage (0: none)
 * and consumes one from token_fail_count. The KeyPool proxy fails before
 * forwarding (proxy_stage); the upstream faults apply to both endpoints,
 * since KeyPool forwards token requests to /v3/token. */
int Emulator::Impl::take_token_fault(bool proxy_stage, FaultPlan *fault)
{
  std::lock_guard<std::mutex> lock(mutex);
  if (plan.token_fail_count == 0)
    return 0;
  int status = 0;
  if (proxy_stage)
    status = plan.keypool_fail_status;
  else if (plan.token_bad_json_missing_field)
    status = 200;
  else if (plan.token_bad_json)
    status = plan.token_fail_status ? plan.token_fail_status : 200;
  else
    status = plan.token_fail_status;
  if (status && plan.token_fail_count > 0)
    plan.token_fail_count--;
  *fault = plan;
  return status;
}

/* Decides the answer to one token request; fills req->status/token. */
int Emulator::Impl::answer_token(TokenRequest *req,
                                 bool keypool,
                                 std::string *content_type,
                                 std::string *body)
{
  *content_type = "application/json";
  Config cfg = config_snapshot();
  FaultPlan fault;
  if (keypool) {
    std::string sub;
    std::string team = keypool_token(req->headers, &sub);
    bool ok = false;
    for (auto &t : cfg.keypool_team_tokens)
      ok = ok || (!team.empty() && t == team);
    if (!ok) {
      *body = json_error_body("Unauthorized");
      return 401;
    }
    if (int status = take_token_fault(true, &fault)) {
      *body = json_error_body(keypool_reason(status));
      return status;
    }
  } else {
    auto it = req->headers.find("authorization");
    bool ok = false;
    for (auto &k : cfg.api_keys)
      ok = ok || (it != req->headers.end() && it->second == k);
    if (!ok) {
      *body = json_error_body(it == req->headers.end()
                                  ? "Missing Authorization header"
                                  : "Invalid API key");
      return 401;
    }
  }
  gint64 expires = 0, max_dur = 0;
  auto e = req->params.find("expires_in_seconds");
  if (e == req->params.end()) {
    *body = json_error_body("expires_in_seconds is required");
    return 400;
  }
  if (!g_ascii_string_to_signed(e->second.c_str(), 10, 1, 600, &expires,
                                nullptr)) {
    *body = json_error_body(
        "expires_in_seconds must be an integer between 1 and 600");
    return 400;
  }
  auto m = req->params.find("max_session_duration_seconds");
  if (m != req->params.end() &&
      !g_ascii_string_to_signed(m->second.c_str(), 10, 60, 10800, &max_dur,
                                nullptr)) {
    *body = json_error_body(
        "max_session_duration_seconds must be an integer between 60 and "
        "10800");
    return 400;
  }
  int fail_status = take_token_fault(false, &fault);
  if (fail_status && fault.token_bad_json &&
      !fault.token_bad_json_missing_field) {
    /* What a misbehaving proxy or load balancer returns: not JSON. */
    *content_type = "text/html";
    *body = "<html><body><h1>" +
            std::string(soup_status_get_phrase(fail_status)) +
            "</h1></body></html>";
    return fail_status;
  }
  if (fail_status && !fault.token_bad_json_missing_field) {
    const char *phrase = soup_status_get_phrase(fail_status);
    *body = json_error_body(phrase ? phrase : "Error");
    return fail_status;
  }
  std::string token;
  if (!fail_status) {
    token = mint((int)expires, (int)max_dur);
    req->token = token;
  }
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  if (!fail_status) {
    json_builder_set_member_name(b, "token");
    json_builder_add_string_value(b, token.c_str());
  }
  json_builder_set_member_name(b, "expires_in_seconds");
  json_builder_add_int_value(b, expires);
  json_builder_end_object(b);
  *body = builder_to_string(b);
  g_object_unref(b);
  return 200;
}

void Emulator::Impl::handle_token(SoupServerMessage *msg, bool keypool)
{
  TokenRequest req;
  GUri *uri = soup_server_message_get_uri(msg);
  req.path = g_uri_get_path(uri);
  req.params = decode_query(g_uri_get_query(uri));
  req.headers = lower_headers(soup_server_message_get_request_headers(msg));
  std::string content_type, body;
  if (soup_server_message_get_method(msg) != SOUP_METHOD_GET) {
    content_type = "application/json";
    body = json_error_body("Method not allowed");
    req.status = 405;
  } else {
    req.status = answer_token(&req, keypool, &content_type, &body);
  }
  respond(msg, req.status, content_type.c_str(), body);
  log("token request " + req.path + ": HTTP " + std::to_string(req.status) +
      (req.token.empty() ? "" : " (minted)"));
  std::lock_guard<std::mutex> lock(mutex);
  token_requests.push_back(std::move(req));
  cond.notify_all();
}

}  // namespace aai_emu
