/* lookout-icmp-probe.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* How it works
 *
 * One probe instance keeps at most one LookoutIcmpSocket per address family
 * (a ping socket or a raw one: see lookout-icmp-socket.c), opened on first
 * use and shared by every round in flight, as fping does. Echo payloads start
 * with a per-probe random cookie.
 *
 * A round sends `count` echoes `interval` apart and ends when every echo is
 * answered or failed, or at its deadline (start + the target's timeout):
 * later echoes of a round get less time, never less than half the timeout.
 * In-flight echoes are in a per-socket table keyed by the 16-bit sequence
 * number; new sequences skip those still in flight. A reply is matched by
 * identifier, sequence, source address and cookie.
 *
 * RTT = the kernel's software receive timestamp minus its software transmit
 * timestamp (both CLOCK_REALTIME, from the socket): the time the packet left
 * through the device until the reply came in, without our syscalls or main
 * loop. A transmit timestamp that does not fall within a few ms
 * after our own clock reading at sendto() is not trusted. Without a kernel
 * transmit timestamp (or on kernels without SO_TIMESTAMPING, then with
 * SO_TIMESTAMPNS) the send time is CLOCK_REALTIME read right before sendto(),
 * as fping does: that adds the send path, about 8 µs on loopback here. If the
 * wall clock stepped (a negative RTT, or one longer than the monotonic time
 * elapsed) the monotonic time elapsed is used instead.
 *
 * ICMP errors (destination unreachable, time exceeded) quote our echo
 * request, so the socket attributes them to one echo.
 *
 * Rounds only finish from the timer source or the socket sources' dispatch,
 * never from inside a call the user made: replies read while sending (the
 * socket is drained every few sends, so bursts of thousands of echoes do not
 * overflow its receive buffer) just mark rounds complete. Cancellation (from
 * any thread) queues the round for the timer to finish.
 *
 * Results: latency = median RTT of the replies; jitter = mean absolute
 * difference of successive RTTs (in send order; none with fewer than two
 * replies). All echoes lost: DOWN, LOSS. At least half lost: DEGRADED, LOSS.
 * Less lost: UP, with sent/received telling the loss. No reply but an ICMP
 * error or a send error "no route": DOWN, UNREACHABLE.
 */

#define G_LOG_DOMAIN "lookout-icmp-probe"

#include "config.h"

#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "lookout-deadline.h"
#include "lookout-error-class.h"
#include "lookout-fd-source.h"
#include "lookout-icmp-packet.h"
#include "lookout-icmp-probe.h"
#include "lookout-icmp-socket.h"

#define DEFAULT_INTERVAL_MS  10
#define DRAIN_EVERY_SENDS    16

typedef struct _Round Round;

typedef enum
{
  ECHO_UNSENT,
  ECHO_PENDING,
  ECHO_REPLIED,
  ECHO_FAILED,
} EchoState;

typedef struct
{
  Round           *round;
  EchoState        state;
  guint16          sequence;
  struct timespec  sent_real;       /* our clock right before sendto() */
  struct timespec  sent_kernel;     /* the kernel's transmit timestamp, if any */
  struct timespec  received;        /* the kernel's receive timestamp */
  gint64           sent_mono;
  gint64           mono_rtt_ns;     /* monotonic time from sendto() to reading the reply */
  gboolean         awaiting_tx;
  gboolean         have_sent_kernel;
} Echo;

/* The echoes in flight on one address family's socket. */
typedef struct
{
  LookoutIcmpProbe      *probe;
  int                    family;
  LookoutIcmpSocket     *socket;       /* NULL until opened */
  gboolean               tx_timestamps;
  guint16                next_sequence;
  guint                  sends_since_drain;
  GHashTable            *pending;      /* sequence -> Echo* */
  GHashTable            *awaiting_tx;  /* sequence -> Echo* sent, its transmit timestamp not read */
  guint64                n_kernel_tx, n_user_tx;
} IcmpFamily;

struct _Round
{
  LookoutIcmpProbe *probe;
  GTask            *task;
  LookoutResult    *result;
  char             *host;
  guint             timeout_ms;
  guint             count;
  guint             size;
  guint             interval_ms;

  IcmpFamily       *fam;
  guint8            addr[16];
  struct sockaddr_storage sa;
  socklen_t         sa_len;

  Echo             *echoes;
  guint             n_sent;
  guint             n_outstanding;
  guint             n_failed;
  char             *failure;        /* the first ICMP error or send error, readable */
  gboolean          unreachable;

  LookoutDeadline   deadline;
  gint64            next_send;
  GSequenceIter    *deadline_iter;
  GSequenceIter    *send_iter;
  GList             completed_link;

  GCancellable     *cancellable;
  gulong            cancelled_id;
  gboolean          cancelled;      /* under probe->cancel_lock */
};

struct _LookoutIcmpProbe
{
  LookoutProbe   parent_instance;

  gboolean       prefer_raw;
  guint          interval_ms;
  guint64        cookie;

  GMainContext  *context;
  GSource       *timer;
  IcmpFamily     v4;
  IcmpFamily     v6;
  GSequence     *deadlines;
  GSequence     *sends;
  GQueue         completed;

  GMutex         cancel_lock;
  GPtrArray     *cancelled_rounds;
};

G_DEFINE_FINAL_TYPE (LookoutIcmpProbe, lookout_icmp_probe, LOOKOUT_TYPE_PROBE)

enum {
  PROP_0,
  PROP_PREFER_RAW,
  PROP_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void finish_completed_rounds (LookoutIcmpProbe *self);
static void arm_timer (LookoutIcmpProbe *self,
                       gboolean          exact);

static void
round_free (Round *round)
{
  g_clear_object (&round->task);
  g_clear_pointer (&round->result, lookout_result_unref);
  g_clear_object (&round->cancellable);
  g_free (round->echoes);
  g_free (round->failure);
  g_free (round->host);
  g_free (round);
}

/* Orders rounds by the gint64 field at offset @user_data, then by address. */
static gint
compare_rounds_by_time (gconstpointer a,
                        gconstpointer b,
                        gpointer      user_data)
{
  gsize offset = GPOINTER_TO_SIZE (user_data);
  gint64 ta = G_STRUCT_MEMBER (gint64, a, offset);
  gint64 tb = G_STRUCT_MEMBER (gint64, b, offset);

  if (ta != tb)
    return ta < tb ? -1 : 1;
  return a < b ? -1 : (a > b ? 1 : 0);
}

#define BY_DEADLINE  GSIZE_TO_POINTER (G_STRUCT_OFFSET (Round, deadline.expiry_us))
#define BY_NEXT_SEND GSIZE_TO_POINTER (G_STRUCT_OFFSET (Round, next_send))

static void
mark_complete_if_done (Round *round)
{
  LookoutIcmpProbe *self = round->probe;

  if (round->n_sent < round->count || round->n_outstanding > 0)
    return;
  if (round->completed_link.data != NULL)
    return;

  round->completed_link.data = round;
  g_queue_push_tail_link (&self->completed, &round->completed_link);
}

static void
echo_settle (Echo      *echo,
             EchoState  state)
{
  Round *round = echo->round;

  g_assert (echo->state == ECHO_PENDING);

  g_hash_table_remove (round->fam->pending, GUINT_TO_POINTER (echo->sequence));
  echo->state = state;
  round->n_outstanding--;
  if (state != ECHO_REPLIED)
    round->n_failed++;

  mark_complete_if_done (round);
}

static void
round_note_failure (Round      *round,
                    gboolean    unreachable,
                    const char *message)
{
  if (round->failure == NULL)
    {
      round->failure = g_strdup (message);
      round->unreachable = unreachable;
    }
}

/* Sockets */

static void
icmp_family_drain (IcmpFamily *fam)
{
  if (fam->tx_timestamps)
    lookout_icmp_socket_receive_errors (fam->socket);
  lookout_icmp_socket_receive (fam->socket);
  fam->sends_since_drain = 0;
}

static Echo *
lookup_echo (IcmpFamily    *fam,
             guint16        sequence,
             const guint8  *address)
{
  Echo *echo;
  size_t addr_len = fam->family == AF_INET6 ? 16 : 4;

  echo = g_hash_table_lookup (fam->pending, GUINT_TO_POINTER (sequence));
  if (echo == NULL || echo->state != ECHO_PENDING)
    return NULL;

  if (address != NULL && memcmp (address, echo->round->addr, addr_len) != 0)
    return NULL;

  return echo;
}

static char *
bytes_to_string (int           family,
                 const guint8 *bytes)
{
  g_autoptr(GInetAddress) address = NULL;

  address = g_inet_address_new_from_bytes (bytes, family == AF_INET6 ? G_SOCKET_FAMILY_IPV6
                                                                     : G_SOCKET_FAMILY_IPV4);
  return g_inet_address_to_string (address);
}

static void
echo_replied (Echo                  *echo,
              const struct timespec *received)
{
  echo->received = *received;
  echo->mono_rtt_ns = (g_get_monotonic_time () - echo->sent_mono) * 1000;
  echo_settle (echo, ECHO_REPLIED);
}

static gint64
timespec_diff_ns (const struct timespec *later,
                  const struct timespec *earlier)
{
  return (gint64) (later->tv_sec - earlier->tv_sec) * G_GINT64_CONSTANT (1000000000)
         + (later->tv_nsec - earlier->tv_nsec);
}

/* Called when the round ends: transmit timestamps may come after the reply. */
static gint64
echo_get_rtt_ns (Echo *echo)
{
  IcmpFamily *fam = echo->round->fam;
  gint64 rtt_ns;

  if (echo->have_sent_kernel)
    {
      rtt_ns = timespec_diff_ns (&echo->received, &echo->sent_kernel);
      fam->n_kernel_tx++;
    }
  else
    {
      rtt_ns = timespec_diff_ns (&echo->received, &echo->sent_real);
      fam->n_user_tx++;
    }

  /* The wall clock stepped between send and receive. */
  if (rtt_ns < 0 || rtt_ns > echo->mono_rtt_ns + 1000000)
    rtt_ns = echo->mono_rtt_ns;

  return rtt_ns;
}

static void
echo_got_error (Echo          *echo,
                int            family,
                guint8         type,
                guint8         code,
                const guint8  *offender)
{
  g_autofree char *from = offender ? bytes_to_string (family, offender) : NULL;
  g_autofree char *message = NULL;
  gboolean time_exceeded = family == AF_INET6 ? type == 3 : type == 11;

  if (time_exceeded)
    message = from ? g_strdup_printf (_("Time to live exceeded (reported by %s)"), from)
                   : g_strdup (_("Time to live exceeded"));
  else
    message = from ? g_strdup_printf (_("Destination unreachable, code %u (reported by %s)"), code, from)
                   : g_strdup_printf (_("Destination unreachable, code %u"), code);

  round_note_failure (echo->round, TRUE, message);
  echo_settle (echo, ECHO_FAILED);
}

/* The socket's callbacks */

static void
socket_reply_cb (gpointer               user_data,
                 guint16                sequence,
                 const guint8          *from,
                 gsize                  payload_len,
                 const struct timespec *received)
{
  Echo *echo = lookup_echo (user_data, sequence, from);

  if (echo != NULL && payload_len == echo->round->size)
    echo_replied (echo, received);
}

static void
socket_error_cb (gpointer               user_data,
                 guint16                sequence,
                 const guint8          *destination,
                 guint8                 type,
                 guint8                 code,
                 const guint8          *offender,
                 const struct timespec *received)
{
  IcmpFamily *fam = user_data;
  Echo *echo = lookup_echo (fam, sequence, destination);

  if (echo != NULL)
    echo_got_error (echo, fam->family, type, code, offender);
}

static void
socket_sent_cb (gpointer               user_data,
                guint16                sequence,
                gsize                  payload_len,
                const struct timespec *sent)
{
  IcmpFamily *fam = user_data;
  gint64 after_sendto;
  Echo *echo;

  echo = g_hash_table_lookup (fam->awaiting_tx, GUINT_TO_POINTER ((guint) sequence));
  if (echo == NULL || payload_len != echo->round->size)
    return;

  g_hash_table_remove (fam->awaiting_tx, GUINT_TO_POINTER ((guint) sequence));
  echo->awaiting_tx = FALSE;

  after_sendto = timespec_diff_ns (sent, &echo->sent_real);
  if (after_sendto < 0 || after_sendto > 5 * G_GINT64_CONSTANT (1000000))
    return;

  echo->sent_kernel = *sent;
  echo->have_sent_kernel = TRUE;
}

static void
socket_dispatched_cb (gpointer user_data)
{
  IcmpFamily *fam = user_data;

  fam->sends_since_drain = 0;
  finish_completed_rounds (fam->probe);
  arm_timer (fam->probe, FALSE);
}

static const LookoutIcmpSocketCallbacks socket_callbacks = {
  .reply = socket_reply_cb,
  .error = socket_error_cb,
  .sent = socket_sent_cb,
  .dispatched = socket_dispatched_cb,
};

static gboolean
icmp_family_ensure (IcmpFamily  *fam,
                    GError     **error)
{
  LookoutIcmpProbe *self = fam->probe;

  if (fam->socket != NULL)
    return TRUE;

  fam->socket = lookout_icmp_socket_new (fam->family == AF_INET6 ? G_SOCKET_FAMILY_IPV6
                                                                 : G_SOCKET_FAMILY_IPV4,
                                         self->prefer_raw, self->cookie,
                                         &socket_callbacks, fam, error);
  if (fam->socket == NULL)
    return FALSE;

  fam->tx_timestamps = lookout_icmp_socket_has_tx_timestamps (fam->socket);
  return TRUE;
}

static void
icmp_family_close (IcmpFamily *fam)
{
  g_clear_object (&fam->socket);
  if (fam->n_kernel_tx + fam->n_user_tx > 0)
    g_debug ("%s: %" G_GUINT64_FORMAT " RTTs from kernel transmit timestamps, %"
             G_GUINT64_FORMAT " from our clock at sendto()",
             fam->family == AF_INET6 ? "ICMPv6" : "ICMP", fam->n_kernel_tx, fam->n_user_tx);
  g_clear_pointer (&fam->pending, g_hash_table_unref);
  g_clear_pointer (&fam->awaiting_tx, g_hash_table_unref);
}

static gboolean
allocate_sequence (IcmpFamily *fam,
                   guint16    *sequence)
{
  for (guint i = 0; i < 65536; i++)
    {
      guint16 candidate = fam->next_sequence++;

      /* Nor one whose transmit timestamp may still come back. */
      if (!g_hash_table_contains (fam->pending, GUINT_TO_POINTER (candidate)) &&
          !g_hash_table_contains (fam->awaiting_tx, GUINT_TO_POINTER (candidate)))
        {
          *sequence = candidate;
          return TRUE;
        }
    }

  return FALSE;
}

static void
round_send_echo (Round *round)
{
  IcmpFamily *fam = round->fam;
  Echo *echo = &round->echoes[round->n_sent];
  int errsv;

  g_assert (round->n_sent < round->count);
  g_assert (echo->state == ECHO_UNSENT);

  round->n_sent++;
  round->result->sent++;

  if (!allocate_sequence (fam, &echo->sequence))
    {
      echo->state = ECHO_FAILED;
      round->n_failed++;
      round_note_failure (round, FALSE, _("Too many echo requests in flight"));
      return;
    }

  errsv = lookout_icmp_socket_send_echo (fam->socket, (struct sockaddr *) &round->sa, round->sa_len,
                                         echo->sequence, round->size,
                                         &echo->sent_real, &echo->sent_mono);
  if (errsv != 0)
    {
      g_autofree char *address = bytes_to_string (fam->family, round->addr);
      g_autofree char *message = g_strdup_printf (_("Could not send to %s: %s"),
                                                  address, g_strerror (errsv));
      gboolean unreachable = lookout_error_classify_errno (errsv) == LOOKOUT_PROBE_ERROR_UNREACHABLE;

      echo->state = ECHO_FAILED;
      round->n_failed++;
      round_note_failure (round, unreachable, message);
      return;
    }

  echo->state = ECHO_PENDING;
  g_hash_table_insert (fam->pending, GUINT_TO_POINTER (echo->sequence), echo);
  round->n_outstanding++;

  if (fam->tx_timestamps)
    {
      echo->awaiting_tx = TRUE;
      g_hash_table_insert (fam->awaiting_tx, GUINT_TO_POINTER ((guint) echo->sequence), echo);
    }

  if (++fam->sends_since_drain >= DRAIN_EVERY_SENDS)
    icmp_family_drain (fam);
}

/* Rounds */

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : (x > y ? 1 : 0);
}

static void
round_fill_result (Round *round)
{
  LookoutResult *result = round->result;
  g_autofree gint64 *rtts = g_new (gint64, round->count);
  guint n = 0;
  gint64 jitter_sum = 0, previous = -1, median, rtt;
  guint lost;

  for (guint i = 0; i < round->n_sent; i++)
    {
      Echo *echo = &round->echoes[i];

      if (echo->state != ECHO_REPLIED)
        continue;
      rtt = echo_get_rtt_ns (echo);
      rtts[n++] = rtt;
      if (previous >= 0)
        jitter_sum += ABS (rtt - previous);
      previous = rtt;
    }

  result->received = n;
  lost = result->sent - n;

  if (n == 0)
    {
      if (round->failure != NULL && (round->unreachable || round->n_failed == round->n_sent))
        lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN,
                                  round->unreachable ? LOOKOUT_PROBE_ERROR_UNREACHABLE
                                                     : LOOKOUT_PROBE_ERROR_FAILED,
                                  "%s", round->failure);
      else
        lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DOWN, LOOKOUT_PROBE_ERROR_LOSS,
                                  g_dngettext (GETTEXT_PACKAGE,
                                               "No reply to %u echo request within %u ms",
                                               "No reply to %u echo requests within %u ms",
                                               result->sent),
                                  result->sent, round->timeout_ms);
      return;
    }

  qsort (rtts, n, sizeof *rtts, compare_gint64);
  median = n % 2 ? rtts[n / 2] : (rtts[n / 2 - 1] + rtts[n / 2]) / 2;
  result->latency_us = (median + 500) / 1000;
  result->min_us = (rtts[0] + 500) / 1000;
  result->max_us = (rtts[n - 1] + 500) / 1000;
  result->jitter_us = n >= 2 ? (jitter_sum / (n - 1) + 500) / 1000 : -1;

  if (lost > 0 && lost * 2 >= result->sent)
    lookout_result_set_error (result, LOOKOUT_TARGET_STATE_DEGRADED, LOOKOUT_PROBE_ERROR_LOSS,
                              _("Lost %u of %u echo requests"), lost, result->sent);
  else
    {
      result->ok = TRUE;
      result->state = LOOKOUT_TARGET_STATE_UP;
    }
}

/* Takes the round out of every structure, returns its task and frees it. */
static void
round_finish (Round *round)
{
  LookoutIcmpProbe *self = round->probe;
  g_autoptr(GTask) task = g_steal_pointer (&round->task);
  gboolean cancelled;

  /* The transmit timestamp of a last echo may still be queued. This can
   * settle echoes (and queue this round as completed): unlinked below. */
  if (round->echoes != NULL && round->fam->tx_timestamps)
    for (guint i = 0; i < round->n_sent; i++)
      if (round->echoes[i].awaiting_tx && round->echoes[i].state == ECHO_REPLIED)
        {
          lookout_icmp_socket_receive_errors (round->fam->socket);
          break;
        }

  if (round->echoes != NULL)
    for (guint i = 0; i < round->n_sent; i++)
      {
        Echo *echo = &round->echoes[i];

        if (echo->state == ECHO_PENDING)
          g_hash_table_remove (round->fam->pending, GUINT_TO_POINTER (echo->sequence));
        if (echo->awaiting_tx)
          g_hash_table_remove (round->fam->awaiting_tx, GUINT_TO_POINTER ((guint) echo->sequence));
      }

  g_clear_pointer (&round->deadline_iter, g_sequence_remove);
  g_clear_pointer (&round->send_iter, g_sequence_remove);
  if (round->completed_link.data != NULL)
    {
      g_queue_unlink (&self->completed, &round->completed_link);
      round->completed_link.data = NULL;
    }

  if (round->cancelled_id != 0)
    g_cancellable_disconnect (round->cancellable, round->cancelled_id);
  round->cancelled_id = 0;

  g_mutex_lock (&self->cancel_lock);
  cancelled = round->cancelled;
  if (cancelled)
    g_ptr_array_remove_fast (self->cancelled_rounds, round);
  g_mutex_unlock (&self->cancel_lock);

  if (cancelled || g_cancellable_is_cancelled (round->cancellable))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Operation was cancelled"));
  else
    {
      if (round->result->state == LOOKOUT_TARGET_STATE_UNKNOWN)
        round_fill_result (round);
      g_task_return_pointer (task, g_steal_pointer (&round->result),
                             (GDestroyNotify) lookout_result_unref);
    }

  round_free (round);
}

static void
finish_completed_rounds (LookoutIcmpProbe *self)
{
  GList *link;

  while ((link = g_queue_peek_head_link (&self->completed)) != NULL)
    round_finish (link->data);
}

/* Sets the timer to the next thing to do. Every change of a source's ready
 * time outside its own dispatch wakes the main loop up (a write and a read
 * of its eventfd), so unless @exact the timer is only ever moved earlier: a
 * timer firing early for a round that has finished already costs less. */
static void
arm_timer (LookoutIcmpProbe *self,
           gboolean          exact)
{
  gint64 ready = -1, current;

  if (self->timer == NULL)
    return;

  if (self->completed.length > 0)
    ready = 0;
  else
    {
      GSequenceIter *iter;

      iter = g_sequence_get_begin_iter (self->deadlines);
      if (!g_sequence_iter_is_end (iter))
        ready = ((Round *) g_sequence_get (iter))->deadline.expiry_us;

      iter = g_sequence_get_begin_iter (self->sends);
      if (!g_sequence_iter_is_end (iter))
        {
          gint64 next = ((Round *) g_sequence_get (iter))->next_send;
          ready = ready < 0 ? next : MIN (ready, next);
        }
    }

  current = g_source_get_ready_time (self->timer);
  if (exact || current < 0 || (ready >= 0 && ready < current))
    g_source_set_ready_time (self->timer, ready);
}

static gboolean
timer_fired_cb (gpointer user_data)
{
  LookoutIcmpProbe *self = user_data;
  gint64 now = g_get_monotonic_time ();
  GSequenceIter *iter;
  Round *round;

  /* Cancelled rounds first: nothing more is sent for them. */
  for (;;)
    {
      g_mutex_lock (&self->cancel_lock);
      round = self->cancelled_rounds->len > 0 ? g_ptr_array_index (self->cancelled_rounds, 0) : NULL;
      g_mutex_unlock (&self->cancel_lock);
      if (round == NULL)
        break;
      round_finish (round);
    }

  while (!g_sequence_iter_is_end (iter = g_sequence_get_begin_iter (self->sends)) &&
         (round = g_sequence_get (iter))->next_send <= now)
    {
      g_clear_pointer (&round->send_iter, g_sequence_remove);
      round_send_echo (round);
      if (round->n_sent < round->count)
        {
          round->next_send += round->interval_ms * 1000;
          round->send_iter = g_sequence_insert_sorted (self->sends, round, compare_rounds_by_time, BY_NEXT_SEND);
        }
      else
        mark_complete_if_done (round);
    }

  while (!g_sequence_iter_is_end (iter = g_sequence_get_begin_iter (self->deadlines)))
    {
      round = g_sequence_get (iter);
      if (!lookout_deadline_expire (&round->deadline, now))
        break;
      round_finish (round);
    }

  finish_completed_rounds (self);
  arm_timer (self, TRUE);

  return G_SOURCE_CONTINUE;
}

static void
round_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  Round *round = user_data;
  LookoutIcmpProbe *self = round->probe;

  /* Possibly another thread: the timer finishes the round on ours. */
  g_mutex_lock (&self->cancel_lock);
  if (!round->cancelled)
    {
      round->cancelled = TRUE;
      g_ptr_array_add (self->cancelled_rounds, round);
    }
  g_mutex_unlock (&self->cancel_lock);

  g_source_set_ready_time (self->timer, 0);
}

static void
round_fail_now (Round              *round,
                LookoutProbeError   code,
                const char         *message)
{
  lookout_result_set_error (round->result, LOOKOUT_TARGET_STATE_DOWN, code, "%s", message);
  round->completed_link.data = round;
  g_queue_push_tail_link (&round->probe->completed, &round->completed_link);
  arm_timer (round->probe, FALSE);
}

static void
round_start (Round        *round,
             GInetAddress *address)
{
  LookoutIcmpProbe *self = round->probe;
  g_autoptr(GError) error = NULL;
  GSocketFamily family = g_inet_address_get_family (address);
  gsize addr_len = g_inet_address_get_native_size (address);

  round->fam = family == G_SOCKET_FAMILY_IPV6 ? &self->v6 : &self->v4;
  round->result->address = g_inet_address_to_string (address);
  memcpy (round->addr, g_inet_address_to_bytes (address), addr_len);

  memset (&round->sa, 0, sizeof round->sa);
  if (family == G_SOCKET_FAMILY_IPV6)
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &round->sa;
      sin6->sin6_family = AF_INET6;
      memcpy (&sin6->sin6_addr, round->addr, 16);
      round->sa_len = sizeof *sin6;
    }
  else
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) &round->sa;
      sin->sin_family = AF_INET;
      memcpy (&sin->sin_addr, round->addr, 4);
      round->sa_len = sizeof *sin;
    }

  if (!icmp_family_ensure (round->fam, &error))
    {
      round_fail_now (round,
                      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED)
                        ? LOOKOUT_PROBE_ERROR_PERMISSION : LOOKOUT_PROBE_ERROR_FAILED,
                      error->message);
      return;
    }

  round->echoes = g_new0 (Echo, round->count);
  for (guint i = 0; i < round->count; i++)
    {
      round->echoes[i].round = round;
    }

  round->interval_ms = MAX (1, MIN (self->interval_ms, round->timeout_ms / (2 * round->count)));
  lookout_deadline_init (&round->deadline, round->timeout_ms);
  round->deadline_iter = g_sequence_insert_sorted (self->deadlines, round, compare_rounds_by_time, BY_DEADLINE);

  if (round->cancellable != NULL)
    round->cancelled_id = g_cancellable_connect (round->cancellable,
                                                 G_CALLBACK (round_cancelled_cb), round, NULL);

  round_send_echo (round);
  if (round->n_sent < round->count)
    {
      round->next_send = round->echoes[0].sent_mono + round->interval_ms * 1000;
      round->send_iter = g_sequence_insert_sorted (self->sends, round, compare_rounds_by_time, BY_NEXT_SEND);
    }
  else
    mark_complete_if_done (round);

  arm_timer (self, FALSE);
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Round *round = user_data;
  g_autoptr(GError) error = NULL;
  GInetAddress *chosen = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);
  if (addresses == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (round->task, g_steal_pointer (&error));
          round_free (round);
          return;
        }

      {
        g_autofree char *message = g_strdup_printf (_("Could not resolve “%s”: %s"),
                                                    round->host, error->message);
        round_fail_now (round, LOOKOUT_PROBE_ERROR_RESOLVE, message);
      }
      return;
    }

  /* The first address of a family we can ping (no IPv6 socket on an IPv4-only host). */
  for (GList *l = addresses; l != NULL; l = l->next)
    {
      IcmpFamily *fam = g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV6
                        ? &round->probe->v6 : &round->probe->v4;

      if (icmp_family_ensure (fam, NULL))
        {
          chosen = l->data;
          break;
        }
    }

  round_start (round, chosen != NULL ? chosen : addresses->data);
  g_resolver_free_addresses (addresses);
}

static void
probe_ping (LookoutIcmpProbe    *self,
            const char          *host,
            const char          *target_uri,
            gint64               target_id,
            guint                timeout_ms,
            guint                count,
            guint                size,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GInetAddress) literal = NULL;
  Round *round;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, probe_ping);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (self->context == NULL)
    {
      self->context = g_main_context_ref_thread_default ();
      self->timer = lookout_fd_source_new ("[lookout] icmp timer");
      g_source_set_callback (self->timer, timer_fired_cb, self, NULL);
      g_source_attach (self->timer, self->context);
    }
  g_warn_if_fail (self->context == g_main_context_get_thread_default ()
                  || (self->context == g_main_context_default ()
                      && g_main_context_get_thread_default () == NULL));

  round = g_new0 (Round, 1);
  round->probe = self;
  round->task = g_steal_pointer (&task);
  round->host = g_strdup (host);
  round->timeout_ms = timeout_ms;
  round->count = CLAMP (count, 1, LOOKOUT_ICMP_PROBE_MAX_COUNT);
  round->size = MIN (size, LOOKOUT_ICMP_MAX_PAYLOAD);
  round->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  round->result = lookout_result_new (LOOKOUT_TARGET_KIND_ICMP);
  round->result->target = g_strdup (target_uri);
  round->result->target_id = target_id;

  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    round_start (round, literal);
  else
    g_resolver_lookup_by_name_async (g_resolver_get_default (), host, cancellable,
                                     resolved_cb, round);
}

static void
read_options (const char *options_json,
              guint      *count,
              guint      *size)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  *count = LOOKOUT_ICMP_PROBE_DEFAULT_COUNT;
  *size = LOOKOUT_ICMP_PROBE_DEFAULT_SIZE;

  if (options_json == NULL || !json_parser_load_from_data (parser, options_json, -1, NULL))
    return;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;

  object = json_node_get_object (json_parser_get_root (parser));
  *count = CLAMP (json_object_get_int_member_with_default (object, "count", *count),
                  1, LOOKOUT_ICMP_PROBE_MAX_COUNT);
  *size = CLAMP (json_object_get_int_member_with_default (object, "size", *size),
                 0, LOOKOUT_ICMP_MAX_PAYLOAD);
}

static void
lookout_icmp_probe_run_async (LookoutProbe        *probe,
                              LookoutTarget       *target,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  LookoutIcmpProbe *self = LOOKOUT_ICMP_PROBE (probe);
  LookoutTargetUri *uri = lookout_target_get_uri (target);
  guint count, size;

  read_options (lookout_target_get_options (target), &count, &size);
  probe_ping (self,
              lookout_target_uri_get_host (uri),
              lookout_target_get_uri_string (target),
              lookout_target_get_id (target),
              lookout_target_get_timeout (target),
              count, size,
              cancellable, callback, user_data);
}

static LookoutResult *
lookout_icmp_probe_run_finish (LookoutProbe  *probe,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, probe), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == probe_ping, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
lookout_icmp_probe_dispose (GObject *object)
{
  LookoutIcmpProbe *self = (LookoutIcmpProbe *) object;

  /* Every round holds a reference through its task: none is left here. */
  icmp_family_close (&self->v4);
  icmp_family_close (&self->v6);
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (lookout_icmp_probe_parent_class)->dispose (object);
}

static void
lookout_icmp_probe_finalize (GObject *object)
{
  LookoutIcmpProbe *self = (LookoutIcmpProbe *) object;

  g_clear_pointer (&self->deadlines, g_sequence_free);
  g_clear_pointer (&self->sends, g_sequence_free);
  g_clear_pointer (&self->cancelled_rounds, g_ptr_array_unref);
  g_mutex_clear (&self->cancel_lock);

  G_OBJECT_CLASS (lookout_icmp_probe_parent_class)->finalize (object);
}

static void
lookout_icmp_probe_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  LookoutIcmpProbe *self = LOOKOUT_ICMP_PROBE (object);

  switch (prop_id)
    {
    case PROP_PREFER_RAW:
      g_value_set_boolean (value, self->prefer_raw);
      break;

    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval_ms);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_icmp_probe_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  LookoutIcmpProbe *self = LOOKOUT_ICMP_PROBE (object);

  switch (prop_id)
    {
    case PROP_PREFER_RAW:
      self->prefer_raw = g_value_get_boolean (value);
      break;

    case PROP_INTERVAL:
      self->interval_ms = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lookout_icmp_probe_class_init (LookoutIcmpProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  LookoutProbeClass *probe_class = LOOKOUT_PROBE_CLASS (klass);

  object_class->dispose = lookout_icmp_probe_dispose;
  object_class->finalize = lookout_icmp_probe_finalize;
  object_class->get_property = lookout_icmp_probe_get_property;
  object_class->set_property = lookout_icmp_probe_set_property;

  probe_class->run_async = lookout_icmp_probe_run_async;
  probe_class->run_finish = lookout_icmp_probe_run_finish;

  properties[PROP_PREFER_RAW] =
    g_param_spec_boolean ("prefer-raw", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL,
                       1, 1000, DEFAULT_INTERVAL_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
icmp_family_init (IcmpFamily       *fam,
                  LookoutIcmpProbe *probe,
                  int               family)
{
  fam->probe = probe;
  fam->family = family;
  fam->next_sequence = (guint16) g_random_int_range (0, 65536);
  fam->pending = g_hash_table_new (NULL, NULL);
  fam->awaiting_tx = g_hash_table_new (NULL, NULL);
}

static void
lookout_icmp_probe_init (LookoutIcmpProbe *self)
{
  self->interval_ms = DEFAULT_INTERVAL_MS;
  self->cookie = ((guint64) g_random_int () << 32) | g_random_int ();
  icmp_family_init (&self->v4, self, AF_INET);
  icmp_family_init (&self->v6, self, AF_INET6);
  self->deadlines = g_sequence_new (NULL);
  self->sends = g_sequence_new (NULL);
  g_queue_init (&self->completed);
  g_mutex_init (&self->cancel_lock);
  self->cancelled_rounds = g_ptr_array_new ();
}

LookoutProbe *
lookout_icmp_probe_new (void)
{
  return g_object_new (LOOKOUT_TYPE_ICMP_PROBE, NULL);
}

void
lookout_icmp_probe_ping_async (LookoutIcmpProbe    *self,
                               const char          *host,
                               guint                timeout_ms,
                               guint                count,
                               guint                size,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autofree char *uri = NULL;

  g_return_if_fail (LOOKOUT_IS_ICMP_PROBE (self));
  g_return_if_fail (host != NULL);
  g_return_if_fail (timeout_ms > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  uri = strchr (host, ':') ? g_strconcat ("icmp://[", host, "]", NULL) : g_strconcat ("icmp://", host, NULL);
  probe_ping (self, host, uri, 0, timeout_ms, count, size, cancellable, callback, user_data);
}

LookoutIcmpSocketKind
lookout_icmp_probe_get_socket_kind (LookoutIcmpProbe *self,
                                    GSocketFamily     family)
{
  IcmpFamily *fam;

  g_return_val_if_fail (LOOKOUT_IS_ICMP_PROBE (self), LOOKOUT_ICMP_SOCKET_NONE);

  fam = family == G_SOCKET_FAMILY_IPV6 ? &self->v6 : &self->v4;
  return fam->socket != NULL ? lookout_icmp_socket_get_kind (fam->socket) : LOOKOUT_ICMP_SOCKET_NONE;
}
