/* Sync: two offline field sites and a central server in one process, over real HTTP
 * (libmicrohttpd on loopback, libcurl), and through a proxy that cuts connections. The
 * laptops are SQLite files; the central server is too, or with HAVEN_TEST_PG_URL (the
 * pg label, `make pg-test`) a PostgreSQL database. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/api.h"
#include "auth/auth.h"
#include "core/json.h"
#include "core/mem.h"
#include "registry/registry.h"
#include "sync/sync.h"
#include "testutil.h"

static actor admin;

typedef struct {
    store *central;
    api_server *srv;
    char url[64];
    char site_a[40], site_b[40];
    char person[40]; /* known to both sites: registered at A, staying at B */
} world;

static json_t *make_site(store *s, const char *name) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:i}", "name", name, "municipality", "Bihać", "kind",
                           "temporary_reception_centre", "capacity", 100);
    json_t *out = NULL;
    assert_ok(registry_site_create(s, &admin, in, &out));
    json_decref(in);
    return out;
}

static void make_user(store *s, const char *name, const char *site) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:[s]}", "username", name, "role", "registrar", "password",
                           "field-laptop-pass-1", "sites", site);
    json_t *out = NULL;
    assert_ok(auth_user_create(s, &admin, in, &out));
    json_decref(in);
    json_decref(out);
}

static json_t *reg(store *s, const char *site, const char *given, const char *family,
                   const char *phone) {
    json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s?}", "given_name", given, "family_name",
                           family, "sex", "M", "birth_date", "1990-03-15", "citizenship", "AF",
                           "site_id", site, "phone", phone);
    json_t *out = NULL;
    assert_ok(registry_person_register(s, &admin, in, &out));
    json_decref(in);
    return out;
}

static void set_phone(store *s, const char *id, const char *phone) {
    json_t *in = json_pack("{s:s}", "phone", phone), *out = NULL;
    assert_ok(registry_person_update(s, &admin, id, in, &out));
    json_decref(in);
    json_decref(out);
}

static int64_t count(store *s, const char *sql, const char *arg) {
    store_stmt *st = NULL;
    bool row;
    assert_ok(store_prepare(s, sql, &st));
    if (arg) store_bind_text(st, ":a", arg);
    assert_ok(store_step(st, &row));
    int64_t n = row ? store_int(st, 0) : -1;
    store_done(st);
    return n;
}

static char *phone_of(store *s, const char *id) {
    store_stmt *st = NULL;
    bool row;
    assert_ok(store_prepare(s, "SELECT phone FROM persons WHERE id = :id", &st));
    store_bind_text(st, ":id", id);
    assert_ok(store_step(st, &row));
    assert_true(row);
    char *out = mem_strdup(store_text(st, 0));
    store_done(st);
    return out;
}

static void world_open(world *w) {
    memset(w, 0, sizeof *w);
    actor_system(&admin, "test");
    w->central = test_db_open();
    json_t *a = make_site(w->central, "Lipa"), *b = make_site(w->central, "Borici");
    snprintf(w->site_a, sizeof w->site_a, "%s", json_str(a, "id"));
    snprintf(w->site_b, sizeof w->site_b, "%s", json_str(b, "id"));
    json_decref(a);
    json_decref(b);
    make_user(w->central, "desk.lipa", w->site_a);
    make_user(w->central, "desk.borici", w->site_b);
    /* Registered at Lipa, checked in there, then transferred to Borici: both sites see him. */
    json_t *p = reg(w->central, w->site_a, "Ahmad", "Karimi", "+387 61 111 111");
    snprintf(w->person, sizeof w->person, "%s", json_str(p, "id"));
    json_decref(p);
    json_t *in = json_pack("{s:s,s:s}", "person_id", w->person, "site_id", w->site_b), *out = NULL;
    assert_ok(registry_stay_check_in(w->central, &admin, in, &out));
    json_decref(in);
    json_decref(out);
    api_config cfg = {.db_path = store_path(w->central), .host = "127.0.0.1", .threads = 2};
    assert_ok(api_server_start(&cfg, &w->srv));
    snprintf(w->url, sizeof w->url, "http://127.0.0.1:%u", api_server_port(w->srv));
}

static void world_close(world *w) {
    api_server_stop(w->srv);
    test_db_close(w->central);
    registry_shutdown();
}

static void sync_as(store *local, const char *url, const char *user, int batch) {
    sync_options o = {.server = url,
                      .username = user,
                      .password = "field-laptop-pass-1",
                      .batch = batch,
                      .retries = 30,
                      .retry_ms = 5};
    json_t *report = NULL;
    assert_ok(sync_run(local, &o, &report));
    json_decref(report);
}

static const char persons_named_sql[] = "SELECT COUNT(*) FROM persons WHERE family_name = :a";
static const char open_conflicts_sql[] =
    "SELECT COUNT(*) FROM sync_conflicts WHERE status = 'open' AND field = :a";

/* Both sites register the same man under different spellings and both change the phone
 * of a man they share, offline; then they sync in the given order. */
static void two_sites(bool a_first) {
    world w;
    world_open(&w);
    store *la = test_db_open_sqlite(), *lb = test_db_open_sqlite();
    sync_as(la, w.url, "desk.lipa", 50);
    sync_as(lb, w.url, "desk.borici", 50);
    assert_int_equal(count(la, persons_named_sql, "Karimi"), 1);
    assert_int_equal(count(lb, persons_named_sql, "Karimi"), 1);
    /* Enrolment takes the rows, not the history that made them. */
    assert_int_equal(count(la, "SELECT COUNT(*) FROM sync_changes", NULL), 0);

    json_t *pa = reg(la, w.site_a, "Mohammad", "Hussaini", NULL);
    json_t *pb = reg(lb, w.site_b, "Muhamed", "Husaini", NULL);
    set_phone(la, w.person, "+387 61 222 222");
    set_phone(lb, w.person, "+387 61 333 333");

    store *first = a_first ? la : lb, *second = a_first ? lb : la;
    const char *u1 = a_first ? "desk.lipa" : "desk.borici";
    const char *u2 = a_first ? "desk.borici" : "desk.lipa";
    sync_as(first, w.url, u1, 50);
    sync_as(second, w.url, u2, 50);
    sync_as(first, w.url, u1, 50);

    /* No write lost: both registrations are central, both phones are in the conflict. */
    assert_int_equal(count(w.central, persons_named_sql, "Hussaini"), 1);
    assert_int_equal(count(w.central, persons_named_sql, "Husaini"), 1);
    json_t *conflicts = NULL;
    assert_ok(sync_conflict_list(w.central, &admin, "open", &conflicts));
    json_t *items = json_object_get(conflicts, "items");
    assert_int_equal(json_array_size(items), 1);
    json_t *c = json_array_get(items, 0);
    assert_string_equal(json_str(c, "field"), "phone");
    assert_string_equal(json_str(c, "row_id"), w.person);
    const char *winner = a_first ? "\"+387 61 222 222\"" : "\"+387 61 333 333\"";
    const char *other = a_first ? "\"+387 61 333 333\"" : "\"+387 61 222 222\"";
    assert_string_equal(json_str(c, "local"), winner);
    assert_string_equal(json_str(c, "incoming"), other);
    assert_string_equal(json_str(c, "base"), "\"+387 61 111 111\"");

    /* The duplicate between the two sites is on the registrars' worklist. */
    json_t *dups = NULL;
    assert_ok(sync_duplicate_list(w.central, &admin, &dups));
    bool found = false;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(dups, "items"), i, d) {
        const char *x = json_str(d, "person_id"), *y = json_str(d, "candidate_id");
        const char *ia = json_str(pa, "id"), *ib = json_str(pb, "id");
        if ((!strcmp(x, ia) && !strcmp(y, ib)) || (!strcmp(x, ib) && !strcmp(y, ia))) found = true;
    }
    assert_true(found);
    json_decref(dups);

    /* A site receives only its sites' data: Lipa never sees Borici's registration. */
    assert_int_equal(count(la, persons_named_sql, "Husaini"), 0);
    assert_int_equal(count(lb, persons_named_sql, "Hussaini"), 0);

    /* A registrar of a site cannot resolve a conflict by half: a reason is needed. */
    json_t *bad = json_pack("{s:s,s:s}", "choice", "incoming", "reason", "ok"), *out = NULL;
    assert_err(sync_conflict_resolve(w.central, &admin, json_str(c, "id"), bad, &out), ERR_INVALID,
               "reason");
    json_decref(bad);
    json_t *good = json_pack("{s:s,s:s}", "choice", "incoming", "reason",
                             "he gave the newer number at Borici on Monday");
    assert_ok(sync_conflict_resolve(w.central, &admin, json_str(c, "id"), good, &out));
    assert_string_equal(json_str(out, "status"), "resolved");
    json_decref(out);
    assert_err(sync_conflict_resolve(w.central, &admin, json_str(c, "id"), good, &out),
               ERR_CONFLICT, "id");
    json_decref(good);
    assert_int_equal(
        count(w.central, "SELECT COUNT(*) FROM audit_log WHERE action = 'sync.resolve'", NULL), 1);

    /* The resolution reaches both sites, whatever they held. */
    sync_as(la, w.url, "desk.lipa", 50);
    sync_as(lb, w.url, "desk.borici", 50);
    char *expect = mem_strndup(other + 1, strlen(other) - 2);
    char *p1 = phone_of(w.central, w.person), *p2 = phone_of(la, w.person),
         *p3 = phone_of(lb, w.person);
    assert_string_equal(p1, expect);
    assert_string_equal(p2, expect);
    assert_string_equal(p3, expect);
    assert_int_equal(count(la, open_conflicts_sql, "phone"), 0);
    assert_int_equal(count(lb, open_conflicts_sql, "phone"), 0);
    mem_free(expect);
    mem_free(p1);
    mem_free(p2);
    mem_free(p3);

    json_decref(conflicts);
    json_decref(pa);
    json_decref(pb);
    test_db_close(la);
    test_db_close(lb);
    world_close(&w);
}

static void test_two_sites_lipa_first(void **state) {
    (void)state;
    two_sites(true);
}

static void test_two_sites_borici_first(void **state) {
    (void)state;
    two_sites(false);
}

/* ---- a proxy that cuts connections ------------------------------------------------- */

typedef struct {
    int listen_fd;
    uint16_t port, upstream;
    volatile bool stop;
    int connections;
    pthread_t thread;
} proxy;

/* Forwards one connection; cut 1: the answer is cut after 80 bytes (the server did the
 * work); cut 2: the request is cut after 300 bytes (the server never saw all of it). */
static void forward(int client, uint16_t upstream, int cut) {
    int server = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(upstream)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(server, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(server);
        return;
    }
    size_t up = 0, down = 0;
    char buf[4096];
    for (;;) {
        struct pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
        if (poll(p, 2, 5000) <= 0) break;
        if (p[0].revents) {
            ssize_t n = read(client, buf, sizeof buf);
            if (n <= 0) break;
            if (cut == 2 && up + (size_t)n > 300) n = (ssize_t)(300 - up);
            if (n > 0 && write(server, buf, (size_t)n) != n) break;
            up += (size_t)n;
            if (cut == 2 && up >= 300) break;
        }
        if (p[1].revents) {
            ssize_t n = read(server, buf, sizeof buf);
            if (n <= 0) break;
            if (cut == 1 && down + (size_t)n > 80) n = (ssize_t)(80 - down);
            if (n > 0 && write(client, buf, (size_t)n) != n) break;
            down += (size_t)n;
            if (cut == 1 && down >= 80) break;
        }
    }
    close(server);
}

static void *proxy_main(void *arg) {
    proxy *px = arg;
    while (!px->stop) {
        struct pollfd p = {px->listen_fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        int client = accept(px->listen_fd, NULL, NULL);
        if (client < 0) continue;
        px->connections++;
        forward(client, px->upstream, px->connections % 3);
        close(client);
    }
    return NULL;
}

static void proxy_start(proxy *px, uint16_t upstream) {
    memset(px, 0, sizeof *px);
    px->upstream = upstream;
    px->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    assert_int_equal(bind(px->listen_fd, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(listen(px->listen_fd, 8), 0);
    assert_int_equal(getsockname(px->listen_fd, (struct sockaddr *)&addr, &len), 0);
    px->port = ntohs(addr.sin_port);
    assert_int_equal(pthread_create(&px->thread, NULL, proxy_main, px), 0);
}

static void proxy_stop(proxy *px) {
    px->stop = true;
    pthread_join(px->thread, NULL);
    close(px->listen_fd);
}

static const char central_from_sql[] =
    "SELECT COUNT(*) FROM sync_changes WHERE origin = :a AND kind = 'insert'";

static void test_sync_through_cut_connections_converges(void **state) {
    (void)state;
    world w;
    world_open(&w);
    proxy px;
    proxy_start(&px, api_server_port(w.srv));
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", px.port);
    store *la = test_db_open_sqlite();
    sync_as(la, url, "desk.lipa", 3);
    assert_int_equal(count(la, persons_named_sql, "Karimi"), 1);

    /* A week offline: 25 arrivals at the site, 10 at the centre for the same site. */
    char name[32];
    for (int i = 0; i < 25; i++) {
        snprintf(name, sizeof name, "Offline%02d", i);
        json_decref(reg(la, w.site_a, "Site", name, "+387 61 000 000"));
    }
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "Central%02d", i);
        json_decref(reg(w.central, w.site_a, "Centre", name, NULL));
    }
    sync_as(la, url, "desk.lipa", 4);
    assert_true(px.connections > 10);

    /* Converged: everything on both sides, each change applied once. */
    char origin[SYNC_ORIGIN_LEN];
    assert_ok(sync_origin(la, origin));
    assert_int_equal(count(w.central, central_from_sql, origin), 25);
    const char *all = "SELECT COUNT(*) FROM persons WHERE registration_site_id = :a";
    assert_int_equal(count(w.central, all, w.site_a), 36);
    assert_int_equal(count(la, all, w.site_a), 36);
    /* Numbers given out offline are not given again centrally. */
    assert_int_equal(count(w.central, "SELECT COUNT(DISTINCT reg_no) FROM persons", NULL),
                     count(w.central, "SELECT COUNT(*) FROM persons", NULL));
    json_t *p = reg(w.central, w.site_a, "After", "Sync", NULL);
    assert_int_equal(
        count(la, "SELECT COUNT(*) FROM persons WHERE reg_no = :a", json_str(p, "reg_no")), 0);
    json_decref(p);
    proxy_stop(&px);
    test_db_close(la);
    world_close(&w);
}

static void test_push_outside_the_sites_is_refused(void **state) {
    (void)state;
    world w;
    world_open(&w);
    store *la = test_db_open_sqlite();
    sync_as(la, w.url, "desk.lipa", 50);
    /* A change about a person of Borici only, as a Lipa laptop would send it. */
    json_t *other = reg(w.central, w.site_b, "Only", "Borici", NULL);
    actor lipa;
    memset(&lipa, 0, sizeof lipa);
    snprintf(lipa.username, sizeof lipa.username, "desk.lipa");
    snprintf(lipa.role, sizeof lipa.role, "registrar");
    actor_add_site(&lipa, w.site_a);
    json_t *in = json_pack("{s:s,s:[{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s}]}", "origin",
                           "0123456789abcdef", "changes", "origin_seq", 1, "tbl", "persons",
                           "row_id", json_str(other, "id"), "field", "phone", "old", "null", "new",
                           "\"+1 555\"", "kind", "update", "changed_at", "2026-01-01T00:00:00Z");
    json_t *out = NULL;
    assert_err(sync_receive(w.central, &lipa, in, &out), ERR_FORBIDDEN, "changes");
    /* An unknown field is refused naming it, and nothing changed. */
    json_object_set_new(json_array_get(json_object_get(in, "changes"), 0), "field",
                        json_string("reg_no"));
    assert_err(sync_receive(w.central, &admin, in, &out), ERR_INVALID, "field");
    char *phone = phone_of(w.central, json_str(other, "id"));
    assert_null(phone);
    json_decref(in);
    json_decref(other);
    actor_clear(&lipa);
    test_db_close(la);
    world_close(&w);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_sites_lipa_first),
        cmocka_unit_test(test_two_sites_borici_first),
        cmocka_unit_test(test_sync_through_cut_connections_converges),
        cmocka_unit_test(test_push_outside_the_sites_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
