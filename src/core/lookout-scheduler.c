/* lookout-scheduler.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/*
 * How it works
 *
 * Every target of the model has a small Entry (no GSource, no GObject). The
 * entries of enabled targets sit in a binary min-heap ordered by their next
 * planned start (monotonic µs); the checks under way sit in a second heap
 * ordered by the moment the scheduler cuts them off (timeout + grace); both
 * are LookoutScheduleHeaps (lookout-schedule-heap.c). ONE GSource (a
 * timerfd behind lookout_fd_source_set_wake_time()), armed to the earlier
 * of both heap tops,
 * drives everything, so 10,000 targets cost 10,000 heap slots.
 *
 * Starts are spread: a target's phase is a hash of its id (or URI) modulo
 * its interval, and its starts fall on the wall-clock instants t with
 * t ≡ phase (mod interval), so the plan survives a restart. Planning itself
 * runs on monotonic time (converted once per planning).
 *
 * When a target falls due: if its previous check is still running (or still
 * waiting for a slot) the round is skipped and counted; else it starts at
 * once if fewer than max-concurrent checks run, or joins a FIFO queue that
 * is drained as checks finish. Lateness (start − planned start, queueing
 * included) goes into a log-linear histogram.
 *
 * A check that the probe has not finished by its cut-off is cancelled and
 * gets a TIMEOUT result from the scheduler; whatever the probe says later is
 * dropped (the Run is detached from its Entry).
 *
 * That is all the scheduler does with a result: it counts the target's
 * consecutive failures and emits "result". Deciding the state, storing and
 * the rest belong to LookoutMonitor (lookout_monitor_handle_result()).
 */

#define G_LOG_DOMAIN "lookout-scheduler"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lookout-resolver.h"
#include "lookout-marshal.h"
#include "lookout-schedule-heap.h"
#include "lookout-scheduler.h"
#include "lookout-deadline.h"
#include "lookout-fd-source.h"
#include "lookout-target-options.h"

typedef struct _Run Run;

typedef struct
{
  LookoutScheduler *self;
  LookoutTarget    *target;
  gulong            interval_id;    /* notify::interval */
  gulong            enabled_id;     /* notify::enabled */
  gulong            options_id;     /* notify::options: where it is checked from */
  gint64            due_us;         /* planned start, monotonic */
  gint64            deadline_us;    /* cut-off of the running check, monotonic */
  guint             due_index;      /* position in the due heap, or LOOKOUT_SCHEDULE_HEAP_NONE */
  guint             deadline_index;
  Run              *run;            /* the check under way, or NULL */
  GList            *wait_link;      /* in the wait queue, or NULL */
  gint64            wait_planned_us;
  guint             failures;       /* consecutive */
  guint             interval_s;
  guint             enabled : 1;
  guint             here : 1;       /* its "locations" name this process */
  guint64           n_skipped;
} Entry;

struct _Run
{
  LookoutScheduler *self;           /* NULL once detached */
  Entry            *entry;          /* NULL once detached */
  LookoutTarget    *target;
  GCancellable     *cancellable;
  gint64            started_ms;     /* wall clock */
};

/* Lateness histogram: exact below 16 µs, then 16 sub-buckets per power of
 * two (≤ 6 % error) up to 2^40 µs. */
#define HIST_SUB_BITS 4
#define HIST_SUB      (1 << HIST_SUB_BITS)
#define HIST_MAX_MSB  40
#define HIST_BUCKETS  (HIST_SUB + (HIST_MAX_MSB - HIST_SUB_BITS + 1) * HIST_SUB)

struct _LookoutScheduler
{
  GObject       parent_instance;

  GListModel   *model;
  gulong        items_changed_id;
  GPtrArray    *entries;            /* Entry *, in model order */

  LookoutProbe *probes[LOOKOUT_TARGET_N_KINDS];

  LookoutScheduleHeap due_heap;     /* Entry by due_us */
  LookoutScheduleHeap deadline_heap; /* Entry by deadline_us */
  GSource      *timer;              /* lookout_fd_source_set_wake_time() */
  GQueue        waiting;            /* Entry *, FIFO */
  GPtrArray    *spare_cancellables; /* of checks that ended uncancelled */

  char         *location;           /* this process's place, NULL: "local" only */
  guint         max_concurrent;
  guint         timeout_grace_ms;
  guint         n_running;
  gboolean      running;

  guint64       n_started;
  guint64       n_skipped;
  guint64       n_timed_out;
  guint64       lateness_count;
  gint64        lateness_max;
  guint64       lateness_hist[HIST_BUCKETS];
};

G_DEFINE_FINAL_TYPE (LookoutScheduler, lookout_scheduler, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_MAX_CONCURRENT,
  PROP_TIMEOUT_GRACE,
  PROP_RUNNING,
  N_PROPS
};

enum {
  RESULT,
  SKIPPED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_check (LookoutScheduler *self,
                         Entry            *entry,
                         gint64            planned_us);

/* ---- statistics ---- */

static guint
hist_bucket (guint64 value)
{
  int msb;

  if (value < HIST_SUB)
    return value;

  msb = 63 - __builtin_clzll (value);
  if (msb > HIST_MAX_MSB)
    return HIST_BUCKETS - 1;

  return HIST_SUB + (msb - HIST_SUB_BITS) * HIST_SUB +
         ((value >> (msb - HIST_SUB_BITS)) & (HIST_SUB - 1));
}

/* The middle of a bucket's range. */
static gint64
hist_value (guint bucket)
{
  guint msb, sub;
  guint64 low, width;

  if (bucket < HIST_SUB)
    return bucket;

  msb = (bucket - HIST_SUB) / HIST_SUB + HIST_SUB_BITS;
  sub = (bucket - HIST_SUB) % HIST_SUB;
  width = G_GUINT64_CONSTANT (1) << (msb - HIST_SUB_BITS);
  low = ((guint64) HIST_SUB + sub) * width;

  return low + width / 2;
}

static void
record_lateness (LookoutScheduler *self,
                 gint64            lateness_us)
{
  if (lateness_us < 0)
    lateness_us = 0;

  self->lateness_hist[hist_bucket (lateness_us)]++;
  self->lateness_count++;
  self->lateness_max = MAX (self->lateness_max, lateness_us);
}

/* ---- planning ---- */

static guint64
mix64 (guint64 x)
{
  /* splitmix64's finaliser: consecutive ids land far apart */
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

static guint64
entry_hash (Entry *entry)
{
  gint64 id = lookout_target_get_id (entry->target);
  const char *uri;
  guint64 h = G_GUINT64_CONSTANT (14695981039346656037);

  if (id != 0)
    return mix64 ((guint64) id);

  /* Not stored yet: FNV-1a over the URI, stable between runs too. */
  uri = lookout_target_get_uri_string (entry->target);
  for (const char *p = uri; p && *p; p++)
    h = (h ^ (guchar) *p) * G_GUINT64_CONSTANT (1099511628211);

  return mix64 (h);
}

/* The first start at or after @mono_now on the target's wall-clock grid. */
static gint64
entry_first_due (Entry  *entry,
                 gint64  mono_now,
                 gint64  real_now)
{
  gint64 interval_us = (gint64) MAX (entry->interval_s, 1) * G_USEC_PER_SEC;
  gint64 phase = entry_hash (entry) % (guint64) interval_us;
  gint64 r = (real_now - phase) % interval_us;

  if (r < 0)
    r += interval_us;

  return mono_now + (r == 0 ? 0 : interval_us - r);
}

static void
rearm_timer (LookoutScheduler *self)
{
  gint64 ready = MIN (lookout_schedule_heap_top_key (&self->due_heap),
                      lookout_schedule_heap_top_key (&self->deadline_heap));

  if (self->timer != NULL)
    lookout_fd_source_set_wake_time (self->timer, ready == G_MAXINT64 ? -1 : ready);
}

static void
plan_entry (LookoutScheduler *self,
            Entry            *entry,
            gint64            mono_now,
            gint64            real_now)
{
  lookout_schedule_heap_remove (&self->due_heap, entry);

  if (!self->running || !entry->enabled || !entry->here)
    return;

  entry->due_us = entry_first_due (entry, mono_now, real_now);
  lookout_schedule_heap_push (&self->due_heap, entry, entry->due_us);
}

/* ---- results ---- */

static void
hand_over_result (LookoutScheduler *self,
                  Entry            *entry,
                  LookoutResult    *result)
{
  LookoutTarget *target = entry->target;

  if (result->ok)
    entry->failures = 0;
  else
    entry->failures++;

  /* The monitor takes it from here (lookout_monitor_handle_result()). */
  g_signal_emit (self, signals[RESULT], 0, target, result);
}

static LookoutResult *
timeout_result_new (LookoutTarget *target,
                    gint64         started_ms,
                    guint          waited_ms)
{
  LookoutResult *result = lookout_result_new (lookout_target_get_kind (target));

  result->target_id = lookout_target_get_id (target);
  result->target = g_strdup (lookout_target_get_uri_string (target));
  result->started_ms = started_ms;
  lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_TIMEOUT,
                            _("No answer within %u ms"), waited_ms);

  return result;
}

static LookoutResult *
failed_result_new (LookoutTarget *target,
                   gint64         started_ms,
                   const GError  *error)
{
  LookoutResult *result = lookout_result_new (lookout_target_get_kind (target));

  result->target_id = lookout_target_get_id (target);
  result->target = g_strdup (lookout_target_get_uri_string (target));
  result->started_ms = started_ms;
  lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                            "%s", error->message);

  return result;
}

/* A cancellable that was never cancelled serves the next check: making
 * and finalizing one per check cost more than the rest of the Run. A
 * cancelled one is dropped with its Run (g_cancellable_reset () is no use
 * while the abandoned check may still hold it). */
#define MAX_SPARE_CANCELLABLES 64

static GCancellable *
take_cancellable (LookoutScheduler *self)
{
  GPtrArray *spare = self->spare_cancellables;

  if (spare->len == 0)
    return g_cancellable_new ();

  return g_ptr_array_steal_index_fast (spare, spare->len - 1);
}

static void
give_back_cancellable (LookoutScheduler *self,
                       Run              *run)
{
  if (self->spare_cancellables->len < MAX_SPARE_CANCELLABLES
      && !g_cancellable_is_cancelled (run->cancellable))
    g_ptr_array_add (self->spare_cancellables, g_steal_pointer (&run->cancellable));
}

static void
run_free (Run *run)
{
  g_clear_object (&run->target);
  g_clear_object (&run->cancellable);
  g_free (run);
}

/* Forgets the check of @entry: cancels it, frees its slot. The probe's
 * callback finds the Run detached and drops whatever it brings. */
static void
detach_run (LookoutScheduler *self,
            Entry            *entry)
{
  Run *run = entry->run;

  if (run == NULL)
    return;

  lookout_schedule_heap_remove (&self->deadline_heap, entry);
  entry->run = NULL;
  run->entry = NULL;
  run->self = NULL;
  g_cancellable_cancel (run->cancellable);

  g_assert (self->n_running > 0);
  self->n_running--;
}

static void
drain_waiting (LookoutScheduler *self)
{
  while (self->running && self->n_running < self->max_concurrent)
    {
      Entry *entry = g_queue_pop_head (&self->waiting);

      if (entry == NULL)
        break;

      entry->wait_link = NULL;
      start_check (self, entry, entry->wait_planned_us);
    }
}

static void
probe_ran_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  Run *run = user_data;
  LookoutScheduler *self = run->self;
  Entry *entry = run->entry;
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = lookout_probe_run_finish (LOOKOUT_PROBE (object), res, &error);

  if (self == NULL)
    {
      /* cut off, stopped or removed meanwhile */
      run_free (run);
      return;
    }

  g_assert (entry != NULL && entry->run == run);

  lookout_schedule_heap_remove (&self->deadline_heap, entry);
  entry->run = NULL;
  self->n_running--;

  if (result == NULL)
    result = failed_result_new (run->target, run->started_ms, error);

  give_back_cancellable (self, run);

  g_object_ref (self);
  hand_over_result (self, entry, result);
  run_free (run);
  drain_waiting (self);
  rearm_timer (self);
  g_object_unref (self);
}

static void
start_check (LookoutScheduler *self,
             Entry            *entry,
             gint64            planned_us)
{
  LookoutTargetKind kind = lookout_target_get_kind (entry->target);
  LookoutProbe *probe = self->probes[kind];
  gint64 now = g_get_monotonic_time ();
  Run *run;

  g_assert (entry->run == NULL);
  g_assert (entry->wait_link == NULL);

  record_lateness (self, now - planned_us);
  self->n_started++;

  run = g_new0 (Run, 1);
  run->self = self;
  run->entry = entry;
  run->target = g_object_ref (entry->target);
  run->cancellable = take_cancellable (self);
  run->started_ms = g_get_real_time () / 1000;

  entry->run = run;
  entry->deadline_us = now + ((gint64) lookout_target_get_timeout (entry->target) +
                              self->timeout_grace_ms) * 1000;
  lookout_schedule_heap_push (&self->deadline_heap, entry, entry->deadline_us);
  self->n_running++;

  if (probe == NULL)
    {
      g_autoptr(LookoutResult) result = lookout_result_new (kind);

      /* No prober for this kind: a configuration fault, shown as a failure. */
      result->target_id = lookout_target_get_id (entry->target);
      result->target = g_strdup (lookout_target_get_uri_string (entry->target));
      lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_FAILED,
                                _("No probe for %s targets"),
                                lookout_target_kind_get_label (kind));
      lookout_schedule_heap_remove (&self->deadline_heap, entry);
      entry->run = NULL;
      self->n_running--;
      run_free (run);
      hand_over_result (self, entry, result);
      return;
    }

  lookout_probe_run_async (probe, entry->target, run->cancellable, probe_ran_cb, run);
}

static void
fall_due (LookoutScheduler *self,
          Entry            *entry,
          gint64            planned_us)
{
  if (entry->run != NULL || entry->wait_link != NULL)
    {
      entry->n_skipped++;
      self->n_skipped++;
      g_signal_emit (self, signals[SKIPPED], 0, entry->target);
      return;
    }

  if (self->n_running < self->max_concurrent)
    start_check (self, entry, planned_us);
  else
    {
      entry->wait_planned_us = planned_us;
      g_queue_push_tail (&self->waiting, entry);
      entry->wait_link = self->waiting.tail;
    }
}

static void
cut_off (LookoutScheduler *self,
         Entry            *entry)
{
  Run *run = entry->run;
  g_autoptr(LookoutResult) result = NULL;
  guint waited_ms;

  g_assert (run != NULL);

  waited_ms = lookout_target_get_timeout (entry->target);
  result = timeout_result_new (entry->target, run->started_ms, waited_ms);
  self->n_timed_out++;
  g_debug ("Cut off the check of %s after %u ms",
           lookout_target_get_uri_string (entry->target), waited_ms + self->timeout_grace_ms);

  detach_run (self, entry);
  hand_over_result (self, entry, result);
}

static gboolean
timer_dispatched_cb (gpointer user_data)
{
  LookoutScheduler *self = user_data;
  gint64 now = g_get_monotonic_time ();

  g_object_ref (self);

  while (lookout_schedule_heap_top_key (&self->deadline_heap) <= now)
    cut_off (self, lookout_schedule_heap_top (&self->deadline_heap));

  drain_waiting (self);

  while (self->running && lookout_schedule_heap_top_key (&self->due_heap) <= now)
    {
      Entry *entry = lookout_schedule_heap_top (&self->due_heap);
      gint64 planned = entry->due_us;
      gint64 interval_us = (gint64) MAX (entry->interval_s, 1) * G_USEC_PER_SEC;

      /* Next slot on the same grid; whole rounds missed (a stalled loop) are
       * not replayed. */
      entry->due_us += interval_us;
      if (entry->due_us <= now)
        entry->due_us += ((now - entry->due_us) / interval_us + 1) * interval_us;
      lookout_schedule_heap_set_top_key (&self->due_heap, entry->due_us);

      /* may emit signals whose handlers change the heaps: re-read the top */
      fall_due (self, entry, planned);
      now = g_get_monotonic_time ();
    }

  rearm_timer (self);
  g_object_unref (self);

  return G_SOURCE_CONTINUE;
}

/* ---- entries ---- */

static void
entry_set_paused (Entry    *entry,
                  gboolean  paused)
{
  LookoutTarget *target = entry->target;
  LookoutTargetState state = lookout_target_get_state (target);

  if (paused == (state == LOOKOUT_TARGET_STATE_PAUSED))
    return;

  lookout_target_set_live_state (target,
                                 paused ? LOOKOUT_TARGET_STATE_PAUSED : LOOKOUT_TARGET_STATE_UNKNOWN,
                                 lookout_target_get_last_latency (target),
                                 lookout_target_get_last_checked (target),
                                 NULL,
                                 lookout_target_get_last_address (target));
}

static void
entry_unqueue (LookoutScheduler *self,
               Entry            *entry)
{
  if (entry->wait_link != NULL)
    {
      g_queue_delete_link (&self->waiting, entry->wait_link);
      entry->wait_link = NULL;
    }
}

/* Connected per property: a handler on plain "notify" would run for every
 * live-state change of every target (several per check). */
static void
interval_notified_cb (LookoutTarget *target,
                      GParamSpec    *pspec,
                      Entry         *entry)
{
  LookoutScheduler *self = entry->self;
  guint interval_s = lookout_target_get_interval (target);

  if (interval_s == entry->interval_s)
    return;
  entry->interval_s = interval_s;
  plan_entry (self, entry, g_get_monotonic_time (), g_get_real_time ());
  rearm_timer (self);
}

static void
enabled_notified_cb (LookoutTarget *target,
                     GParamSpec    *pspec,
                     Entry         *entry)
{
  LookoutScheduler *self = entry->self;
  gboolean enabled = lookout_target_get_enabled (target);

  if (enabled == entry->enabled)
    return;
  entry->enabled = enabled;
  entry->failures = 0;
  if (!enabled)
    {
      entry_unqueue (self, entry);
      detach_run (self, entry);
    }
  entry_set_paused (entry, !enabled);
  plan_entry (self, entry, g_get_monotonic_time (), g_get_real_time ());
  drain_waiting (self);
  rearm_timer (self);
}

/* A target checked from elsewhere only ("locations=paris" on a manager)
 * is left to the agents: it runs here when its places name "local" or
 * this process's own place (an agent's name). */
static gboolean
checked_here (LookoutScheduler *self,
              LookoutTarget    *target)
{
  g_auto(GStrv) places = lookout_target_options_get_places (lookout_target_get_options (target), NULL);

  return g_strv_contains ((const char * const *) places, LOOKOUT_LOCATION_LOCAL) ||
         (self->location != NULL && g_strv_contains ((const char * const *) places, self->location));
}

static void
entry_update_here (Entry *entry)
{
  LookoutScheduler *self = entry->self;
  gboolean here = checked_here (self, entry->target);

  if (here == entry->here)
    return;
  entry->here = here;
  if (!here)
    {
      entry_unqueue (self, entry);
      detach_run (self, entry);
    }
  plan_entry (self, entry, g_get_monotonic_time (), g_get_real_time ());
  drain_waiting (self);
  rearm_timer (self);
}

static void
options_notified_cb (LookoutTarget *target,
                     GParamSpec    *pspec,
                     Entry         *entry)
{
  entry_update_here (entry);
}

static Entry *
entry_new (LookoutScheduler *self,
           LookoutTarget    *target)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->self = self;
  entry->target = g_object_ref (target);
  entry->due_index = LOOKOUT_SCHEDULE_HEAP_NONE;
  entry->deadline_index = LOOKOUT_SCHEDULE_HEAP_NONE;
  entry->interval_s = lookout_target_get_interval (target);
  entry->enabled = lookout_target_get_enabled (target);
  entry->here = checked_here (self, target);
  entry->interval_id = g_signal_connect (target, "notify::interval",
                                         G_CALLBACK (interval_notified_cb), entry);
  entry->enabled_id = g_signal_connect (target, "notify::enabled",
                                        G_CALLBACK (enabled_notified_cb), entry);
  entry->options_id = g_signal_connect (target, "notify::options",
                                        G_CALLBACK (options_notified_cb), entry);

  entry_set_paused (entry, !entry->enabled);

  return entry;
}

static void
entry_free (Entry *entry)
{
  LookoutScheduler *self = entry->self;

  lookout_schedule_heap_remove (&self->due_heap, entry);
  entry_unqueue (self, entry);
  detach_run (self, entry);
  g_clear_signal_handler (&entry->interval_id, entry->target);
  g_clear_signal_handler (&entry->enabled_id, entry->target);
  g_clear_signal_handler (&entry->options_id, entry->target);
  g_clear_object (&entry->target);
  g_free (entry);
}

static Entry *
find_entry (LookoutScheduler *self,
            LookoutTarget    *target)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      if (entry->target == target)
        return entry;
    }

  return NULL;
}

static void
model_items_changed_cb (GListModel       *model,
                        guint             position,
                        guint             removed,
                        guint             added,
                        LookoutScheduler *self)
{
  g_autoptr(GHashTable) gone = NULL;
  gint64 mono_now = g_get_monotonic_time ();
  gint64 real_now = g_get_real_time ();

  g_assert (position + removed <= self->entries->len);

  /* A target removed and added back in the same change (a move) keeps its
   * entry, plan and failure count. */
  if (removed > 0)
    {
      gone = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) entry_free);
      for (guint i = 0; i < removed; i++)
        {
          Entry *entry = g_ptr_array_index (self->entries, position + i);
          g_hash_table_insert (gone, entry->target, entry);
        }
      g_ptr_array_remove_range (self->entries, position, removed);
    }

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(LookoutTarget) target = g_list_model_get_item (model, position + i);
      Entry *entry = NULL;

      if (gone != NULL && g_hash_table_steal_extended (gone, target, NULL, (gpointer *) &entry))
        ;
      else
        {
          entry = entry_new (self, target);
          plan_entry (self, entry, mono_now, real_now);
        }
      g_ptr_array_insert (self->entries, position + i, entry);
    }

  g_clear_pointer (&gone, g_hash_table_unref);
  drain_waiting (self);
  rearm_timer (self);
}

/* ---- GObject ---- */

static void
lookout_scheduler_dispose (GObject *object)
{
  LookoutScheduler *self = (LookoutScheduler *) object;

  lookout_scheduler_stop (self);
  lookout_scheduler_set_model (self, NULL);
  for (guint i = 0; i < LOOKOUT_TARGET_N_KINDS; i++)
    g_clear_object (&self->probes[i]);

  G_OBJECT_CLASS (lookout_scheduler_parent_class)->dispose (object);
}

static void
lookout_scheduler_finalize (GObject *object)
{
  LookoutScheduler *self = (LookoutScheduler *) object;

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->spare_cancellables, g_ptr_array_unref);
  g_clear_pointer (&self->location, g_free);
  lookout_schedule_heap_clear (&self->due_heap);
  lookout_schedule_heap_clear (&self->deadline_heap);

  G_OBJECT_CLASS (lookout_scheduler_parent_class)->finalize (object);
}

static void
lookout_scheduler_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  LookoutScheduler *self = LOOKOUT_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_MAX_CONCURRENT:
      g_value_set_uint (value, self->max_concurrent);
      break;
    case PROP_TIMEOUT_GRACE:
      g_value_set_uint (value, self->timeout_grace_ms);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_scheduler_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  LookoutScheduler *self = LOOKOUT_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      lookout_scheduler_set_model (self, g_value_get_object (value));
      break;
    case PROP_MAX_CONCURRENT:
      lookout_scheduler_set_max_concurrent (self, g_value_get_uint (value));
      break;
    case PROP_TIMEOUT_GRACE:
      lookout_scheduler_set_timeout_grace (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_scheduler_class_init (LookoutSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = lookout_scheduler_dispose;
  object_class->finalize = lookout_scheduler_finalize;
  object_class->get_property = lookout_scheduler_get_property;
  object_class->set_property = lookout_scheduler_set_property;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_MAX_CONCURRENT] =
    g_param_spec_uint ("max-concurrent", NULL, NULL,
                       1, G_MAXUINT, LOOKOUT_SCHEDULER_DEFAULT_MAX_CONCURRENT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_TIMEOUT_GRACE] =
    g_param_spec_uint ("timeout-grace", NULL, NULL,
                       0, 600000, LOOKOUT_SCHEDULER_DEFAULT_TIMEOUT_GRACE_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[RESULT] =
    g_signal_new ("result",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL,
                  lookout_marshal_VOID__OBJECT_BOXED,
                  G_TYPE_NONE, 2,
                  LOOKOUT_TYPE_TARGET,
                  LOOKOUT_TYPE_RESULT | G_SIGNAL_TYPE_STATIC_SCOPE);
  g_signal_set_va_marshaller (signals[RESULT],
                              G_TYPE_FROM_CLASS (klass),
                              lookout_marshal_VOID__OBJECT_BOXEDv);

  signals[SKIPPED] =
    g_signal_new ("skipped",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  LOOKOUT_TYPE_TARGET);
}

static void
lookout_scheduler_init (LookoutScheduler *self)
{
  self->entries = g_ptr_array_new ();
  self->spare_cancellables = g_ptr_array_new_with_free_func (g_object_unref);
  lookout_schedule_heap_init (&self->due_heap, G_STRUCT_OFFSET (Entry, due_index));
  lookout_schedule_heap_init (&self->deadline_heap, G_STRUCT_OFFSET (Entry, deadline_index));
  self->max_concurrent = LOOKOUT_SCHEDULER_DEFAULT_MAX_CONCURRENT;
  self->timeout_grace_ms = LOOKOUT_SCHEDULER_DEFAULT_TIMEOUT_GRACE_MS;
  g_queue_init (&self->waiting);
}

/* ---- public API ---- */

LookoutScheduler *
lookout_scheduler_new (void)
{
  return g_object_new (LOOKOUT_TYPE_SCHEDULER, NULL);
}

void
lookout_scheduler_set_probe (LookoutScheduler  *self,
                             LookoutTargetKind  kind,
                             LookoutProbe      *probe)
{
  g_return_if_fail (LOOKOUT_IS_SCHEDULER (self));
  g_return_if_fail ((guint) kind < LOOKOUT_TARGET_N_KINDS);
  g_return_if_fail (!probe || LOOKOUT_IS_PROBE (probe));

  g_set_object (&self->probes[kind], probe);
}

LookoutProbe *
lookout_scheduler_get_probe (LookoutScheduler  *self,
                             LookoutTargetKind  kind)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), NULL);
  g_return_val_if_fail ((guint) kind < LOOKOUT_TARGET_N_KINDS, NULL);

  return self->probes[kind];
}

void
lookout_scheduler_add_default_probes (LookoutScheduler *self)
{
  g_return_if_fail (LOOKOUT_IS_SCHEDULER (self));

  lookout_resolver_install_default ();

  for (guint kind = 0; kind < LOOKOUT_TARGET_N_KINDS; kind++)
    if (self->probes[kind] == NULL)
      self->probes[kind] = lookout_probe_new_for_kind (kind);
}

GListModel *
lookout_scheduler_get_model (LookoutScheduler *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), NULL);

  return self->model;
}

void
lookout_scheduler_set_model (LookoutScheduler *self,
                             GListModel       *model)
{
  guint n_old;

  g_return_if_fail (LOOKOUT_IS_SCHEDULER (self));
  g_return_if_fail (!model || G_IS_LIST_MODEL (model));

  if (self->model == model)
    return;

  n_old = self->entries->len;
  if (self->model != NULL)
    {
      g_clear_signal_handler (&self->items_changed_id, self->model);
      g_clear_object (&self->model);
    }

  if (n_old > 0)
    {
      g_autoptr(GPtrArray) old = g_steal_pointer (&self->entries);

      self->entries = g_ptr_array_new ();
      g_ptr_array_set_free_func (old, (GDestroyNotify) entry_free);
    }

  if (model != NULL)
    {
      self->model = g_object_ref (model);
      self->items_changed_id = g_signal_connect (model, "items-changed",
                                                 G_CALLBACK (model_items_changed_cb), self);
      model_items_changed_cb (model, 0, 0, g_list_model_get_n_items (model), self);
    }

  drain_waiting (self);
  rearm_timer (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

guint
lookout_scheduler_get_max_concurrent (LookoutScheduler *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), 0);

  return self->max_concurrent;
}

void
lookout_scheduler_set_max_concurrent (LookoutScheduler *self,
                                      guint             max_concurrent)
{
  g_return_if_fail (LOOKOUT_IS_SCHEDULER (self));
  g_return_if_fail (max_concurrent > 0);

  if (self->max_concurrent == max_concurrent)
    return;

  self->max_concurrent = max_concurrent;
  drain_waiting (self);
  rearm_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_CONCURRENT]);
}

guint
lookout_scheduler_get_timeout_grace (LookoutScheduler *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), 0);

  return self->timeout_grace_ms;
}

void
lookout_scheduler_set_timeout_grace (LookoutScheduler *self,
                                     guint             grace_ms)
{
  g_return_if_fail (LOOKOUT_IS_SCHEDULER (self));

  if (self->timeout_grace_ms == grace_ms)
    return;

  self->timeout_grace_ms = grace_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT_GRACE]);
}

void
lookout_scheduler_start (LookoutScheduler *self)
{
  gint64 mono_now, real_now;

  g_return_if_fail (LOOKOUT_IS_SCHEDULER (self));

  if (self->running)
    return;

  self->running = TRUE;

  self->timer = lookout_fd_source_new ("[lookout] scheduler");
  g_source_set_callback (self->timer, timer_dispatched_cb, self, NULL);
  g_source_attach (self->timer, g_main_context_get_thread_default ());

  mono_now = g_get_monotonic_time ();
  real_now = g_get_real_time ();
  for (guint i = 0; i < self->entries->len; i++)
    plan_entry (self, g_ptr_array_index (self->entries, i), mono_now, real_now);

  rearm_timer (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

void
lookout_scheduler_stop (LookoutScheduler *self)
{
  g_return_if_fail (LOOKOUT_IS_SCHEDULER (self));

  if (!self->running)
    return;

  self->running = FALSE;

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);

      lookout_schedule_heap_remove (&self->due_heap, entry);
      entry_unqueue (self, entry);
      detach_run (self, entry);
    }

  g_assert (lookout_schedule_heap_get_length (&self->due_heap) == 0);
  g_assert (lookout_schedule_heap_get_length (&self->deadline_heap) == 0);
  g_assert (self->n_running == 0);

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
lookout_scheduler_get_running (LookoutScheduler *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), FALSE);

  return self->running;
}

/* ---- one-off checks ---- */

typedef struct
{
  LookoutTarget   *target;
  /* timeout + grace, linked to the caller's cancellable */
  LookoutDeadline  deadline;
  gint64           started_ms;
} CheckData;

static void
check_data_free (CheckData *data)
{
  lookout_deadline_clear (&data->deadline);
  g_clear_object (&data->target);
  g_free (data);
}

static void
check_ran_cb (GObject      *object,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CheckData *data = g_task_get_task_data (task);
  g_autoptr(LookoutResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = lookout_probe_run_finish (LOOKOUT_PROBE (object), res, &error);

  if (result != NULL)
    g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) lookout_result_unref);
  else if (lookout_deadline_cancelled (&data->deadline))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (data->deadline.timed_out)
    g_task_return_pointer (task,
                           timeout_result_new (data->target, data->started_ms,
                                               lookout_target_get_timeout (data->target)),
                           (GDestroyNotify) lookout_result_unref);
  else
    g_task_return_pointer (task, failed_result_new (data->target, data->started_ms, error),
                           (GDestroyNotify) lookout_result_unref);
}

void
lookout_scheduler_check_async (LookoutScheduler    *self,
                               LookoutTarget       *target,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LookoutTargetKind kind;
  CheckData *data;

  g_return_if_fail (LOOKOUT_IS_SCHEDULER (self));
  g_return_if_fail (LOOKOUT_IS_TARGET (target));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lookout_scheduler_check_async);

  kind = lookout_target_get_kind (target);
  if (self->probes[kind] == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("No probe for %s targets"),
                               lookout_target_kind_get_label (kind));
      return;
    }

  data = g_new0 (CheckData, 1);
  data->target = g_object_ref (target);
  data->started_ms = g_get_real_time () / 1000;
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);

  lookout_deadline_start (&data->deadline,
                          lookout_target_get_timeout (target) + self->timeout_grace_ms,
                          cancellable);

  lookout_probe_run_async (self->probes[kind], target, data->deadline.cancellable, check_ran_cb,
                           g_steal_pointer (&task));
}

LookoutResult *
lookout_scheduler_check_finish (LookoutScheduler  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == lookout_scheduler_check_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- statistics ---- */

gint64
lookout_scheduler_get_lateness_percentile (LookoutScheduler *self,
                                           double            fraction)
{
  guint64 rank, seen = 0;

  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), -1);
  g_return_val_if_fail (fraction >= 0.0 && fraction <= 1.0, -1);

  if (self->lateness_count == 0)
    return -1;

  rank = (guint64) (fraction * self->lateness_count);
  rank = CLAMP (rank, 1, self->lateness_count);

  for (guint i = 0; i < HIST_BUCKETS; i++)
    {
      seen += self->lateness_hist[i];
      if (seen >= rank)
        return MIN (hist_value (i), self->lateness_max);
    }

  return self->lateness_max;
}

gint64
lookout_scheduler_get_next_wake_us (LookoutScheduler *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), G_MAXINT64);

  if (self->timer == NULL)
    return G_MAXINT64;
  return MIN (lookout_schedule_heap_top_key (&self->due_heap),
              lookout_schedule_heap_top_key (&self->deadline_heap));
}

gint64
lookout_scheduler_get_lateness_max (LookoutScheduler *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), -1);

  return self->lateness_count > 0 ? self->lateness_max : -1;
}

void
lookout_scheduler_reset_stats (LookoutScheduler *self)
{
  g_return_if_fail (LOOKOUT_IS_SCHEDULER (self));

  memset (self->lateness_hist, 0, sizeof self->lateness_hist);
  self->lateness_count = 0;
  self->lateness_max = 0;
  self->n_started = 0;
  self->n_skipped = 0;
  self->n_timed_out = 0;
}

guint
lookout_scheduler_get_n_running (LookoutScheduler *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), 0);

  return self->n_running;
}

guint
lookout_scheduler_get_n_waiting (LookoutScheduler *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), 0);

  return self->waiting.length;
}

guint64
lookout_scheduler_get_n_started (LookoutScheduler *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), 0);

  return self->n_started;
}

guint64
lookout_scheduler_get_n_skipped (LookoutScheduler *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), 0);

  return self->n_skipped;
}

guint64
lookout_scheduler_get_n_timed_out (LookoutScheduler *self)
{
  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), 0);

  return self->n_timed_out;
}

guint64
lookout_scheduler_get_target_n_skipped (LookoutScheduler *self,
                                        LookoutTarget    *target)
{
  Entry *entry;

  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), 0);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), 0);

  entry = find_entry (self, target);
  return entry ? entry->n_skipped : 0;
}

guint
lookout_scheduler_get_target_failures (LookoutScheduler *self,
                                       LookoutTarget    *target)
{
  Entry *entry;

  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), 0);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), 0);

  entry = find_entry (self, target);
  return entry ? entry->failures : 0;
}

gint64
lookout_scheduler_get_target_next_due (LookoutScheduler *self,
                                       LookoutTarget    *target)
{
  Entry *entry;

  g_return_val_if_fail (LOOKOUT_IS_SCHEDULER (self), -1);
  g_return_val_if_fail (LOOKOUT_IS_TARGET (target), -1);

  entry = find_entry (self, target);
  if (entry == NULL || entry->due_index == LOOKOUT_SCHEDULE_HEAP_NONE)
    return -1;

  return entry->due_us;
}

/* This process's place beside "local" (an agent's name), or NULL: which
 * targets it checks follows from their "locations". */
void
lookout_scheduler_set_location (LookoutScheduler *self,
                                const char       *location)
{
  g_return_if_fail (LOOKOUT_IS_SCHEDULER (self));

  if (g_strcmp0 (self->location, location) == 0)
    return;
  g_free (self->location);
  self->location = g_strdup (location);
  for (guint i = 0; i < self->entries->len; i++)
    entry_update_here (g_ptr_array_index (self->entries, i));
}
