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
#define AUTH_MIN_PASSWORD         12
#define AUTH_MIN_ACCESS_REASON    10

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
 * ignored for admin), password (the rule of auth_password_check), active, locale
 * (en | bs | sr-Cyrl), access_reason (why: required, at least AUTH_MIN_ACCESS_REASON
 * visible characters, when the change gives someone a role that reads protection or PSEA
 * data, or more sites with such a role; audited as its own act
 * "<kind>.access_granted" naming whom, the role, the sites and the reason). */
herr *auth_user_create(store *s, const actor *a, const json_t *in, json_t **out);
herr *auth_user_update(store *s, const actor *a, const char *id, const json_t *in, json_t **out);
herr *auth_user_get(store *s, const char *id, json_t **out);

/* The password rule for every new password: at least AUTH_MIN_PASSWORD characters,
 * not the username (nor the username with a few characters added), not one of
 * data/common_passwords.txt (compared without case). field names the error. */
herr *auth_password_check(const char *username, const char *password, const char *field);

/* "protection" when the role reads protection details, "psea" when it reads PSEA
 * reports, else NULL. Giving such a role is a grant (see access_reason). */
const char *auth_sensitive_kind(const char *role);
herr *auth_user_list(store *s, json_t **out);
/* The id of a user by name, for the command line. */
herr *auth_user_id(store *s, const char *username, char out[ID_LEN]);

/* ---- sessions ------------------------------------------------------------------ */

/* Checks the password; on success writes a new session token into token and fills
 * *user. Wrong name or password: ERR_UNAUTHENTICATED (the same message for both).
 * Too many recent failures for the username or the address: ERR_RATE_LIMITED. */
herr *auth_login(store *s, const char *username, const char *password, const char *address,
                 char token[TOKEN_LEN], json_t **user);

/* Seconds a (username, address) pair waits after its last failure, given its number of
 * recent failures: 0 for the first few, then doubling, capped. */
int64_t auth_login_delay(int failures);

/* The user of the actor changes their own password: in {current_password,
 * new_password}. The current password is checked (wrong: ERR_INVALID on
 * current_password, counted as a failed login of that user and address, so a left-open
 * session cannot be used to guess it); the new one follows auth_password_check and
 * differs from the current one. Audited ("password_changed"); every other session of
 * the user ends, the one of keep_token stays (NULL: all end). */
herr *auth_password_change(store *s, const actor *a, const char *keep_token, const json_t *in);

/* Resolves a token to its actor (role and sites), refreshing the idle timeout.
 * Unknown, expired or disabled: ERR_UNAUTHENTICATED. Caller clears the actor. */
herr *auth_session_actor(store *s, const char *token, const char *address, actor *out);

/* Ends the session of the token. */
herr *auth_logout(store *s, const actor *a, const char *token);

#endif
