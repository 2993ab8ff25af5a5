/* map-screenshot.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Shows the map with a few located targets in different states, for
 * tools/map-screenshot.sh. Everything comes from loopback: synthetic tiles
 * (rough continents drawn from ellipses, a graticule every 30°, marked
 * "synthetic tiles") and ip-api.com's JSON for the targets' addresses.
 * The real window, its dashboard shown, over a throw-away database.
 * Prints "ready" once the tiles have stopped arriving, then waits to be
 * killed (or quits after a minute). */

#include "config.h"

#include <math.h>
#include <string.h>
#include <adwaita.h>
#include <libsoup/soup.h>

#include "lookout-gui-utils.h"
#include "lookout-test.h"
#include "lookout-window-private.h"

typedef struct
{
  double lon, lat, rlon, rlat;
} Blob;

static const Blob land[] = {
  /* North America, Greenland */
  { -100, 45, 28, 16 }, { -88, 58, 26, 10 }, { -150, 64, 16, 7 }, { -118, 60, 14, 9 },
  { -102, 24, 11, 8 }, { -86, 14, 6, 5 }, { -78, 40, 8, 8 }, { -40, 73, 14, 9 },
  /* South America */
  { -60, -8, 17, 14 }, { -65, -30, 9, 12 }, { -70, -45, 5, 9 }, { -72, 5, 8, 6 },
  /* Europe */
  { 15, 50, 16, 7 }, { 20, 63, 8, 7 }, { 30, 55, 12, 8 }, { -4, 40, 6, 4 },
  { -2, 53, 2.5, 4 }, { 12, 43, 3, 4 }, { 22, 40, 4, 3 },
  /* Africa, Arabia, Madagascar */
  { 15, 12, 24, 12 }, { 25, -10, 14, 16 }, { 23, -27, 9, 7 }, { 42, 8, 6, 5 },
  { 46, 23, 10, 8 }, { 47, -19, 2.5, 6 },
  /* Asia */
  { 90, 52, 48, 15 }, { 100, 32, 24, 11 }, { 78, 20, 8, 10 }, { 104, 14, 6, 8 },
  { 138, 37, 3, 6 }, { 113, -1, 12, 4 }, { 122, 12, 3, 6 }, { 140, 62, 20, 8 },
  { 60, 38, 14, 8 },
  /* Australia, New Zealand */
  { 134, -25, 16, 10 }, { 172, -42, 3, 5 },
};

static double
land_value (double lon,
            double lat)
{
  double best = -G_MAXDOUBLE;

  for (guint i = 0; i < G_N_ELEMENTS (land); i++)
    {
      double dx = (lon - land[i].lon) / land[i].rlon;
      double dy = (lat - land[i].lat) / land[i].rlat;

      best = MAX (best, 1.0 - (dx * dx + dy * dy));
    }

  /* A ragged coast. */
  return best + 0.10 * sin (lon * 0.35) * cos (lat * 0.4) + 0.05 * sin (lon * 1.3 + lat * 0.9);
}

static cairo_status_t
png_write_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
draw_tile (int z,
           int x,
           int y)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  guint8 *pixels = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  double world = 256.0 * (1 << z);
  GByteArray *png = g_byte_array_new ();
  cairo_t *cr;

  cairo_surface_flush (surface);
  for (int py = 0; py < 256; py++)
    {
      double gy = y * 256.0 + py + 0.5;
      double lat = atan (sinh (G_PI * (1 - 2 * gy / world))) * 180 / G_PI;

      for (int px = 0; px < 256; px++)
        {
          double gx = x * 256.0 + px + 0.5;
          double lon = gx / world * 360.0 - 180.0;
          double v = land_value (lon, lat);
          guint32 rgb;

          if (v > 0.06)
            rgb = fabs (lat) > 62 ? 0xeef0f0 : (v > 0.45 ? 0xd8e3bf : 0xe6e4cf);
          else if (v > 0)
            rgb = 0xb9b6a3;   /* coast */
          else
            rgb = 0xaad3df;   /* sea */

          ((guint32 *) (pixels + py * stride))[px] = rgb;
        }
    }
  cairo_surface_mark_dirty (surface);

  cr = cairo_create (surface);

  /* Graticule every 30°. */
  cairo_set_source_rgba (cr, 0.35, 0.45, 0.55, 0.45);
  cairo_set_line_width (cr, 1);
  for (int lon = -180; lon <= 180; lon += 30)
    {
      double gx = (lon + 180.0) / 360.0 * world - x * 256.0;

      if (gx >= -1 && gx <= 257)
        {
          cairo_move_to (cr, floor (gx) + 0.5, 0);
          cairo_line_to (cr, floor (gx) + 0.5, 256);
        }
    }
  for (int lat = -60; lat <= 60; lat += 30)
    {
      double phi = lat * G_PI / 180;
      double gy = (1 - log (tan (phi) + 1 / cos (phi)) / G_PI) / 2 * world - y * 256.0;

      if (gy >= -1 && gy <= 257)
        {
          cairo_move_to (cr, 0, floor (gy) + 0.5);
          cairo_line_to (cr, 256, floor (gy) + 0.5);
        }
    }
  cairo_stroke (cr);

  /* Faint tile border and a label: these are not real maps. */
  cairo_set_source_rgba (cr, 0, 0, 0, 0.06);
  cairo_rectangle (cr, 0.5, 0.5, 255, 255);
  cairo_stroke (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 9);
  cairo_move_to (cr, 4, 252);
  {
    g_autofree char *label = g_strdup_printf ("synthetic tile %d/%d/%d", z, x, y);

    cairo_show_text (cr, label);
  }
  cairo_destroy (cr);

  cairo_surface_write_to_png_stream (surface, png_write_cb, png);
  cairo_surface_destroy (surface);

  return g_byte_array_free_to_bytes (png);
}

typedef struct
{
  const char         *name;
  const char         *uri;
  const char         *address;
  LookoutTargetState  state;
  gint64              latency_us;
  const char         *country, *city, *isp;
  double              lat, lon;
} Demo;

/* Addresses of documentation-like public ranges, answered by the local
 * ip-api.com stand-in below; the NAS is placed by hand. */
static const Demo demos[] = {
  { "example.org", "https://example.org/", "93.184.216.34", LOOKOUT_TARGET_STATE_UP, 128000,
    "India", "Mumbai", "Example Hosting Pvt", 19.0760, 72.8777 },
  { "Mail relay", "tcp://mail.example.net:25", "85.10.200.1", LOOKOUT_TARGET_STATE_DEGRADED, 390000,
    "India", "Mumbai", "Example Hosting Pvt", 19.0760, 72.8777 },
  { "Status page", "https://status.example.com/", "45.79.10.10", LOOKOUT_TARGET_STATE_UP, 96000,
    "United States", "Newark", "Example Cloud LLC", 40.7357, -74.1724 },
  { "Public DNS", "dns://9.9.9.9/example.org?type=A", "9.9.9.9", LOOKOUT_TARGET_STATE_UP, 4000,
    "Australia", "Sydney", "Anycast Example Ltd", -33.8688, 151.2093 },
  { "Shop", "https://shop.example.com.br/", "177.71.128.1", LOOKOUT_TARGET_STATE_DOWN, -1,
    "Brazil", "São Paulo", "Example Telecom SA", -23.5505, -46.6333 },
  { "NTP", "ntp://ntp.example.za", "196.4.160.4", LOOKOUT_TARGET_STATE_UNKNOWN, -1,
    "South Africa", "Cape Town", "Example Networks", -33.9249, 18.4241 },
  { "CDN edge", "icmp://edge.example.sg", "103.4.96.1", LOOKOUT_TARGET_STATE_UP, 171000,
    "Singapore", "Singapore", "Example CDN Pte", 1.3521, 103.8198 },
  { "Tokyo API", "https://api.example.jp/v1/health", "133.11.0.1", LOOKOUT_TARGET_STATE_UP, 248000,
    "Japan", "Tokyo", "Example Japan KK", 35.6762, 139.6503 },
  { "Home NAS", "icmp://192.168.1.20", NULL, LOOKOUT_TARGET_STATE_UP, 400,
    NULL, NULL, NULL, 52.40, 13.10 },
};

static guint tiles_served;
static gint64 last_tile_us;

static void
server_handler_cb (SoupServer        *server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  int z, x, y;

  if (sscanf (path, "/tiles/%d/%d/%d.png", &z, &x, &y) == 3 && z >= 0 && z < 20)
    {
      g_autoptr(GBytes) png = draw_tile (z, x, y);

      tiles_served++;
      last_tile_us = g_get_monotonic_time ();
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (png, NULL), g_bytes_get_size (png));
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (demos); i++)
    {
      g_autofree char *want = g_strdup_printf ("/json/%s", demos[i].address ? demos[i].address : "");

      if (g_str_equal (path, want))
        {
          g_autofree char *body = NULL;
          char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE];

          body = g_strdup_printf ("{\"status\":\"success\",\"country\":\"%s\",\"city\":\"%s\","
                                  "\"lat\":%s,\"lon\":%s,\"isp\":\"%s\",\"query\":\"%s\"}",
                                  demos[i].country, demos[i].city,
                                  g_ascii_dtostr (lat, sizeof lat, demos[i].lat),
                                  g_ascii_dtostr (lon, sizeof lon, demos[i].lon),
                                  demos[i].isp, demos[i].address);
          soup_server_message_set_status (msg, 200, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                            body, strlen (body));
          return;
        }
    }

  soup_server_message_set_status (msg, 404, NULL);
}

static gboolean
check_ready_cb (gpointer user_data)
{
  LookoutMap *map = user_data;

  /* Everything placed (two targets share Mumbai), and no tile for a second. */
  if (lookout_map_get_n_markers (map) < G_N_ELEMENTS (demos) - 1 || tiles_served == 0
      || g_get_monotonic_time () - last_tile_us < G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  g_print ("ready\n");
  fflush (stdout);
  return G_SOURCE_REMOVE;
}

static gboolean
quit_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
added_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), result, &error))
    g_error ("%s", error->message);
  *(guint *) user_data += 1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTestStore) tmp = NULL;
  LookoutStore *store;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutGeo) geo = NULL;
  g_autoptr(LookoutGeoProvider) provider = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tiles = NULL;
  g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_object_unref);
  LookoutWindow *window;
  gint64 now_ms = g_get_real_time () / 1000;
  gboolean done = FALSE;
  guint added = 0;

  gtk_init ();
  adw_init ();
  lookout_load_stylesheet ();

  server = lookout_test_http_server_new (server_handler_cb, NULL, &base);
  tiles = g_strdup_printf ("%s/tiles/{z}/{x}/{y}.png", base);

  /* A throw-away database with the demo targets. */
  tmp = lookout_test_store_new ();
  store = tmp->store;
  monitor = lookout_test_monitor_new (store);

  for (guint i = 0; i < G_N_ELEMENTS (demos); i++)
    {
      LookoutTarget *target = lookout_target_new_from_string (demos[i].uri, &error);

      g_assert_no_error (error);
      lookout_target_set_name (target, demos[i].name);
      if (demos[i].address == NULL)
        lookout_target_set_location (target, demos[i].lat, demos[i].lon, LOOKOUT_GEO_SOURCE_MANUAL);
      g_ptr_array_add (targets, target);
      lookout_monitor_add_target_async (monitor, target, NULL, added_cb, &added);
    }
  LOOKOUT_TEST_WAIT (added >= G_N_ELEMENTS (demos));

  /* Five minutes of history, for the plot under the map. */
  for (guint i = 0; i < G_N_ELEMENTS (demos); i++)
    {
      for (int k = 60; k > 0; k--)
        {
          gboolean down = demos[i].state == LOOKOUT_TARGET_STATE_DOWN && k < 20;
          LookoutSample sample = {
            .target_id = lookout_target_get_id (targets->pdata[i]),
            .ts_ms = now_ms - k * 5000,
            .latency_us = down || demos[i].latency_us < 0
                            ? -1 : demos[i].latency_us * (0.9 + 0.2 * g_random_double ()),
            .state = down ? LOOKOUT_TARGET_STATE_DOWN : LOOKOUT_TARGET_STATE_UP,
          };

          lookout_store_append_sample (store, &sample);
        }
    }
  lookout_store_flush_sync (store, NULL);

  geo = lookout_geo_new (store);
  provider = lookout_geo_provider_new (LOOKOUT_GEO_PROVIDER_IP_API, base);
  lookout_geo_set_provider (geo, provider);
  lookout_geo_set_home (geo, 52.52, 13.405);   /* Berlin */
  lookout_geo_track (geo, lookout_monitor_get_targets (monitor));

  window = g_object_new (LOOKOUT_TYPE_WINDOW, NULL);
  lookout_window_set_monitor (window, monitor);
  lookout_map_set_tile_url (window->map, tiles);
  lookout_map_set_geo (window->map, geo);
  gtk_toggle_button_set_active (window->dashboard_button, TRUE);
  gtk_window_present (GTK_WINDOW (window));

  /* As the scheduler would after the first checks. */
  for (guint i = 0; i < G_N_ELEMENTS (demos); i++)
    lookout_target_set_live_state (targets->pdata[i], demos[i].state, demos[i].latency_us, now_ms,
                                   demos[i].state == LOOKOUT_TARGET_STATE_DOWN ? "Connection refused" : NULL,
                                   demos[i].address ? demos[i].address : "192.168.1.20");

  g_timeout_add (200, check_ready_cb, window->map);
  g_timeout_add_seconds (60, quit_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
  lookout_test_store_close (tmp);

  return 0;
}
