/* gst-assemblyai
 * Copyright (C) 2026 gst-assemblyai contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/**
 * SECTION:element-assemblyaicea608enc
 * @title: assemblyaicea608enc
 *
 * Turns timed words into CEA-608 closed captions, one byte pair per video
 * frame, for `cccombiner` (A/53 captions in H.264 through `x264enc`),
 * `qtmux` (a QuickTime c608 track) or `line21encoder`.
 *
 * The input is the word stream of #assemblyaitranscriber's `src` pad, or of
 * anything that follows the same contract: `text/x-raw, format=utf8`, one
 * word per buffer (white space inside a buffer separates words, all placed
 * at its PTS), PTS and duration the word's place in the audio; GAP events
 * while nobody speaks; the custom downstream events
 * `rstranscribe/final-transcript` (end of a turn: the next word starts a
 * new line, or closes the pop-on cue) and `rstranscribe/speaker-change`
 * (the next word starts a new line with #GstAssemblyAICea608Enc:speaker-prefix,
 * ">> " by default).
 *
 * ## Output
 *
 * One buffer per video frame, from the start of the input segment, with no
 * holes: frame N has PTS segment.start + N / framerate, so `cccombiner`
 * matches it to the video frame of the same time. The formats, in the
 * order the element prefers them when downstream accepts several:
 * `closedcaption/x-cea-708, format=cc_data` (what `x264enc` writes as
 * A/53), `closedcaption/x-cea-608, format=s334-1a` (what `qtmux`'s
 * `caption_%u` pads take), `closedcaption/x-cea-608, format=raw` (field 1
 * only) and `closedcaption/x-cea-708, format=cdp`. The framerate is one of
 * 24000/1001, 24, 25, 30000/1001, 30, 50, 60000/1001 and 60; 30000/1001
 * unless downstream or a capsfilter says otherwise. It must be the video's
 * framerate: pin it with a capsfilter
 * (`closedcaption/x-cea-708,format=cc_data,framerate=25/1`).
 *
 * The caption channel carries at most one pair (2 characters) per frame up
 * to 30 fps and one every other frame above (608's own rate). Control
 * codes and special and extended characters are sent twice; bytes have odd
 * parity; lines are 32 columns (minus #GstAssemblyAICea608Enc:origin-column)
 * and words wrap whole. A character the CEA-608 sets cannot show is sent as
 * its closest look-alike or '?', counted in
 * #GstAssemblyAICea608Enc:substitutions and logged (INFO).
 *
 * ## Modes
 *
 * - roll-up-2, roll-up-3, roll-up-4 (live captions, the default is 2
 *   rows): each word appears as soon as its time comes, lines roll up
 *   from the base row #GstAssemblyAICea608Enc:origin-row.
 * - pop-on (files): words are loaded off screen into a cue of up to
 *   #GstAssemblyAICea608Enc:lines lines ending at origin-row; the cue pops
 *   on when it is complete (the next word does not fit, the turn ends, the
 *   speaker changes) but never before its last word is spoken, and at the
 *   latest #GstAssemblyAICea608Enc:latency after its first word.
 * - paint-on: words appear where they are written in a block of `lines`
 *   rows, which is erased and refilled when full.
 *
 * After #GstAssemblyAICea608Enc:erase-timeout with nothing new the screen
 * is erased.
 *
 * ## Timing and latency
 *
 * No character goes on air before the word's audio: it is placed on the
 * first frame at or after the word's PTS. Frame N is sent only once the
 * input (a word's end or a GAP's end) has passed its start, plus, in
 * roll-up and paint-on, #GstAssemblyAICea608Enc:latency: that hold lets the
 * codes that open a line (roll-up command, carriage return, row address)
 * go out before the line's first character, so each word is on air on its
 * own frame. The LATENCY query adds the hold to upstream's answer. Words
 * that come faster than the channel carries them wait and are counted in
 * #GstAssemblyAICea608Enc:queued-words; a word for a frame already sent
 * goes on the next free frame and is counted in
 * #GstAssemblyAICea608Enc:late-words (with a CORE/CLOCK warning the first
 * time). Nothing is dropped. At EOS the open cue is shown, the waiting
 * codes are sent and the screen is erased after erase-timeout.
 *
 * A new segment starts a new frame count (what was waiting is sent and the
 * screen erased first); a flush erases the screen at the first frame after
 * it.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 -e pulsesrc ! audioconvert ! audioresample ! \
 *     assemblyaitranscriber name=t latency=4000 speaker-labels=true \
 *     t.src ! assemblyaicea608enc ! \
 *     closedcaption/x-cea-708,format=cc_data,framerate=30000/1001 ! \
 *     cc.caption \
 *     v4l2src ! videoconvert ! videorate ! \
 *     video/x-raw,framerate=30000/1001 ! cccombiner name=cc ! \
 *     x264enc tune=zerolatency ! h264parse ! mpegtsmux ! \
 *     udpsink host=239.1.1.1 port=5000
 * ]| Live roll-up captions into an H.264 MPEG-TS stream (A/53).
 * |[
 * gst-launch-1.0 filesrc location=talk.wav ! wavparse ! audioconvert ! \
 *     audioresample ! assemblyaitranscriber name=t pace=false \
 *     t.src ! assemblyaicea608enc mode=pop-on ! \
 *     closedcaption/x-cea-708,format=cc_data,framerate=25/1 ! cc.caption \
 *     filesrc location=talk.mp4 ! decodebin ! videoconvert ! \
 *     cccombiner name=cc ! x264enc ! h264parse ! mp4mux ! \
 *     filesink location=talk-cc.mp4
 * ]| Pop-on captions for a recording, into MP4 (A/53 in the H.264).
 * |[
 * gst-launch-1.0 filesrc location=talk.wav ! wavparse ! audioconvert ! \
 *     audioresample ! assemblyaitranscriber name=t pace=false \
 *     t.src ! assemblyaicea608enc mode=pop-on ! \
 *     closedcaption/x-cea-608,format=s334-1a,framerate=30000/1001 ! \
 *     mux.caption_0 \
 *     videotestsrc num-buffers=900 ! video/x-raw,framerate=30000/1001 ! \
 *     x264enc ! h264parse ! mux.video_0 qtmux name=mux ! \
 *     filesink location=talk.mov
 * ]| A QuickTime c608 caption track beside the video.
 *
 * See docs/broadcast-captions.md for the recipes, the CEA-608 rules the
 * element follows and how to check a file with FFmpeg.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstassemblyaicea608enc.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "encoder.h"
#include "packing.h"

GST_DEBUG_CATEGORY_STATIC(gst_assemblyai_cea608_enc_debug);
#define GST_CAT_DEFAULT gst_assemblyai_cea608_enc_debug

#define DEFAULT_MODE cea608::Mode::RollUp2
#define DEFAULT_CHANNEL cea608::Channel::CC1
#define DEFAULT_ORIGIN_ROW 15
#define DEFAULT_ORIGIN_COLUMN 0
#define DEFAULT_LINES 2u
#define DEFAULT_LATENCY_MS (-1)
#define DEFAULT_ERASE_TIMEOUT_MS 5000u
#define DEFAULT_SPEAKER_PREFIX ">> "
/* latency=-1: enough for the longest line opening (6 pairs: roll-up
 * command, PAC and tab offset, each twice) at any supported frame rate. */
#define AUTO_HOLD_MS 300u
/* latency=-1 in pop-on: how long a cue waits for more words. */
#define AUTO_CUE_WAIT_MS 3000u

#define CC_FRAMERATES                                                      \
  "framerate=(fraction){ 30000/1001, 25/1, 30/1, 60000/1001, 50/1, 60/1, " \
  "24000/1001, 24/1 }"
/* In the order of preference (see the SECTION comment). */
#define CC_SRC_CAPS                                                   \
  "closedcaption/x-cea-708, format=(string)cc_data, " CC_FRAMERATES   \
  "; closedcaption/x-cea-608, format=(string)s334-1a, " CC_FRAMERATES \
  "; closedcaption/x-cea-608, format=(string)raw, " CC_FRAMERATES     \
  "; closedcaption/x-cea-708, format=(string)cdp, " CC_FRAMERATES

enum {
  PROP_0,
  PROP_MODE,
  PROP_CHANNEL,
  PROP_ORIGIN_ROW,
  PROP_ORIGIN_COLUMN,
  PROP_LINES,
  PROP_LATENCY,
  PROP_ERASE_TIMEOUT,
  PROP_SPEAKER_PREFIX,
  PROP_LATE_WORDS,
  PROP_QUEUED_WORDS,
  PROP_SUBSTITUTIONS,
};

struct Cea608EncSettings {
  cea608::Mode mode = DEFAULT_MODE;
  cea608::Channel channel = DEFAULT_CHANNEL;
  int origin_row = DEFAULT_ORIGIN_ROW;
  int origin_column = DEFAULT_ORIGIN_COLUMN;
  guint lines = DEFAULT_LINES;
  int latency_ms = DEFAULT_LATENCY_MS;
  guint erase_timeout_ms = DEFAULT_ERASE_TIMEOUT_MS;
  std::string speaker_prefix = DEFAULT_SPEAKER_PREFIX;

  /* What latency means for this mode (ms): the hold in roll-up and
   * paint-on, the cue wait in pop-on. */
  guint resolved_latency_ms() const
  {
    if (latency_ms >= 0)
      return static_cast<guint>(latency_ms);
    return mode == cea608::Mode::PopOn ? AUTO_CUE_WAIT_MS : AUTO_HOLD_MS;
  }
  /* How long output frames are held behind the input. */
  GstClockTime hold() const
  {
    return mode == cea608::Mode::PopOn ? 0
                                       : resolved_latency_ms() * GST_MSECOND;
  }
};

struct GstAssemblyAICea608EncPrivate {
  GstPad *sinkpad = nullptr;
  GstPad *srcpad = nullptr;

  std::mutex lock; /* settings */
  Cea608EncSettings settings;

  /* Streaming thread only (chain and serialized events). */
  std::unique_ptr<cea608::Encoder> encoder;
  std::unique_ptr<cea608::Packer> packer;
  cea608::Format format = cea608::Format::CcData;
  int fps_n = 0, fps_d = 1;
  GstSegment segment;
  bool have_segment = false;
  bool discont = true;
  bool clear_screen = false; /* after a flush */
  GstClockTime position = 0; /* input, relative to segment.start */
  bool warned_late = false;

  std::atomic<guint64> late_words{0};
  std::atomic<guint64> queued_words{0};
  std::atomic<guint64> substitutions{0};
};

struct _GstAssemblyAICea608Enc {
  GstElement parent;
  GstAssemblyAICea608EncPrivate *priv;
};

static GstStaticPadTemplate sink_template =
    GST_STATIC_PAD_TEMPLATE("sink",
                            GST_PAD_SINK,
                            GST_PAD_ALWAYS,
                            GST_STATIC_CAPS("text/x-raw, format=(string)utf8"));
static GstStaticPadTemplate src_template =
    GST_STATIC_PAD_TEMPLATE("src",
                            GST_PAD_SRC,
                            GST_PAD_ALWAYS,
                            GST_STATIC_CAPS(CC_SRC_CAPS));

#define gst_assemblyai_cea608_enc_parent_class parent_class
G_DEFINE_TYPE(GstAssemblyAICea608Enc,
              gst_assemblyai_cea608_enc,
              GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE(assemblyaicea608enc,
                            "assemblyaicea608enc",
                            GST_RANK_NONE,
                            GST_TYPE_ASSEMBLYAI_CEA608_ENC);

/* ---- enums ---- */

#define GST_TYPE_ASSEMBLYAI_CEA608_MODE (cea608_mode_get_type())
static GType cea608_mode_get_type(void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
      {static_cast<gint>(cea608::Mode::RollUp2), "Roll-up, 2 rows",
       "roll-up-2"},
      {static_cast<gint>(cea608::Mode::RollUp3), "Roll-up, 3 rows",
       "roll-up-3"},
      {static_cast<gint>(cea608::Mode::RollUp4), "Roll-up, 4 rows",
       "roll-up-4"},
      {static_cast<gint>(cea608::Mode::PopOn), "Pop-on (whole cues)", "pop-on"},
      {static_cast<gint>(cea608::Mode::PaintOn), "Paint-on", "paint-on"},
      {0, nullptr, nullptr},
  };
  if (g_once_init_enter(&type))
    g_once_init_leave(
        &type, g_enum_register_static("GstAssemblyAICea608Mode", values));
  return type;
}

#define GST_TYPE_ASSEMBLYAI_CEA608_CHANNEL (cea608_channel_get_type())
static GType cea608_channel_get_type(void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
      {static_cast<gint>(cea608::Channel::CC1), "CC1 (field 1, channel 1)",
       "cc1"},
      {static_cast<gint>(cea608::Channel::CC2), "CC2 (field 1, channel 2)",
       "cc2"},
      {static_cast<gint>(cea608::Channel::CC3), "CC3 (field 2, channel 1)",
       "cc3"},
      {static_cast<gint>(cea608::Channel::CC4), "CC4 (field 2, channel 2)",
       "cc4"},
      {0, nullptr, nullptr},
  };
  if (g_once_init_enter(&type))
    g_once_init_leave(
        &type, g_enum_register_static("GstAssemblyAICea608Channel", values));
  return type;
}

/* ---- output ---- */

static void update_stats(GstAssemblyAICea608Enc *self)
{
  auto *p = self->priv;
  const cea608::EncoderStats &s = p->encoder->stats();
  p->queued_words.store(s.queued_words);
  p->substitutions.store(s.substitutions);
  guint64 old_late = p->late_words.exchange(s.late_words);
  for (const cea608::Substitution &sub : p->encoder->take_substitutions()) {
    if (sub.to.empty())
      GST_INFO_OBJECT(self, "U+%04X left out (takes no room)",
                      static_cast<unsigned>(sub.from));
    else
      GST_INFO_OBJECT(self, "U+%04X is not in the CEA-608 sets: sent as '%s'",
                      static_cast<unsigned>(sub.from), sub.to.c_str());
  }
  if (s.late_words > old_late && !p->warned_late) {
    p->warned_late = true;
    GST_ELEMENT_WARNING(
        self, CORE, CLOCK, ("Words arrive after their caption frames."),
        ("A word came for a frame already sent and was shown on the next "
         "free frame (late-words counts them). Raise the latency of the "
         "element upstream."));
  }
}

/* Pushes the frames the encoder committed. */
static GstFlowReturn push_frames(GstAssemblyAICea608Enc *self)
{
  auto *p = self->priv;
  if (!p->encoder)
    return GST_FLOW_OK;
  update_stats(self);
  int64_t first = 0;
  std::vector<cea608::Pair> frames = p->encoder->take_frames(&first);
  if (frames.empty())
    return GST_FLOW_OK;
  GstBufferList *list = gst_buffer_list_new_sized(frames.size());
  for (size_t i = 0; i < frames.size(); i++) {
    int64_t n = first + static_cast<int64_t>(i);
    std::vector<uint8_t> bytes = p->packer->pack(frames[i]);
    GstBuffer *b = gst_buffer_new_memdup(bytes.data(), bytes.size());
    GstClockTime t = p->encoder->frame_time(n);
    GST_BUFFER_PTS(b) = p->segment.start + t;
    GST_BUFFER_DURATION(b) = p->encoder->frame_time(n + 1) - t;
    if (p->discont) {
      GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_DISCONT);
      p->discont = false;
    }
    if (!frames[i].is_padding())
      GST_LOG_OBJECT(self, "frame %" G_GINT64_FORMAT ": %02x %02x", n,
                     frames[i].b1, frames[i].b2);
    gst_buffer_list_add(list, b);
  }
  return gst_pad_push_list(p->srcpad, list);
}

/* ---- negotiation ---- */

static bool format_of(const GstStructure *s, cea608::Format *out)
{
  const gchar *f = gst_structure_get_string(s, "format");
  if (!f)
    return false;
  bool is_608 = gst_structure_has_name(s, "closedcaption/x-cea-608");
  if (is_608 && g_str_equal(f, "raw"))
    *out = cea608::Format::Raw;
  else if (is_608 && g_str_equal(f, "s334-1a"))
    *out = cea608::Format::S334_1A;
  else if (!is_608 && g_str_equal(f, "cc_data"))
    *out = cea608::Format::CcData;
  else if (!is_608 && g_str_equal(f, "cdp"))
    *out = cea608::Format::Cdp;
  else
    return false;
  return true;
}

static cea608::EncoderOptions encoder_options(GstAssemblyAICea608Enc *self)
{
  auto *p = self->priv;
  std::lock_guard<std::mutex> l(p->lock);
  const Cea608EncSettings &s = p->settings;
  cea608::EncoderOptions o;
  o.layout.mode = s.mode;
  o.layout.channel = s.channel;
  o.layout.row = s.origin_row;
  o.layout.column = s.origin_column;
  o.layout.lines = static_cast<int>(s.lines);
  o.speaker_prefix = s.speaker_prefix;
  o.fps_n = p->fps_n;
  o.fps_d = p->fps_d;
  o.latency = s.resolved_latency_ms() * GST_MSECOND;
  o.erase_timeout = s.erase_timeout_ms * GST_MSECOND;
  return o;
}

/* A fresh encoder at frame 0 of the current segment. */
static void new_encoder(GstAssemblyAICea608Enc *self)
{
  auto *p = self->priv;
  p->encoder = std::make_unique<cea608::Encoder>(encoder_options(self));
  p->position = 0;
  if (p->clear_screen) {
    p->encoder->clear_screen();
    p->clear_screen = false;
  }
}

/* Picks the output caps: the first of our formats (in order of
 * preference) that downstream takes and that carries the channel. */
static gboolean negotiate(GstAssemblyAICea608Enc *self)
{
  auto *p = self->priv;
  if (p->packer)
    return TRUE; /* the input is always utf8 text: negotiated once */
  cea608::Channel channel;
  {
    std::lock_guard<std::mutex> l(p->lock);
    channel = p->settings.channel;
  }
  GstCaps *templ = gst_pad_get_pad_template_caps(p->srcpad);
  GstCaps *peer = gst_pad_peer_query_caps(p->srcpad, templ);
  GstCaps *chosen = nullptr;
  cea608::Format format = cea608::Format::CcData;
  for (guint i = 0; i < gst_caps_get_size(templ) && !chosen; i++) {
    GstCaps *one = gst_caps_copy_nth(templ, i);
    GstCaps *both = gst_caps_intersect(peer, one);
    gst_caps_unref(one);
    if (gst_caps_is_empty(both)) {
      gst_caps_unref(both);
      continue;
    }
    both = gst_caps_truncate(both);
    both = gst_caps_make_writable(both);
    GstStructure *s = gst_caps_get_structure(both, 0);
    gst_structure_fixate_field(s, "format");
    gst_structure_fixate_field_nearest_fraction(s, "framerate", 30000, 1001);
    both = gst_caps_fixate(both);
    s = gst_caps_get_structure(both, 0);
    if (format_of(s, &format) &&
        !(format == cea608::Format::Raw && cea608::field_of(channel) == 2))
      chosen = both;
    else
      gst_caps_unref(both);
  }
  gst_caps_unref(peer);
  gst_caps_unref(templ);
  if (!chosen) {
    GST_ELEMENT_ERROR(
        self, CORE, NEGOTIATION, ("Downstream takes no caption format."),
        ("Downstream accepts none of closedcaption/x-cea-708 (cc_data, cdp) "
         "and closedcaption/x-cea-608 (s334-1a, raw) at a CEA frame rate%s. "
         "Put ccconverter after the element, or a capsfilter that names one "
         "of them.",
         cea608::field_of(channel) == 2
             ? " (raw carries field 1 only: not CC3/CC4)"
             : ""));
    return FALSE;
  }
  gint n = 0, d = 1;
  gst_structure_get_fraction(gst_caps_get_structure(chosen, 0), "framerate", &n,
                             &d);
  GST_INFO_OBJECT(self, "output caps %" GST_PTR_FORMAT, chosen);
  p->fps_n = n;
  p->fps_d = d;
  p->format = format;
  p->packer = std::make_unique<cea608::Packer>(format, channel, n, d);
  new_encoder(self);
  gboolean ok = gst_pad_push_event(p->srcpad, gst_event_new_caps(chosen));
  gst_caps_unref(chosen);
  return ok;
}

/* ---- input ---- */

static GstClockTime relative(GstAssemblyAICea608EncPrivate *p, GstClockTime t)
{
  return t > p->segment.start ? t - p->segment.start : 0;
}

static GstFlowReturn advance_to(GstAssemblyAICea608Enc *self, GstClockTime t)
{
  auto *p = self->priv;
  if (t > p->position)
    p->position = t;
  p->encoder->advance(p->position);
  return push_frames(self);
}

static GstFlowReturn gst_assemblyai_cea608_enc_chain(GstPad *,
                                                     GstObject *parent,
                                                     GstBuffer *buf)
{
  auto *self = GST_ASSEMBLYAI_CEA608_ENC(parent);
  auto *p = self->priv;
  if (!p->encoder || !p->have_segment) {
    gst_buffer_unref(buf);
    GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("No caps or segment."),
                      ("Text came before the caps and the segment."));
    return GST_FLOW_NOT_NEGOTIATED;
  }
  GstClockTime start = p->position;
  if (GST_BUFFER_PTS_IS_VALID(buf))
    start = relative(p, GST_BUFFER_PTS(buf));
  else
    GST_WARNING_OBJECT(self, "word without PTS: placed at the input position");
  GstClockTime duration =
      GST_BUFFER_DURATION_IS_VALID(buf) ? GST_BUFFER_DURATION(buf) : 0;
  GstMapInfo map;
  if (!gst_buffer_map(buf, &map, GST_MAP_READ)) {
    gst_buffer_unref(buf);
    GST_ELEMENT_ERROR(self, STREAM, DECODE, ("Cannot read a text buffer."),
                      (nullptr));
    return GST_FLOW_ERROR;
  }
  std::string text(reinterpret_cast<const char *>(map.data), map.size);
  gst_buffer_unmap(buf, &map);
  gst_buffer_unref(buf);
  GST_DEBUG_OBJECT(self, "'%s' at %" GST_TIME_FORMAT " for %" GST_TIME_FORMAT,
                   text.c_str(), GST_TIME_ARGS(start), GST_TIME_ARGS(duration));
  p->encoder->add_text(text, start, duration);
  return advance_to(self, start + duration);
}

static void handle_segment(GstAssemblyAICea608Enc *self, GstEvent *event)
{
  auto *p = self->priv;
  const GstSegment *seg;
  gst_event_parse_segment(event, &seg);
  if (p->have_segment && gst_segment_is_equal(seg, &p->segment))
    return;
  if (p->have_segment && p->encoder) {
    /* A new timeline: what waits goes out in the old one, then frames
     * count again from the new start. */
    p->encoder->finish(true);
    push_frames(self);
  }
  gst_segment_copy_into(seg, &p->segment);
  p->have_segment = true;
  if (p->packer)
    new_encoder(self);
}

static gboolean gst_assemblyai_cea608_enc_sink_event(GstPad *pad,
                                                     GstObject *parent,
                                                     GstEvent *event)
{
  auto *self = GST_ASSEMBLYAI_CEA608_ENC(parent);
  auto *p = self->priv;
  switch (GST_EVENT_TYPE(event)) {
    case GST_EVENT_CAPS:
      gst_event_unref(event);
      return negotiate(self);
    case GST_EVENT_SEGMENT: {
      const GstSegment *seg;
      gst_event_parse_segment(event, &seg);
      if (seg->format != GST_FORMAT_TIME) {
        GST_ELEMENT_ERROR(
            self, STREAM, FORMAT, ("Words need a time segment."),
            ("Got a %s segment.", gst_format_get_name(seg->format)));
        gst_event_unref(event);
        return FALSE;
      }
      handle_segment(self, event);
      return gst_pad_event_default(pad, parent, event);
    }
    case GST_EVENT_GAP: {
      if (!p->encoder) {
        gst_event_unref(event);
        return TRUE;
      }
      GstClockTime ts, dur;
      gst_event_parse_gap(event, &ts, &dur);
      gst_event_unref(event);
      if (!GST_CLOCK_TIME_IS_VALID(ts))
        return TRUE;
      GstClockTime end = ts + (GST_CLOCK_TIME_IS_VALID(dur) ? dur : 0);
      /* Our frames fill the time: no GAP goes downstream. */
      GstFlowReturn ret = advance_to(self, relative(p, end));
      return ret == GST_FLOW_OK || ret == GST_FLOW_NOT_LINKED;
    }
    case GST_EVENT_CUSTOM_DOWNSTREAM:
      if (p->encoder) {
        if (gst_event_has_name(event, "rstranscribe/final-transcript")) {
          GST_DEBUG_OBJECT(self, "end of turn");
          p->encoder->end_turn();
        } else if (gst_event_has_name(event, "rstranscribe/speaker-change")) {
          const gchar *who = gst_structure_get_string(
              gst_event_get_structure(event), "speaker");
          GST_DEBUG_OBJECT(self, "speaker change to %s", who);
          p->encoder->speaker_change(who ? who : "");
        }
        push_frames(self);
      }
      return gst_pad_event_default(pad, parent, event);
    case GST_EVENT_EOS:
      if (p->encoder) {
        p->encoder->finish();
        push_frames(self);
      }
      return gst_pad_event_default(pad, parent, event);
    case GST_EVENT_FLUSH_STOP:
      p->encoder.reset();
      p->have_segment = false;
      p->discont = true;
      /* The decoder still shows what was on screen before the flush. */
      p->clear_screen = true;
      return gst_pad_event_default(pad, parent, event);
    default:
      return gst_pad_event_default(pad, parent, event);
  }
}

static gboolean gst_assemblyai_cea608_enc_src_query(GstPad *pad,
                                                    GstObject *parent,
                                                    GstQuery *query)
{
  auto *self = GST_ASSEMBLYAI_CEA608_ENC(parent);
  auto *p = self->priv;
  if (GST_QUERY_TYPE(query) == GST_QUERY_LATENCY) {
    if (!gst_pad_peer_query(p->sinkpad, query))
      return FALSE;
    gboolean live;
    GstClockTime min, max;
    gst_query_parse_latency(query, &live, &min, &max);
    GstClockTime hold;
    {
      std::lock_guard<std::mutex> l(p->lock);
      hold = p->settings.hold();
    }
    min += hold;
    if (GST_CLOCK_TIME_IS_VALID(max))
      max += hold;
    GST_DEBUG_OBJECT(self,
                     "latency: live %d, min %" GST_TIME_FORMAT
                     " (hold %" GST_TIME_FORMAT ")",
                     live, GST_TIME_ARGS(min), GST_TIME_ARGS(hold));
    gst_query_set_latency(query, live, min, max);
    return TRUE;
  }
  return gst_pad_query_default(pad, parent, query);
}

static GstStateChangeReturn gst_assemblyai_cea608_enc_change_state(
    GstElement *element,
    GstStateChange transition)
{
  auto *self = GST_ASSEMBLYAI_CEA608_ENC(element);
  auto *p = self->priv;
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED) {
    p->discont = true;
    p->have_segment = false;
    p->clear_screen = false;
    p->warned_late = false;
    p->late_words.store(0);
    p->queued_words.store(0);
    p->substitutions.store(0);
    gst_segment_init(&p->segment, GST_FORMAT_TIME);
  }
  GstStateChangeReturn ret =
      GST_ELEMENT_CLASS(parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
    p->encoder.reset();
    p->packer.reset();
  }
  return ret;
}

/* ---- properties ---- */

static void gst_assemblyai_cea608_enc_set_property(GObject *object,
                                                   guint prop_id,
                                                   const GValue *value,
                                                   GParamSpec *pspec)
{
  auto *self = GST_ASSEMBLYAI_CEA608_ENC(object);
  std::lock_guard<std::mutex> l(self->priv->lock);
  Cea608EncSettings &s = self->priv->settings;
  switch (prop_id) {
    case PROP_MODE:
      s.mode = static_cast<cea608::Mode>(g_value_get_enum(value));
      break;
    case PROP_CHANNEL:
      s.channel = static_cast<cea608::Channel>(g_value_get_enum(value));
      break;
    case PROP_ORIGIN_ROW:
      s.origin_row = g_value_get_int(value);
      break;
    case PROP_ORIGIN_COLUMN:
      s.origin_column = g_value_get_int(value);
      break;
    case PROP_LINES:
      s.lines = g_value_get_uint(value);
      break;
    case PROP_LATENCY:
      s.latency_ms = g_value_get_int(value);
      break;
    case PROP_ERASE_TIMEOUT:
      s.erase_timeout_ms = g_value_get_uint(value);
      break;
    case PROP_SPEAKER_PREFIX: {
      const gchar *v = g_value_get_string(value);
      s.speaker_prefix = v ? v : "";
      break;
    }
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void gst_assemblyai_cea608_enc_get_property(GObject *object,
                                                   guint prop_id,
                                                   GValue *value,
                                                   GParamSpec *pspec)
{
  auto *self = GST_ASSEMBLYAI_CEA608_ENC(object);
  auto *p = self->priv;
  std::lock_guard<std::mutex> l(p->lock);
  const Cea608EncSettings &s = p->settings;
  switch (prop_id) {
    case PROP_MODE:
      g_value_set_enum(value, static_cast<gint>(s.mode));
      break;
    case PROP_CHANNEL:
      g_value_set_enum(value, static_cast<gint>(s.channel));
      break;
    case PROP_ORIGIN_ROW:
      g_value_set_int(value, s.origin_row);
      break;
    case PROP_ORIGIN_COLUMN:
      g_value_set_int(value, s.origin_column);
      break;
    case PROP_LINES:
      g_value_set_uint(value, s.lines);
      break;
    case PROP_LATENCY:
      g_value_set_int(value, s.latency_ms);
      break;
    case PROP_ERASE_TIMEOUT:
      g_value_set_uint(value, s.erase_timeout_ms);
      break;
    case PROP_SPEAKER_PREFIX:
      g_value_set_string(value, s.speaker_prefix.c_str());
      break;
    case PROP_LATE_WORDS:
      g_value_set_uint64(value, p->late_words.load());
      break;
    case PROP_QUEUED_WORDS:
      g_value_set_uint64(value, p->queued_words.load());
      break;
    case PROP_SUBSTITUTIONS:
      g_value_set_uint64(value, p->substitutions.load());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
      break;
  }
}

static void gst_assemblyai_cea608_enc_finalize(GObject *object)
{
  auto *self = GST_ASSEMBLYAI_CEA608_ENC(object);
  delete self->priv;
  G_OBJECT_CLASS(parent_class)->finalize(object);
}

static void install_properties(GObjectClass *k)
{
  /* Settings apply from the next segment, flush or state change to
   * PAUSED; the hold changes the latency, so they are set in READY. */
  const GParamFlags rw = static_cast<GParamFlags>(
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY);
  const GParamFlags ro =
      static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * GstAssemblyAICea608Enc:mode:
   *
   * Caption mode: roll-up with 2, 3 or 4 rows (live), pop-on (whole cues,
   * for files) or paint-on.
   */
  g_object_class_install_property(
      k, PROP_MODE,
      g_param_spec_enum("mode", "Mode", "Caption mode",
                        GST_TYPE_ASSEMBLYAI_CEA608_MODE,
                        static_cast<gint>(DEFAULT_MODE), rw));
  /**
   * GstAssemblyAICea608Enc:channel:
   *
   * Caption channel. CC1 and CC2 are in field 1, CC3 and CC4 in field 2
   * (which the raw format cannot carry).
   */
  g_object_class_install_property(
      k, PROP_CHANNEL,
      g_param_spec_enum("channel", "Channel", "Caption channel",
                        GST_TYPE_ASSEMBLYAI_CEA608_CHANNEL,
                        static_cast<gint>(DEFAULT_CHANNEL), rw));
  /**
   * GstAssemblyAICea608Enc:origin-row:
   *
   * Screen row (1 at the top, 15 at the bottom) of the captions: the base
   * row roll-up lines enter on, or the last row of a pop-on or paint-on
   * caption. Raised to the number of rows the mode needs.
   */
  g_object_class_install_property(
      k, PROP_ORIGIN_ROW,
      g_param_spec_int("origin-row", "Origin row",
                       "Row of the captions' last line (1-15)", 1, 15,
                       DEFAULT_ORIGIN_ROW, rw));
  /**
   * GstAssemblyAICea608Enc:origin-column:
   *
   * Column (0-31) every line starts at: a PAC indent (a multiple of 4) plus
   * a tab offset. Lines are 32 - origin-column characters wide.
   */
  g_object_class_install_property(
      k, PROP_ORIGIN_COLUMN,
      g_param_spec_int("origin-column", "Origin column",
                       "Column every line starts at (0-31)", 0, 31,
                       DEFAULT_ORIGIN_COLUMN, rw));
  /**
   * GstAssemblyAICea608Enc:lines:
   *
   * Pop-on and paint-on: rows of one caption.
   */
  g_object_class_install_property(
      k, PROP_LINES,
      g_param_spec_uint("lines", "Lines",
                        "Pop-on and paint-on: rows per caption", 1, 4,
                        DEFAULT_LINES, rw));
  /**
   * GstAssemblyAICea608Enc:latency:
   *
   * Milliseconds a caption may be shown after its audio. Roll-up and
   * paint-on: frames are held this long behind the input so that the codes
   * opening a line go out before its first character (added to the
   * LATENCY query). Pop-on: the longest a cue waits for more words after
   * its first one (not added: the cue waits in the timestamps). -1: 300 ms
   * in roll-up and paint-on (enough for a line's opening codes at any
   * frame rate), 3000 ms in pop-on.
   */
  g_object_class_install_property(
      k, PROP_LATENCY,
      g_param_spec_int("latency", "Latency",
                       "Milliseconds a caption may be shown after its audio "
                       "(-1: automatic)",
                       -1, 60000, DEFAULT_LATENCY_MS, rw));
  /**
   * GstAssemblyAICea608Enc:erase-timeout:
   *
   * Milliseconds of silence (nothing new on screen) after which the screen
   * is erased; 0: never.
   */
  g_object_class_install_property(
      k, PROP_ERASE_TIMEOUT,
      g_param_spec_uint("erase-timeout", "Erase timeout",
                        "Milliseconds with nothing new after which the "
                        "screen is erased (0: never)",
                        0, G_MAXUINT, DEFAULT_ERASE_TIMEOUT_MS, rw));
  /**
   * GstAssemblyAICea608Enc:speaker-prefix:
   *
   * Text that starts the first line of a new speaker
   * (`rstranscribe/speaker-change`); empty for none.
   */
  g_object_class_install_property(
      k, PROP_SPEAKER_PREFIX,
      g_param_spec_string("speaker-prefix", "Speaker prefix",
                          "Text that starts a new speaker's first line",
                          DEFAULT_SPEAKER_PREFIX, rw));
  /**
   * GstAssemblyAICea608Enc:late-words:
   *
   * Words that came for a frame already sent, shown on the next free frame.
   */
  g_object_class_install_property(
      k, PROP_LATE_WORDS,
      g_param_spec_uint64("late-words", "Late words",
                          "Words that came for a frame already sent", 0,
                          G_MAXUINT64, 0, ro));
  /**
   * GstAssemblyAICea608Enc:queued-words:
   *
   * Words that waited for the channel (more text than 2 characters per
   * frame carry) and went on air later than their own frame.
   */
  g_object_class_install_property(
      k, PROP_QUEUED_WORDS,
      g_param_spec_uint64("queued-words", "Queued words",
                          "Words that waited for the caption channel", 0,
                          G_MAXUINT64, 0, ro));
  /**
   * GstAssemblyAICea608Enc:substitutions:
   *
   * Characters not sent as themselves (no CEA-608 glyph): replaced by a
   * look-alike or '?', or left out when they take no room.
   */
  g_object_class_install_property(
      k, PROP_SUBSTITUTIONS,
      g_param_spec_uint64("substitutions", "Substitutions",
                          "Characters sent as a look-alike or left out", 0,
                          G_MAXUINT64, 0, ro));
}

static void gst_assemblyai_cea608_enc_class_init(
    GstAssemblyAICea608EncClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS(klass);

  gobject_class->set_property = gst_assemblyai_cea608_enc_set_property;
  gobject_class->get_property = gst_assemblyai_cea608_enc_get_property;
  gobject_class->finalize = gst_assemblyai_cea608_enc_finalize;
  install_properties(gobject_class);

  gst_element_class_add_static_pad_template(element_class, &sink_template);
  gst_element_class_add_static_pad_template(element_class, &src_template);
  gst_element_class_set_static_metadata(
      element_class, "CEA-608 caption encoder for timed words",
      "Codec/Encoder/Subtitle",
      "Turns timed words (assemblyaitranscriber's src pad) into CEA-608 "
      "closed captions, one byte pair per video frame",
      "gst-assemblyai contributors");
  element_class->change_state =
      GST_DEBUG_FUNCPTR(gst_assemblyai_cea608_enc_change_state);

  gst_type_mark_as_plugin_api(GST_TYPE_ASSEMBLYAI_CEA608_MODE,
                              static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_ASSEMBLYAI_CEA608_CHANNEL,
                              static_cast<GstPluginAPIFlags>(0));
  GST_DEBUG_CATEGORY_INIT(gst_assemblyai_cea608_enc_debug,
                          "assemblyaicea608enc", 0,
                          "CEA-608 caption encoder for timed words");
}

static void gst_assemblyai_cea608_enc_init(GstAssemblyAICea608Enc *self)
{
  auto *p = new GstAssemblyAICea608EncPrivate();
  self->priv = p;
  gst_segment_init(&p->segment, GST_FORMAT_TIME);

  p->sinkpad = gst_pad_new_from_static_template(&sink_template, "sink");
  gst_pad_set_chain_function(
      p->sinkpad, GST_DEBUG_FUNCPTR(gst_assemblyai_cea608_enc_chain));
  gst_pad_set_event_function(
      p->sinkpad, GST_DEBUG_FUNCPTR(gst_assemblyai_cea608_enc_sink_event));
  gst_element_add_pad(GST_ELEMENT(self), p->sinkpad);

  p->srcpad = gst_pad_new_from_static_template(&src_template, "src");
  gst_pad_set_query_function(
      p->srcpad, GST_DEBUG_FUNCPTR(gst_assemblyai_cea608_enc_src_query));
  gst_pad_use_fixed_caps(p->srcpad);
  gst_element_add_pad(GST_ELEMENT(self), p->srcpad);
}
