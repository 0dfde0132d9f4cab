/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "language.h"

#include <algorithm>
#include <cctype>

namespace aai
{

namespace
{
struct Language {
  const char *code;
  const char *name;
};

/* The languages whisper-rt documents (docs/models.md), by ISO 639 code. */
constexpr Language kWhisperLanguages[] = {
    {"af", "Afrikaans"},      {"am", "Amharic"},     {"ar", "Arabic"},
    {"as", "Assamese"},       {"az", "Azerbaijani"}, {"ba", "Bashkir"},
    {"be", "Belarusian"},     {"bg", "Bulgarian"},   {"bn", "Bengali"},
    {"bo", "Tibetan"},        {"br", "Breton"},      {"bs", "Bosnian"},
    {"ca", "Catalan"},        {"cs", "Czech"},       {"cy", "Welsh"},
    {"da", "Danish"},         {"de", "German"},      {"el", "Greek"},
    {"en", "English"},        {"es", "Spanish"},     {"et", "Estonian"},
    {"eu", "Basque"},         {"fa", "Persian"},     {"fi", "Finnish"},
    {"fo", "Faroese"},        {"fr", "French"},      {"gl", "Galician"},
    {"gu", "Gujarati"},       {"ha", "Hausa"},       {"haw", "Hawaiian"},
    {"he", "Hebrew"},         {"hi", "Hindi"},       {"hr", "Croatian"},
    {"ht", "Haitian Creole"}, {"hu", "Hungarian"},   {"hy", "Armenian"},
    {"id", "Indonesian"},     {"is", "Icelandic"},   {"it", "Italian"},
    {"ja", "Japanese"},       {"jw", "Javanese"},    {"ka", "Georgian"},
    {"kk", "Kazakh"},         {"km", "Khmer"},       {"kn", "Kannada"},
    {"ko", "Korean"},         {"la", "Latin"},       {"lb", "Luxembourgish"},
    {"ln", "Lingala"},        {"lo", "Lao"},         {"lt", "Lithuanian"},
    {"lv", "Latvian"},        {"mg", "Malagasy"},    {"mi", "Maori"},
    {"mk", "Macedonian"},     {"ml", "Malayalam"},   {"mn", "Mongolian"},
    {"mr", "Marathi"},        {"ms", "Malay"},       {"mt", "Maltese"},
    {"my", "Myanmar"},        {"ne", "Nepali"},      {"nl", "Dutch"},
    {"nn", "Nynorsk"},        {"no", "Norwegian"},   {"oc", "Occitan"},
    {"pa", "Punjabi"},        {"pl", "Polish"},      {"ps", "Pashto"},
    {"pt", "Portuguese"},     {"ro", "Romanian"},    {"ru", "Russian"},
    {"sa", "Sanskrit"},       {"sd", "Sindhi"},      {"si", "Sinhala"},
    {"sk", "Slovak"},         {"sl", "Slovenian"},   {"sn", "Shona"},
    {"so", "Somali"},         {"sq", "Albanian"},    {"sr", "Serbian"},
    {"su", "Sundanese"},      {"sv", "Swedish"},     {"sw", "Swahili"},
    {"ta", "Tamil"},          {"te", "Telugu"},      {"tg", "Tajik"},
    {"th", "Thai"},           {"tk", "Turkmen"},     {"tl", "Tagalog"},
    {"tr", "Turkish"},        {"tt", "Tatar"},       {"uk", "Ukrainian"},
    {"ur", "Urdu"},           {"uz", "Uzbek"},       {"vi", "Vietnamese"},
    {"yi", "Yiddish"},        {"yo", "Yoruba"},      {"yue", "Cantonese"},
    {"zh", "Chinese"}};

/* What universal-streaming-multilingual documents besides English. */
constexpr const char *kMultilingual[] = {"es", "fr", "de", "it", "pt"};

const Language *find_language(const std::string &code)
{
  for (const Language &l : kWhisperLanguages)
    if (code == l.code)
      return &l;
  return nullptr;
}

std::string primary_subtag(const std::string &code)
{
  std::string p;
  for (char c : code) {
    if (c == '-' || c == '_')
      break;
    p += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return p;
}
}  // namespace

ModelChoice model_for_language(const std::string &code)
{
  ModelChoice c;
  c.primary = code.empty() ? "en" : primary_subtag(code);
  if (c.primary == "multi") {
    c.model = "universal-streaming-multilingual";
    c.language = "several languages";
    return c;
  }
  const Language *l = find_language(c.primary);
  if (!l) {
    c.error = "language-code \"" + code +
              "\" is not a language any AssemblyAI streaming model "
              "transcribes. Use a BCP-47 or ISO 639 code of English, "
              "Spanish, French, German, Italian or Portuguese (Universal-"
              "Streaming), \"multi\", or one of the languages of whisper-rt:";
    for (const Language &w : kWhisperLanguages)
      c.error += std::string(" ") + w.code;
    c.error += "; or set speech-model yourself.";
    return c;
  }
  c.language = l->name;
  if (c.primary == "en")
    c.model = "universal-streaming-english";
  else if (std::find(std::begin(kMultilingual), std::end(kMultilingual),
                     c.primary) != std::end(kMultilingual))
    c.model = "universal-streaming-multilingual";
  else
    c.model = "whisper-rt";
  return c;
}

}  // namespace aai
