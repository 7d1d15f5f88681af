/* Watch-list screening (src/screening): lists uploaded as CSV, manifests screened. */
#include <stdlib.h>
#include <string.h>

#include "api/api_internal.h"
#include "screening/screening.h"

/* A list with unusable lines answers 400 with the usual error (key and parameters for
 * the interface) plus the lines and their reasons, so that all can be fixed at once. */
static herr *reply_problems(api_response *res, herr *e, json_t *problems) {
    json_t *params = json_object();
    for (int i = 0; i < e->n_params; i++)
        json_object_set_new(params, e->params[i].name, json_string(e->params[i].value));
    json_t *body =
        json_pack("{s:{s:s,s:s,s:s,s:s,s:o},s:O}", "error", "code", err_code_name(e->code),
                  "message", e->message, "field", e->field, "key", e->key, "params", params,
                  "problems", json_object_get(problems, "problems"));
    json_decref(problems);
    err_free(e);
    return api_reply(res, 400, body);
}

static herr *create_list(api_request *req, api_response *res) {
    json_t *out = NULL, *problems = NULL;
    herr *e = screening_list_create(req->db, &req->actor, api_query(req, "name"), req->raw_body,
                                    req->raw_len, &out, &problems);
    if (e && problems) return reply_problems(res, e, problems);
    return e ? e : api_reply(res, 201, out);
}

static herr *list_lists(api_request *req, api_response *res) {
    json_t *out = NULL;
    herr *e = screening_list_index(req->db, &out);
    return e ? e : api_reply(res, 200, out);
}

static herr *delete_list(api_request *req, api_response *res) {
    herr *e = screening_list_delete(req->db, &req->actor, req->params[0]);
    return e ? e : api_reply(res, 204, NULL);
}

static herr *screen(api_request *req, api_response *res) {
    double threshold = -1;
    const char *t = api_query(req, "threshold");
    if (t) {
        char *end = NULL;
        threshold = strtod(t, &end);
        if (!*t || *end || !(threshold >= 0 && threshold <= 1))
            return err_with(err_invalid("threshold", "threshold must be a number from 0 to 1"),
                            "threshold_range", (const char *)NULL);
    }
    const char *explain = api_query(req, "explain");
    json_t *out = NULL;
    herr *e = screening_run(req->db, &req->actor, req->params[0], req->raw_body, req->raw_len,
                            threshold, explain && !strcmp(explain, "1"), &out);
    return e ? e : api_reply(res, 200, out);
}

const api_route api_routes_screening[] = {
    {"GET", "/api/v1/screening/lists", "screening.lists", list_lists, NULL, 0},
    {"POST", "/api/v1/screening/lists", "screening.lists", create_list, "text/csv",
     32 * 1024 * 1024},
    {"DELETE", "/api/v1/screening/lists/{}", "screening.lists", delete_list, NULL, 0},
    {"POST", "/api/v1/screening/lists/{}/screen", "screening.run", screen, "text/csv",
     8 * 1024 * 1024},
    {NULL, NULL, NULL, NULL, NULL, 0},
};
