/* lookout-agent-protocol.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The messages of the agent link (docs/agents.md). A batch is written as
 * text directly, one array per result, because it is the hot path of a
 * back-fill; everything received is parsed by json-glib and checked field
 * by field, with a sentence saying what is wrong. */

#define G_LOG_DOMAIN "lookout-agents"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-agent-protocol.h"
#include "lookout-json.h"

G_DEFINE_QUARK (lookout-agent-error-quark, lookout_agent_error)

JsonObject *
lookout_agent_message_parse (const char  *text,
                             gsize        len,
                             const char **out_type,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonObject *object;
  JsonNode *type;

  if (!json_parser_load_from_data (parser, text, len, &local_error))
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                   _("A message is not JSON: %s"), local_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                   _("A message must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (root);
  type = json_object_get_member (object, "type");
  if (type == NULL || json_node_get_value_type (type) != G_TYPE_STRING)
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                   _("A message must say its “type”"));
      return NULL;
    }
  *out_type = json_node_get_string (type);
  return json_object_ref (object);
}

static gboolean
node_get_int (JsonNode    *node,
              const char  *what,
              gint64       min,
              gint64       max,
              gint64      *out_value,
              GError     **error)
{
  gint64 value;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                   _("“%s” must be an integer"), what);
      return FALSE;
    }
  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                   _("“%s” is out of range: %lld"), what, (long long) value);
      return FALSE;
    }
  *out_value = value;
  return TRUE;
}

gboolean
lookout_agent_message_get_int (JsonObject  *object,
                               const char  *member,
                               gint64       min,
                               gint64       max,
                               gint64      *out_value,
                               GError     **error)
{
  return node_get_int (json_object_get_member (object, member), member, min, max, out_value, error);
}

static void
append_string (GString    *out,
               const char *text)
{
  if (text == NULL)
    g_string_append (out, "null");
  else
    lookout_json_append_string (out, text);
}

void
lookout_agent_append_entry (GString                  *out,
                            const LookoutOutboxEntry *entry)
{
  const LookoutSample *s = &entry->sample;
  g_autofree char *valid = NULL;

  g_string_append_printf (out, "[%" G_GUINT64_FORMAT ",", entry->seq);
  append_string (out, entry->target);
  g_string_append_printf (out, ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%u,%d,",
                          s->ts_ms, s->latency_us, (guint) s->state, s->code);
  if (s->error != NULL && !g_utf8_validate (s->error, -1, NULL))
    append_string (out, valid = g_utf8_make_valid (s->error, -1));
  else
    append_string (out, s->error);
  g_string_append_printf (out, ",%u,%u,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT "]",
                          s->sent, s->received, s->min_us, s->max_us, s->jitter_us);
}

#define N_FIELDS 12

gboolean
lookout_agent_entry_from_json (JsonNode            *node,
                               LookoutOutboxEntry  *out_entry,
                               GError             **error)
{
  static const struct { const char *name; gint64 min, max; } ints[N_FIELDS] = {
    { "seq", 1, G_MAXINT64 },
    { NULL, 0, 0 },
    { "ts_ms", 0, G_MAXINT64 },
    { "latency_us", -1, G_MAXINT64 },
    { "state", LOOKOUT_TARGET_STATE_UNKNOWN, LOOKOUT_TARGET_STATE_PAUSED },
    { "code", G_MININT32, G_MAXINT32 },
    { NULL, 0, 0 },
    { "sent", 0, G_MAXUINT32 },
    { "received", 0, G_MAXUINT32 },
    { "min_us", -1, G_MAXINT64 },
    { "max_us", -1, G_MAXINT64 },
    { "jitter_us", -1, G_MAXINT64 },
  };
  gint64 v[N_FIELDS] = { 0, };
  JsonArray *array;
  JsonNode *target, *message;

  if (!JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (array = json_node_get_array (node)) != N_FIELDS)
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                   _("A result must be an array of %d values"), N_FIELDS);
      return FALSE;
    }

  for (guint i = 0; i < N_FIELDS; i++)
    if (ints[i].name != NULL &&
        !node_get_int (json_array_get_element (array, i), ints[i].name,
                       ints[i].min, ints[i].max, &v[i], error))
      return FALSE;

  target = json_array_get_element (array, 1);
  message = json_array_get_element (array, 6);
  if (json_node_get_value_type (target) != G_TYPE_STRING ||
      (!JSON_NODE_HOLDS_NULL (message) && json_node_get_value_type (message) != G_TYPE_STRING))
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                   _("A result's target must be a string and its error a string or null"));
      return FALSE;
    }

  *out_entry = (LookoutOutboxEntry) {
    .seq = v[0],
    .target = g_strdup (json_node_get_string (target)),
    .sample = {
      .ts_ms = v[2], .latency_us = v[3], .state = v[4], .code = v[5],
      .error = JSON_NODE_HOLDS_NULL (message) ? NULL : g_strdup (json_node_get_string (message)),
      .sent = v[7], .received = v[8], .min_us = v[9], .max_us = v[10], .jitter_us = v[11],
    },
  };
  return TRUE;
}

/* The fast way through a batch as agents write it: the members in their
 * order, integers without fraction or exponent, strings without escapes.
 * Anything else (or any value out of range) returns NULL, and the batch
 * goes through json-glib, which accepts every JSON spelling and says what
 * is wrong. */
typedef struct
{
  const char *p;
  const char *end;
} Cursor;

static void
skip_space (Cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\r' || *c->p == '\t'))
    c->p++;
}

static gboolean
take_char (Cursor *c,
           char    ch)
{
  skip_space (c);
  if (c->p >= c->end || *c->p != ch)
    return FALSE;
  c->p++;
  return TRUE;
}

static gboolean
take_literal (Cursor     *c,
              const char *literal)
{
  gsize n = strlen (literal);

  skip_space (c);
  if ((gsize) (c->end - c->p) < n || memcmp (c->p, literal, n) != 0)
    return FALSE;
  c->p += n;
  return TRUE;
}

static gboolean
take_int (Cursor *c,
          gint64  min,
          gint64  max,
          gint64 *out)
{
  gboolean negative = FALSE;
  guint64 value = 0;
  const char *start;

  skip_space (c);
  if (c->p < c->end && *c->p == '-')
    {
      negative = TRUE;
      c->p++;
    }
  start = c->p;
  while (c->p < c->end && g_ascii_isdigit (*c->p))
    {
      if (value > (G_MAXINT64 - 9) / 10)
        return FALSE;
      value = value * 10 + (guint64) (*c->p - '0');
      c->p++;
    }
  if (c->p == start || (c->p - start > 1 && *start == '0') ||
      (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E')))
    return FALSE;
  *out = negative ? -(gint64) value : (gint64) value;
  return *out >= min && *out <= max;
}

/* A string without escapes, or null when @nullable. */
static gboolean
take_string (Cursor    *c,
             gboolean   nullable,
             char     **out)
{
  const char *start;

  skip_space (c);
  if (nullable && take_literal (c, "null"))
    {
      *out = NULL;
      return TRUE;
    }
  if (!take_char (c, '"'))
    return FALSE;
  start = c->p;
  while (c->p < c->end && *c->p != '"')
    {
      if (*c->p == '\\' || (guchar) *c->p < 0x20)
        return FALSE;
      c->p++;
    }
  if (c->p >= c->end || !g_utf8_validate_len (start, c->p - start, NULL))
    return FALSE;
  *out = g_strndup (start, c->p - start);
  c->p++;
  return TRUE;
}

static gboolean
take_entry (Cursor             *c,
            LookoutOutboxEntry *entry)
{
  gint64 v[N_FIELDS];

  memset (entry, 0, sizeof *entry);
  if (!take_char (c, '[') ||
      !take_int (c, 1, G_MAXINT64, &v[0]) || !take_char (c, ',') ||
      !take_string (c, FALSE, &entry->target) || !take_char (c, ',') ||
      !take_int (c, 0, G_MAXINT64, &v[2]) || !take_char (c, ',') ||
      !take_int (c, -1, G_MAXINT64, &v[3]) || !take_char (c, ',') ||
      !take_int (c, LOOKOUT_TARGET_STATE_UNKNOWN, LOOKOUT_TARGET_STATE_PAUSED, &v[4]) || !take_char (c, ',') ||
      !take_int (c, G_MININT32, G_MAXINT32, &v[5]) || !take_char (c, ',') ||
      !take_string (c, TRUE, &entry->sample.error) || !take_char (c, ',') ||
      !take_int (c, 0, G_MAXUINT32, &v[7]) || !take_char (c, ',') ||
      !take_int (c, 0, G_MAXUINT32, &v[8]) || !take_char (c, ',') ||
      !take_int (c, -1, G_MAXINT64, &v[9]) || !take_char (c, ',') ||
      !take_int (c, -1, G_MAXINT64, &v[10]) || !take_char (c, ',') ||
      !take_int (c, -1, G_MAXINT64, &v[11]) || !take_char (c, ']'))
    {
      lookout_outbox_entry_clear (entry);
      return FALSE;
    }
  entry->seq = v[0];
  entry->sample.ts_ms = v[2];
  entry->sample.latency_us = v[3];
  entry->sample.state = v[4];
  entry->sample.code = v[5];
  entry->sample.sent = v[7];
  entry->sample.received = v[8];
  entry->sample.min_us = v[9];
  entry->sample.max_us = v[10];
  entry->sample.jitter_us = v[11];
  return TRUE;
}

static GArray *
batch_parse_fast (const char *text,
                  gsize       len,
                  gint64     *out_first_kept,
                  gint64     *out_dropped)
{
  g_autoptr(GArray) entries = g_array_sized_new (FALSE, TRUE, sizeof (LookoutOutboxEntry), len / 64);
  Cursor c = { text, text + len };

  g_array_set_clear_func (entries, (GDestroyNotify) lookout_outbox_entry_clear);
  if (!take_char (&c, '{') || !take_literal (&c, "\"type\"") || !take_char (&c, ':') ||
      !take_literal (&c, "\"batch\"") || !take_char (&c, ',') ||
      !take_literal (&c, "\"first_seq\"") || !take_char (&c, ':') ||
      !take_int (&c, 0, G_MAXINT64, out_first_kept) || !take_char (&c, ',') ||
      !take_literal (&c, "\"dropped\"") || !take_char (&c, ':') ||
      !take_int (&c, 0, G_MAXINT64, out_dropped) || !take_char (&c, ',') ||
      !take_literal (&c, "\"results\"") || !take_char (&c, ':') || !take_char (&c, '['))
    return NULL;
  if (!take_char (&c, ']'))
    {
      do
        {
          LookoutOutboxEntry entry;

          if (!take_entry (&c, &entry))
            return NULL;
          g_array_append_val (entries, entry);
        }
      while (take_char (&c, ','));
      if (!take_char (&c, ']'))
        return NULL;
    }
  if (!take_char (&c, '}'))
    return NULL;
  skip_space (&c);
  if (c.p != c.end)
    return NULL;
  return g_steal_pointer (&entries);
}

GArray *
lookout_agent_batch_parse (const char  *text,
                           gsize        len,
                           gint64      *out_first_kept,
                           gint64      *out_dropped,
                           GError     **error)
{
  g_autoptr(JsonObject) message = NULL;
  g_autoptr(GArray) entries = NULL;
  const char *kind;
  JsonNode *results;
  JsonArray *array;
  guint n;

  entries = batch_parse_fast (text, len, out_first_kept, out_dropped);
  if (entries != NULL)
    return g_steal_pointer (&entries);

  message = lookout_agent_message_parse (text, len, &kind, error);
  if (message == NULL)
    return NULL;
  if (!g_str_equal (kind, "batch"))
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                   _("A message of type “%s” is not a batch"), kind);
      return NULL;
    }
  if (!lookout_agent_message_get_int (message, "first_seq", 0, G_MAXINT64, out_first_kept, error) ||
      !lookout_agent_message_get_int (message, "dropped", 0, G_MAXINT64, out_dropped, error))
    return NULL;
  results = json_object_get_member (message, "results");
  if (results == NULL || !JSON_NODE_HOLDS_ARRAY (results))
    {
      g_set_error (error, LOOKOUT_AGENT_ERROR, LOOKOUT_AGENT_ERROR_PROTOCOL,
                   _("a batch must carry a “results” array"));
      return NULL;
    }

  array = json_node_get_array (results);
  n = json_array_get_length (array);
  entries = g_array_sized_new (FALSE, TRUE, sizeof (LookoutOutboxEntry), n);
  g_array_set_clear_func (entries, (GDestroyNotify) lookout_outbox_entry_clear);
  for (guint i = 0; i < n; i++)
    {
      LookoutOutboxEntry entry;

      if (!lookout_agent_entry_from_json (json_array_get_element (array, i), &entry, error))
        return NULL;
      g_array_append_val (entries, entry);
    }
  return g_steal_pointer (&entries);
}

LookoutResult *
lookout_agent_result_new (const LookoutOutboxEntry *entry,
                          LookoutTarget            *target,
                          const char               *location)
{
  const LookoutSample *s = &entry->sample;
  LookoutTargetKind kind = lookout_target_get_kind (target);
  LookoutResult *result = lookout_result_new (kind);

  result->target_id = lookout_target_get_id (target);
  result->target = g_strdup (lookout_target_get_uri_string (target));
  result->started_ms = s->ts_ms;
  result->state = s->state;
  result->ok = s->state == LOOKOUT_TARGET_STATE_UP || s->state == LOOKOUT_TARGET_STATE_DEGRADED;
  result->latency_us = s->latency_us;
  result->error = g_strdup (s->error);
  if (!result->ok && s->error != NULL)
    result->error_code = LOOKOUT_PROBE_ERROR_FAILED;
  result->location = g_strdup (location);
  result->sent = s->sent;
  result->received = s->received;
  result->min_us = s->min_us;
  result->max_us = s->max_us;
  result->jitter_us = s->jitter_us;
  if (s->code != LOOKOUT_SAMPLE_NO_CODE)
    {
      if (kind == LOOKOUT_TARGET_KIND_HTTP)
        result->http_status = s->code;
      else if (kind == LOOKOUT_TARGET_KIND_DNS)
        result->rcode = s->code;
    }
  return result;
}

char *
lookout_agent_normalize_fingerprint (const char *text)
{
  GString *out;

  if (text == NULL)
    return NULL;
  if (g_ascii_strncasecmp (text, "SHA256:", 7) == 0)
    text += 7;

  out = g_string_sized_new (64);
  for (const char *p = text; *p; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p))
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_c (out, g_ascii_tolower (*p));
    }
  if (out->len != 64)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

char *
lookout_agent_certificate_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}
