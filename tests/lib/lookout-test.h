/* lookout-test.h
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "lookout-monitor.h"
#include "lookout-probe.h"
#include "lookout-store.h"

G_BEGIN_DECLS

/* How long a wait without its own deadline may take before the test fails. */
#define LOOKOUT_TEST_WAIT_MS 10000

/* ---- waiting on the main loop ---- */

typedef gboolean (*LookoutTestConditionFunc) (gpointer user_data);

typedef struct
{
  guint         timeout_ms;
  GMainContext *context;   /* the thread-default context when it started */
  GSource      *source;
  gboolean      expired;
} LookoutTestDeadline;

void      lookout_test_deadline_start   (LookoutTestDeadline      *deadline,
                                         guint                     timeout_ms);
gboolean  lookout_test_deadline_iterate (LookoutTestDeadline      *deadline);
void      lookout_test_deadline_stop    (LookoutTestDeadline      *deadline);
void      lookout_test_deadline_fail    (LookoutTestDeadline      *deadline,
                                         const char               *file,
                                         int                       line,
                                         const char               *func,
                                         const char               *condition);

gboolean  lookout_test_wait_until       (LookoutTestConditionFunc  condition,
                                         gpointer                  user_data,
                                         guint                     timeout_ms);

/* Iterates the default main context until cond holds; fails the test,
 * naming cond, when timeout_ms pass first. */
#define LOOKOUT_TEST_WAIT_UNTIL(cond, timeout_ms) \
  G_STMT_START { \
    LookoutTestDeadline lookout_test_deadline__; \
    lookout_test_deadline_start (&lookout_test_deadline__, (timeout_ms)); \
    while (!(cond)) \
      if (!lookout_test_deadline_iterate (&lookout_test_deadline__)) \
        { \
          lookout_test_deadline_fail (&lookout_test_deadline__, __FILE__, __LINE__, \
                                      G_STRFUNC, #cond); \
          break; \
        } \
    lookout_test_deadline_stop (&lookout_test_deadline__); \
  } G_STMT_END

#define LOOKOUT_TEST_WAIT(cond) LOOKOUT_TEST_WAIT_UNTIL (cond, LOOKOUT_TEST_WAIT_MS)

void          lookout_test_run_for         (guint          ms);
void          lookout_test_drain           (void);

/* A GAsyncReadyCallback that keeps the result in the GAsyncResult * that
 * user_data points to; lookout_test_wait_result () waits for it. */
void          lookout_test_async_cb        (GObject       *object,
                                            GAsyncResult  *result,
                                            gpointer       user_data);
GAsyncResult *lookout_test_wait_result     (GAsyncResult **slot);

/* ---- temporary directories and stores ---- */

/* A char * naming a new temporary directory; freeing it removes the
 * directory and everything in it. */
typedef char LookoutTestDir;

LookoutTestDir *lookout_test_dir_new  (void);
void            lookout_test_dir_free (LookoutTestDir *dir);

typedef struct
{
  LookoutTestDir *dir;
  char           *path;     /* lookout.db in dir */
  LookoutStore   *store;    /* open on path, or NULL */
} LookoutTestStore;

LookoutTestStore *lookout_test_store_new       (void);
LookoutTestStore *lookout_test_store_new_empty (void);
LookoutStore     *lookout_test_store_open      (LookoutTestStore *self);
void              lookout_test_store_close     (LookoutTestStore *self);
void              lookout_test_store_free      (LookoutTestStore *self);

/* The same as a GTest fixture: g_test_add (path, LookoutTestStore, NULL,
 * lookout_test_store_set_up, test, lookout_test_store_tear_down). */
void              lookout_test_store_set_up    (LookoutTestStore *self,
                                                gconstpointer     data);
void              lookout_test_store_tear_down (LookoutTestStore *self,
                                                gconstpointer     data);

/* ---- raw SQL on a database file, around the store ---- */

sqlite3          *lookout_test_sql_open        (const char       *path);
void              lookout_test_sql_exec        (sqlite3          *db,
                                                const char       *sql);
/* The first column of the first row of @sql, on a connection of its own. */
gint64            lookout_test_sql_int         (const char       *path,
                                                const char       *sql);
char             *lookout_test_sql_text        (const char       *path,
                                                const char       *sql);

/* ---- loopback ---- */

SoupServer *lookout_test_http_server_new (SoupServerCallback   callback,
                                          gpointer             user_data,
                                          char               **base_url);

/* ---- probes ---- */

LookoutResult *lookout_test_run_probe    (LookoutProbe        *probe,
                                          const char          *uri,
                                          guint                timeout_ms,
                                          const char          *options,
                                          GCancellable        *cancellable,
                                          GError             **error);
LookoutResult *lookout_test_run_probe_on (LookoutProbe        *probe,
                                          LookoutTarget       *target,
                                          GCancellable        *cancellable,
                                          GError             **error);

/* ---- CPU time, for benchmarks ---- */

gint64      lookout_test_cpu_us_self     (void);
/* The calling thread's alone. */
gint64      lookout_test_cpu_us_thread   (void);
/* The value below which @fraction of @values (gint64, sorted here) lie. */
gint64      lookout_test_percentile      (GArray              *values,
                                          double               fraction);
gint64      lookout_test_cpu_us_of       (const char          *pid);

/* ---- monitors ---- */

LookoutMonitor *lookout_test_monitor_new   (LookoutStore   *store);
void            lookout_test_add_target    (LookoutMonitor *monitor,
                                            LookoutTarget  *target);
/* Adds every target of @targets at once (the store's writer takes them in
 * a few transactions) and waits up to @timeout_ms until all are stored. */
void            lookout_test_add_targets   (LookoutMonitor *monitor,
                                            GPtrArray      *targets,
                                            guint           timeout_ms);

/* ---- agents ---- */

/* A TCP port of 127.0.0.1 that nothing listens on, as of now. */
guint16         lookout_test_free_port     (void);
/* Whether something accepts connections on 127.0.0.1:@port. */
gboolean        lookout_test_port_listening (guint16             port);

/* An agent's database at @path: one disabled target per URI of @uris,
 * checked from @location only, and @per_target results of each in the
 * outbox (up, with a latency), every @step_ms from @start_ms, target i's
 * i ms later. Returns how many results. */
guint64         lookout_test_fill_outbox   (const char          *path,
                                            const char * const  *uris,
                                            const char          *location,
                                            guint                per_target,
                                            gint64               start_ms,
                                            guint                step_ms);

/* The rollups (LookoutRollup, in bucket order) of @samples, which are in
 * time order, at buckets of @width_ms, leaving out the samples whose ts_ms
 * is in @skip (a set of gint64, or NULL): what the store must read back. */
GArray           *lookout_test_compute_rollups (GArray           *samples,
                                                GHashTable       *skip,
                                                gint64            width_ms);

/* A schema 1 file (the row store) with samples, in @self's unopened path. */
void              lookout_test_store_write_v1  (LookoutTestStore *self,
                                                guint             n_targets,
                                                guint             n_each);

/* Runs @argv to its end, asserting it succeeded; its stdout, stripped. */
char             *lookout_test_run_command     (const char * const *argv);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutTestDir, lookout_test_dir_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LookoutTestStore, lookout_test_store_free)

/* The app's settings (the memory backend of the test environment), every
 * key reset to its default. */
GSettings        *lookout_test_fresh_settings  (void);

G_END_DECLS
