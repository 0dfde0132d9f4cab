/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Which speech model transcribes a language (docs/models.md): English goes
 * to universal-streaming-english; Spanish, French, German, Italian and
 * Portuguese to universal-streaming-multilingual (which also does English
 * and formats natively); every other language whisper-rt lists goes to
 * whisper-rt. Codes are BCP-47 ("en-US", "pt-BR", "es-419") or ISO 639
 * ("en", "yue"); only the primary subtag counts. */
#pragma once

#include <string>

namespace aai
{

struct ModelChoice {
  std::string model;    /* empty when the language is not supported */
  std::string language; /* its English name, e.g. "Spanish" */
  std::string primary;  /* the primary subtag, lower case, e.g. "es" */
  std::string error;    /* what is wrong and what is supported */
};

/* The model for @code; "multi" asks for universal-streaming-multilingual
 * and "" means English. */
ModelChoice model_for_language(const std::string &code);

}  // namespace aai
