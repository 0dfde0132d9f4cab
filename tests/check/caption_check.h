/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* Closed captions read back by an independent decoder: FFmpeg's (the
 * ffmpeg program, Debian package ffmpeg), never this project's code.
 *
 * - recipe(): a launch line of docs/broadcast-captions.md, so that the
 *   documented pipelines are the ones tested; with_replaced() swaps its
 *   sources for test ones and fails if the text to swap is gone.
 * - read_captions(): FFmpeg's SRT of the captions of a file (A/53 in the
 *   H.264 of an MPEG-TS or MP4, or a QuickTime c608 track).
 * - check_roll_up() / check_pop_on(): the decoded words equal the script's,
 *   in order, and each is on screen no earlier than its audio and at most
 *   one frame plus the configured latency after it. */
#pragma once

#include <gst/check/gstcheck.h>

#include <glib.h>

#include <string>
#include <vector>

#include "emulator.h"

/* ---- recipes ------------------------------------------------------------ */

/* The gst-launch-1.0 pipeline of the block after "<!-- recipe: @name -->"
 * in docs/broadcast-captions.md, on one line, without the program name and
 * its options. */
inline std::string recipe(const std::string &name)
{
  std::string path = std::string(DOCS_DIR) + "/broadcast-captions.md";
  gchar *text = nullptr;
  fail_unless(g_file_get_contents(path.c_str(), &text, nullptr, nullptr),
              "cannot read %s", path.c_str());
  std::string doc(text);
  g_free(text);
  std::string mark = "<!-- recipe: " + name + " -->";
  size_t at = doc.find(mark);
  fail_unless(at != std::string::npos, "no recipe %s in %s", name.c_str(),
              path.c_str());
  size_t start = doc.find("```sh\n", at);
  fail_unless(start != std::string::npos);
  start += 6;
  size_t end = doc.find("\n```", start);
  std::string block = doc.substr(start, end - start);
  /* Join the continuation lines and squeeze the white space. */
  std::string line;
  bool space = false;
  for (size_t i = 0; i < block.size(); i++) {
    char c = block[i];
    if (c == '\\' && i + 1 < block.size() && block[i + 1] == '\n') {
      i++;
      c = ' ';
    }
    if (c == ' ' || c == '\n' || c == '\t') {
      space = !line.empty();
      continue;
    }
    if (space)
      line += ' ';
    space = false;
    line += c;
  }
  const std::string prog = "gst-launch-1.0 ";
  fail_unless(line.compare(0, prog.size(), prog) == 0, "%s", line.c_str());
  line = line.substr(prog.size());
  while (line.compare(0, 1, "-") == 0)
    line = line.substr(line.find(' ') + 1);
  return line;
}

/* @desc with every @from replaced by @to; fails if @from is not there
 * (the documented pipeline changed: update the test with it). */
inline std::string with_replaced(std::string desc,
                                 const std::string &from,
                                 const std::string &to)
{
  size_t at = desc.find(from);
  fail_unless(at != std::string::npos, "'%s' not in the recipe '%s'",
              from.c_str(), desc.c_str());
  while (at != std::string::npos) {
    desc.replace(at, from.size(), to);
    at = desc.find(from, at + to.size());
  }
  return desc;
}

/* ---- FFmpeg ------------------------------------------------------------- */

enum class Carriage { A53, C608Track };

/* One subtitle event FFmpeg decoded: when it starts and its rows. */
struct CaptionEvent {
  uint64_t start_ms = 0;
  std::vector<std::string> rows;
};

inline uint64_t srt_time_ms(const std::string &s)
{
  unsigned h = 0, m = 0, sec = 0, ms = 0;
  fail_unless(sscanf(s.c_str(), "%u:%u:%u,%u", &h, &m, &sec, &ms) == 4, "%s",
              s.c_str());
  return ((h * 60ull + m) * 60ull + sec) * 1000ull + ms;
}

inline std::vector<CaptionEvent> parse_srt(const std::string &srt)
{
  std::vector<CaptionEvent> out;
  gchar **lines = g_strsplit(srt.c_str(), "\n", -1);
  CaptionEvent *cur = nullptr;
  for (gchar **l = lines; *l; l++) {
    std::string s(*l);
    if (!s.empty() && s.back() == '\r')
      s.pop_back();
    size_t arrow = s.find(" --> ");
    if (arrow != std::string::npos) {
      out.emplace_back();
      cur = &out.back();
      cur->start_ms = srt_time_ms(s.substr(0, arrow));
      continue;
    }
    if (s.empty()) {
      cur = nullptr;
      continue;
    }
    if (cur)
      cur->rows.push_back(s);
  }
  g_strfreev(lines);
  return out;
}

/* The captions of @file (CC1, field 1) as FFmpeg reads them. @real_time:
 * every change of the screen as it happens (roll-up); otherwise one event
 * per shown screen, from its EOC (pop-on). */
inline std::vector<CaptionEvent> read_captions(const std::string &file,
                                               Carriage how,
                                               bool real_time)
{
  std::vector<std::string> args = {"ffmpeg", "-hide_banner", "-nostdin",
                                   "-loglevel", "error"};
  if (real_time) {
    for (const char *a : {"-real_time", "1", "-real_time_latency_msec", "0"})
      args.push_back(a);
  }
  if (how == Carriage::A53) {
    /* The movie source's subcc output: the A/53 captions of the video. */
    for (const char *a : {"-f", "lavfi", "-i"})
      args.push_back(a);
    args.push_back("movie=" + file + "[out0+subcc]");
    args.push_back("-map");
    args.push_back("0:1");
  } else {
    args.push_back("-i");
    args.push_back(file);
    args.push_back("-map");
    args.push_back("0:s:0");
  }
  for (const char *a : {"-c:s", "text", "-f", "srt", "-"})
    args.push_back(a);
  std::vector<gchar *> argv;
  for (auto &a : args)
    argv.push_back(const_cast<gchar *>(a.c_str()));
  argv.push_back(nullptr);
  gchar *out = nullptr, *err = nullptr;
  gint status = 0;
  GError *error = nullptr;
  gboolean ran =
      g_spawn_sync(nullptr, argv.data(), nullptr, G_SPAWN_SEARCH_PATH, nullptr,
                   nullptr, &out, &err, &status, &error);
  fail_unless(ran, "cannot run ffmpeg (scripts/setup.sh installs it): %s",
              error ? error->message : "");
  fail_unless(g_spawn_check_wait_status(status, nullptr), "ffmpeg failed: %s",
              err);
  std::vector<CaptionEvent> events = parse_srt(out);
  g_free(out);
  g_free(err);
  return events;
}

/* ---- checks ------------------------------------------------------------- */

/* A word as decoded, and when its first character came on screen. */
struct ShownWord {
  std::string text;
  uint64_t ms = 0;
};

inline std::vector<std::string> split_words(const std::string &line)
{
  std::vector<std::string> out;
  gchar **parts = g_strsplit(line.c_str(), " ", -1);
  for (gchar **p = parts; *p; p++)
    if (**p && g_strcmp0(*p, ">>") != 0)
      out.push_back(*p);
  g_strfreev(parts);
  return out;
}

/* Roll-up read in real time: the bottom row grows as it is written; a new
 * bottom row (the old one moved up, or the screen erased) is a new line.
 * Every character is timed by the event that first showed it. */
inline std::vector<ShownWord> roll_up_words(
    const std::vector<CaptionEvent> &events)
{
  struct Line {
    std::string text;
    std::vector<uint64_t> char_ms;
  };
  std::vector<Line> lines;
  bool open = false;
  for (const CaptionEvent &e : events) {
    if (e.rows.empty()) {
      open = false; /* erased */
      continue;
    }
    const std::string &bottom = e.rows.back();
    bool rolled = open && e.rows.size() >= 2 &&
                  e.rows[e.rows.size() - 2] == lines.back().text &&
                  bottom != lines.back().text;
    if (open && !rolled &&
        bottom.compare(0, lines.back().text.size(), lines.back().text) == 0) {
      Line &l = lines.back();
      while (l.char_ms.size() < bottom.size())
        l.char_ms.push_back(e.start_ms);
      l.text = bottom;
    } else {
      lines.push_back(
          {bottom, std::vector<uint64_t>(bottom.size(), e.start_ms)});
      open = true;
    }
  }
  std::vector<ShownWord> out;
  for (const Line &l : lines) {
    size_t i = 0;
    while (i < l.text.size()) {
      size_t j = l.text.find(' ', i);
      if (j == std::string::npos)
        j = l.text.size();
      std::string w = l.text.substr(i, j - i);
      if (!w.empty() && w != ">>")
        out.push_back({w, l.char_ms[i]});
      i = j + 1;
    }
  }
  return out;
}

/* Pop-on read normally: one event per cue, from its EOC; every word of a
 * cue came on screen with it. */
inline std::vector<ShownWord> pop_on_words(
    const std::vector<CaptionEvent> &events)
{
  std::vector<ShownWord> out;
  for (const CaptionEvent &e : events)
    for (const std::string &row : e.rows)
      for (const std::string &w : split_words(row))
        out.push_back({w, e.start_ms});
  return out;
}

inline std::string join_words(const std::vector<ShownWord> &w)
{
  std::string s;
  for (auto &x : w)
    s += (s.empty() ? "" : " ") + x.text;
  return s;
}

inline std::string join_words(const std::vector<aai_emu::ScriptWord> &w)
{
  std::string s;
  for (auto &x : w)
    s += (s.empty() ? "" : " ") + x.text;
  return s;
}

/* Whether a row starts with the speaker prefix ">> ". */
inline bool shows_speaker_change(const std::vector<CaptionEvent> &events)
{
  for (const CaptionEvent &e : events)
    for (const std::string &r : e.rows)
      if (r.compare(0, 3, ">> ") == 0)
        return true;
  return false;
}

/* The decoded words are the script's, in order, and each is on screen no
 * earlier than its audio (1 ms for the decoder's rounding to ms) and at
 * most @frame_ms + @latency_ms after it. In pop-on a whole cue comes on
 * screen at once: it must not precede the audio of its last word, and
 * its first word bounds the delay. */
inline void check_words(const std::vector<ShownWord> &shown,
                        const std::vector<aai_emu::ScriptWord> &script,
                        bool pop_on,
                        uint64_t frame_ms,
                        uint64_t latency_ms,
                        const char *what)
{
  fail_unless(join_words(shown) == join_words(script),
              "%s: decoded \"%s\", said \"%s\"", what,
              join_words(shown).c_str(), join_words(script).c_str());
  for (size_t i = 0; i < script.size(); i++) {
    uint64_t audio = static_cast<uint64_t>(script[i].start);
    fail_unless(shown[i].ms + 1 >= audio,
                "%s: '%s' on screen at %" G_GUINT64_FORMAT
                " ms, before its audio at %" G_GUINT64_FORMAT " ms",
                what, script[i].text.c_str(), shown[i].ms, audio);
    bool first_of_cue = !pop_on || i == 0 || shown[i - 1].ms != shown[i].ms;
    if (first_of_cue)
      fail_unless(shown[i].ms <= audio + frame_ms + latency_ms,
                  "%s: '%s' on screen at %" G_GUINT64_FORMAT
                  " ms, more than a frame + %" G_GUINT64_FORMAT
                  " ms after its audio at %" G_GUINT64_FORMAT " ms",
                  what, script[i].text.c_str(), shown[i].ms, latency_ms, audio);
  }
}
