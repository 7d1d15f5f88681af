/* auth: accounts, roles, the permission matrix, sessions and login rate limits.
 *
 * Passwords are Argon2id hashes; a session is an opaque random token whose hash is
 * stored. The permission matrix is data (data/permissions.tsv) read once. */
#ifndef HAVEN_AUTH_AUTH_H
#define HAVEN_AUTH_AUTH_H

#include <jansson.h>
#include <stdbool.h>

#include "core/actor.h"
#include "core/err.h"
#include "core/id.h"
#include "store/store.h"

#define AUTH_SESSION_IDLE_SECONDS (8 * 3600)
#define AUTH_SESSION_MAX_SECONDS  (14 * 3600)
#define AUTH_MIN_PASSWORD         10

herr *auth_migrate(store *s);

/* ---- roles and permissions -------------------------------------------------- */

/* True when role is one of data/roles.tsv. */
bool auth_role_valid(const char *role);

/* Writes the roles' codes, comma-separated, into out (cut at size). */
void auth_role_codes(char *out, size_t size);

/* True when the matrix grants the permission to the role. Unknown permissions and
 * roles are denied. */
bool auth_allows(const char *role, const char *permission);

/* The whole matrix as {"roles":[{"code","en","bs","sr"}],"permissions":{perm:[roles]}}. */
json_t *auth_matrix_json(void);

/* ---- users --------------------------------------------------------------------
 * Fields: username (3-32 of a-z 0-9 . _ -), display_name, role, sites (site ids;
 * ignored for admin), password (at least AUTH_MIN_PASSWORD characters), active, locale
 * (en | bs | sr-Cyrl). */
herr *auth_user_create(store *s, const actor *a, const json_t *in, json_t **out);
herr *auth_user_update(store *s, const actor *a, const char *id, const json_t *in, json_t **out);
herr *auth_user_get(store *s, const char *id, json_t **out);
herr *auth_user_list(store *s, json_t **out);
/* The id of a user by name, for the command line. */
herr *auth_user_id(store *s, const char *username, char out[ID_LEN]);

/* ---- sessions ------------------------------------------------------------------ */

/* Checks the password; on success writes a new session token into token and fills
 * *user. Wrong name or password: ERR_UNAUTHENTICATED (the same message for both).
 * Too many recent failures for the username or the address: ERR_RATE_LIMITED. */
herr *auth_login(store *s, const char *username, const char *password, const char *address,
                 char token[TOKEN_LEN], json_t **user);

/* Resolves a token to its actor (role and sites), refreshing the idle timeout.
 * Unknown, expired or disabled: ERR_UNAUTHENTICATED. Caller clears the actor. */
herr *auth_session_actor(store *s, const char *token, const char *address, actor *out);

/* Ends the session of the token. */
herr *auth_logout(store *s, const actor *a, const char *token);

#endif
