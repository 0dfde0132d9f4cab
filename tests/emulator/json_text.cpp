/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "json_text.h"

namespace aai_emu
{

std::string builder_to_string(JsonBuilder *b)
{
  JsonNode *root = json_builder_get_root(b);
  JsonGenerator *gen = json_generator_new();
  json_generator_set_root(gen, root);
  gchar *s = json_generator_to_data(gen, nullptr);
  std::string out(s);
  g_free(s);
  g_object_unref(gen);
  json_node_unref(root);
  return out;
}

}  // namespace aai_emu
