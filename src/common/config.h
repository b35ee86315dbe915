/* turnero.conf: one table of keys drives defaults, the INI file, env overrides and checks. */
#ifndef TURNERO_CONFIG_H
#define TURNERO_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#define CONFIG_PATH_MAX 512
#define CONFIG_RETRY_MAX 16

struct config {
	struct {
		char listen[CONFIG_PATH_MAX];
		long workers;
		long socket_mode;
		long max_body_bytes;
		long import_max_bytes;
		char cors_origins[1024]; /* comma-separated origins; "" = no cross-origin access */
	} server;
	struct {
		char host[256];
		long port;
		char socket[CONFIG_PATH_MAX];
		char nodes[2048]; /* ordered host:port / socket list; empty = host, port, socket */
		char name[65];
		char user[81];
		char password_file[CONFIG_PATH_MAX];
		long connect_timeout;
		long io_timeout;
		char migrations_dir[CONFIG_PATH_MAX];
	} database;
	struct {
		char secret_file[CONFIG_PATH_MAX];
		char issuer[64];
		long access_ttl;
		long refresh_ttl;
		long argon2_memory_kib;
		long argon2_iterations;
	} auth;
	struct {
		long default_service_seconds;
		char timezone[64];
	} queue;
	struct {
		char level[16];
		bool access;
	} log;
	/* Notifications by email and SMS (SPEC 12); src/notify. */
	struct {
		char smtp_url[CONFIG_PATH_MAX];
		char smtp_user[256];
		char smtp_password_file[CONFIG_PATH_MAX];
		char from[320];
		char sms_url[CONFIG_PATH_MAX];
		char sms_auth_file[CONFIG_PATH_MAX];
		char sms_format[8];
		char language[16];
		char templates_dir[CONFIG_PATH_MAX];
		char public_base_url[CONFIG_PATH_MAX];
		char retry_seconds[256];
		long retry[CONFIG_RETRY_MAX]; /* retry_seconds parsed by config_load */
		size_t nretry;
		long timeout_seconds; /* one send, connecting included; below NOTIFY_LEASE_SECONDS */
	} notify;
	struct {
		char wake_socket[CONFIG_PATH_MAX];    /* datagram socket the workers poke after a commit */
		char publish_socket[CONFIG_PATH_MAX]; /* nginx's nchan publisher */
		char metrics_file[CONFIG_PATH_MAX];   /* turnero_relay_* for GET /metrics */
	} relay;
	struct {
		bool allow_private;
		char retry_seconds[256];
	} webhooks;
};

/* Most retries [webhooks] retry_seconds may list. */

/*
 * Parses a retry list such as "5,300,1800" (1-CONFIG_RETRY_MAX whole seconds, 0 = at once, at most
 * 86400 each) into out; returns how many, or -1 when the text is not such a list.
 */
int config_retry_list(const char *text, long out[CONFIG_RETRY_MAX]);

/* Fills cfg with the built-in defaults only. */
void config_defaults(struct config *cfg);

/*
 * Loads defaults, then the INI file at path (must exist), then TURNERO_<SECTION>_<KEY>
 * environment overrides, then checks every value. On failure returns -1 and writes
 * one line naming the file, line or variable into err.
 */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);

/* Writes the effective configuration in INI form (secrets are file paths, never values). */
void config_dump(const struct config *cfg, FILE *out);


/* The config path: explicit (from -c) if given, else $TURNERO_CONFIG, else the built-in default. */
const char *config_default_path(const char *explicit_path);

/*
 * Reads a secret file: at most max bytes, one trailing newline stripped.
 * Returns the length or -1 (errno set) and writes a reason into err.
 */
long config_read_secret(const char *path, char *buf, size_t max, char *err, size_t errlen);

#endif
