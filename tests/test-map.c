/* test-map.c
 *
 * Copyright 2026 The Lookout authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* LookoutMap in a real window under a virtual display. Tiles come from an
 * in-process SoupServer on loopback drawing plain PNG tiles; locations
 * from the same server speaking ip-api.com's JSON. Nothing reaches the
 * internet. */

#include "config.h"

#include <math.h>
#include <string.h>
#include <libsoup/soup.h>

#include "lookout-geo-preferences.h"
#include "lookout-gui-utils.h"
#include "lookout-map.h"
#include "lookout-target-location.h"
#include "lookout-window-private.h"
#include "lookout-test-gui.h"

static SoupServer *server;
static char *server_url;
static guint tiles_served;
static GPtrArray *located;   /* the addresses the geolocation server was asked */
static guint geo_requests;
static GBytes *tile_png;

static cairo_status_t
png_write_cb (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GBytes *
make_tile_png (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 256, 256);
  cairo_t *cr = cairo_create (surface);
  GByteArray *png = g_byte_array_new ();

  /* One flat colour, so that any pixel of the map can be checked. */
  cairo_set_source_rgb (cr, 0xa8 / 255.0, 0xd1 / 255.0, 0xee / 255.0);
  cairo_paint (cr);
  cairo_destroy (cr);

  g_assert_cmpint (cairo_surface_write_to_png_stream (surface, png_write_cb, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  return g_byte_array_free_to_bytes (png);
}

/* /tiles/Z/X/Y.png and ip-api.com's /json/ADDRESS: "8.8.8.8" is in Sydney,
 * everything else in Berlin. */
static void
server_handler_cb (SoupServer        *soup_server,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  int z, x, y;
  char end;

  if (sscanf (path, "/tiles/%d/%d/%d.pn%c", &z, &x, &y, &end) == 4 && end == 'g')
    {
      g_assert_cmpint (z, >=, 0);
      g_assert_cmpint (x, >=, 0);
      g_assert_cmpint (x, <, 1 << z);
      g_assert_cmpint (y, >=, 0);
      g_assert_cmpint (y, <, 1 << z);
      tiles_served++;
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "image/png", SOUP_MEMORY_COPY,
                                        g_bytes_get_data (tile_png, NULL),
                                        g_bytes_get_size (tile_png));
      return;
    }

  /* ipapi.co's protocol */
  if (g_str_equal (path, "/9.9.9.9/json/"))
    {
      const char *body = "{\"ip\":\"9.9.9.9\",\"city\":\"Zurich\",\"country_name\":\"Switzerland\","
                         "\"latitude\":47.3769,\"longitude\":8.5417,\"org\":\"Example AG\"}";

      geo_requests++;
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        body, strlen (body));
      return;
    }

  if (g_str_has_prefix (path, "/json/"))
    {
      const char *body;

      if (located != NULL)
        g_ptr_array_add (located, g_strdup (path + strlen ("/json/")));
      if (g_str_equal (path, "/json/8.8.8.8"))
        body = "{\"status\":\"success\",\"country\":\"Australia\",\"city\":\"Sydney\","
               "\"lat\":-33.8688,\"lon\":151.2093,\"isp\":\"Anycast Example\",\"query\":\"8.8.8.8\"}";
      else
        body = "{\"status\":\"success\",\"country\":\"Germany\",\"city\":\"Berlin\","
               "\"lat\":52.52,\"lon\":13.405,\"isp\":\"Example Carrier\",\"query\":\"1.2.3.4\"}";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        body, strlen (body));
      return;
    }

  soup_server_message_set_status (msg, 404, NULL);
}

static void
start_server (void)
{
  tile_png = make_tile_png ();
  server = lookout_test_http_server_new (server_handler_cb, NULL, &server_url);
}

typedef struct
{
  GtkWidget  *window;
  LookoutMap *map;
  GListStore *targets;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *tiles = g_strdup_printf ("%s/tiles/{z}/{x}/{y}.png", server_url);

  f->targets = g_list_store_new (LOOKOUT_TYPE_TARGET);
  f->map = LOOKOUT_MAP (lookout_map_new ());
  lookout_map_set_tile_url (f->map, tiles);
  lookout_map_set_targets (f->map, G_LIST_MODEL (f->targets));

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->map));
  gtk_window_present (GTK_WINDOW (f->window));
  LOOKOUT_TEST_WAIT (gtk_widget_get_mapped (GTK_WIDGET (f->map))
                     && gtk_widget_get_width (GTK_WIDGET (f->map)) > 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->targets);
}

static LookoutTarget *
add_target (Fixture    *f,
            const char *uri,
            const char *name,
            double      lat,
            double      lon)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);

  g_assert_no_error (error);
  lookout_target_set_name (target, name);
  if (!isnan (lat))
    lookout_target_set_location (target, lat, lon, "manual");
  g_list_store_append (f->targets, target);
  g_object_unref (target);

  return target;
}

/* The text @target's marker shows as its tooltip; valid until the next call. */
static const char *
tooltip_of (LookoutMap    *map,
            LookoutTarget *target)
{
  static char *text;

  g_free (text);
  text = lookout_map_dup_marker_tooltip (map, target);
  g_assert_nonnull (text);

  return text;
}

static GtkWidget *
marker_button (LookoutMap    *map,
               LookoutTarget *target)
{
  ShumateMarker *marker = lookout_map_get_marker (map, target);

  g_assert_nonnull (marker);
  return shumate_marker_get_child (marker);
}

/* How far the centre of @target's marker is from the widget coordinates of
 * its latitude and longitude, in pixels; G_MAXDOUBLE before it is laid out. */
static double
marker_offset (LookoutMap    *map,
               LookoutTarget *target,
               gboolean       verbose)
{
  GtkWidget *shumate_map = GTK_WIDGET (lookout_map_get_map (map));
  ShumateMarker *marker = lookout_map_get_marker (map, target);
  graphene_rect_t bounds;
  double x, y, cx, cy;

  g_assert_nonnull (marker);
  shumate_viewport_location_to_widget_coords (lookout_map_get_viewport (map), shumate_map,
                                              lookout_target_get_latitude (target),
                                              lookout_target_get_longitude (target),
                                              &x, &y);
  if (!gtk_widget_compute_bounds (GTK_WIDGET (marker), shumate_map, &bounds)
      || bounds.size.width <= 0)
    return G_MAXDOUBLE;

  cx = bounds.origin.x + bounds.size.width / 2;
  cy = bounds.origin.y + bounds.size.height / 2;
  if (verbose)
    g_test_message ("%s: location at (%.1f, %.1f), marker centred at (%.1f, %.1f), %gx%g",
                    lookout_target_get_name (target), x, y, cx, cy,
                    bounds.size.width, bounds.size.height);

  return MAX (fabs (cx - x), fabs (cy - y));
}

/* Layout follows a move of the map within a few frames. */
static void
assert_marker_at_location (LookoutMap    *map,
                           LookoutTarget *target)
{
  for (guint i = 0; i < 100 && marker_offset (map, target, FALSE) > 1.5; i++)
    lookout_test_run_for (20);

  g_assert_cmpfloat (marker_offset (map, target, TRUE), <=, 1.5);
}

/* What the map shows at (x, y), as 0xRRGGBB. */
static guint32
map_pixel (LookoutMap *map,
           int         x,
           int         y)
{
  GtkWidget *widget = GTK_WIDGET (lookout_map_get_map (map));
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guint8 *data = g_malloc (width * height * 4);
  const guint8 *p;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)   /* nothing drawn yet */
    return G_MAXUINT32;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_texture_download (texture, data, width * 4);

  /* GDK_MEMORY_DEFAULT: B, G, R, A in memory on little-endian machines. */
  p = data + (y * width + x) * 4;
  return (p[2] << 16) | (p[1] << 8) | p[0];
}

/* The test tiles' blue. */
#define TILE_RGB 0xa8d1ee

static void
test_marker_position (Fixture       *f,
                      gconstpointer  data)
{
  LookoutTarget *paris = add_target (f, "https://paris.example/", "Paris", 48.8566, 2.3522);
  LookoutTarget *tokyo = add_target (f, "https://tokyo.example/", "Tokyo", 35.6762, 139.6503);
  ShumateViewport *viewport = lookout_map_get_viewport (f->map);

  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) == 2);
  lookout_test_run_for (100);
  assert_marker_at_location (f->map, paris);
  assert_marker_at_location (f->map, tokyo);

  /* After zooming and moving the map, still where they belong. */
  shumate_viewport_set_zoom_level (viewport, 4);
  shumate_map_center_on (lookout_map_get_map (f->map), 45, 10);
  lookout_test_run_for (100);
  assert_marker_at_location (f->map, paris);

  /* The tiles came from the local server and are drawn. */
  LOOKOUT_TEST_WAIT (tiles_served > 0);
  g_assert_true (lookout_map_get_tiles_available (f->map));
  for (guint i = 0; i < 100 && map_pixel (f->map, 5, 300) != TILE_RGB; i++)
    lookout_test_run_for (20);
  g_assert_cmphex (map_pixel (f->map, 5, 300), ==, TILE_RGB);

  /* The markers are drawn above the tiles: left of the symbol, the
   * marker's own colour. */
  {
    graphene_rect_t bounds;

    g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (lookout_map_get_marker (f->map, paris)),
                                              GTK_WIDGET (lookout_map_get_map (f->map)), &bounds));
    int x = bounds.origin.x + 5, y = bounds.origin.y + bounds.size.height / 2;

    for (guint i = 0; i < 100 && map_pixel (f->map, x, y) != 0x77767b; i++)
      lookout_test_run_for (20);
    g_assert_cmphex (map_pixel (f->map, x, y), ==, 0x77767b);
  }
}

static void
test_state_recolours (Fixture       *f,
                      gconstpointer  data)
{
  LookoutTarget *target = add_target (f, "icmp://192.0.2.10", "Router", 52.52, 13.405);
  gint64 now_ms = g_get_real_time () / 1000;
  GtkWidget *button;

  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) == 1);
  button = marker_button (f->map, target);
  g_assert_true (gtk_widget_has_css_class (button, "unknown"));
  gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Router, placed by hand, Unknown");

  lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_UP, 1200, now_ms, NULL, "192.0.2.10");
  g_assert_true (gtk_widget_has_css_class (button, "up"));
  g_assert_false (gtk_widget_has_css_class (button, "unknown"));
  gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Router, placed by hand, Up");
  g_assert_nonnull (strstr (tooltip_of (f->map, target), "1.20 ms"));

  lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_DOWN, -1, now_ms, "timeout", "192.0.2.10");
  g_assert_true (gtk_widget_has_css_class (button, "down"));
  g_assert_false (gtk_widget_has_css_class (button, "up"));

  lookout_target_set_live_state (target, LOOKOUT_TARGET_STATE_DEGRADED, 90000, now_ms, NULL, "192.0.2.10");
  g_assert_true (gtk_widget_has_css_class (button, "degraded"));
  g_assert_false (gtk_widget_has_css_class (button, "down"));

  /* The same marker all along: restyled, not rebuilt. */
  g_assert_true (marker_button (f->map, target) == button);
}

static void
activated_cb (LookoutMap     *map,
              LookoutTarget  *target,
              LookoutTarget **out)
{
  *out = target;
}

/* The list of targets in the map's popover. */
static GtkListBox *
popover_list (GtkWidget *popover)
{
  GtkWidget *child = gtk_popover_get_child (GTK_POPOVER (popover));

  if (GTK_IS_SCROLLED_WINDOW (child))
    child = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (child));
  if (GTK_IS_VIEWPORT (child))
    child = gtk_viewport_get_child (GTK_VIEWPORT (child));

  return GTK_LIST_BOX (child);
}

static void
test_grouped (Fixture       *f,
              gconstpointer  data)
{
  LookoutTarget *web = add_target (f, "https://www.example/", "Web", 50.1109, 8.6821);
  LookoutTarget *mail = add_target (f, "tcp://mail.example:25", "Mail", 50.1109, 8.6821);
  LookoutTarget *far = add_target (f, "icmp://far.example", "Far", 40.7128, -74.0060);
  LookoutTarget *activated = NULL;
  gint64 now_ms = g_get_real_time () / 1000;
  GtkWidget *button, *count;
  ShumateMarker *marker;

  g_signal_connect (f->map, "target-activated", G_CALLBACK (activated_cb), &activated);

  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) == 2);
  marker = lookout_map_get_marker (f->map, web);
  g_assert_true (marker == lookout_map_get_marker (f->map, mail));
  g_assert_true (marker != lookout_map_get_marker (f->map, far));

  button = marker_button (f->map, web);
  count = gtk_widget_get_last_child (gtk_button_get_child (GTK_BUTTON (button)));
  g_assert_true (gtk_widget_get_visible (count));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (count)), ==, "2");

  /* The group shows the worst state of its targets. */
  lookout_target_set_live_state (web, LOOKOUT_TARGET_STATE_UP, 800, now_ms, NULL, NULL);
  lookout_target_set_live_state (mail, LOOKOUT_TARGET_STATE_DOWN, -1, now_ms, "refused", NULL);
  g_assert_true (gtk_widget_has_css_class (button, "down"));
  g_assert_nonnull (strstr (tooltip_of (f->map, web), "Web"));
  g_assert_nonnull (strstr (tooltip_of (f->map, web), "Mail"));

  /* A click on a single marker activates its target... */
  g_signal_emit_by_name (marker_button (f->map, far), "clicked");
  g_assert_true (activated == far);

  /* ...on a group, lists them; picking one activates it. */
  activated = NULL;
  g_signal_emit_by_name (button, "clicked");
  lookout_test_run_for (50);
  {
    GtkWidget *popover = gtk_widget_get_last_child (GTK_WIDGET (f->map));
    GtkListBox *list = popover_list (popover);
    GtkListBoxRow *row;

    g_assert_true (GTK_IS_POPOVER (popover));
    g_assert_true (gtk_widget_get_visible (popover));
    g_assert_nonnull (gtk_list_box_get_row_at_index (list, 1));
    g_assert_null (gtk_list_box_get_row_at_index (list, 2));
    row = gtk_list_box_get_row_at_index (list, 1);
    g_signal_emit_by_name (list, "row-activated", row);
    g_assert_true (activated == mail);
  }

  /* Moved away (farther than a cluster spans at this zoom), the group
   * splits; the marker of the target that did not move stays as it was. */
  marker = lookout_map_get_marker (f->map, far);
  lookout_target_set_location (mail, 38.7223, -9.1393, "manual");
  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) == 3);
  g_assert_false (gtk_widget_get_visible (count));
  g_assert_true (lookout_map_get_marker (f->map, far) == marker);
  g_assert_true (marker_button (f->map, web) == button);
  assert_marker_at_location (f->map, mail);

  /* Removed, its marker goes. */
  g_object_ref (far);
  g_list_store_remove (f->targets, 2);
  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) == 2);
  g_assert_null (lookout_map_get_marker (f->map, far));
  g_object_unref (far);
}

/* Waits until the markers are clustered for @zoom. */
static void
zoom_to (LookoutMap *map,
         double      zoom,
         double      lat,
         double      lon)
{
  shumate_viewport_set_zoom_level (lookout_map_get_viewport (map), zoom);
  shumate_map_center_on (lookout_map_get_map (map), lat, lon);
  LOOKOUT_TEST_WAIT (lookout_map_get_cluster_zoom (map) == (int) floor (zoom));
  lookout_test_run_for (50);
}

static const char *
count_of (GtkWidget *button)
{
  GtkWidget *count = gtk_widget_get_last_child (gtk_button_get_child (GTK_BUTTON (button)));

  return gtk_widget_get_visible (count) ? gtk_label_get_text (GTK_LABEL (count)) : "1";
}

/* 10,000 targets over the world: a bounded number of markers, whose
 * counts add up to every target, and still few when zoomed in. */
static void
test_many_bounded (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) markers = g_hash_table_new (NULL, NULL);
  GRand *rand = g_rand_new_with_seed (7);
  GHashTableIter iter;
  gpointer key;
  guint64 total = 0;

  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *uri = g_strdup_printf ("https://host%u.example/", i);
      LookoutTarget *target = lookout_target_new_from_string (uri, NULL);

      lookout_target_set_location (target, g_rand_double_range (rand, -60, 70),
                                   g_rand_double_range (rand, -180, 180), "manual");
      g_ptr_array_add (all, target);
    }
  g_rand_free (rand);
  g_list_store_splice (f->targets, 0, 0, all->pdata, all->len);

  /* The whole world in view. */
  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) > 0);
  zoom_to (f->map, 1, 0, 0);
  g_test_message ("%u markers for 10000 targets at zoom 1", lookout_map_get_n_markers (f->map));
  g_assert_cmpuint (lookout_map_get_n_markers (f->map), >=, 20);
  g_assert_cmpuint (lookout_map_get_n_markers (f->map), <=, 300);

  for (guint i = 0; i < all->len; i++)
    {
      ShumateMarker *marker = lookout_map_get_marker (f->map, all->pdata[i]);

      g_assert_nonnull (marker);
      g_hash_table_add (markers, marker);
    }
  g_assert_cmpuint (g_hash_table_size (markers), ==, lookout_map_get_n_markers (f->map));
  g_hash_table_iter_init (&iter, markers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    total += g_ascii_strtoull (count_of (shumate_marker_get_child (key)), NULL, 10);
  g_assert_cmpuint (total, ==, 10000);

  /* Zoomed in, only what is in view (or near it) has a marker. */
  zoom_to (f->map, 6, 48, 10);
  g_test_message ("%u markers at zoom 6", lookout_map_get_n_markers (f->map));
  g_assert_cmpuint (lookout_map_get_n_markers (f->map), >, 0);
  g_assert_cmpuint (lookout_map_get_n_markers (f->map), <=, 300);
  {
    guint shown = 0;

    for (guint i = 0; i < all->len; i++)
      shown += lookout_map_get_marker (f->map, all->pdata[i]) != NULL;
    g_assert_cmpuint (shown, <, all->len / 10);
  }
}

/* Close places share a marker far out, and part when zoomed in. */
static void
test_zoom_splits (Fixture       *f,
                  gconstpointer  data)
{
  LookoutTarget *frankfurt = add_target (f, "https://fra.example/", "Frankfurt", 50.1109, 8.6821);
  LookoutTarget *mainz = add_target (f, "https://mainz.example/", "Mainz", 49.9929, 8.2473);
  LookoutTarget *activated = NULL;
  GtkWidget *button;

  g_signal_connect (f->map, "target-activated", G_CALLBACK (activated_cb), &activated);
  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) > 0);

  zoom_to (f->map, 3, 50, 8);
  g_assert_cmpuint (lookout_map_get_n_markers (f->map), ==, 1);
  g_assert_true (lookout_map_get_marker (f->map, frankfurt) == lookout_map_get_marker (f->map, mainz));
  button = marker_button (f->map, frankfurt);
  g_assert_cmpstr (count_of (button), ==, "2");
  gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "2 targets, 2 Unknown");

  /* A click on a small cluster lists its targets. */
  g_signal_emit_by_name (button, "clicked");
  lookout_test_run_for (50);
  {
    GtkWidget *popover = gtk_widget_get_last_child (GTK_WIDGET (f->map));
    GtkListBox *list = popover_list (popover);

    g_assert_true (gtk_widget_get_visible (popover));
    g_assert_nonnull (gtk_list_box_get_row_at_index (list, 1));
    g_assert_null (gtk_list_box_get_row_at_index (list, 2));
    gtk_popover_popdown (GTK_POPOVER (popover));
  }
  g_assert_null (activated);

  zoom_to (f->map, 10, 50.05, 8.46);
  g_assert_cmpuint (lookout_map_get_n_markers (f->map), ==, 2);
  g_assert_true (lookout_map_get_marker (f->map, frankfurt) != lookout_map_get_marker (f->map, mainz));
  g_assert_cmpstr (count_of (marker_button (f->map, mainz)), ==, "1");
  assert_marker_at_location (f->map, frankfurt);
  assert_marker_at_location (f->map, mainz);
  gtk_test_accessible_assert_property (marker_button (f->map, mainz), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Mainz, placed by hand, Unknown");
}

/* A cluster shows its worst member's state; a change restyles it. */
static void
test_cluster_worst (Fixture       *f,
                    gconstpointer  data)
{
  LookoutTarget *up = add_target (f, "https://up.example/", "Up", 48.85, 2.35);
  LookoutTarget *slow = add_target (f, "https://slow.example/", "Slow", 48.80, 2.13);
  LookoutTarget *down = add_target (f, "https://down.example/", "Down", 48.90, 2.60);
  gint64 now_ms = g_get_real_time () / 1000;
  GtkWidget *button;

  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) > 0);
  zoom_to (f->map, 4, 48.85, 2.35);
  g_assert_cmpuint (lookout_map_get_n_markers (f->map), ==, 1);
  button = marker_button (f->map, up);

  lookout_target_set_live_state (up, LOOKOUT_TARGET_STATE_UP, 1000, now_ms, NULL, NULL);
  lookout_target_set_live_state (slow, LOOKOUT_TARGET_STATE_DEGRADED, 900000, now_ms, NULL, NULL);
  lookout_target_set_live_state (down, LOOKOUT_TARGET_STATE_DOWN, -1, now_ms, "timeout", NULL);
  g_assert_true (gtk_widget_has_css_class (button, "down"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_widget_get_first_child (gtk_button_get_child (GTK_BUTTON (button))))),
                   ==, "✕");
  gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "3 targets, 1 Down, 1 Degraded");

  lookout_target_set_live_state (down, LOOKOUT_TARGET_STATE_UP, 2000, now_ms, NULL, NULL);
  g_assert_true (gtk_widget_has_css_class (button, "degraded"));
  g_assert_false (gtk_widget_has_css_class (button, "down"));
  gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "3 targets, 1 Degraded");

  lookout_target_set_live_state (slow, LOOKOUT_TARGET_STATE_UP, 2000, now_ms, NULL, NULL);
  g_assert_true (gtk_widget_has_css_class (button, "up"));
  g_assert_cmpstr (count_of (button), ==, "3");
  /* Restyled, not rebuilt. */
  g_assert_true (marker_button (f->map, slow) == button);
}

/* A cluster of many places is zoomed into rather than listed. */
static void
test_big_cluster_zooms (Fixture       *f,
                        gconstpointer  data)
{
  LookoutTarget *first = NULL;
  ShumateViewport *viewport = lookout_map_get_viewport (f->map);

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *uri = g_strdup_printf ("https://n%u.example/", i);
      LookoutTarget *target = add_target (f, uri, uri, 35.0 + (i % 6) * 0.1, 139.0 + (i / 6) * 0.1);

      if (first == NULL)
        first = target;
    }

  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) > 0);
  zoom_to (f->map, 3, 35, 139);
  g_assert_cmpuint (lookout_map_get_n_markers (f->map), ==, 1);
  g_assert_cmpstr (count_of (marker_button (f->map, first)), ==, "30");

  g_signal_emit_by_name (marker_button (f->map, first), "clicked");
  g_assert_cmpfloat (shumate_viewport_get_zoom_level (viewport), >=, 4);
  g_assert_cmpfloat (fabs (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)) - 35.25), <, 0.1);
  g_assert_cmpfloat (fabs (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)) - 139.2), <, 0.1);
  LOOKOUT_TEST_WAIT (lookout_map_get_cluster_zoom (f->map) == (int) floor (shumate_viewport_get_zoom_level (viewport)));
  g_assert_cmpuint (lookout_map_get_n_markers (f->map), >, 1);
}

static void
test_fit_and_select (Fixture       *f,
                     gconstpointer  data)
{
  LookoutTarget *targets[] = {
    add_target (f, "https://a.example/", "Reykjavik", 64.1466, -21.9426),
    add_target (f, "https://b.example/", "Cape Town", -33.9249, 18.4241),
    add_target (f, "https://c.example/", "Singapore", 1.3521, 103.8198),
  };
  GtkWidget *shumate_map = GTK_WIDGET (lookout_map_get_map (f->map));
  double width, height, x, y;

  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) == 3);
  shumate_viewport_set_zoom_level (lookout_map_get_viewport (f->map), 7);
  shumate_map_center_on (lookout_map_get_map (f->map), 0, -150);
  lookout_test_run_for (50);

  lookout_map_fit_all (f->map);
  lookout_test_run_for (100);
  width = gtk_widget_get_width (shumate_map);
  height = gtk_widget_get_height (shumate_map);
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      shumate_viewport_location_to_widget_coords (lookout_map_get_viewport (f->map), shumate_map,
                                                  lookout_target_get_latitude (targets[i]),
                                                  lookout_target_get_longitude (targets[i]),
                                                  &x, &y);
      g_test_message ("%s at (%.0f, %.0f) of %.0fx%.0f", lookout_target_get_name (targets[i]),
                      x, y, width, height);
      g_assert_cmpfloat (x, >=, 0);
      g_assert_cmpfloat (x, <=, width);
      g_assert_cmpfloat (y, >=, 0);
      g_assert_cmpfloat (y, <=, height);
      assert_marker_at_location (f->map, targets[i]);
    }
  /* Not zoomed out further than needed: the world is wider than the view. */
  g_assert_cmpfloat (shumate_viewport_get_zoom_level (lookout_map_get_viewport (f->map)), >=, 1.5);

  /* Selecting a target centres the map on it and marks its marker. */
  lookout_map_select_target (f->map, targets[2]);
  lookout_test_run_for (100);
  shumate_viewport_location_to_widget_coords (lookout_map_get_viewport (f->map), shumate_map,
                                              lookout_target_get_latitude (targets[2]),
                                              lookout_target_get_longitude (targets[2]),
                                              &x, &y);
  g_assert_cmpfloat (fabs (x - width / 2), <=, 2);
  g_assert_cmpfloat (fabs (y - height / 2), <=, 2);
  g_assert_true (gtk_widget_has_css_class (marker_button (f->map, targets[2]), "selected"));
  lookout_map_select_target (f->map, targets[0]);
  g_assert_false (gtk_widget_has_css_class (marker_button (f->map, targets[2]), "selected"));
}

static guint
n_path_nodes (LookoutMap *map)
{
  GList *nodes = shumate_path_layer_get_nodes (lookout_map_path_get_layer (lookout_map_get_path (map)));
  guint n = g_list_length (nodes);

  g_list_free (nodes);
  return n;
}

/* A traced round on the map: a line from home through the public hops
 * geolocation placed; the private ones are never asked about. */
static void
test_path (Fixture       *f,
           gconstpointer  data)
{
  static const char * const addresses[] = { "192.168.1.1", "10.0.0.1", NULL, "8.8.8.8", "1.2.3.4" };
  g_autoptr(LookoutGeo) geo = lookout_geo_new (NULL);
  g_autoptr(LookoutGeoProvider) provider = lookout_geo_provider_new (LOOKOUT_GEO_PROVIDER_IP_API, server_url);
  g_autoptr(LookoutTraceReport) report = lookout_trace_report_new ("1.2.3.4", G_N_ELEMENTS (addresses));
  g_autoptr(GPtrArray) asked = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (addresses); i++)
    if (addresses[i] != NULL)
      {
        const char * const one[] = { addresses[i], NULL };

        report->hops[i].addresses = g_strdupv ((char **) one);
      }
  report->destination_ttl = G_N_ELEMENTS (addresses);

  lookout_geo_set_provider (geo, provider);
  lookout_geo_set_home (geo, 52.40, 13.06);  /* Potsdam */
  lookout_map_set_geo (f->map, geo);
  located = asked;

  lookout_map_set_path (f->map, report);
  g_assert_cmpuint (lookout_map_path_get_n_asked (lookout_map_get_path (f->map)), ==, 2);
  LOOKOUT_TEST_WAIT (lookout_map_path_get_n_hops (lookout_map_get_path (f->map)) == 2);
  /* Home, Sydney, Berlin. */
  g_assert_cmpuint (n_path_nodes (f->map), ==, 3);
  g_assert_cmpuint (asked->len, ==, 2);
  for (guint i = 0; i < asked->len; i++)
    g_assert_true (lookout_geo_address_is_public (g_ptr_array_index (asked, i)));

  lookout_map_set_path (f->map, NULL);
  g_assert_cmpuint (n_path_nodes (f->map), ==, 0);
  located = NULL;
  lookout_map_set_geo (f->map, NULL);
}

static void
test_doubtful (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(LookoutGeo) geo = lookout_geo_new (NULL);
  g_autoptr(LookoutGeoProvider) provider = lookout_geo_provider_new (LOOKOUT_GEO_PROVIDER_IP_API, server_url);
  LookoutTarget *anycast = add_target (f, "icmp://anycast.example", "Anycast", NAN, NAN);
  LookoutTarget *near = add_target (f, "icmp://near.example", "Near", NAN, NAN);
  gint64 now_ms = g_get_real_time () / 1000;
  GtkWidget *button;

  lookout_geo_set_provider (geo, provider);
  lookout_geo_set_home (geo, 52.40, 13.06);  /* Potsdam */
  lookout_geo_track (geo, G_LIST_MODEL (f->targets));
  lookout_map_set_geo (f->map, geo);

  /* Said to be in Sydney, answering Potsdam in 4 ms: doubtful. Berlin in 3 ms: fine. */
  lookout_target_set_live_state (anycast, LOOKOUT_TARGET_STATE_UP, 4000, now_ms, NULL, "8.8.8.8");
  lookout_target_set_live_state (near, LOOKOUT_TARGET_STATE_UP, 3000, now_ms, NULL, "1.2.3.4");

  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) == 2);
  LOOKOUT_TEST_WAIT (lookout_geo_get_target_location (geo, anycast) != NULL
                     && lookout_geo_get_target_location (geo, near) != NULL);

  g_assert_true (lookout_geo_get_target_doubtful (geo, anycast));
  g_assert_false (lookout_geo_get_target_doubtful (geo, near));

  button = marker_button (f->map, anycast);
  g_assert_true (gtk_widget_has_css_class (button, "doubtful"));
  gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Anycast, Sydney, Australia, Up, location doubtful");
  g_assert_nonnull (strstr (tooltip_of (f->map, anycast), "Location doubtful"));
  g_assert_nonnull (strstr (tooltip_of (f->map, anycast), "Anycast Example"));

  button = marker_button (f->map, near);
  g_assert_false (gtk_widget_has_css_class (button, "doubtful"));
  gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Near, Berlin, Germany, Up");
  lookout_test_run_for (50);
  assert_marker_at_location (f->map, near);

  lookout_map_set_geo (f->map, NULL);
}

/* Tiles from a port bound but not listening: every tile is refused at
 * once. The socket keeps the port. */
static GSocket *
use_dead_tile_port (Fixture *f)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autofree char *url = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/dead/#Z#/#X#/#Y#.png",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  lookout_map_set_tile_url (f->map, url);

  return g_steal_pointer (&socket);
}

static void
test_no_tiles (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GSocket) socket = use_dead_tile_port (f);
  LookoutTarget *target;

  target = add_target (f, "https://offline.example/", "Offline", 47.0, 8.0);

  LOOKOUT_TEST_WAIT (!lookout_map_get_tiles_available (f->map));
  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) == 1);
  lookout_test_run_for (50);
  /* A plain background, and a note saying why. */
  g_assert_cmphex (map_pixel (f->map, 5, 300), !=, TILE_RGB);
  /* The markers are there all the same. */
  assert_marker_at_location (f->map, target);

  /* Tiles back: the note goes. */
  {
    /* The older #Z#/#X#/#Y# form works as well. */
    g_autofree char *tiles = g_strdup_printf ("%s/tiles/#Z#/#X#/#Y#.png", server_url);

    lookout_map_set_tile_url (f->map, tiles);
    shumate_map_center_on (lookout_map_get_map (f->map), 10, 10);
    LOOKOUT_TEST_WAIT (lookout_map_get_tiles_available (f->map));
  }
}

static GtkGesture *
find_pick_gesture (LookoutMap *map)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (lookout_map_get_map (map)));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller)
          && gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        return GTK_GESTURE (controller);
    }

  return NULL;
}

static void
placed_cb (LookoutMap     *map,
           LookoutTarget  *target,
           LookoutTarget **out)
{
  *out = target;
}

static void
test_pick_place (Fixture       *f,
                 gconstpointer  data)
{
  LookoutTarget *lan = add_target (f, "icmp://192.168.1.20", "NAS", NAN, NAN);
  LookoutTarget *placed = NULL;
  GtkWidget *shumate_map = GTK_WIDGET (lookout_map_get_map (f->map));
  GtkGesture *click = find_pick_gesture (f->map);
  double lat, lon, x, y;

  g_signal_connect (f->map, "target-placed", G_CALLBACK (placed_cb), &placed);
  lookout_test_run_for (50);
  g_assert_cmpuint (lookout_map_get_n_markers (f->map), ==, 0);

  g_assert_nonnull (click);

  /* Not placing: a click is just a click. */
  g_signal_emit_by_name (click, "pressed", 1, 100.0, 100.0);
  g_assert_null (placed);

  lookout_map_pick_place (f->map, lan);
  x = gtk_widget_get_width (shumate_map) / 3.0;
  y = gtk_widget_get_height (shumate_map) / 2.0;
  shumate_viewport_widget_coords_to_location (lookout_map_get_viewport (f->map), shumate_map,
                                              x, y, &lat, &lon);
  g_signal_emit_by_name (click, "pressed", 1, x, y);

  g_assert_true (placed == lan);
  g_assert_cmpstr (lookout_target_get_location_source (lan), ==, "manual");
  g_assert_cmpfloat_with_epsilon (lookout_target_get_latitude (lan), lat, 1e-6);
  g_assert_cmpfloat_with_epsilon (lookout_target_get_longitude (lan), lon, 1e-6);
  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (f->map) == 1);
  lookout_test_run_for (50);
  assert_marker_at_location (f->map, lan);

  /* Placing is over after one click. */
  placed = NULL;
  g_signal_emit_by_name (click, "pressed", 1, 10.0, 10.0);
  g_assert_null (placed);
}

static GtkWidget *
find_label_with_prefix (GtkWidget  *widget,
                        const char *prefix)
{
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), prefix))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_with_prefix (child, prefix);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_with_css_class (GtkWidget  *widget,
                     const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_with_css_class (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static graphene_rect_t
bounds_in_map (Fixture   *f,
               GtkWidget *widget)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (f->map), &bounds));
  return bounds;
}

/* In a narrow map without tiles, the instructions, their Cancel button, the
 * note about the tiles and the zoom buttons each keep their own place, and
 * the wrapped instructions get the height they need. */
static void
test_pick_bar_clear (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GSocket) socket = use_dead_tile_port (f);
  LookoutTarget *target;
  GtkWidget *note, *label, *cancel, *zoom;
  graphene_rect_t note_box, label_box, cancel_box, zoom_box, out;
  int needed;

  target = add_target (f, "icmp://192.168.1.20", "Network printer in the basement", NAN, NAN);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 500, 400);
  LOOKOUT_TEST_WAIT (!lookout_map_get_tiles_available (f->map));

  lookout_map_pick_place (f->map, target);
  LOOKOUT_TEST_WAIT (gtk_widget_get_width (GTK_WIDGET (f->map)) <= 500);
  lookout_test_run_for (100);

  note = find_label_with_prefix (GTK_WIDGET (f->map), "Map tiles are unavailable");
  label = find_label_with_prefix (GTK_WIDGET (f->map), "Click on the map where");
  g_assert_nonnull (note);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_mapped (note));
  g_assert_true (gtk_widget_get_mapped (label));
  cancel = gtk_widget_get_next_sibling (label);
  g_assert_true (GTK_IS_BUTTON (cancel));
  /* The simple map's zoom buttons: "+" linked above "−". */
  zoom = find_with_css_class (gtk_widget_get_parent (GTK_WIDGET (lookout_map_get_map (f->map))), "linked");
  g_assert_nonnull (zoom);

  note_box = bounds_in_map (f, note);
  label_box = bounds_in_map (f, label);
  cancel_box = bounds_in_map (f, cancel);
  zoom_box = bounds_in_map (f, zoom);
  g_assert_false (graphene_rect_intersection (&label_box, &cancel_box, &out));
  g_assert_false (graphene_rect_intersection (&note_box, &label_box, &out));
  g_assert_false (graphene_rect_intersection (&note_box, &cancel_box, &out));
  g_assert_false (graphene_rect_intersection (&zoom_box, &cancel_box, &out));
  g_assert_false (graphene_rect_intersection (&zoom_box, &label_box, &out));

  /* Wrapped to its width, the text fits in the height it was given. */
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (label),
                      &needed, NULL, NULL, NULL);
  g_assert_cmpint (gtk_widget_get_height (label), >=, needed);

  lookout_map_pick_place (f->map, NULL);
}

static void
test_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(LookoutGeo) geo = lookout_geo_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTarget) target = lookout_target_new_from_string ("icmp://10.1.1.1", &error);
  GtkWidget *page, *location;
  GtkWidget *window;

  g_unsetenv ("LOOKOUT_GEO_URL");
  lookout_geo_bind_settings (geo, settings);
  /* private by default: nothing sent until asked, then over HTTPS */
  g_assert_false (lookout_geo_get_enabled (geo));
  g_assert_cmpuint (lookout_geo_provider_get_kind (lookout_geo_get_provider (geo)), ==,
                    LOOKOUT_GEO_PROVIDER_IPAPI_CO);
  g_assert_true (lookout_geo_provider_is_encrypted (lookout_geo_get_provider (geo)));
  g_settings_set_boolean (settings, "geo-lookups", TRUE);
  g_assert_true (lookout_geo_get_enabled (geo));
  g_settings_set_enum (settings, "geo-provider", LOOKOUT_GEO_PROVIDER_IP_API);
  g_assert_true (isnan (lookout_geo_get_home_latitude (geo)));
  g_assert_cmpuint (lookout_geo_get_cache_lifetime (geo), ==, 30 * 24 * 3600);

  g_settings_set_boolean (settings, "geo-lookups", FALSE);
  g_assert_false (lookout_geo_get_enabled (geo));
  g_settings_set_enum (settings, "geo-provider", LOOKOUT_GEO_PROVIDER_IPINFO);
  g_settings_set_string (settings, "geo-base-url", "https://geo.example.org");
  g_assert_cmpuint (lookout_geo_provider_get_kind (lookout_geo_get_provider (geo)), ==,
                    LOOKOUT_GEO_PROVIDER_IPINFO);
  g_assert_cmpstr (lookout_geo_provider_get_base_url (lookout_geo_get_provider (geo)), ==,
                   "https://geo.example.org");
  g_settings_set_value (settings, "home-location",
                        g_variant_new_maybe (NULL, g_variant_new ("(dd)", 48.2, 16.37)));
  g_assert_cmpfloat (lookout_geo_get_home_latitude (geo), ==, 48.2);
  g_assert_cmpfloat (lookout_geo_get_home_longitude (geo), ==, 16.37);
  g_settings_set_uint (settings, "geo-cache-days", 7);
  g_assert_cmpuint (lookout_geo_get_cache_lifetime (geo), ==, 7 * 24 * 3600);

  /* The preferences page and a target's location group build and follow. */
  page = lookout_geo_preferences_new (settings, geo);
  location = lookout_target_location_new (geo);
  lookout_target_location_set_target (LOOKOUT_TARGET_LOCATION (location), target);
  window = gtk_window_new ();
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

    gtk_box_append (GTK_BOX (box), page);
    gtk_box_append (GTK_BOX (box), location);
    gtk_window_set_child (GTK_WINDOW (window), box);
  }
  gtk_window_present (GTK_WINDOW (window));
  lookout_test_run_for (50);

  /* Typed coordinates place the target by hand. */
  {
    GtkWidget *child = gtk_widget_get_first_child (location);
    GtkWidget *lat_row = NULL, *lon_row = NULL;
    GQueue todo = G_QUEUE_INIT;

    /* Walk the group's rows to the two entry rows. */
    g_queue_push_tail (&todo, child);
    while (!g_queue_is_empty (&todo))
      {
        GtkWidget *w = g_queue_pop_head (&todo);

        for (; w != NULL; w = gtk_widget_get_next_sibling (w))
          {
            if (ADW_IS_ENTRY_ROW (w))
              {
                if (lat_row == NULL)
                  lat_row = w;
                else if (lon_row == NULL)
                  lon_row = w;
              }
            if (gtk_widget_get_first_child (w) != NULL)
              g_queue_push_tail (&todo, gtk_widget_get_first_child (w));
          }
      }
    g_assert_nonnull (lat_row);
    g_assert_nonnull (lon_row);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (lat_row)), ==, "");

    gtk_editable_set_text (GTK_EDITABLE (lat_row), "48.2082");
    gtk_editable_set_text (GTK_EDITABLE (lon_row), "200");
    g_signal_emit_by_name (lon_row, "apply");
    g_assert_true (isnan (lookout_target_get_latitude (target)));
    g_assert_true (gtk_widget_has_css_class (lon_row, "error"));

    gtk_editable_set_text (GTK_EDITABLE (lon_row), "16.3738");
    g_signal_emit_by_name (lon_row, "apply");
    g_assert_cmpfloat_with_epsilon (lookout_target_get_latitude (target), 48.2082, 1e-9);
    g_assert_cmpfloat_with_epsilon (lookout_target_get_longitude (target), 16.3738, 1e-9);
    g_assert_cmpstr (lookout_target_get_location_source (target), ==, "manual");
    g_assert_false (gtk_widget_has_css_class (lon_row, "error"));
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "geo-lookups");
  g_settings_reset (settings, "geo-provider");
  g_settings_reset (settings, "geo-base-url");
  g_settings_reset (settings, "home-location");
  g_settings_reset (settings, "geo-cache-days");
}

static void
monitor_added_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (lookout_monitor_add_target_finish (LOOKOUT_MONITOR (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static LookoutTarget *
monitor_add (LookoutMonitor *monitor,
             const char     *uri,
             const char     *name,
             double          lat,
             double          lon)
{
  g_autoptr(GError) error = NULL;
  LookoutTarget *target = lookout_target_new_from_string (uri, &error);
  gboolean done = FALSE;

  g_assert_no_error (error);
  lookout_target_set_name (target, name);
  if (!isnan (lat))
    lookout_target_set_location (target, lat, lon, "manual");
  lookout_monitor_add_target_async (monitor, target, NULL, monitor_added_cb, &done);
  LOOKOUT_TEST_WAIT (done);

  return target;
}

/* The dashboard in the real window: the map button, markers opening pages,
 * the list centring the map, and a place picked on the map stored. */
static GtkWidget *
find_consent_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (window) &&
          g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)),
                     "Look Up Server Locations?") == 0)
        return window;
    }

  return NULL;
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Geolocation is asked once, at the first public address: nothing is sent
 * before the answer, the question names the address and the service, and
 * the answer is kept; a private address never asks. */
static void
test_geo_consent (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr(LookoutGeo) geo = lookout_geo_new (NULL);
  g_autoptr(GListStore) targets = g_list_store_new (LOOKOUT_TYPE_TARGET);
  g_autoptr(LookoutTarget) lan = lookout_target_new_from_string ("icmp://192.168.1.10", NULL);
  g_autoptr(LookoutTarget) quad9 = lookout_target_new_from_string ("icmp://dns9.example", NULL);
  g_autoptr(LookoutTarget) other = lookout_target_new_from_string ("icmp://other.example", NULL);
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  g_setenv ("LOOKOUT_GEO_URL", server_url, TRUE);
  geo_requests = 0;
  lookout_geo_bind_settings (geo, settings);
  g_list_store_append (targets, lan);
  g_list_store_append (targets, quad9);
  g_list_store_append (targets, other);
  lookout_geo_track (geo, G_LIST_MODEL (targets));

  lookout_target_set_live_state (lan, LOOKOUT_TARGET_STATE_UP, 300, 1800000000000, NULL, "192.168.1.10");
  lookout_test_drain ();
  g_assert_null (find_consent_dialog ());

  lookout_target_set_live_state (quad9, LOOKOUT_TARGET_STATE_UP, 300, 1800000000000, NULL, "9.9.9.9");
  LOOKOUT_TEST_WAIT (find_consent_dialog () != NULL);
  dialog = find_consent_dialog ();
  g_object_get (dialog, "body", &body, NULL);
  g_assert_nonnull (strstr (body, "9.9.9.9"));
  g_assert_nonnull (strstr (body, "127.0.0.1"));
  g_assert_nonnull (strstr (body, "dns9.example"));
  /* a second public target while the question is open: still one question */
  lookout_target_set_live_state (other, LOOKOUT_TARGET_STATE_UP, 300, 1800000000000, NULL, "1.2.3.4");
  lookout_test_drain ();
  g_assert_cmpuint (geo_requests, ==, 0);

  g_assert_nonnull (find_button (dialog, "_Look Up"));
  gtk_widget_activate (find_button (dialog, "_Look Up"));
  LOOKOUT_TEST_WAIT (g_settings_get_boolean (settings, "geo-asked"));
  g_assert_true (g_settings_get_boolean (settings, "geo-lookups"));
  LOOKOUT_TEST_WAIT (lookout_target_get_location_source (quad9) != NULL);
  g_assert_cmpstr (lookout_target_get_location_source (quad9), ==, "ipapi-co");
  g_assert_cmpfloat (lookout_target_get_latitude (quad9), ==, 47.3769);
  LOOKOUT_TEST_WAIT (find_consent_dialog () == NULL);

  /* asked once: switched off again, a new public address asks nothing */
  g_settings_set_boolean (settings, "geo-lookups", FALSE);
  lookout_target_set_live_state (other, LOOKOUT_TARGET_STATE_UP, 300, 1800000000000, NULL, "1.2.3.5");
  lookout_test_drain ();
  g_assert_null (find_consent_dialog ());

  g_unsetenv ("LOOKOUT_GEO_URL");
  g_settings_reset (settings, "geo-lookups");
  g_settings_reset (settings, "geo-asked");
}

static void
test_window_dashboard (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LookoutTestStore) tmp = lookout_test_store_new ();
  LookoutStore *store = tmp->store;
  g_autoptr(LookoutMonitor) monitor = NULL;
  g_autoptr(LookoutTarget) lisbon = NULL;
  g_autoptr(LookoutTarget) oslo = NULL;
  g_autoptr(LookoutTarget) lan = NULL;
  g_autoptr(GPtrArray) loaded = NULL;
  LookoutWindow *window;
  GtkWidget *shumate_map;
  double x, y, lat, lon;

  monitor = lookout_monitor_new (store);
  g_assert_true (lookout_monitor_load_sync (monitor, &error));

  window = g_object_ref_sink (g_object_new (LOOKOUT_TYPE_WINDOW, NULL));
  lookout_window_set_monitor (window, monitor);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));

  lisbon = monitor_add (monitor, "https://lisbon.example/", "Lisbon", 38.7223, -9.1393);
  oslo = monitor_add (monitor, "https://oslo.example/", "Oslo", 59.9139, 10.7522);
  lan = monitor_add (monitor, "icmp://192.168.5.5", "Printer", NAN, NAN);

  /* The first target's page; the map one click away. */
  LOOKOUT_TEST_WAIT (g_strcmp0 (gtk_stack_get_visible_child_name (window->content_stack), "target") == 0);
  gtk_toggle_button_set_active (window->dashboard_button, TRUE);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->content_stack), ==, "dashboard");
  LOOKOUT_TEST_WAIT (lookout_map_get_n_markers (window->map) == 2);

  /* A marker opens its target's page. */
  g_signal_emit_by_name (shumate_marker_get_child (lookout_map_get_marker (window->map, oslo)), "clicked");
  g_assert_true (lookout_window_get_selected_target (window) == oslo);
  g_assert_false (gtk_toggle_button_get_active (window->dashboard_button));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->content_stack), ==, "target");

  /* With the map shown, choosing in the list centres the map. */
  gtk_toggle_button_set_active (window->dashboard_button, TRUE);
  gtk_single_selection_set_selected (window->selection, 0);
  g_assert_true (lookout_window_get_selected_target (window) == lisbon);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->content_stack), ==, "dashboard");
  lookout_test_run_for (100);
  shumate_map = GTK_WIDGET (lookout_map_get_map (window->map));
  shumate_viewport_location_to_widget_coords (lookout_map_get_viewport (window->map), shumate_map,
                                              38.7223, -9.1393, &x, &y);
  g_assert_cmpfloat (fabs (x - gtk_widget_get_width (shumate_map) / 2.0), <=, 2);
  g_assert_cmpfloat (fabs (y - gtk_widget_get_height (shumate_map) / 2.0), <=, 2);
  assert_marker_at_location (window->map, lisbon);

  /* The printer has a private address: placed by hand on the map, and stored. */
  gtk_single_selection_set_selected (window->selection, 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.place-on-map", NULL));
  x = gtk_widget_get_width (shumate_map) / 4.0;
  y = gtk_widget_get_height (shumate_map) / 3.0;
  shumate_viewport_widget_coords_to_location (lookout_map_get_viewport (window->map), shumate_map,
                                              x, y, &lat, &lon);
  g_signal_emit_by_name (find_pick_gesture (window->map), "pressed", 1, x, y);
  g_assert_cmpstr (lookout_target_get_location_source (lan), ==, "manual");
  /* Oslo may be out of view by now: only the printer's own marker counts. */
  LOOKOUT_TEST_WAIT (lookout_map_get_marker (window->map, lan) != NULL);
  assert_marker_at_location (window->map, lan);

  g_assert_true (lookout_store_flush_sync (store, &error));
  loaded = lookout_store_load_targets_sync (store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < loaded->len; i++)
    {
      LookoutTarget *row = g_ptr_array_index (loaded, i);

      if (lookout_target_get_id (row) != lookout_target_get_id (lan))
        continue;
      g_assert_cmpstr (lookout_target_get_location_source (row), ==, "manual");
      g_assert_cmpfloat_with_epsilon (lookout_target_get_latitude (row), lat, 1e-6);
      g_assert_cmpfloat_with_epsilon (lookout_target_get_longitude (row), lon, 1e-6);
      lat = NAN;   /* found */
    }
  g_assert_true (isnan (lat));

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  lookout_test_store_close (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(LookoutTestDir) cache = lookout_test_dir_new ();
  int ret;

  /* libshumate keeps tiles under the cache directory, by server URL: a
   * cache left by an earlier run on the same port would serve them and the
   * tests that wait for tiles from the server would wait in vain. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  lookout_test_gui_init (&argc, &argv);
  lookout_load_stylesheet ();
  start_server ();
  /* The map jumps rather than glides: positions can be checked at once. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/map/marker-position", test_marker_position);
  ADD ("/map/state-recolours", test_state_recolours);
  ADD ("/map/grouped", test_grouped);
  ADD ("/map/fit-and-select", test_fit_and_select);
  ADD ("/map/many-bounded", test_many_bounded);
  ADD ("/map/zoom-splits", test_zoom_splits);
  ADD ("/map/cluster-worst", test_cluster_worst);
  ADD ("/map/big-cluster-zooms", test_big_cluster_zooms);
  ADD ("/map/doubtful", test_doubtful);
  ADD ("/map/path", test_path);
  ADD ("/map/no-tiles", test_no_tiles);
  ADD ("/map/pick-place", test_pick_place);
  ADD ("/map/pick-bar-clear", test_pick_bar_clear);
#undef ADD
  g_test_add_func ("/map/settings", test_settings);
  g_test_add_func ("/map/geo-consent", test_geo_consent);
  g_test_add_func ("/map/window-dashboard", test_window_dashboard);

  ret = g_test_run ();

  soup_server_disconnect (server);
  g_object_unref (server);
  g_bytes_unref (tile_png);
  g_free (server_url);

  return ret;
}
