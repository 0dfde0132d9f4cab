/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "http_util.h"

#include "json_text.h"

#include <cstring>

namespace aai_emu
{

std::string json_error_body(const std::string &msg)
{
  JsonBuilder *b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "error");
  json_builder_add_string_value(b, msg.c_str());
  json_builder_end_object(b);
  std::string out = builder_to_string(b);
  g_object_unref(b);
  return out;
}

void respond(SoupServerMessage *msg,
             int status,
             const char *content_type,
             const std::string &body)
{
  soup_server_message_set_status(msg, status, nullptr);
  soup_server_message_set_response(msg, content_type, SOUP_MEMORY_COPY,
                                   body.data(), body.size());
}

std::map<std::string, std::string> decode_query(const char *query)
{
  std::map<std::string, std::string> out;
  if (!query)
    return out;
  GHashTable *t =
      g_uri_parse_params(query, -1, "&", G_URI_PARAMS_WWW_FORM, nullptr);
  if (!t)
    return out;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init(&it, t);
  while (g_hash_table_iter_next(&it, &k, &v))
    out[(const char *)k] = (const char *)v;
  g_hash_table_unref(t);
  return out;
}

std::map<std::string, std::string> lower_headers(SoupMessageHeaders *h)
{
  std::map<std::string, std::string> out;
  SoupMessageHeadersIter it;
  const char *name, *value;
  soup_message_headers_iter_init(&it, h);
  while (soup_message_headers_iter_next(&it, &name, &value)) {
    gchar *lower = g_ascii_strdown(name, -1);
    out[lower] = value;
    g_free(lower);
  }
  return out;
}

std::string keypool_token(const std::map<std::string, std::string> &headers,
                          std::string *subprotocol)
{
  auto it = headers.find("authorization");
  if (it != headers.end() && g_str_has_prefix(it->second.c_str(), "Bearer "))
    return it->second.substr(7);
  it = headers.find("x-api-key");
  if (it != headers.end())
    return it->second;
  it = headers.find("sec-websocket-protocol");
  if (it != headers.end()) {
    gchar **protos = g_strsplit_set(it->second.c_str(), ", ", -1);
    std::string token;
    for (gchar **p = protos; *p; p++)
      if (g_str_has_prefix(*p, "keypool-token.")) {
        *subprotocol = *p;
        token = *p + strlen("keypool-token.");
        break;
      }
    g_strfreev(protos);
    return token;
  }
  return "";
}

std::string keypool_reason(int status)
{
  switch (status) {
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 429:
      return "Quota Exceeded";
    case 502:
      return "Upstream Failed";
    case 503:
      return "No Available Keys";
    default:
      return "Error";
  }
}

}  // namespace aai_emu
