/*
 * authpool: user lookups and password checks off the event loops.
 *
 * crypt_r with yescrypt or sha512-crypt takes milliseconds to tens of
 * milliseconds by design, and a users database answers in a round trip
 * (or, when it is down, after a connect timeout); run on a worker's event
 * loop either would stall every other session of that worker. A few
 * dedicated threads look the user up (userdb.h), check the password and
 * post each result back to the worker that asked, which then finishes the
 * login on its own thread.
 */
#ifndef FTPD_AUTHPOOL_H
#define FTPD_AUTHPOOL_H

#include "compat.h"
#include "users.h"

struct worker;
struct auth_job;
struct userdb;

/* Starts n hashing threads. Returns 0 or -1. */
int authpool_start(unsigned n) WARN_UNUSED;

/* How a login attempt ended. */
enum auth_outcome {
	AUTH_OK,		/* info holds the user */
	AUTH_WRONG_PASSWORD,
	AUTH_NO_SUCH_USER,
	AUTH_LOCKED,		/* a hash starting with '!' or '*' */
	AUTH_REFUSED,		/* the user's entry breaks the rules (why) */
	AUTH_UNAVAILABLE	/* the users backend cannot answer (why) */
};

struct auth_result {
	enum auth_outcome outcome;
	struct user_info info;	/* with AUTH_OK; freed after done returns */
	char why[256];
};

/*
 * Looks user up in db and checks password, on the calling thread (it
 * blocks).
 * Unknown users, locked accounts and refused entries are hashed against
 * the decoy (users_check_password), so that all cost what a real user
 * costs; an unavailable backend is not (every user gets the same answer
 * then). Fills *r; the caller frees r->info with users_info_free.
 */
void authpool_check_in(struct userdb *db, const char *user,
    const char *password, struct auth_result *r);

/*
 * Queues authpool_check_in(db, user, password) (both copied; the caller may wipe
 * its own) after delay_ms milliseconds (the tarpit, see connlimit.h;
 * 0: at once), timed on worker w's event loop, so no hashing thread waits.
 * done(arg, result) runs later on w's thread, unless the job was
 * cancelled. Returns the job, or NULL (nothing will be called).
 */
struct auth_job *authpool_submit(struct worker *w, struct userdb *db,
    const char *user,
    const char *password, unsigned delay_ms,
    void (*done)(void *arg, struct auth_result *r), void *arg) WARN_UNUSED;

/*
 * Makes sure done is never called (the session is going away); on w's
 * thread. The job must not be used afterwards. A job still in its delay
 * or waiting in the queue is dropped and freed at once: returns 1 (the
 * check never runs). 0: a thread has it already (its result is dropped).
 */
int authpool_cancel(struct auth_job *job);

/* Stops the threads; jobs still queued are dropped without callbacks. */
void authpool_stop(void);

#endif
